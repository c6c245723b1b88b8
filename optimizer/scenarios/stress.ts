/**
 * Stress library. Two forms:
 * - named shocks (`stressLibrary`): one return per asset plus a volatility shift, for full revaluation of books
 *   (the `stress` CLI command reads this);
 * - scenario-set transforms that keep probabilities: market crash, correlation → 1, volatility spike, stablecoin
 *   depeg, protocol failure (binary smart-contract risk: with probability q the protocol's assets lose a fraction),
 *   liquidation cascade, and user-defined scenarios mixed in with their probabilities.
 */
import { ValidationError } from "../errors.ts";
import { makeScenarioSet, type ScenarioSet } from "./scenarioSet.ts";

/** A named one-period shock: simple return per asset (absent = 0) and a parallel implied-vol shift (fraction). */
export interface StressShock {
  readonly name: string;
  readonly returns: Readonly<Record<string, number>>;
  readonly volShift?: number;
}

/** Stablecoins recognised by symbol (they do not crash with the market; they depeg). */
export const STABLECOINS = /^(USDC|USDT|DAI|FRAX|LUSD|USDE|GHO|PYUSD|CRVUSD|SUSD|TUSD|BUSD|UST)$/i;

/** Options of `stressLibrary`. */
export interface StressLibraryOptions {
  /** Crash size for risky assets, fraction (default 0.4: ETH fell ~45 % in May-June 2022). */
  readonly crash?: number;
  /** Depeg size of stablecoins, fraction (default 0.13: USDC's low in March 2023 was 0.87). */
  readonly depeg?: number;
  /** Loss fraction of a protocol failure (default 1: total loss). */
  readonly protocolLoss?: number;
}

/**
 * The standard named shocks for `assets`: market crash, crash with vol spike, volatility spike alone, stablecoin
 * depeg (one per stablecoin), a crash with stablecoins depegging, a liquidation cascade (crash then a second leg), and
 * a failure of each non-stable asset's protocol. Sizes calibrated on the crashes in ../shared/data (2020-2023).
 */
export function stressLibrary(assets: readonly string[], o: StressLibraryOptions = {}): StressShock[] {
  const crash = o.crash ?? 0.4;
  const depeg = o.depeg ?? 0.13;
  const loss = o.protocolLoss ?? 1;
  const risky = assets.filter((a) => !STABLECOINS.test(a));
  const stables = assets.filter((a) => STABLECOINS.test(a));
  const all = (xs: readonly string[], r: number) => Object.fromEntries(xs.map((a) => [a, r]));
  const out: StressShock[] = [
    { name: `market crash -${pct(crash)}`, returns: all(risky, -crash) },
    { name: `crash -${pct(crash)} + vol spike +50 pts`, returns: all(risky, -crash), volShift: 0.5 },
    { name: "volatility spike +30 pts", returns: {}, volShift: 0.3 },
    {
      name: `liquidation cascade -${pct(crash)} then -${pct(crash / 2)}`,
      returns: all(risky, (1 - crash) * (1 - crash / 2) - 1),
      volShift: 0.6,
    },
  ];
  for (const s of stables) out.push({ name: `${s} depeg -${pct(depeg)}`, returns: { [s]: -depeg } });
  if (stables.length > 0) {
    out.push({
      name: `crash -${pct(crash)} + stablecoin depeg -${pct(depeg)}`,
      returns: { ...all(risky, -crash), ...all(stables, -depeg) },
      volShift: 0.4,
    });
  }
  for (const a of risky) out.push({ name: `${a} protocol failure -${pct(loss)}`, returns: { [a]: -loss } });
  return out;
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/** Row of `returns` for `assets` from a shock (missing assets 0); validates returns >= −1. */
export function shockVector(assets: readonly string[], shock: StressShock): Float64Array {
  for (const k of Object.keys(shock.returns)) {
    if (!assets.includes(k))
      throw new ValidationError("stress names an unknown asset", { asset: k, stress: shock.name });
  }
  return Float64Array.from(assets, (a) => {
    const r = shock.returns[a] ?? 0;
    if (!(r >= -1) || !Number.isFinite(r))
      throw new ValidationError("stress return must be >= -1", { asset: a, stress: shock.name });
    return r;
  });
}

/** A user scenario: a shock plus its probability. */
export interface WeightedShock extends StressShock {
  /** Probability of this scenario, in [0, 1). */
  readonly probability: number;
}

/**
 * Mixes user-defined or library shocks into a scenario set: each shock becomes a scenario with its probability and
 * the base scenarios keep the rest, scaled by (1 − Σ q). Why: tail events absent from history get explicit weight.
 */
export function withScenarios(set: ScenarioSet, shocks: readonly WeightedShock[]): ScenarioSet {
  const n = set.assets.length;
  const m = set.probabilities.length;
  let q = 0;
  for (const s of shocks) {
    if (!(s.probability >= 0 && s.probability < 1)) {
      throw new ValidationError("scenario probability must be in [0, 1)", {
        stress: s.name,
        probability: s.probability,
      });
    }
    q += s.probability;
  }
  if (q >= 1) throw new ValidationError("stress probabilities must sum to less than 1", { sum: q });
  const out = new Float64Array((m + shocks.length) * n);
  out.set(set.returns);
  const p = new Float64Array(m + shocks.length);
  for (let s = 0; s < m; s++) p[s] = set.probabilities[s] * (1 - q);
  shocks.forEach((s, k) => {
    out.set(shockVector(set.assets, s), (m + k) * n);
    p[m + k] = s.probability;
  });
  return makeScenarioSet(set.assets, out, p);
}

/** Adds one market-crash scenario (risky assets −`drop`) with `probability`. */
export function marketCrash(set: ScenarioSet, drop: number, probability: number): ScenarioSet {
  const risky = set.assets.filter((a) => !STABLECOINS.test(a));
  return withScenarios(set, [
    { name: "market crash", returns: Object.fromEntries(risky.map((a) => [a, -drop])), probability },
  ]);
}

/**
 * Correlation → 1: the comonotonic recoupling of the set, in which scenario k gets every asset's k-th smallest return.
 * Each asset's distribution is unchanged, but all assets now crash together: diversification disappears.
 * Equal probabilities are required (ranks must carry equal mass).
 */
export function correlationToOne(set: ScenarioSet): ScenarioSet {
  const n = set.assets.length;
  const m = set.probabilities.length;
  for (let s = 1; s < m; s++) {
    if (Math.abs(set.probabilities[s] - set.probabilities[0]) > 1e-15) {
      throw new ValidationError("correlationToOne needs equally weighted scenarios");
    }
  }
  const out = new Float64Array(m * n);
  const col = new Float64Array(m);
  for (let a = 0; a < n; a++) {
    for (let s = 0; s < m; s++) col[s] = set.returns[s * n + a];
    col.sort();
    for (let s = 0; s < m; s++) out[s * n + a] = col[s];
  }
  return makeScenarioSet(set.assets, out, set.probabilities);
}

/**
 * Volatility spike: every asset's deviations from its mean are multiplied by `factor` (> 0), returns floored at −1.
 * Stablecoins are left alone unless `includeStablecoins`.
 */
export function volatilitySpike(set: ScenarioSet, factor: number, includeStablecoins = false): ScenarioSet {
  if (!(factor > 0)) throw new ValidationError("volatility factor must be > 0", { factor });
  const n = set.assets.length;
  const m = set.probabilities.length;
  const out = new Float64Array(set.returns);
  for (let a = 0; a < n; a++) {
    if (!includeStablecoins && STABLECOINS.test(set.assets[a])) continue;
    let mu = 0;
    for (let s = 0; s < m; s++) mu += set.probabilities[s] * set.returns[s * n + a];
    for (let s = 0; s < m; s++) out[s * n + a] = Math.max(-1, mu + factor * (set.returns[s * n + a] - mu));
  }
  return makeScenarioSet(set.assets, out, set.probabilities);
}

/** Stablecoin depeg: with `probability`, `asset` loses `depeg` (e.g. 0.13) in addition to its scenario return. */
export function stablecoinDepeg(set: ScenarioSet, asset: string, depeg: number, probability: number): ScenarioSet {
  return protocolFailure(set, { assets: [asset], lossFraction: depeg, probability });
}

/** Options of `protocolFailure`. */
export interface ProtocolFailureOptions {
  /** Assets held through the failing protocol. */
  readonly assets: readonly string[];
  /** Fraction of their value lost on failure (1 = total loss). */
  readonly lossFraction: number;
  /** Probability of failure over the horizon. */
  readonly probability: number;
}

/**
 * Protocol failure as binary smart-contract risk: every scenario splits into "no failure" (probability ×(1−q)) and
 * "failure" (×q), in which the protocol's assets return (1+r)(1−loss)−1. Doubles the scenario count; exact, not
 * sampled, so tail measures see the jump with its true probability.
 */
export function protocolFailure(set: ScenarioSet, o: ProtocolFailureOptions): ScenarioSet {
  const idx = o.assets.map((a) => {
    const i = set.assets.indexOf(a);
    if (i < 0) throw new ValidationError("protocol failure names an unknown asset", { asset: a });
    return i;
  });
  if (!(o.lossFraction >= 0 && o.lossFraction <= 1))
    throw new ValidationError("lossFraction must be in [0, 1]", { lossFraction: o.lossFraction });
  if (!(o.probability >= 0 && o.probability <= 1))
    throw new ValidationError("probability must be in [0, 1]", { probability: o.probability });
  const n = set.assets.length;
  const m = set.probabilities.length;
  const out = new Float64Array(2 * m * n);
  out.set(set.returns);
  out.set(set.returns, m * n);
  const p = new Float64Array(2 * m);
  for (let s = 0; s < m; s++) {
    p[s] = set.probabilities[s] * (1 - o.probability);
    p[m + s] = set.probabilities[s] * o.probability;
    for (const i of idx) out[(m + s) * n + i] = (1 + out[(m + s) * n + i]) * (1 - o.lossFraction) - 1;
  }
  return makeScenarioSet(set.assets, out, p);
}

/** Options of `liquidationCascade`. */
export interface LiquidationCascadeOptions {
  /** First-leg drop of risky assets, fraction. */
  readonly drop: number;
  /**
   * Second-leg amplification: forced selling adds `amplification`×drop more (default 0.5), the mechanism of
   * May 2021 and June 2022.
   */
  readonly amplification?: number;
  readonly probability: number;
}

/** Adds a liquidation-cascade scenario: risky assets fall (1−d)(1−a·d)−1, stablecoins untouched. */
export function liquidationCascade(set: ScenarioSet, o: LiquidationCascadeOptions): ScenarioSet {
  const amp = o.amplification ?? 0.5;
  const r = (1 - o.drop) * (1 - Math.min(1, amp * o.drop)) - 1;
  const risky = set.assets.filter((a) => !STABLECOINS.test(a));
  return withScenarios(set, [
    { name: "liquidation cascade", returns: Object.fromEntries(risky.map((a) => [a, r])), probability: o.probability },
  ]);
}

/** A scenario set made only of user-defined scenarios (their probabilities must sum to 1). */
export function userScenarios(assets: readonly string[], shocks: readonly WeightedShock[]): ScenarioSet {
  const out = new Float64Array(shocks.length * assets.length);
  shocks.forEach((s, k) => out.set(shockVector(assets, s), k * assets.length));
  return makeScenarioSet(
    assets,
    out,
    Float64Array.from(shocks, (s) => s.probability),
  );
}
