/** Hedging: least-cost Greek hedges (HiGHS LP) and covered-call strike/expiry ranking under the skew. */
export * from "./greekHedge.ts";
export * from "./coveredCall.ts";
