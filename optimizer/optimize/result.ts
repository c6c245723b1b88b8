/** Summary statistics of a weight vector on a scenario set, shared by every objective's result. */
import { isUniform, portfolioLosses, type ScenarioSet } from "../scenarios/scenarioSet.ts";
import { lossTail } from "../risk/tail.ts";
import { volatility, worstCase } from "../risk/measures.ts";

/** Risk/return figures of one portfolio on one scenario set; fractions of NAV per scenario horizon. */
export interface PortfolioStats {
  readonly expectedReturn: number;
  readonly volatility: number;
  readonly valueAtRisk: number;
  readonly cvar: number;
  readonly worstLoss: number;
}

/** Evaluates `weights` on `set` at CVaR level `alpha`. */
export function portfolioStats(set: ScenarioSet, weights: ArrayLike<number>, alpha: number): PortfolioStats {
  const losses = portfolioLosses(set, weights);
  const p = isUniform(set.probabilities) ? undefined : set.probabilities;
  const tail = lossTail(losses, alpha, p);
  let mu = 0;
  for (let s = 0; s < losses.length; s++) mu -= set.probabilities[s] * losses[s];
  return {
    expectedReturn: mu,
    volatility: volatility(losses, set.probabilities),
    valueAtRisk: tail.valueAtRisk,
    cvar: tail.cvar,
    worstLoss: worstCase(losses, p),
  };
}
