/**
 * The strategies the backtest compares, each a function from an estimation scenario set (past daily returns of the
 * assets investable that day) to target weights, with or without the optimiser's mirror of the on-chain risk budget
 * (`maxWeightBps` per asset, `minIdleBps` of the base asset). Every optimiser call is the library's own
 * (optimizer/optimize): nothing here re-solves a portfolio problem.
 */
import { InfeasibleError } from "../errors.ts";
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";
import { meanReturns, covariance } from "../risk/moments.ts";
import { assetCaps, BPS, type RiskBudget } from "../optimize/budget.ts";
import { minCvar } from "../optimize/minCvar.ts";
import { maxExpectedReturn } from "../optimize/frontier.ts";
import { minRegret } from "../optimize/regret.ts";
import { maxSharpe, meanVariance, momentsOf } from "../optimize/meanVariance.ts";
import { riskBudgeting } from "../optimize/riskParity.ts";

/** Strategy kinds, in report order. */
export const STRATEGY_KINDS = [
  "equal-weight",
  "mean-variance",
  "max-sharpe",
  "risk-parity",
  "min-cvar",
  "mean-cvar",
  "min-regret",
  "buy-and-hold",
] as const;
export type StrategyKind = (typeof STRATEGY_KINDS)[number];

/** One backtested strategy: a kind, with or without the risk budget. */
export interface StrategySpec {
  readonly kind: StrategyKind;
  readonly withBudget: boolean;
}

/** Display name: `min-cvar` or `min-cvar+budget`. */
export function strategyName(s: StrategySpec): string {
  return s.withBudget ? `${s.kind}+budget` : s.kind;
}

/** Every strategy with and without the budget, plus buy-and-hold (without: it never rebalances). */
export function allStrategies(): StrategySpec[] {
  const out: StrategySpec[] = [];
  for (const withBudget of [false, true]) {
    for (const kind of STRATEGY_KINDS) if (kind !== "buy-and-hold") out.push({ kind, withBudget });
  }
  out.push({ kind: "buy-and-hold", withBudget: false });
  return out;
}

/** What a strategy sees on a rebalance day. */
export interface TargetInput {
  /** Past daily returns (or a bootstrap of them) of the investable assets, the base asset included. */
  readonly set: ScenarioSet;
  /** Optimiser budget (caps and idle floor); undefined without the risk budget. */
  readonly budget?: RiskBudget;
  readonly baseAsset: string;
  /** CVaR level, e.g. 0.95. */
  readonly alpha: number;
  /** Mean-variance risk aversion γ (per-day moments). */
  readonly riskAversion: number;
}

/** Target weights in `set.assets` order, and a note when a fallback was used. */
export interface TargetOutput {
  readonly weights: Float64Array;
  readonly note?: string;
}

/**
 * Projects weights onto the budget the simple way a keeper would: clip each asset to its cap, park the excess in the
 * base asset, then scale the risky assets down until the base asset meets `minIdleBps`. Used for the heuristic
 * strategies (equal weight, risk parity) that have no constraint-aware solver.
 */
export function fitToBudget(assets: readonly string[], w: Float64Array, b: RiskBudget, base: string): Float64Array {
  const caps = assetCaps(assets, b);
  const k = assets.indexOf(base);
  const out = Float64Array.from(w);
  let excess = 0;
  for (let i = 0; i < out.length; i++) {
    if (i !== k && out[i] > caps[i]) {
      excess += out[i] - caps[i];
      out[i] = caps[i];
    }
  }
  out[k] += excess;
  const floor = (b.minIdleBps ?? 0) / BPS;
  if (out[k] < floor) {
    const risky = 1 - out[k];
    const f = risky > 0 ? (1 - floor) / risky : 0;
    for (let i = 0; i < out.length; i++) if (i !== k) out[i] *= f;
    out[k] = floor;
  }
  return out;
}

/** Target weights of `kind` (buy-and-hold's initial weights are equal weights). */
export async function targetWeights(kind: StrategyKind, i: TargetInput): Promise<TargetOutput> {
  const { set, budget, alpha } = i;
  const n = set.assets.length;
  const fit = (w: Float64Array) => (budget ? fitToBudget(set.assets, w, budget, i.baseAsset) : w);
  switch (kind) {
    case "equal-weight":
    case "buy-and-hold":
      return { weights: fit(new Float64Array(n).fill(1 / n)) };
    case "risk-parity":
      return { weights: fit(riskBudgeting(covariance(set), n).weights) };
    case "mean-variance":
      return { weights: (await meanVariance(momentsOf(set), i.riskAversion, budget)).weights };
    case "max-sharpe":
      try {
        return { weights: (await maxSharpe(momentsOf(set), budget)).weights };
      } catch (e) {
        if (!(e instanceof InfeasibleError)) throw e;
        const w = new Float64Array(n);
        w[set.assets.indexOf(i.baseAsset)] = 1;
        return { weights: w, note: "max-sharpe: no portfolio with a positive expected return; all in the base asset" };
      }
    case "min-cvar":
      return { weights: (await minCvar(set, { alpha, budget })).weights };
    case "mean-cvar": {
      // the mean-CVaR frontier point halfway in expected return between min-CVaR and the max-return portfolio
      const low = await minCvar(set, { alpha, budget });
      const mu = meanReturns(set);
      let lo = 0;
      low.weights.forEach((w, a) => (lo += w * mu[a]));
      const hi = await maxExpectedReturn(set, budget);
      if (!(hi - lo > 1e-12)) return { weights: low.weights };
      const target = lo + 0.5 * (hi - lo);
      const r = await minCvar(set, {
        alpha,
        budget,
        constraints: [{ family: "targetReturn", lower: target, upper: Infinity, coefs: mu }],
      });
      return { weights: r.weights };
    }
    case "min-regret":
      return { weights: (await minRegret(set, budget)).weights };
  }
}
