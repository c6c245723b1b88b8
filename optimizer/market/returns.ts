/** Price matrix → returns, the input of historical scenarios and moment estimates. */
import { ValidationError } from "../errors.ts";
import { makeScenarioSet, type ScenarioSet } from "../scenarios/scenarioSet.ts";
import type { PriceMatrix } from "./prices.ts";

/** Returns over consecutive rows of a price matrix, with the date each return ends on. */
export interface ReturnSeries extends ScenarioSet {
  /** End date of each return (row). */
  readonly dates: readonly string[];
}

/**
 * Simple returns P_t/P_{t−h} − 1 over `horizon` rows (default 1 = daily on daily data), overlapping when horizon > 1,
 * as an equally weighted scenario set in time order. Fractions.
 */
export function simpleReturns(prices: PriceMatrix, horizon = 1): ReturnSeries {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new ValidationError("horizon must be a positive integer", { horizon });
  const n = prices.assets.length;
  const T = prices.dates.length;
  if (T <= horizon) throw new ValidationError("not enough prices for one return", { dates: T, horizon });
  const out = new Float64Array((T - horizon) * n);
  for (let t = horizon; t < T; t++) {
    for (let a = 0; a < n; a++)
      out[(t - horizon) * n + a] = prices.closes[t * n + a] / prices.closes[(t - horizon) * n + a] - 1;
  }
  return { ...makeScenarioSet(prices.assets, out), dates: prices.dates.slice(horizon) };
}

/** Log returns ln(P_t/P_{t−1}), per row; same layout as `simpleReturns` (not a valid scenario set: may be < −1). */
export function logReturns(prices: PriceMatrix): Float64Array {
  const n = prices.assets.length;
  const T = prices.dates.length;
  const out = new Float64Array(Math.max(0, T - 1) * n);
  for (let t = 1; t < T; t++) {
    for (let a = 0; a < n; a++)
      out[(t - 1) * n + a] = Math.log(prices.closes[t * n + a] / prices.closes[(t - 1) * n + a]);
  }
  return out;
}

/** Rows of `series` whose end date lies in [start, end] (inclusive ISO dates), re-weighted equally. */
export function returnsBetween(series: ReturnSeries, start: string, end: string): ReturnSeries {
  const keep = series.dates.map((d, i) => [d, i] as const).filter(([d]) => d >= start && d <= end);
  if (keep.length === 0) throw new ValidationError("no returns in window", { start, end });
  const n = series.assets.length;
  const out = new Float64Array(keep.length * n);
  keep.forEach(([, i], k) => out.set(series.returns.subarray(i * n, i * n + n), k * n));
  return { ...makeScenarioSet(series.assets, out), dates: keep.map(([d]) => d) };
}
