/**
 * Swap quotes under two pool models, asset against the base asset: constant product (x·y = k, Uniswap V2 style)
 * and concentrated liquidity (Uniswap V3 inside one range: active liquidity L at the current √price). Gas cost.
 * These estimate cost before the trade; the chain measures the result against oracle prices.
 */
import { ValidationError } from "../errors.ts";
import type { GasModel, PoolModel } from "./types.ts";

/** Result of a quote. */
export interface SwapQuote {
  /** Input actually used (less than asked when a concentrated range runs out), whole tokens. */
  readonly amountInUsed: number;
  /** Output, whole tokens. */
  readonly amountOut: number;
  /** Pool fee, in input tokens. */
  readonly feeIn: number;
  /** Pool mid price before the trade, base per asset. */
  readonly midPriceBase: number;
  /** Curve impact alone (fee excluded): 1 - (output per fee-net input) / mid, bps. */
  readonly priceImpactBps: number;
  /** True when the trade would push the price out of the modelled range (only part of the input fills). */
  readonly exceedsLiquidity: boolean;
}

/** Mid price of a pool, base-asset units per asset. */
export function poolMidPriceBase(pool: PoolModel): number {
  return pool.kind === "constantProduct" ? pool.reserveBaseToken / pool.reserveAssetToken : pool.priceBase;
}

function check(pool: PoolModel, amountIn: number): void {
  if (!(amountIn >= 0) || !Number.isFinite(amountIn)) throw new ValidationError("amountIn must be ≥ 0", { amountIn });
  if (pool.feePips < 0 || pool.feePips >= 1e6)
    throw new ValidationError("feePips out of range", { feePips: pool.feePips });
  if (pool.kind === "constantProduct" && !(pool.reserveAssetToken > 0 && pool.reserveBaseToken > 0)) {
    throw new ValidationError("reserves must be positive", { ...pool });
  }
  if (
    pool.kind === "concentrated" &&
    !(pool.liquidity > 0 && pool.priceLowerBase <= pool.priceBase && pool.priceBase <= pool.priceUpperBase)
  ) {
    throw new ValidationError("concentrated pool needs L > 0 and lower ≤ price ≤ upper", { ...pool });
  }
}

/**
 * Quote a swap of `amountIn` through `pool`. `assetIn` true sells the asset for the base asset (price falls),
 * false buys the asset with the base asset (price rises). The fee is taken from the input, as Uniswap does.
 */
export function quoteSwap(pool: PoolModel, assetIn: boolean, amountIn: number): SwapQuote {
  check(pool, amountIn);
  const fee = pool.feePips / 1e6;
  const mid = poolMidPriceBase(pool);
  let net = amountIn * (1 - fee);
  let out: number;
  let exceeds = false;
  if (pool.kind === "constantProduct") {
    const [rIn, rOut] = assetIn
      ? [pool.reserveAssetToken, pool.reserveBaseToken]
      : [pool.reserveBaseToken, pool.reserveAssetToken];
    out = (rOut * net) / (rIn + net);
  } else {
    const L = pool.liquidity;
    const s = Math.sqrt(pool.priceBase);
    if (assetIn) {
      // Asset (x) in: Δ(1/√P) = Δx / L, base out Δy = L·(√P - √P').
      const sLow = Math.sqrt(pool.priceLowerBase);
      const maxNet = L * (1 / sLow - 1 / s);
      if (net > maxNet) {
        net = maxNet;
        exceeds = true;
      }
      const s1 = (L * s) / (L + net * s);
      out = L * (s - s1);
    } else {
      // Base (y) in: Δ√P = Δy / L, asset out Δx = L·(1/√P - 1/√P').
      const sUp = Math.sqrt(pool.priceUpperBase);
      const maxNet = L * (sUp - s);
      if (net > maxNet) {
        net = maxNet;
        exceeds = true;
      }
      const s1 = s + net / L;
      out = L * (1 / s - 1 / s1);
    }
  }
  const amountInUsed = exceeds ? net / (1 - fee) : amountIn;
  const ideal = assetIn ? net * mid : net / mid;
  const priceImpactBps = ideal > 0 ? (1 - out / ideal) * 1e4 : 0;
  return {
    amountInUsed,
    amountOut: out,
    feeIn: amountInUsed * fee,
    midPriceBase: mid,
    priceImpactBps,
    exceedsLiquidity: exceeds,
  };
}

/** Gas cost of `swaps` swaps, USD: swaps · gasUnitsPerSwap · gasPriceGwei · 1e-9 · ethPriceUsd. */
export function gasCostUsd(gas: GasModel, swaps = 1): number {
  return swaps * gas.gasUnitsPerSwap * gas.gasPriceGwei * 1e-9 * gas.ethPriceUsd;
}

/**
 * Oracle-derived minimum output: amountIn · oraclePriceIn / oraclePriceOut · (1 - maxSlippageBps / 1e4).
 * Why oracle and not pool prices: a manipulated pool would otherwise set its own floor; the vault checks the same.
 */
export function minAmountOutFromOracle(
  amountIn: number,
  oraclePriceInUsd: number,
  oraclePriceOutUsd: number,
  maxSlippageBps: number,
): number {
  return ((amountIn * oraclePriceInUsd) / oraclePriceOutUsd) * (1 - maxSlippageBps / 1e4);
}
