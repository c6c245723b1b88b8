/** First and second moments of a scenario set, probability-weighted, per horizon (fractions of NAV). */
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";

/** Mean return per asset, fraction per horizon. */
export function meanReturns(set: ScenarioSet): Float64Array {
  const n = set.assets.length;
  const mu = new Float64Array(n);
  const p = set.probabilities;
  for (let s = 0; s < p.length; s++) for (let a = 0; a < n; a++) mu[a] += p[s] * set.returns[s * n + a];
  return mu;
}

/**
 * Covariance matrix of returns (row-major n×n), probability-weighted population form, fraction² per horizon. The
 * baseline models (mean-variance, max-Sharpe, risk parity) use it; the tail objectives use the scenarios directly.
 */
export function covariance(set: ScenarioSet): Float64Array {
  const n = set.assets.length;
  const mu = meanReturns(set);
  const cov = new Float64Array(n * n);
  const p = set.probabilities;
  const d = new Float64Array(n);
  for (let s = 0; s < p.length; s++) {
    for (let a = 0; a < n; a++) d[a] = set.returns[s * n + a] - mu[a];
    for (let a = 0; a < n; a++) {
      const pa = p[s] * d[a];
      for (let b = 0; b <= a; b++) cov[a * n + b] += pa * d[b];
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) cov[b * n + a] = cov[a * n + b];
  return cov;
}
