/**
 * Mean-CVaR efficient frontier: for target returns between the min-CVaR portfolio's return and the highest return
 * the budget allows, the least CVaR that reaches each target (fast min-CVaR with a `targetReturn` constraint).
 */
import { ValidationError } from "../errors.ts";
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";
import { meanReturns } from "../risk/moments.ts";
import { addPortfolio, checkBudget, type RiskBudget } from "./budget.ts";
import { expectOptimal, newModel, runModel } from "./highs.ts";
import { minCvar } from "./minCvar.ts";

/** One frontier point. */
export interface FrontierPoint {
  /** Required expected return, fraction per horizon. */
  readonly targetReturn: number;
  readonly expectedReturn: number;
  /** Minimum CVaR at this target (plus trading costs), fraction of NAV. */
  readonly cvar: number;
  readonly weights: Float64Array;
}

/** Options of `meanCvarFrontier`. */
export interface FrontierOptions {
  readonly alpha: number;
  readonly budget?: RiskBudget;
  /** Number of points, >= 2 (default 10). */
  readonly points?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Highest expected return the budget admits (an LP), fraction per horizon. */
export async function maxExpectedReturn(set: ScenarioSet, budget: RiskBudget = {}): Promise<number> {
  await checkBudget(set.assets, budget);
  const mu = meanReturns(set);
  const m = newModel();
  const cols = addPortfolio(m, set.assets, budget);
  cols.weights.forEach((c, i) => (m.colCost[c] -= mu[i]));
  const sol = expectOptimal(await runModel(m), "max-return LP");
  let r = 0;
  cols.weights.forEach((c, i) => (r += mu[i] * sol.x[c]));
  return r;
}

/**
 * The mean-CVaR frontier, `points` targets evenly spaced from the min-CVaR return to the max return. CVaR is
 * non-decreasing along it (a higher target only removes feasible portfolios). Why: choosing a point on it is how a
 * strategist trades expected return for tail loss.
 */
export async function meanCvarFrontier(set: ScenarioSet, o: FrontierOptions): Promise<FrontierPoint[]> {
  const k = o.points ?? 10;
  if (!Number.isInteger(k) || k < 2) throw new ValidationError("frontier needs at least 2 points", { points: k });
  const mu = meanReturns(set);
  const base = await minCvar(set, { alpha: o.alpha, budget: o.budget });
  let lo = 0;
  base.weights.forEach((w, i) => (lo += w * mu[i]));
  const hi = await maxExpectedReturn(set, o.budget);
  const out: FrontierPoint[] = [];
  for (let j = 0; j < k; j++) {
    // the last point sits a hair inside the max so that solver tolerances cannot make it infeasible
    const target = j === 0 ? -Infinity : lo + ((hi - lo) * j) / (k - 1) - (j === k - 1 ? 1e-9 * Math.abs(hi) : 0);
    const r =
      j === 0
        ? base
        : await minCvar(set, {
            alpha: o.alpha,
            budget: o.budget,
            constraints: [{ family: "targetReturn", lower: target, upper: Infinity, coefs: mu }],
          });
    let er = 0;
    r.weights.forEach((w, i) => (er += w * mu[i]));
    out.push({ targetReturn: j === 0 ? lo : target, expectedReturn: er, cvar: r.objective, weights: r.weights });
    o.onProgress?.(j + 1, k);
  }
  return out;
}
