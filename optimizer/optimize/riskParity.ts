/**
 * Risk budgeting (equal risk contribution when budgets are equal): weights whose contributions to portfolio variance,
 * w_i·(Σw)_i / wᵀΣw, equal the budgets b_i. Solved through Spinu's convex reformulation
 * min ½yᵀΣy − Σ b_i ln y_i (y > 0), whose unique minimiser gives w = y/Σy, by damped Newton with a backtracking line
 * search kept inside y > 0. HiGHS is an LP/QP solver and cannot take the log barrier, hence this small custom solver.
 */
import { SolverError, ValidationError } from "../errors.ts";

/** Options of `riskBudgeting`. */
export interface RiskBudgetingOptions {
  /** Risk budgets b_i > 0 (normalised to sum 1); default equal (risk parity). */
  readonly budgets?: ArrayLike<number>;
  /** Stop when the Newton decrement² / 2 < tolerance (default 1e-24). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/** Result of `riskBudgeting`. */
export interface RiskBudgetingResult {
  /** Long-only weights summing to 1. */
  readonly weights: Float64Array;
  /** Each asset's share of portfolio variance (sums to 1). */
  readonly riskContributions: Float64Array;
  readonly iterations: number;
}

/** Solves A·x = b for symmetric positive definite A (n×n row-major) by Cholesky; returns x. */
function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new SolverError("risk budgeting Hessian is not positive definite", { row: i });
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/**
 * Risk-budgeting weights for covariance `cov` (row-major n×n, any per-horizon unit). Why: a tail-agnostic baseline
 * that spreads risk instead of capital; the convex form guarantees a unique answer when Σ is positive definite.
 */
export function riskBudgeting(cov: Float64Array, n: number, o: RiskBudgetingOptions = {}): RiskBudgetingResult {
  if (cov.length !== n * n) throw new ValidationError("covariance must be n×n", { n, length: cov.length });
  const b = new Float64Array(n).fill(1 / n);
  if (o.budgets !== undefined) {
    if (o.budgets.length !== n) throw new ValidationError("one risk budget per asset", { n });
    let s = 0;
    for (let i = 0; i < n; i++) {
      if (!(o.budgets[i] > 0)) throw new ValidationError("risk budgets must be > 0", { index: i });
      s += o.budgets[i];
    }
    for (let i = 0; i < n; i++) b[i] = o.budgets[i] / s;
  }
  const tol = o.tolerance ?? 1e-24;
  const maxIt = o.maxIterations ?? 200;
  // start at y ∝ 1/σ_i scaled so that yᵀΣy = 1 (a good guess: exact when correlations are equal)
  let y = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(cov[i * n + i]));
  const sy = Math.sqrt(quad(cov, y, n));
  y = y.map((v) => v / sy);
  const f = (v: Float64Array): number => {
    let s = 0.5 * quad(cov, v, n);
    for (let i = 0; i < n; i++) s -= b[i] * Math.log(v[i]);
    return s;
  };
  let it = 0;
  for (; it < maxIt; it++) {
    const Sy = matVec(cov, y, n);
    const g = Float64Array.from(Sy, (v, i) => v - b[i] / y[i]);
    const H = Float64Array.from(cov);
    for (let i = 0; i < n; i++) H[i * n + i] += b[i] / (y[i] * y[i]);
    const dx = solveSpd(H, g, n);
    let dec = 0;
    for (let i = 0; i < n; i++) dec += g[i] * dx[i];
    if (dec / 2 < tol) break;
    // largest step keeping y > 0, then Armijo backtracking
    let t = 1;
    for (let i = 0; i < n; i++) if (dx[i] > 0) t = Math.min(t, (0.99 * y[i]) / dx[i]);
    const f0 = f(y);
    for (;;) {
      const yn = Float64Array.from(y, (v, i) => v - t * dx[i]);
      if (f(yn) <= f0 - 0.25 * t * dec || t < 1e-12) {
        y = yn;
        break;
      }
      t *= 0.5;
    }
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += y[i];
  const w = y.map((v) => v / s);
  const Sw = matVec(cov, w, n);
  const total = quad(cov, w, n);
  return { weights: w, riskContributions: w.map((v, i) => (v * Sw[i]) / total), iterations: it };
}

function matVec(A: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    out[i] = s;
  }
  return out;
}

function quad(A: Float64Array, x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += A[i * n + j] * x[j];
    s += x[i] * r;
  }
  return s;
}
