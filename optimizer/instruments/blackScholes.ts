/**
 * European options under Black-Scholes(-Merton) with a parametric volatility smile.
 *
 * Conventions: prices in USD per unit of underlying, times in years (ACT/365 is the caller's choice), rates and
 * volatilities annualised and continuously compounded, `yieldAnnual` is the underlying's carry (staking yield,
 * dividend) paid to the holder. Greeks are "sticky strike": the volatility at the option's strike is held fixed while
 * the spot moves, which is what a finite difference of `bsPrice` at a fixed `volAnnual` measures.
 */
import { normCdf, normPdf } from "./normal.ts";
import { ValidationError } from "../errors.ts";

/** Call or put. */
export type OptionType = "call" | "put";

/**
 * A parametric smile in log-moneyness k = ln(K/F): vol(k) = atmVol + skew·k + smile·k², clamped to [minVol, maxVol].
 * Crypto smiles usually have skew < 0 (puts richer) and smile > 0 (both wings richer).
 */
export interface VolSmile {
  /** At-the-forward volatility, annualised (0.6 = 60 %). */
  readonly atmVol: number;
  /** Slope of vol in log-moneyness (vol points per unit of ln(K/F)); negative for a put skew. */
  readonly skew: number;
  /** Curvature of vol in log-moneyness (vol points per unit of ln(K/F)²). */
  readonly smile: number;
  /** Floor on the volatility (default 0.01): a quadratic smile must not go to zero or negative. */
  readonly minVol?: number;
  /** Cap on the volatility (default 5). */
  readonly maxVol?: number;
}

/** Inputs to one Black-Scholes valuation. */
export interface BsInputs {
  readonly type: OptionType;
  readonly spotUsd: number;
  readonly strikeUsd: number;
  readonly expiryYears: number;
  readonly volAnnual: number;
  readonly rateAnnual: number;
  /** Continuous yield of the underlying (default 0). */
  readonly yieldAnnual?: number;
}

/** Price and sensitivities of one option, per unit of underlying. */
export interface OptionGreeks {
  /** Option value, USD. */
  readonly priceUsd: number;
  /** dV/dS: units of underlying (call in [0, e^{-qT}], put in [-e^{-qT}, 0]). */
  readonly delta: number;
  /** d²V/dS²: units of underlying per USD. */
  readonly gamma: number;
  /** dV/dσ per 1.00 of volatility (divide by 100 for "per vol point"), USD. */
  readonly vega: number;
  /** dV/dt with calendar time passing (= -dV/dT), USD per year (divide by 365 for per day). */
  readonly theta: number;
}

/** Forward price F = S·e^{(r-q)T}, USD. Why: the smile is quoted in moneyness against the forward. */
export function forwardUsd(spotUsd: number, expiryYears: number, rateAnnual: number, yieldAnnual = 0): number {
  return spotUsd * Math.exp((rateAnnual - yieldAnnual) * expiryYears);
}

/** Volatility of strike `strikeUsd` on `smile` given forward `forwardUsd`: atm + skew·k + smile·k², k = ln(K/F), clamped. */
export function smileVol(smile: VolSmile, strikeUsd: number, forwardUsd: number): number {
  const k = Math.log(strikeUsd / forwardUsd);
  const v = smile.atmVol + smile.skew * k + smile.smile * k * k;
  const lo = smile.minVol ?? 0.01;
  const hi = smile.maxVol ?? 5;
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * Black-Scholes price with positional arguments, for hot loops (scenario revaluation). `isCall` true for a call.
 * At or past expiry (T ≤ 0) returns intrinsic value; with zero volatility returns the discounted forward intrinsic.
 */
export function bsPriceFast(
  isCall: boolean,
  spotUsd: number,
  strikeUsd: number,
  expiryYears: number,
  volAnnual: number,
  rateAnnual: number,
  yieldAnnual: number,
): number {
  if (expiryYears <= 0) {
    const intrinsic = isCall ? spotUsd - strikeUsd : strikeUsd - spotUsd;
    return intrinsic > 0 ? intrinsic : 0;
  }
  const dfR = Math.exp(-rateAnnual * expiryYears);
  const dfQ = yieldAnnual === 0 ? 1 : Math.exp(-yieldAnnual * expiryYears);
  const sd = volAnnual * Math.sqrt(expiryYears);
  if (sd <= 0 || spotUsd <= 0) {
    const fwdIntrinsic = isCall ? spotUsd * dfQ - strikeUsd * dfR : strikeUsd * dfR - spotUsd * dfQ;
    return fwdIntrinsic > 0 ? fwdIntrinsic : 0;
  }
  const d1 = (Math.log(spotUsd / strikeUsd) + (rateAnnual - yieldAnnual) * expiryYears) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  return isCall
    ? spotUsd * dfQ * normCdf(d1) - strikeUsd * dfR * normCdf(d2)
    : strikeUsd * dfR * normCdf(-d2) - spotUsd * dfQ * normCdf(-d1);
}

function validate(o: BsInputs): void {
  if (!(o.spotUsd > 0) || !(o.strikeUsd > 0) || !(o.volAnnual >= 0) || !Number.isFinite(o.expiryYears)) {
    throw new ValidationError("option inputs out of range", {
      spotUsd: o.spotUsd,
      strikeUsd: o.strikeUsd,
      volAnnual: o.volAnnual,
      expiryYears: o.expiryYears,
    });
  }
}

/** Black-Scholes-Merton price of a European option, USD per unit of underlying. */
export function bsPrice(o: BsInputs): number {
  validate(o);
  return bsPriceFast(
    o.type === "call",
    o.spotUsd,
    o.strikeUsd,
    o.expiryYears,
    o.volAnnual,
    o.rateAnnual,
    o.yieldAnnual ?? 0,
  );
}

/** d1 and d2 of Black-Scholes (NaN-free only for T > 0 and σ > 0). `driftAnnual` replaces r - q when given. */
export function bsD1D2(o: BsInputs, driftAnnual?: number): { d1: number; d2: number } {
  const sd = o.volAnnual * Math.sqrt(o.expiryYears);
  const mu = driftAnnual ?? o.rateAnnual - (o.yieldAnnual ?? 0);
  const d1 = (Math.log(o.spotUsd / o.strikeUsd) + mu * o.expiryYears) / sd + 0.5 * sd;
  return { d1, d2: d1 - sd };
}

/** Price, delta, gamma, vega and theta of a European option in closed form (sticky strike), per unit of underlying. */
export function bsGreeks(o: BsInputs): OptionGreeks {
  validate(o);
  const isCall = o.type === "call";
  const q = o.yieldAnnual ?? 0;
  const T = o.expiryYears;
  const S = o.spotUsd;
  const K = o.strikeUsd;
  const r = o.rateAnnual;
  const priceUsd = bsPriceFast(isCall, S, K, T, o.volAnnual, r, q);
  if (T <= 0 || o.volAnnual <= 0) {
    // Degenerate: a step in the forward; delta is the digital, all other Greeks vanish (almost everywhere).
    const dfQ = T > 0 ? Math.exp(-q * T) : 1;
    const itm = isCall ? S * dfQ > K * Math.exp(-r * Math.max(T, 0)) : S * dfQ < K * Math.exp(-r * Math.max(T, 0));
    return { priceUsd, delta: itm ? (isCall ? dfQ : -dfQ) : 0, gamma: 0, vega: 0, theta: 0 };
  }
  const sqrtT = Math.sqrt(T);
  const { d1, d2 } = bsD1D2(o);
  const dfR = Math.exp(-r * T);
  const dfQ = Math.exp(-q * T);
  const pdf = normPdf(d1);
  const gamma = (dfQ * pdf) / (S * o.volAnnual * sqrtT);
  const vega = S * dfQ * pdf * sqrtT;
  const decay = (-S * dfQ * pdf * o.volAnnual) / (2 * sqrtT);
  if (isCall) {
    const theta = decay - r * K * dfR * normCdf(d2) + q * S * dfQ * normCdf(d1);
    return { priceUsd, delta: dfQ * normCdf(d1), gamma, vega, theta };
  }
  const theta = decay + r * K * dfR * normCdf(-d2) - q * S * dfQ * normCdf(-d1);
  return { priceUsd, delta: -dfQ * normCdf(-d1), gamma, vega, theta };
}

/**
 * Probability that the option finishes in the money: N(d2) for a call, N(-d2) for a put. With no `driftAnnual` it is
 * the risk-neutral probability (drift r - q); pass a real-world drift μ to get the physical probability under GBM.
 * Why: a covered call's assignment probability weighs its premium.
 */
export function probabilityInTheMoney(o: BsInputs, driftAnnual?: number): number {
  validate(o);
  if (o.expiryYears <= 0 || o.volAnnual <= 0) {
    return o.type === "call" ? (o.spotUsd > o.strikeUsd ? 1 : 0) : o.spotUsd < o.strikeUsd ? 1 : 0;
  }
  const { d2 } = bsD1D2(o, driftAnnual);
  return o.type === "call" ? normCdf(d2) : normCdf(-d2);
}
