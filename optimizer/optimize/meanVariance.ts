/**
 * Baselines on the covariance matrix, solved as convex QPs by HiGHS: mean-variance (Markowitz) and max-Sharpe via
 * the standard homogenisation (Cornuéjols-Tütüncü): min yᵀΣy s.t. (μ−r_f)ᵀy = 1, y >= 0, with the budget's
 * linear constraints scaled by κ = Σy; then w = y/κ.
 */
import { InfeasibleError, ValidationError } from "../errors.ts";
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";
import { covariance, meanReturns } from "../risk/moments.ts";
import { addPortfolio, assetCaps, BPS, checkBudget, validateBudget, type RiskBudget } from "./budget.ts";
import { addColumn, addConstraint, expectOptimal, newModel, runModel, type LinearModel } from "./highs.ts";

/** A portfolio from a moment-based baseline. */
export interface MomentPortfolio {
  readonly assets: readonly string[];
  readonly weights: Float64Array;
  /** μᵀw, fraction per horizon. */
  readonly expectedReturn: number;
  /** √(wᵀΣw), fraction per horizon. */
  readonly volatility: number;
}

/** Moment inputs: estimated from a scenario set, or given directly. */
export interface Moments {
  readonly assets: readonly string[];
  readonly mean: Float64Array;
  /** Row-major n×n. */
  readonly covariance: Float64Array;
}

/** Moments of a scenario set. */
export function momentsOf(set: ScenarioSet): Moments {
  return { assets: set.assets, mean: meanReturns(set), covariance: covariance(set) };
}

/**
 * Objective scale that brings the largest Hessian diagonal to 1. HiGHS's QP solver (1.15, wasm) was seen to stall
 * until its time limit on a 2-asset problem whose Hessian entries were ~1e-3; scaled to O(1) it solves at once. The
 * argmin does not change when the whole objective is multiplied by a positive constant.
 */
function objectiveScale(cov: Float64Array, n: number, factor: number): number {
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, factor * cov[i * n + i]);
  return d > 0 ? 1 / d : 1;
}

function addHessian(m: LinearModel, cols: number[], cov: Float64Array, scale: number): void {
  const n = cols.length;
  m.hessian = [];
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const v = scale * cov[i * n + j];
      if (v !== 0) m.hessian.push([cols[j], cols[i], v]);
    }
  }
}

function summarize(mo: Moments, w: Float64Array): MomentPortfolio {
  const n = w.length;
  let er = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    er += mo.mean[i] * w[i];
    for (let j = 0; j < n; j++) v += w[i] * mo.covariance[i * n + j] * w[j];
  }
  return { assets: mo.assets, weights: w, expectedReturn: er, volatility: Math.sqrt(Math.max(v, 0)) };
}

/**
 * Mean-variance: max μᵀw − (γ/2)·wᵀΣw − costs under the budget; `riskAversion` γ >= 0 (γ large → min variance).
 * With γ = 0 it is the max-return LP.
 */
export async function meanVariance(
  mo: Moments,
  riskAversion: number,
  budget: RiskBudget = {},
): Promise<MomentPortfolio> {
  if (!(riskAversion >= 0)) throw new ValidationError("riskAversion must be >= 0", { riskAversion });
  await checkBudget(mo.assets, budget);
  const m = newModel();
  const cols = addPortfolio(m, mo.assets, budget);
  const k = riskAversion > 0 ? objectiveScale(mo.covariance, mo.assets.length, riskAversion) : 1;
  for (let c = 0; c < m.colCost.length; c++) m.colCost[c] *= k; // trading costs, if any
  cols.weights.forEach((c, i) => (m.colCost[c] -= k * mo.mean[i]));
  if (riskAversion > 0) addHessian(m, cols.weights, mo.covariance, k * riskAversion);
  const sol = expectOptimal(await runModel(m, { timeLimitSeconds: 60 }), "mean-variance QP");
  return summarize(
    mo,
    Float64Array.from(cols.weights, (c) => Math.max(0, sol.x[c])),
  );
}

/** Minimum-variance portfolio under the budget (mean-variance with μ ignored). */
export async function minVariance(mo: Moments, budget: RiskBudget = {}): Promise<MomentPortfolio> {
  return meanVariance({ ...mo, mean: new Float64Array(mo.assets.length) }, 1, budget);
}

/**
 * Max-Sharpe portfolio (excess return per unit volatility, `riskFree` per horizon) under per-asset caps, protocol caps
 * and the idle floor, by the homogenised QP. Turnover and trading costs are not homogeneous and are rejected. Throws
 * `InfeasibleError` (["targetReturn"]) when no feasible portfolio has a positive excess return.
 */
export async function maxSharpe(mo: Moments, budget: RiskBudget = {}, riskFree = 0): Promise<MomentPortfolio> {
  validateBudget(mo.assets, budget);
  if (budget.maxTurnoverBps !== undefined || budget.tradingCostBps !== undefined) {
    throw new ValidationError("maxSharpe supports caps and minIdleBps only (turnover/costs are not homogeneous)");
  }
  await checkBudget(mo.assets, budget);
  const n = mo.assets.length;
  const caps = assetCaps(mo.assets, budget);
  const m = newModel();
  const y = mo.assets.map((_, i) => addColumn(m, `y_${i}`, 0, 0, Infinity));
  const kappa = addColumn(m, "kappa", 0, 0, Infinity);
  addConstraint(
    m,
    "excessReturn",
    1,
    1,
    y,
    Float64Array.from(mo.mean, (v) => v - riskFree),
  );
  addConstraint(m, "fullyInvested", 0, 0, [...y, kappa], [...new Array<number>(n).fill(1), -1]);
  for (let i = 0; i < n; i++)
    if (caps[i] < 1) addConstraint(m, `maxWeight_${i}`, -Infinity, 0, [y[i], kappa], [1, -caps[i]]);
  if (budget.protocolCapBps && budget.protocolOf) {
    for (const [p, capBps] of Object.entries(budget.protocolCapBps)) {
      const members = y.filter((_, i) => budget.protocolOf![mo.assets[i]] === p);
      if (members.length > 0) {
        addConstraint(
          m,
          `protocolCap_${p}`,
          -Infinity,
          0,
          [...members, kappa],
          [...members.map(() => 1), -capBps / BPS],
        );
      }
    }
  }
  if (budget.minIdleBps !== undefined && budget.baseAsset !== undefined) {
    const b = mo.assets.indexOf(budget.baseAsset);
    addConstraint(m, "minIdle", 0, Infinity, [y[b], kappa], [1, -budget.minIdleBps / BPS]);
  }
  addHessian(m, y, mo.covariance, 2 * objectiveScale(mo.covariance, n, 2));
  const r = await runModel(m, { timeLimitSeconds: 60 });
  if (r.status === "infeasible") {
    throw new InfeasibleError("no feasible portfolio has a positive excess return", ["targetReturn"], { riskFree });
  }
  if (r.status === "unbounded") {
    // The problem is bounded (a PSD objective >= 0 over a closed set), but HiGHS' QP solver reports some badly
    // conditioned instances as unbounded — seen with a stablecoin of near-zero mean and variance in the set (12
    // windows of the README backtest). Fall back to a search along the mean-variance path, where Sharpe is unimodal.
    return maxSharpeAlongFrontier(mo, budget, riskFree);
  }
  const sol = expectOptimal(r, "max-Sharpe QP");
  const k = sol.x[kappa];
  return summarize(
    mo,
    Float64Array.from(y, (c) => Math.max(0, sol.x[c] / k)),
  );
}

/**
 * Max-Sharpe by golden-section search over the risk aversion γ of `meanVariance` (log scale, 1e-3 .. 1e6): the
 * Sharpe ratio is unimodal along the efficient frontier. Slower than the homogenised QP (about 40 QPs) and exact to
 * the search tolerance; used only when HiGHS reports that QP unbounded.
 */
export async function maxSharpeAlongFrontier(
  mo: Moments,
  budget: RiskBudget = {},
  riskFree = 0,
): Promise<MomentPortfolio> {
  const sharpe = (p: MomentPortfolio) => (p.expectedReturn - riskFree) / Math.max(p.volatility, 1e-300);
  const at = async (logGamma: number) => {
    const p = await meanVariance(mo, 10 ** logGamma, budget);
    return { p, s: sharpe(p) };
  };
  const phi = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [-3, 6];
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = await at(c);
  let fd = await at(d);
  while (b - a > 1e-3) {
    if (fc.s >= fd.s) {
      [b, d, fd] = [d, c, fc];
      c = b - phi * (b - a);
      fc = await at(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + phi * (b - a);
      fd = await at(d);
    }
  }
  const best = fc.s >= fd.s ? fc : fd;
  if (!(best.p.expectedReturn - riskFree > 0)) {
    throw new InfeasibleError("no feasible portfolio has a positive excess return", ["targetReturn"], { riskFree });
  }
  return best.p;
}
