/**
 * The public surface of the Ballast optimizer: pure, typed, deterministic functions (every random draw takes a seed),
 * no I/O. One namespace per concern, in data-flow order; errors at the top level.
 *
 *   market → scenarios → instruments → risk → optimize → hedge → book → plan → backtest
 *
 * Floats throughout (whole tokens, USD, fractions of NAV); conversion to on-chain integers happens in
 * scripts/lib/units.ts, not here.
 */
export * from "./errors.ts";
export * as market from "./market/index.ts";
export * as scenarios from "./scenarios/index.ts";
export * as instruments from "./instruments/index.ts";
export * as risk from "./risk/index.ts";
export * as optimize from "./optimize/index.ts";
export * as hedge from "./hedge/index.ts";
export * as book from "./book/index.ts";
export * as plan from "./plan/index.ts";
export * as backtest from "./backtest/index.ts";
