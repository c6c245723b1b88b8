/**
 * Risk measures on scenario P&L. Convention: `losses` are fractions of NAV (0.1 = lost 10 %), positive = bad;
 * `weights` are scenario probabilities (default equal). Path measures (drawdowns) take a NAV or return path in time
 * order instead.
 */
import { ValidationError } from "../errors.ts";
import { checkAlpha, lossTail } from "./tail.ts";

function checkWeights(n: number, weights?: Float64Array): void {
  if (n === 0) throw new ValidationError("no scenarios");
  if (weights !== undefined && weights.length !== n) {
    throw new ValidationError("one weight per scenario", { scenarios: n, weights: weights.length });
  }
}

/** Probability-weighted mean of `values` (fractions of NAV). */
export function mean(values: Float64Array, weights?: Float64Array): number {
  checkWeights(values.length, weights);
  let s = 0;
  if (weights === undefined) {
    for (let i = 0; i < values.length; i++) s += values[i];
    return s / values.length;
  }
  for (let i = 0; i < values.length; i++) s += weights[i] * values[i];
  return s;
}

/**
 * Standard deviation of scenario P&L (or losses: same value), fractions of NAV per horizon. Probability-weighted,
 * population form (divides by total probability, not m−1), because scenarios are a distribution, not a sample.
 */
export function volatility(values: Float64Array, weights?: Float64Array): number {
  const mu = mean(values, weights);
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mu;
    s += (weights === undefined ? 1 / values.length : weights[i]) * d * d;
  }
  return Math.sqrt(s);
}

/** Value at risk at level `alpha` (e.g. 0.95): the lower α-quantile of `losses`, fraction of NAV. */
export function valueAtRisk(losses: Float64Array, alpha: number, weights?: Float64Array): number {
  checkWeights(losses.length, weights);
  return lossTail(losses, alpha, weights).valueAtRisk;
}

/**
 * Conditional value at risk at `alpha` (e.g. 0.95), Rockafellar-Uryasev: min_ζ ζ + E[(L−ζ)⁺]/(1−α), i.e. the expected
 * loss in the worst (1−α) probability mass with the boundary scenario counted fractionally. Fraction of NAV. Coherent
 * (unlike VaR), so it rewards diversification, and it is what the min-CVaR optimiser minimises.
 */
export function cvar(losses: Float64Array, alpha: number, weights?: Float64Array): number {
  checkWeights(losses.length, weights);
  return lossTail(losses, alpha, weights).cvar;
}

/** Worst-case loss over the scenarios with positive probability, fraction of NAV. */
export function worstCase(losses: Float64Array, weights?: Float64Array): number {
  checkWeights(losses.length, weights);
  let w = -Infinity;
  for (let i = 0; i < losses.length; i++) if ((weights === undefined || weights[i] > 0) && losses[i] > w) w = losses[i];
  return w;
}

/**
 * Drawdowns of a NAV path (any positive unit, time order): dd[t] = 1 − nav[t]/max_{u<=t} nav[u], fractions in [0, 1).
 */
export function drawdowns(nav: Float64Array): Float64Array {
  const out = new Float64Array(nav.length);
  let peak = -Infinity;
  for (let t = 0; t < nav.length; t++) {
    const v = nav[t];
    if (!(v > 0) || !Number.isFinite(v)) throw new ValidationError("NAV must be positive and finite", { t, value: v });
    if (v > peak) peak = v;
    out[t] = 1 - v / peak;
  }
  return out;
}

/** NAV path (starting at 1) compounded from simple `returns` in time order. */
export function navFromReturns(returns: Float64Array): Float64Array {
  const nav = new Float64Array(returns.length + 1);
  nav[0] = 1;
  for (let t = 0; t < returns.length; t++) nav[t + 1] = nav[t] * (1 + returns[t]);
  return nav;
}

/** Maximum drawdown of a NAV path: the largest peak-to-trough fall, fraction of the peak. */
export function maxDrawdown(nav: Float64Array): number {
  const dd = drawdowns(nav);
  let m = 0;
  for (let i = 0; i < dd.length; i++) if (dd[i] > m) m = dd[i];
  return m;
}

/**
 * Conditional drawdown at risk (Chekhlov-Uryasev-Zabarankin): the CVaR at `alpha` of the drawdown series of a NAV
 * path, i.e. the mean of its worst (1−α) drawdowns, fraction of the peak. Tail-aware like CVaR, but for paths.
 */
export function cdar(nav: Float64Array, alpha: number): number {
  checkAlpha(alpha);
  return cvar(drawdowns(nav), alpha);
}

/**
 * Regret of each candidate portfolio in each scenario: regret[c][s] = best[s] − pnl[c][s], where best[s] is the
 * highest P&L any candidate (or `bestPossible[s]`, when given) reaches in scenario s. Fractions of NAV, >= 0 when
 * `bestPossible` dominates. Used to compare strategies by how much they could have been beaten.
 */
export function regret(pnlByCandidate: readonly Float64Array[], bestPossible?: Float64Array): Float64Array[] {
  if (pnlByCandidate.length === 0) throw new ValidationError("regret needs at least one candidate");
  const m = pnlByCandidate[0].length;
  for (const p of pnlByCandidate) {
    if (p.length !== m) throw new ValidationError("candidates must have the same scenarios", { m, got: p.length });
  }
  let best = bestPossible;
  if (best === undefined) {
    best = new Float64Array(m).fill(-Infinity);
    for (const p of pnlByCandidate) for (let s = 0; s < m; s++) if (p[s] > best[s]) best[s] = p[s];
  } else if (best.length !== m) throw new ValidationError("bestPossible needs one value per scenario", { m });
  const b = best;
  return pnlByCandidate.map((p) => p.map((v, s) => b[s] - v));
}

/** Maximum over scenarios of `regrets` (fractions of NAV): the minimax-regret criterion. */
export function maxRegret(regrets: Float64Array): number {
  return worstCase(regrets);
}
