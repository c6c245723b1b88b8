/** Portfolio objectives solved with HiGHS, under constraints that mirror the on-chain risk budget. */
export * from "./budget.ts";
export * from "./minCvar.ts";
export * from "./frontier.ts";
export * from "./regret.ts";
export * from "./meanVariance.ts";
export * from "./riskParity.ts";
export * from "./yieldTail.ts";
export * from "./result.ts";
export { getHighs } from "./highs.ts";
