/**
 * Uniswap V3 range positions in floating point: tick and price conversions, token amounts, liquidity, value, delta,
 * gamma and fee accrual. The formulas are the protocol's (core `TickMath`, periphery `LiquidityAmounts`), written in
 * `number` instead of Q64.96 fixed point; tests compare them with a bigint port of the Solidity libraries.
 *
 * Units. A pool prices token0 in token1. "Raw" quantities are in the tokens' smallest units, as on chain:
 * `priceRaw` = token1 wei per token0 wei = 1.0001^tick, `sqrtPriceRaw` = √priceRaw (= sqrtPriceX96 / 2^96), and
 * `liquidityRaw` is the on-chain L. "Human" quantities are in whole tokens: `price` = token1 per token0 =
 * priceRaw · 10^(decimals0 - decimals1). With L_human = L_raw · 10^-(decimals0+decimals1)/2 the same formulas hold in
 * human units, which is what the position-level functions use.
 */
import { ValidationError } from "../errors.ts";

/** Smallest and largest ticks Uniswap V3 allows (TickMath.MIN_TICK / MAX_TICK). */
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
// log1p: the double nearest 1.0001 is off by ~1e-17, which Math.log(1.0001) turns into a 1e-13 relative error.
const LN_1_0001 = Math.log1p(1e-4);
const Q96 = 2 ** 96;

/** √(1.0001^tick): the raw sqrt price at a tick (TickMath.getSqrtRatioAtTick / 2^96). */
export function sqrtPriceRawAtTick(tick: number): number {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) {
    throw new ValidationError("tick out of range", { tick, min: MIN_TICK, max: MAX_TICK });
  }
  return Math.exp(0.5 * tick * LN_1_0001);
}

/** Human price (token1 per token0, whole tokens) at `tick`: 1.0001^tick · 10^(decimals0 - decimals1). */
export function tickToPrice(tick: number, decimals0: number, decimals1: number): number {
  const s = sqrtPriceRawAtTick(tick);
  return s * s * 10 ** (decimals0 - decimals1);
}

/**
 * Greatest tick whose price is ≤ `price` (token1 per token0, whole tokens), like TickMath.getTickAtSqrtRatio.
 * Guards against floating-point error at exact tick prices by checking the neighbours.
 */
export function priceToTick(price: number, decimals0: number, decimals1: number): number {
  if (!(price > 0)) throw new ValidationError("price must be positive", { price });
  const raw = price * 10 ** (decimals1 - decimals0);
  let t = Math.floor(Math.log(raw) / LN_1_0001);
  t = Math.min(MAX_TICK, Math.max(MIN_TICK, t));
  const rel = 1e-12;
  if (t < MAX_TICK && tickToPrice(t + 1, decimals0, decimals1) <= price * (1 + rel)) t += 1;
  else if (t > MIN_TICK && tickToPrice(t, decimals0, decimals1) > price * (1 + rel)) t -= 1;
  return t;
}

/** Nearest usable tick at or below `tick` for a pool with `tickSpacing` (10 for 0.05 %, 60 for 0.3 %, 200 for 1 %). */
export function floorTickToSpacing(tick: number, tickSpacing: number): number {
  return Math.floor(tick / tickSpacing) * tickSpacing;
}

/** Human price from an on-chain `sqrtPriceX96` (float conversion, ~1e-16 relative). */
export function sqrtPriceX96ToPrice(sqrtPriceX96: bigint, decimals0: number, decimals1: number): number {
  const s = Number(sqrtPriceX96) / Q96;
  return s * s * 10 ** (decimals0 - decimals1);
}

/** Token amounts of a position, in the units of the sqrt prices and liquidity given. */
export interface TokenAmounts {
  readonly amount0: number;
  readonly amount1: number;
}

function ordered(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

/**
 * Amounts held by liquidity `liquidity` in range [sqrtA, sqrtB] at sqrt price `sqrtP` (LiquidityAmounts.getAmountsForLiquidity):
 * below the range all token0, amount0 = L(√b-√a)/(√a√b); inside amount0 = L(√b-√p)/(√p√b), amount1 = L(√p-√a);
 * above the range all token1, amount1 = L(√b-√a).
 */
export function amountsForLiquidity(sqrtP: number, sqrtA: number, sqrtB: number, liquidity: number): TokenAmounts {
  const [a, b] = ordered(sqrtA, sqrtB);
  if (sqrtP <= a) return { amount0: (liquidity * (b - a)) / (a * b), amount1: 0 };
  if (sqrtP < b) return { amount0: (liquidity * (b - sqrtP)) / (sqrtP * b), amount1: liquidity * (sqrtP - a) };
  return { amount0: 0, amount1: liquidity * (b - a) };
}

/** Liquidity bought by `amount0` of token0 over [sqrtA, sqrtB]: L = amount0·√a·√b/(√b-√a). */
export function liquidityForAmount0(sqrtA: number, sqrtB: number, amount0: number): number {
  const [a, b] = ordered(sqrtA, sqrtB);
  return (amount0 * a * b) / (b - a);
}

/** Liquidity bought by `amount1` of token1 over [sqrtA, sqrtB]: L = amount1/(√b-√a). */
export function liquidityForAmount1(sqrtA: number, sqrtB: number, amount1: number): number {
  const [a, b] = ordered(sqrtA, sqrtB);
  return amount1 / (b - a);
}

/**
 * The most liquidity `amount0` and `amount1` can mint in [sqrtA, sqrtB] at sqrt price `sqrtP`
 * (LiquidityAmounts.getLiquidityForAmounts): inside the range the smaller of the two single-sided liquidities.
 */
export function liquidityForAmounts(
  sqrtP: number,
  sqrtA: number,
  sqrtB: number,
  amount0: number,
  amount1: number,
): number {
  const [a, b] = ordered(sqrtA, sqrtB);
  if (sqrtP <= a) return liquidityForAmount0(a, b, amount0);
  if (sqrtP < b) return Math.min(liquidityForAmount0(sqrtP, b, amount0), liquidityForAmount1(a, sqrtP, amount1));
  return liquidityForAmount1(a, b, amount1);
}

/** A Uniswap V3 range position as the chain stores it. */
export interface UniswapV3Range {
  readonly tickLower: number;
  readonly tickUpper: number;
  /** On-chain liquidity L (raw units). */
  readonly liquidityRaw: number;
  readonly decimals0: number;
  readonly decimals1: number;
}

/** The position's range and liquidity in human units: √price bounds and L_human. Precompute for hot loops. */
export interface HumanRange {
  readonly sqrtLower: number;
  readonly sqrtUpper: number;
  readonly liquidity: number;
}

/** Converts a range to human units (√ of token1-per-token0 prices in whole tokens, L_human). */
export function toHumanRange(r: UniswapV3Range): HumanRange {
  if (r.tickLower >= r.tickUpper) {
    throw new ValidationError("tickLower must be below tickUpper", { tickLower: r.tickLower, tickUpper: r.tickUpper });
  }
  const scale = 10 ** ((r.decimals0 - r.decimals1) / 2);
  return {
    sqrtLower: sqrtPriceRawAtTick(r.tickLower) * scale,
    sqrtUpper: sqrtPriceRawAtTick(r.tickUpper) * scale,
    liquidity: r.liquidityRaw * 10 ** (-(r.decimals0 + r.decimals1) / 2),
  };
}

/** Whole-token amounts (amount0 of token0, amount1 of token1) held by the position at `price` (token1 per token0). */
export function lpTokenAmounts(r: UniswapV3Range, price: number): TokenAmounts {
  const h = toHumanRange(r);
  return amountsForLiquidity(Math.sqrt(price), h.sqrtLower, h.sqrtUpper, h.liquidity);
}

/** Value of the position in token1 (whole tokens) at `price`: amount0·price + amount1. */
export function lpValueInToken1(r: UniswapV3Range, price: number): number {
  const a = lpTokenAmounts(r, price);
  return a.amount0 * price + a.amount1;
}

/** Value in USD when token0 is worth `price0Usd` and token1 `price1Usd` (the pool price follows: p = price0/price1). */
export function lpValueUsd(h: HumanRange, price0Usd: number, price1Usd: number): number {
  const s = Math.sqrt(price0Usd / price1Usd);
  const L = h.liquidity;
  if (s <= h.sqrtLower) return ((L * (h.sqrtUpper - h.sqrtLower)) / (h.sqrtLower * h.sqrtUpper)) * price0Usd;
  if (s < h.sqrtUpper)
    return ((L * (h.sqrtUpper - s)) / (s * h.sqrtUpper)) * price0Usd + L * (s - h.sqrtLower) * price1Usd;
  return L * (h.sqrtUpper - h.sqrtLower) * price1Usd;
}

/**
 * Delta of the position's token1 value to the price of token0 (dV/dp, in token0 units). By the envelope property of
 * a constant-function market maker it equals amount0 at `price`: the LP is long exactly the token0 it holds.
 */
export function lpDelta(r: UniswapV3Range, price: number): number {
  return lpTokenAmounts(r, price).amount0;
}

/**
 * Gamma d²V/dp² of the token1 value (token0 units per token1): -L/(2 p^{3/2}) inside the range, 0 outside.
 * Always ≤ 0: a range position is short gamma, like a covered call.
 */
export function lpGamma(r: UniswapV3Range, price: number): number {
  const h = toHumanRange(r);
  const s = Math.sqrt(price);
  if (s <= h.sqrtLower || s >= h.sqrtUpper) return 0;
  return -h.liquidity / (2 * price * s);
}

/** Liquidity (raw, on-chain units) that whole-token `amount0` and `amount1` mint in the range at `price`. */
export function lpLiquidityFromAmounts(
  tickLower: number,
  tickUpper: number,
  decimals0: number,
  decimals1: number,
  price: number,
  amount0: number,
  amount1: number,
): number {
  const h = toHumanRange({ tickLower, tickUpper, liquidityRaw: 1, decimals0, decimals1 });
  const lHuman = liquidityForAmounts(Math.sqrt(price), h.sqrtLower, h.sqrtUpper, amount0, amount1);
  return lHuman * 10 ** ((decimals0 + decimals1) / 2);
}

/** Inputs of a fee-accrual estimate. */
export interface FeeAccrualInputs {
  /** Swap volume through the pool while the price sits in the range, USD. */
  readonly volumeUsd: number;
  /** The pool's fee tier in hundredths of a bip, as on chain (500 = 0.05 %, 3000 = 0.3 %, 10000 = 1 %). */
  readonly feePips: number;
  /** The position's liquidity (any units, the same as `activeLiquidity`). */
  readonly liquidity: number;
  /** All in-range liquidity at the current price, including the position's own. */
  readonly activeLiquidity: number;
  /** Fraction of the volume traded while the price was inside the position's range (default 1). */
  readonly inRangeFraction?: number;
}

/**
 * Fees earned by a position, USD: volume · fee · (L / L_active) · in-range fraction. Why: fees are the premium an LP
 * collects for being short gamma; compare with the gamma cost to judge a range.
 */
export function lpFeesUsd(i: FeeAccrualInputs): number {
  if (!(i.activeLiquidity > 0) || i.liquidity < 0 || i.liquidity > i.activeLiquidity) {
    throw new ValidationError("liquidity share must be within [0, 1]", {
      liquidity: i.liquidity,
      activeLiquidity: i.activeLiquidity,
    });
  }
  return i.volumeUsd * (i.feePips / 1e6) * (i.liquidity / i.activeLiquidity) * (i.inRangeFraction ?? 1);
}
