/** Trade planning: from target weights to ordered, executable trades with costs, bands and oracle min-outs. */
export * from "./types.ts";
export * from "./priceImpact.ts";
export * from "./budget.ts";
export * from "./planTrades.ts";
