/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) on 32-bit integers, seeded through splitmix32, with
 * normal (Marsaglia polar), gamma (Marsaglia-Tsang), chi-square and Student-t draws. Deterministic across platforms:
 * only 32-bit integer arithmetic and IEEE doubles are used. Every random draw in the optimizer goes through one of
 * these generators, so a seed reproduces a scenario set bit for bit.
 */
import { ValidationError } from "../errors.ts";

/** A seeded generator. All methods advance its state. */
export interface Rng {
  /** Uniform draw on the open interval (0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw N(0, 1). */
  normal(): number;
  /** Gamma(shape, 1) draw, shape > 0. */
  gamma(shape: number): number;
  /** Chi-square draw with `nu` > 0 degrees of freedom. */
  chiSquare(nu: number): number;
  /** Standard Student-t draw with `nu` > 0 degrees of freedom (variance nu/(nu-2) when nu > 2). */
  studentT(nu: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates an xoshiro128** generator from an integer `seed` (any safe integer; the high and low 32-bit halves both
 * feed the state). Why our own: Math.random cannot be seeded, and results must be reproducible.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new ValidationError("seed must be a safe integer", { seed });
  const sm = splitmix32((seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x27d4eb2d));
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1;
  let spare = NaN;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  // 53-bit uniform in (0, 1): two 32-bit words, never exactly 0.
  const uniform = (): number => {
    const hi = nextU32() >>> 5;
    const lo = nextU32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  };
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        spare = v * m;
        return u * m;
      }
    }
  };
  const gamma = (shape: number): number => {
    if (!(shape > 0)) throw new ValidationError("gamma shape must be positive", { shape });
    if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
    }
  };
  const chiSquare = (nu: number): number => 2 * gamma(nu / 2);
  return {
    uniform,
    int: (n) => Math.floor(uniform() * n),
    normal,
    gamma,
    chiSquare,
    studentT: (nu) => normal() / Math.sqrt(chiSquare(nu) / nu),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
