/**
 * Vectorised full revaluation of a book over a scenario matrix. Every position is repriced in every scenario with its
 * own pricing formula (no delta-gamma approximation): that is what makes option and LP tails visible.
 *
 * Layout: a scenario shocks each asset's price by a multiplier and, optionally, shifts its volatility smile in
 * parallel; both are row-major Float64Arrays [scenario · nAssets + asset]. Loops run position-outer, scenario-inner
 * with every per-position constant hoisted (√T, discount factors, ln K), so an option costs one log and two normal
 * CDFs per scenario and an LP one square root.
 */
import { smileVol } from "./blackScholes.ts";
import { toHumanRange } from "./uniswapV3.ts";
import { normCdf } from "./normal.ts";
import { optionVol, priceOf, revalue, smileOf, type MarketState, type Position } from "./position.ts";
import { ValidationError } from "../errors.ts";

/** Price (and vol) shocks for `nScenarios` scenarios over `assets`. */
export interface ScenarioMatrix {
  /** Column order of the matrices. Assets the book holds but that are absent here are left unshocked. */
  readonly assets: readonly string[];
  readonly nScenarios: number;
  /** Price multipliers (1 = unchanged, 0.7 = -30 %), row-major [s · nAssets + a]. */
  readonly priceMultipliers: Float64Array;
  /** Additive volatility shifts (0.2 = +20 vol points) of each asset's smile, same layout; absent = 0. */
  readonly volShifts?: Float64Array;
  /** Time that passes in the scenario, years (options decay by it); default 0 (instantaneous shock). */
  readonly horizonYears?: number;
}

/** How the smile moves with the spot. */
export type SmileDynamics = "stickyStrike" | "stickyMoneyness";

/** Options of `revalueBook`. */
export interface RevalueOptions {
  /** Default "stickyStrike": each option keeps its base implied vol (plus the shift); the other re-reads the smile. */
  readonly smileDynamics?: SmileDynamics;
  /** Also return per-position P&L, row-major [position · nScenarios + s] (memory: 8 bytes × positions × scenarios). */
  readonly perPosition?: boolean;
}

/** Result of a book revaluation. */
export interface BookRevaluation {
  /** Value of the book at the base market, USD. */
  readonly baseValueUsd: number;
  /** Scenario value minus base value, USD, one per scenario. */
  readonly pnlUsd: Float64Array;
  /** Per-position P&L (when requested), [position · nScenarios + s]. */
  readonly positionPnlUsd?: Float64Array;
}

/** Validates the matrix shapes once, at the boundary. */
export function validateScenarioMatrix(m: ScenarioMatrix): void {
  const n = m.nScenarios * m.assets.length;
  if (!Number.isInteger(m.nScenarios) || m.nScenarios < 0 || m.priceMultipliers.length !== n) {
    throw new ValidationError("priceMultipliers must have nScenarios × assets entries", {
      nScenarios: m.nScenarios,
      assets: m.assets.length,
      length: m.priceMultipliers.length,
    });
  }
  if (m.volShifts && m.volShifts.length !== n) {
    throw new ValidationError("volShifts must have nScenarios × assets entries", { length: m.volShifts.length });
  }
}

/**
 * Revalues `book` in every scenario of `scenarios` against the base `market`; returns the book P&L per scenario.
 * Why: stress tests and CVaR of non-linear books need full revaluation, and it must be fast enough for 1e5 scenarios.
 */
export function revalueBook(
  book: readonly Position[],
  market: MarketState,
  scenarios: ScenarioMatrix,
  options: RevalueOptions = {},
): BookRevaluation {
  validateScenarioMatrix(scenarios);
  const nS = scenarios.nScenarios;
  const nA = scenarios.assets.length;
  const M = scenarios.priceMultipliers;
  const V = scenarios.volShifts;
  const horizon = scenarios.horizonYears ?? 0;
  const sticky = (options.smileDynamics ?? "stickyStrike") === "stickyStrike";
  const col = new Map<string, number>();
  scenarios.assets.forEach((a, i) => col.set(a, i));
  const pnl = new Float64Array(nS);
  const perPos = options.perPosition ? new Float64Array(book.length * nS) : undefined;
  let baseValueUsd = 0;
  const out = new Float64Array(nS);

  for (let pi = 0; pi < book.length; pi++) {
    const p = book[pi];
    const base = revalue(p, market);
    baseValueUsd += base;
    out.fill(0);
    switch (p.kind) {
      case "spot": {
        const j = col.get(p.asset);
        const v = p.amountToken * priceOf(market, p.asset);
        if (j === undefined) out.fill(v);
        else for (let s = 0, o = j; s < nS; s++, o += nA) out[s] = v * M[o];
        break;
      }
      case "option": {
        const j = col.get(p.underlying);
        const spot0 = priceOf(market, p.underlying);
        const r = market.rateAnnual;
        const q = market.yieldsAnnual?.[p.underlying] ?? 0;
        const T = Math.max(0, p.expiryYears - horizon);
        const isCall = p.optionType === "call";
        const K = p.strikeUsd;
        const Q = p.quantity;
        const vol0 = optionVol(p, market);
        if (T <= 0) {
          for (let s = 0; s < nS; s++) {
            const S = j === undefined ? spot0 : spot0 * M[s * nA + j];
            const x = isCall ? S - K : K - S;
            out[s] = Q * (x > 0 ? x : 0);
          }
          break;
        }
        const sqrtT = Math.sqrt(T);
        const dfR = Math.exp(-r * T);
        const dfQ = Math.exp(-q * T);
        const carryT = (r - q) * T;
        const lnK = Math.log(K);
        const smile = sticky ? undefined : smileOf(market, p.underlying);
        const growth = Math.exp(carryT);
        for (let s = 0; s < nS; s++) {
          const o = s * nA + (j ?? 0);
          const S = j === undefined ? spot0 : spot0 * M[o];
          let vol = sticky ? vol0 : smileVol(smile!, K, S * growth);
          if (V !== undefined && j !== undefined) vol += V[o];
          if (vol < 1e-4) vol = 1e-4;
          const sd = vol * sqrtT;
          const d1 = (Math.log(S) - lnK + carryT) / sd + 0.5 * sd;
          const d2 = d1 - sd;
          const price = isCall
            ? S * dfQ * normCdf(d1) - K * dfR * normCdf(d2)
            : K * dfR * normCdf(-d2) - S * dfQ * normCdf(-d1);
          out[s] = Q * price;
        }
        break;
      }
      case "uniswapV3": {
        const h = toHumanRange(p);
        const j0 = col.get(p.token0);
        const j1 = col.get(p.token1);
        const p0 = priceOf(market, p.token0);
        const p1 = priceOf(market, p.token1);
        const L = h.liquidity;
        const a = h.sqrtLower;
        const b = h.sqrtUpper;
        const below0 = (L * (b - a)) / (a * b); // all token0 below the range
        const above1 = L * (b - a); // all token1 above the range
        for (let s = 0; s < nS; s++) {
          const q0 = j0 === undefined ? p0 : p0 * M[s * nA + j0];
          const q1 = j1 === undefined ? p1 : p1 * M[s * nA + j1];
          const sp = Math.sqrt(q0 / q1);
          out[s] = sp <= a ? below0 * q0 : sp < b ? ((L * (b - sp)) / (sp * b)) * q0 + L * (sp - a) * q1 : above1 * q1;
        }
        break;
      }
      case "lending": {
        // Net value is linear in prices: Σ_legs signed amount · price · multiplier.
        for (const c of p.collateral) accumulateLinear(out, c.amountToken * priceOf(market, c.asset), col.get(c.asset));
        for (const d of p.debt) accumulateLinear(out, -d.amountToken * priceOf(market, d.asset), col.get(d.asset));
        break;
      }
    }
    for (let s = 0; s < nS; s++) {
      const d = out[s] - base;
      pnl[s] += d;
      if (perPos) perPos[pi * nS + s] = d;
    }
  }
  return perPos ? { baseValueUsd, pnlUsd: pnl, positionPnlUsd: perPos } : { baseValueUsd, pnlUsd: pnl };

  function accumulateLinear(target: Float64Array, valueUsd: number, j: number | undefined): void {
    if (j === undefined) {
      for (let s = 0; s < nS; s++) target[s] += valueUsd;
    } else {
      for (let s = 0, o = j; s < nS; s++, o += nA) target[s] += valueUsd * M[o];
    }
  }
}

/**
 * A scenario matrix from simple returns (0.05 = +5 %), the layout of optimizer/scenarios' `ScenarioSet`:
 * price multiplier = 1 + return. Why: risk measures and the optimizer share one scenario set with full revaluation.
 */
export function scenarioMatrixFromReturns(
  set: { readonly assets: readonly string[]; readonly returns: Float64Array },
  horizonYears = 0,
  volShifts?: Float64Array,
): ScenarioMatrix {
  const m = new Float64Array(set.returns.length);
  for (let k = 0; k < m.length; k++) m[k] = 1 + set.returns[k];
  const nScenarios = set.assets.length === 0 ? 0 : m.length / set.assets.length;
  return { assets: set.assets, nScenarios, priceMultipliers: m, volShifts, horizonYears };
}
