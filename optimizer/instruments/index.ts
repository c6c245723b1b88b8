/** Instruments: pricing, Greeks and full revaluation of spot, options, Uniswap V3 ranges and lending accounts. */
export * from "./normal.ts";
export * from "./blackScholes.ts";
export * from "./uniswapV3.ts";
export * from "./lending.ts";
export * from "./position.ts";
export * from "./scenarioRevalue.ts";
