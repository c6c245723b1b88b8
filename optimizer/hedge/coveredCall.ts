/**
 * Covered-call strike and expiry choice: for each (strike, expiry) on a grid, the premium the smile pays, the
 * probability of assignment (risk-neutral N(d2) and real-world under a drift and a realised-vol view), and the
 * expected edge of writing the call: premium carried to expiry minus the real-world expected payout. Ranked by edge
 * per year. Why: the skew makes some strikes rich; selling them earns the difference between implied and realised
 * volatility, and the assignment probability tells how often the upside is given away.
 */
import { ValidationError } from "../errors.ts";
import { bsPriceFast, forwardUsd, probabilityInTheMoney, smileVol, type VolSmile } from "../instruments/index.ts";

/** Inputs of `rankCoveredCalls`. */
export interface CoveredCallInputs {
  readonly spotUsd: number;
  readonly smile: VolSmile;
  readonly rateAnnual: number;
  readonly yieldAnnual?: number;
  /** Candidate strikes, USD. */
  readonly strikesUsd: readonly number[];
  /** Candidate expiries, years. */
  readonly expiriesYears: readonly number[];
  /** Real-world drift μ of the underlying, per year (default r - q: no view). */
  readonly realWorldDriftAnnual?: number;
  /** Realised-volatility view, per year (default: the smile's ATM vol, i.e. no variance premium assumed). */
  readonly realWorldVolAnnual?: number;
  /** Part of the premium lost to the bid-ask spread and fees, bps of premium (default 0). */
  readonly premiumHaircutBps?: number;
  /** Drop candidates whose real-world assignment probability exceeds this (default 1: keep all). */
  readonly maxAssignmentProbability?: number;
}

/** One row of the ranked table (per unit of underlying covered). */
export interface CoveredCallRow {
  readonly strikeUsd: number;
  readonly expiryYears: number;
  /** Implied vol at the strike from the smile. */
  readonly impliedVol: number;
  /** Premium received after the haircut, USD per unit. */
  readonly premiumUsd: number;
  /** premium / spot / T: the yield of the premium per year. */
  readonly premiumYieldAnnual: number;
  /** Risk-neutral probability of assignment N(d2). */
  readonly assignmentProbRiskNeutral: number;
  /** Real-world probability of assignment under μ and the realised-vol view. */
  readonly assignmentProbRealWorld: number;
  /** Real-world expected payout E[(S_T - K)+], USD per unit (the upside given away). */
  readonly expectedPayoutUsd: number;
  /** premium·e^{rT} - expected payout, USD per unit at expiry. */
  readonly expectedEdgeUsd: number;
  /** expectedEdge / spot / T: the ranking key. */
  readonly expectedEdgeAnnual: number;
}

/** Ranks covered calls on a strike × expiry grid by expected edge per year, best first. */
export function rankCoveredCalls(i: CoveredCallInputs): CoveredCallRow[] {
  if (!(i.spotUsd > 0)) throw new ValidationError("spotUsd must be positive", { spotUsd: i.spotUsd });
  const q = i.yieldAnnual ?? 0;
  const mu = i.realWorldDriftAnnual ?? i.rateAnnual - q;
  const volP = i.realWorldVolAnnual ?? i.smile.atmVol;
  const haircut = 1 - (i.premiumHaircutBps ?? 0) / 1e4;
  const maxP = i.maxAssignmentProbability ?? 1;
  const rows: CoveredCallRow[] = [];
  for (const T of i.expiriesYears) {
    if (!(T > 0)) throw new ValidationError("expiries must be positive", { expiryYears: T });
    const F = forwardUsd(i.spotUsd, T, i.rateAnnual, q);
    for (const K of i.strikesUsd) {
      if (!(K > 0)) throw new ValidationError("strikes must be positive", { strikeUsd: K });
      const vol = smileVol(i.smile, K, F);
      const premiumUsd = bsPriceFast(true, i.spotUsd, K, T, vol, i.rateAnnual, q) * haircut;
      const opt = {
        type: "call" as const,
        spotUsd: i.spotUsd,
        strikeUsd: K,
        expiryYears: T,
        rateAnnual: i.rateAnnual,
        yieldAnnual: q,
      };
      const pRN = probabilityInTheMoney({ ...opt, volAnnual: vol });
      const pP = probabilityInTheMoney({ ...opt, volAnnual: volP }, mu);
      // E_P[(S_T - K)+] = e^{μT}·(undiscounted BS call with rate μ, no yield): S e^{μT} N(d1) - K N(d2).
      const expectedPayoutUsd = bsPriceFast(true, i.spotUsd, K, T, volP, mu, 0) * Math.exp(mu * T);
      const expectedEdgeUsd = premiumUsd * Math.exp(i.rateAnnual * T) - expectedPayoutUsd;
      if (pP > maxP) continue;
      rows.push({
        strikeUsd: K,
        expiryYears: T,
        impliedVol: vol,
        premiumUsd,
        premiumYieldAnnual: premiumUsd / i.spotUsd / T,
        assignmentProbRiskNeutral: pRN,
        assignmentProbRealWorld: pP,
        expectedPayoutUsd,
        expectedEdgeUsd,
        expectedEdgeAnnual: expectedEdgeUsd / i.spotUsd / T,
      });
    }
  }
  return rows.sort((a, b) => b.expectedEdgeAnnual - a.expectedEdgeAnnual);
}
