/**
 * Fat-tailed scenario simulation, seeded: a multivariate Student-t (a Gaussian vector divided by one common
 * √(χ²_ν/ν), so the assets crash together), a Student-t factor model for synthetic test/benchmark data, and filtered
 * historical simulation (history re-scaled from its EWMA volatility to today's).
 */
import { ValidationError } from "../errors.ts";
import { createRng } from "./random.ts";
import { makeScenarioSet, type ScenarioSet } from "./scenarioSet.ts";

/** Lower Cholesky factor L (row-major n×n) of a symmetric positive (semi)definite matrix, L·Lᵀ = cov. */
export function cholesky(cov: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (s < -1e-12 * Math.max(1, cov[i * n + i])) {
          throw new ValidationError("covariance matrix is not positive semidefinite", { row: i, pivot: s });
        }
        L[i * n + i] = Math.sqrt(Math.max(s, 0));
      } else {
        L[i * n + j] = L[j * n + j] > 0 ? s / L[j * n + j] : 0;
      }
    }
  }
  return L;
}

/** Options of `simulateStudentT`. */
export interface StudentTOptions {
  readonly assets: readonly string[];
  /** Mean simple return per asset over the horizon. */
  readonly mean: ArrayLike<number>;
  /** Covariance of returns over the horizon, row-major n×n. */
  readonly covariance: Float64Array;
  /** Degrees of freedom ν > 2 (3-5 for crypto-like tails). */
  readonly nu: number;
  readonly scenarios: number;
  readonly seed: number;
}

/**
 * Multivariate Student-t scenarios with the given mean and covariance: r = μ + √((ν−2)/ν)·L·z / √(χ²_ν/ν). The
 * common χ² divisor gives tail dependence (joint crashes) that a Gaussian lacks. Returns are floored at −1.
 */
export function simulateStudentT(o: StudentTOptions): ScenarioSet {
  const n = o.assets.length;
  if (!(o.nu > 2)) throw new ValidationError("Student-t needs nu > 2 for a finite covariance", { nu: o.nu });
  if (o.covariance.length !== n * n) throw new ValidationError("covariance must be n×n", { n });
  const L = cholesky(o.covariance, n);
  const rng = createRng(o.seed);
  const scale = Math.sqrt((o.nu - 2) / o.nu);
  const out = new Float64Array(o.scenarios * n);
  const z = new Float64Array(n);
  for (let s = 0; s < o.scenarios; s++) {
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    const w = scale / Math.sqrt(rng.chiSquare(o.nu) / o.nu);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k <= i; k++) acc += L[i * n + k] * z[k];
      out[s * n + i] = Math.max(-1, o.mean[i] + w * acc);
    }
  }
  return makeScenarioSet(o.assets, out);
}

/** Options of `simulateFactorStudentT`. */
export interface FactorStudentTOptions {
  readonly nAssets: number;
  readonly scenarios: number;
  /** Degrees of freedom of the factor and idiosyncratic t draws (default 3). */
  readonly nu?: number;
  readonly seed: number;
}

/**
 * Synthetic one-factor Student-t returns for tests and benchmarks: r_a = μ_a + β_a·f + σ_a·ε_a with f, ε_a ~ t_ν
 * scaled to unit variance; β in [0.5, 1.5], factor vol 3 %, idiosyncratic vol 1-4 %, μ in [0, 0.4 %]. Assets are named
 * A0, A1, ... The construction matches the one behind the solver figures in TOOLCHAIN.md.
 */
export function simulateFactorStudentT(o: FactorStudentTOptions): ScenarioSet {
  const nu = o.nu ?? 3;
  const n = o.nAssets;
  const rng = createRng(o.seed);
  const beta = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
  const idio = Float64Array.from({ length: n }, () => 0.01 + 0.03 * rng.uniform());
  const mu = Float64Array.from({ length: n }, () => 0.004 * rng.uniform());
  const tScale = Math.sqrt((nu - 2) / nu);
  const out = new Float64Array(o.scenarios * n);
  for (let s = 0; s < o.scenarios; s++) {
    const f = 0.03 * tScale * rng.studentT(nu);
    for (let a = 0; a < n; a++) {
      out[s * n + a] = Math.max(-1, mu[a] + beta[a] * f + idio[a] * tScale * rng.studentT(nu));
    }
  }
  return makeScenarioSet(
    Array.from({ length: n }, (_, a) => `A${a}`),
    out,
  );
}

/** Options of `filteredHistoricalSimulation`. */
export interface FilteredHistoricalOptions {
  /** EWMA decay λ (RiskMetrics daily 0.94). */
  readonly lambda?: number;
}

/**
 * Filtered historical simulation: each asset's historical return r_t is divided by its EWMA volatility σ_t (known at
 * t−1) and multiplied by the latest σ_T, so a calm-period crash is replayed at today's volatility. Keeps the
 * historical cross-section (co-crashes) and fat tails. `history` is a scenario set of past returns in time order.
 */
export function filteredHistoricalSimulation(history: ScenarioSet, o: FilteredHistoricalOptions = {}): ScenarioSet {
  const lambda = o.lambda ?? 0.94;
  if (!(lambda > 0 && lambda < 1)) throw new ValidationError("EWMA lambda must be in (0, 1)", { lambda });
  const n = history.assets.length;
  const m = history.probabilities.length;
  if (m < 2) throw new ValidationError("filtered historical simulation needs at least 2 returns", { scenarios: m });
  const R = history.returns;
  const out = new Float64Array(m * n);
  for (let a = 0; a < n; a++) {
    let v = 0;
    for (let t = 0; t < m; t++) v += R[t * n + a] * R[t * n + a];
    v = Math.max(v / m, 1e-12); // seed the EWMA with the sample variance
    const sig = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      sig[t] = Math.sqrt(v);
      v = lambda * v + (1 - lambda) * R[t * n + a] * R[t * n + a];
    }
    const now = Math.sqrt(v);
    for (let t = 0; t < m; t++) out[t * n + a] = Math.max(-1, (R[t * n + a] / sig[t]) * now);
  }
  return makeScenarioSet(history.assets, out, history.probabilities);
}
