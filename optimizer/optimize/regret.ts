/**
 * Minimax regret over a scenario set: the portfolio whose largest shortfall against the best budget-feasible
 * portfolio in hindsight is smallest. regret_s(w) = best_s − r_s·w, best_s = max_{w' feasible} r_s·w'. An LP:
 * min z s.t. z >= best_s − r_s·w for every scenario. Robust when scenario probabilities are not trusted.
 */
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";
import { addPortfolio, assetCaps, BPS, checkBudget, type RiskBudget } from "./budget.ts";
import { addColumn, addConstraint, expectOptimal, newModel, runModel } from "./highs.ts";

/** A minimax-regret portfolio. */
export interface MinRegretResult {
  readonly assets: readonly string[];
  readonly weights: Float64Array;
  /** The minimised maximum regret (plus trading costs), fraction of NAV. */
  readonly maxRegret: number;
  /** best_s: the hindsight-best feasible P&L per scenario, fraction of NAV. */
  readonly bestInHindsight: Float64Array;
}

/**
 * Best budget-feasible P&L in each scenario. With only per-asset caps and the idle floor it is a fractional knapsack
 * (fill the best assets up to their caps), solved greedily; otherwise one small LP per scenario.
 */
export async function bestInHindsight(set: ScenarioSet, budget: RiskBudget = {}): Promise<Float64Array> {
  const n = set.assets.length;
  const m = set.probabilities.length;
  const out = new Float64Array(m);
  const simple = budget.protocolCapBps === undefined && budget.maxTurnoverBps === undefined;
  if (simple) {
    const caps = assetCaps(set.assets, budget);
    const lower = new Float64Array(n);
    if (budget.minIdleBps !== undefined && budget.baseAsset !== undefined) {
      lower[set.assets.indexOf(budget.baseAsset)] = budget.minIdleBps / BPS;
    }
    const order = new Array<number>(n);
    for (let s = 0; s < m; s++) {
      const r = set.returns.subarray(s * n, s * n + n);
      let left = 1;
      let v = 0;
      for (let i = 0; i < n; i++) {
        v += lower[i] * r[i];
        left -= lower[i];
        order[i] = i;
      }
      order.sort((a, b) => r[b] - r[a]);
      for (const i of order) {
        const take = Math.min(caps[i] - lower[i], left);
        if (take <= 0) continue;
        v += take * r[i];
        left -= take;
        if (left <= 0) break;
      }
      out[s] = v;
    }
    return out;
  }
  for (let s = 0; s < m; s++) {
    const model = newModel();
    const cols = addPortfolio(model, set.assets, { ...budget, tradingCostBps: undefined });
    cols.weights.forEach((c, i) => (model.colCost[c] = -set.returns[s * n + i]));
    out[s] = -expectOptimal(await runModel(model), "hindsight LP").objective;
  }
  return out;
}

/** Minimax-regret portfolio under the budget (exact LP through HiGHS). */
export async function minRegret(set: ScenarioSet, budget: RiskBudget = {}): Promise<MinRegretResult> {
  await checkBudget(set.assets, budget);
  const n = set.assets.length;
  const m = set.probabilities.length;
  const best = await bestInHindsight(set, budget);
  const model = newModel();
  const cols = addPortfolio(model, set.assets, budget);
  const z = addColumn(model, "z", 1, -Infinity, Infinity);
  const idx = [...cols.weights, z];
  const val = new Float64Array(n + 1);
  val[n] = 1;
  for (let s = 0; s < m; s++) {
    if (set.probabilities[s] <= 0) continue;
    for (let i = 0; i < n; i++) val[i] = set.returns[s * n + i];
    addConstraint(model, `regret_${s}`, best[s], Infinity, idx, val); // z + r_s·w >= best_s
  }
  const sol = expectOptimal(await runModel(model), "min-regret LP");
  return {
    assets: set.assets,
    weights: Float64Array.from(cols.weights, (c) => Math.max(0, sol.x[c])),
    maxRegret: sol.objective,
    bestInHindsight: best,
  };
}
