/**
 * Multi-objective yield versus tail: min CVaR_α(loss) − λ·(yield + mean)ᵀw over the budget, a scalarisation of the
 * two objectives "earn yield" and "limit the tail". Sweeping λ traces the yield-tail trade-off curve. Solved by the
 * fast min-CVaR with a linear objective term.
 */
import { ValidationError } from "../errors.ts";
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";
import { meanReturns } from "../risk/moments.ts";
import type { RiskBudget } from "./budget.ts";
import { minCvar, type MinCvarResult } from "./minCvar.ts";

/** Options of `yieldVersusTail`. */
export interface YieldTailOptions {
  readonly alpha: number;
  /** Expected yield per asset over the scenario horizon (staking, lending, fees), fraction of NAV. */
  readonly yieldPerAsset: ArrayLike<number>;
  /** λ >= 0: NAV of CVaR one is willing to accept per unit of yield. 0 = pure min-CVaR. */
  readonly lambda: number;
  /** Also count the scenarios' mean price return as "yield" (default true). */
  readonly includeMeanReturn?: boolean;
  readonly budget?: RiskBudget;
}

/** Result: the min-CVaR result plus the portfolio's yield. */
export interface YieldTailResult extends MinCvarResult {
  /** (yield + mean)ᵀw, fraction per horizon. */
  readonly totalYield: number;
}

/** Solves the scalarised yield-versus-tail problem for one λ. */
export async function yieldVersusTail(set: ScenarioSet, o: YieldTailOptions): Promise<YieldTailResult> {
  const n = set.assets.length;
  if (o.yieldPerAsset.length !== n) throw new ValidationError("one yield per asset", { assets: n });
  if (!(o.lambda >= 0)) throw new ValidationError("lambda must be >= 0", { lambda: o.lambda });
  const mu = o.includeMeanReturn === false ? new Float64Array(n) : meanReturns(set);
  const y = Float64Array.from({ length: n }, (_, i) => o.yieldPerAsset[i] + mu[i]);
  const r = await minCvar(set, {
    alpha: o.alpha,
    budget: o.budget,
    linearObjective: y.map((v) => -o.lambda * v),
  });
  let total = 0;
  r.weights.forEach((w, i) => (total += w * y[i]));
  return { ...r, totalYield: total };
}
