/**
 * The non-linear book: risk of spot + Uniswap V3 LP + Aave-style lending positions as the vault checks it on-chain
 * (NAV, net delta, gross leverage, short gamma, health factor), its full revaluation under stress, and the hedges
 * (range widening, deleverage / borrow-and-sell, collateral) that bring it inside its limits.
 */
export * from "./types.ts";
export * from "./risk.ts";
export * from "./hedge.ts";
