/**
 * Tail selection shared by VaR, CVaR and the CVaR cutting plane: which scenarios form the worst (1−α) probability
 * mass, with the boundary scenario taking the fractional remainder (Rockafellar-Uryasev).
 */
import { ValidationError } from "../errors.ts";

/** The (1−α) tail of a loss distribution. */
export interface Tail {
  /** Value at risk: the α-quantile of the losses (the minimising ζ of the Rockafellar-Uryasev function). */
  readonly valueAtRisk: number;
  /** Conditional value at risk: expected loss in the worst (1−α) probability mass. */
  readonly cvar: number;
  /** Scenario indices in the tail. */
  readonly indices: Uint32Array;
  /** Their tail weights q_s (Σ q_s = 1): p_s/(1−α), the boundary scenario the remainder. */
  readonly weights: Float64Array;
}

/** Throws `ValidationError` unless 0 < alpha < 1. */
export function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new ValidationError("alpha must be in (0, 1)", { alpha });
}

/**
 * Worst (1−α) tail of `losses` (fractions of NAV) under scenario `weights` (probabilities; default equal). With equal
 * weights it runs in O(m) by quickselect; otherwise it sorts, O(m log m). The returned tail weights define the CVaR
 * subgradient used by the fast min-CVaR method: ∂CVaR/∂w = Σ q_s ∂L_s/∂w.
 */
export function lossTail(losses: Float64Array, alpha: number, weights?: Float64Array, scratch?: Uint32Array): Tail {
  checkAlpha(alpha);
  const m = losses.length;
  if (m === 0) throw new ValidationError("no scenarios");
  const idx = scratch && scratch.length >= m ? scratch.subarray(0, m) : new Uint32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  const tailMass = 1 - alpha;
  if (weights === undefined) {
    // Equal probabilities 1/m: the tail is the top `full` scenarios plus a fraction of the next one.
    const exact = tailMass * m;
    let full = Math.floor(exact + 1e-9);
    let frac = exact - full;
    if (frac < 1e-9) frac = 0;
    if (full >= m) {
      full = m;
      frac = 0;
    }
    const k = m - full - (frac > 0 ? 1 : 0); // idx[k..m) are the tail after selection
    select(idx, losses, Math.max(0, k === m ? m - 1 : k));
    const count = m - k;
    const ti = new Uint32Array(count);
    const tw = new Float64Array(count);
    let cv = 0;
    let varLoss = Infinity;
    for (let j = 0; j < count; j++) {
      const s = idx[k + j];
      ti[j] = s;
      tw[j] = 1 / exact;
      if (losses[s] < varLoss) varLoss = losses[s];
    }
    if (frac > 0) {
      // the smallest loss among the selected is the boundary scenario: give it the fraction
      const bj = indexOfMin(ti, losses);
      tw[bj] = frac / exact;
    }
    for (let j = 0; j < count; j++) cv += tw[j] * losses[ti[j]];
    if (frac === 0 && k > 0) {
      // the α-quantile is the largest loss outside the tail (lower quantile, F(VaR) >= α)
      varLoss = -Infinity;
      for (let j = 0; j < k; j++) if (losses[idx[j]] > varLoss) varLoss = losses[idx[j]];
    }
    if (count === 0) return { valueAtRisk: maxOf(losses), cvar: maxOf(losses), indices: ti, weights: tw };
    return { valueAtRisk: varLoss, cvar: cv, indices: ti, weights: tw };
  }
  if (weights.length !== m)
    throw new ValidationError("one weight per scenario", { scenarios: m, weights: weights.length });
  const order = Array.from(idx).sort((a, b) => losses[b] - losses[a]);
  const ti: number[] = [];
  const tw: number[] = [];
  let acc = 0;
  let varLoss = losses[order[0]];
  for (const s of order) {
    const p = weights[s];
    if (p <= 0) continue;
    const take = Math.min(p, tailMass - acc);
    if (take <= 0) break;
    ti.push(s);
    tw.push(take / tailMass);
    acc += take;
    varLoss = losses[s];
    if (acc >= tailMass * (1 - 1e-12)) break;
  }
  // VaR as the lower α-quantile: the smallest loss whose cumulative probability reaches α
  let cum = 0;
  for (let j = order.length - 1; j >= 0; j--) {
    cum += weights[order[j]];
    if (cum >= alpha - 1e-12) {
      varLoss = losses[order[j]];
      break;
    }
  }
  let cv = 0;
  for (let j = 0; j < ti.length; j++) cv += tw[j] * losses[ti[j]];
  return { valueAtRisk: varLoss, cvar: cv, indices: Uint32Array.from(ti), weights: Float64Array.from(tw) };
}

function maxOf(a: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

function indexOfMin(ti: Uint32Array, losses: Float64Array): number {
  let b = 0;
  for (let j = 1; j < ti.length; j++) if (losses[ti[j]] < losses[ti[b]]) b = j;
  return b;
}

/** Hoare quickselect on an index array: afterwards keys[idx[k]] is the k-th smallest and idx[k..] hold keys >= it. */
function select(idx: Uint32Array, keys: Float64Array, k: number): void {
  let lo = 0;
  let hi = idx.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three pivot
    const a = keys[idx[lo]];
    const b = keys[idx[mid]];
    const c = keys[idx[hi]];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[idx[i]] < pivot) i++;
      while (keys[idx[j]] > pivot) j--;
      if (i <= j) {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
