/**
 * Historical scenarios: a time window of past returns as equally likely scenarios, and the seeded circular block
 * bootstrap that resamples blocks of consecutive days so that volatility clustering and multi-day crashes survive.
 */
import { ValidationError } from "../errors.ts";
import { createRng } from "./random.ts";
import { makeScenarioSet, type ScenarioSet } from "./scenarioSet.ts";

/**
 * Compounded `horizon`-day returns of consecutive rows of `history` (time-ordered one-period returns), overlapping
 * windows, as equally weighted scenarios. horizon = 1 returns the rows themselves.
 */
export function historicalScenarios(history: ScenarioSet, horizon = 1): ScenarioSet {
  const n = history.assets.length;
  const T = history.probabilities.length;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > T) {
    throw new ValidationError("horizon must be an integer in [1, history length]", { horizon, history: T });
  }
  const m = T - horizon + 1;
  const out = new Float64Array(m * n);
  for (let s = 0; s < m; s++) {
    for (let a = 0; a < n; a++) {
      let g = 1;
      for (let t = s; t < s + horizon; t++) g *= 1 + history.returns[t * n + a];
      out[s * n + a] = g - 1;
    }
  }
  return makeScenarioSet(history.assets, out);
}

/** Options of `blockBootstrap`. */
export interface BlockBootstrapOptions {
  /** Number of scenarios to draw. */
  readonly scenarios: number;
  /** Days compounded into one scenario (default 1). */
  readonly horizon?: number;
  /** Length of each resampled block, days (default 5); 1 = the i.i.d. bootstrap. */
  readonly blockLength?: number;
  readonly seed: number;
}

/**
 * Circular block bootstrap (Politis-Romano): each scenario compounds `horizon` days taken as consecutive blocks of
 * `blockLength` days starting at seeded random points (wrapping around the end). Same seed, same scenarios.
 */
export function blockBootstrap(history: ScenarioSet, o: BlockBootstrapOptions): ScenarioSet {
  const n = history.assets.length;
  const T = history.probabilities.length;
  const h = o.horizon ?? 1;
  const b = o.blockLength ?? 5;
  if (!(Number.isInteger(o.scenarios) && o.scenarios > 0))
    throw new ValidationError("scenarios must be > 0", { scenarios: o.scenarios });
  if (!(Number.isInteger(h) && h > 0)) throw new ValidationError("horizon must be a positive integer", { horizon: h });
  if (!(Number.isInteger(b) && b > 0 && b <= T))
    throw new ValidationError("blockLength must be in [1, history length]", { blockLength: b });
  const rng = createRng(o.seed);
  const out = new Float64Array(o.scenarios * n);
  const g = new Float64Array(n);
  for (let s = 0; s < o.scenarios; s++) {
    g.fill(1);
    let left = h;
    while (left > 0) {
      const start = rng.int(T);
      const len = Math.min(b, left);
      for (let k = 0; k < len; k++) {
        const t = (start + k) % T;
        for (let a = 0; a < n; a++) g[a] *= 1 + history.returns[t * n + a];
      }
      left -= len;
    }
    for (let a = 0; a < n; a++) out[s * n + a] = g[a] - 1;
  }
  return makeScenarioSet(history.assets, out);
}
