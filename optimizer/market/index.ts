/** Market data: price rows, validation and alignment, returns. */
export * from "./dates.ts";
export * from "./prices.ts";
export * from "./returns.ts";
