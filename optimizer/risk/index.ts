/** Risk measures on scenario P&L: volatility, VaR, CVaR, CDaR, drawdowns, worst case, regret. */
export * from "./measures.ts";
export * from "./tail.ts";
export * from "./moments.ts";
