/**
 * The scenario set every risk measure and objective consumes: simple returns of each asset over one horizon, one row
 * per scenario, with a probability per scenario.
 */
import { ValidationError } from "../errors.ts";

/** Scenarios × assets simple returns (0.05 = +5 %) with scenario probabilities summing to one. */
export interface ScenarioSet {
  /** Column order of `returns`. */
  readonly assets: readonly string[];
  /** Row-major [scenario · assets.length + asset], simple returns over the horizon, fractions. */
  readonly returns: Float64Array;
  /** One probability per scenario, non-negative, summing to 1. */
  readonly probabilities: Float64Array;
}

/** Number of scenarios in `set`. */
export function scenarioCount(set: ScenarioSet): number {
  return set.probabilities.length;
}

/**
 * Builds a validated scenario set; `probabilities` defaults to equal weights. Throws `ValidationError` naming the
 * scenario and asset of the first non-finite return, or the bad probability, so that a broken input never reaches a
 * solver.
 */
export function makeScenarioSet(
  assets: readonly string[],
  returns: Float64Array,
  probabilities?: Float64Array,
): ScenarioSet {
  const n = assets.length;
  if (n === 0) throw new ValidationError("scenario set needs at least one asset");
  if (new Set(assets).size !== n) throw new ValidationError("duplicate asset in scenario set", { assets });
  if (returns.length % n !== 0) {
    throw new ValidationError("returns length is not a multiple of the asset count", { length: returns.length, n });
  }
  const m = returns.length / n;
  if (m === 0) throw new ValidationError("scenario set needs at least one scenario");
  for (let k = 0; k < returns.length; k++) {
    const r = returns[k];
    if (!Number.isFinite(r) || r < -1) {
      throw new ValidationError("scenario return must be finite and >= -1", {
        scenario: Math.floor(k / n),
        asset: assets[k % n],
        value: r,
      });
    }
  }
  let p = probabilities;
  if (p === undefined) p = new Float64Array(m).fill(1 / m);
  else validateProbabilities(p, m);
  return { assets: [...assets], returns, probabilities: p };
}

/** Checks `p` has length `m`, entries >= 0 and sum 1 (±1e-9); throws `ValidationError` otherwise. */
export function validateProbabilities(p: Float64Array, m: number): void {
  if (p.length !== m) throw new ValidationError("one probability per scenario", { scenarios: m, given: p.length });
  let s = 0;
  for (let i = 0; i < m; i++) {
    if (!(p[i] >= 0) || !Number.isFinite(p[i])) {
      throw new ValidationError("scenario probability must be finite and >= 0", { scenario: i, value: p[i] });
    }
    s += p[i];
  }
  if (Math.abs(s - 1) > 1e-9) throw new ValidationError("scenario probabilities must sum to 1", { sum: s });
}

/** True when every probability equals 1/m (to 1e-15 relative), which enables faster tail selection. */
export function isUniform(p: Float64Array): boolean {
  const u = 1 / p.length;
  for (let i = 0; i < p.length; i++) if (Math.abs(p[i] - u) > 1e-15 * u + 1e-300) return false;
  return true;
}

/**
 * Portfolio P&L per scenario as a fraction of NAV: pnl[s] = Σ_a returns[s,a]·weights[a]. Losses are its negation.
 */
export function portfolioReturns(set: ScenarioSet, weights: ArrayLike<number>): Float64Array {
  const n = set.assets.length;
  if (weights.length !== n) throw new ValidationError("one weight per asset", { assets: n, weights: weights.length });
  const m = set.probabilities.length;
  const out = new Float64Array(m);
  const R = set.returns;
  for (let s = 0; s < m; s++) {
    let acc = 0;
    const o = s * n;
    for (let a = 0; a < n; a++) acc += R[o + a] * weights[a];
    out[s] = acc;
  }
  return out;
}

/** Portfolio losses per scenario as fractions of NAV (−portfolioReturns). */
export function portfolioLosses(set: ScenarioSet, weights: ArrayLike<number>): Float64Array {
  const r = portfolioReturns(set, weights);
  for (let i = 0; i < r.length; i++) r[i] = -r[i];
  return r;
}

/** Columns of `set` for `assets` (in that order); throws `ValidationError` naming a missing asset. */
export function selectAssets(set: ScenarioSet, assets: readonly string[]): ScenarioSet {
  const idx = assets.map((a) => {
    const i = set.assets.indexOf(a);
    if (i < 0) throw new ValidationError("asset not in scenario set", { asset: a, available: set.assets });
    return i;
  });
  const n = set.assets.length;
  const m = set.probabilities.length;
  const out = new Float64Array(m * assets.length);
  for (let s = 0; s < m; s++)
    for (let j = 0; j < idx.length; j++) out[s * idx.length + j] = set.returns[s * n + idx[j]];
  return { assets: [...assets], returns: out, probabilities: set.probabilities };
}
