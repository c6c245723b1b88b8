/**
 * Action data for `UniswapV3LiquidityModule.execute` (contracts/modules/UniswapV3LiquidityModule.sol), and the one
 * piece of its valuation a keeper needs off-chain: the pool sqrt price its oracle prices imply.
 *
 * Every action is `abi.encode(uint8 op, ...)`. Token amounts are base units of token0/token1 as Uniswap sorts the pair
 * (`module.token0() < module.token1()`), prices are USD per whole token in WAD (1e18), `sqrtPriceX96` is
 * sqrt(token1 base units per token0 base unit) · 2^96.
 *
 * A MINT or INCREASE can only pull one token (`execute`'s `tokenIn`/`amountIn`); stage the other with a FUND first,
 * in the same rebalance: the module returns every idle unit to the vault right after the MINT/INCREASE.
 */
import { AbiCoder } from "ethers";
import { sqrtFloor } from "../replica/uniswapV3.ts";

const abi = AbiCoder.defaultAbiCoder();

/** The module's operation codes (its `OP_*` constants). */
export const LpOp = { FUND: 1, MINT: 2, INCREASE: 3, DECREASE: 4, COLLECT: 5, BURN: 6 } as const;
export type LpOp = (typeof LpOp)[keyof typeof LpOp];

/** Ops the module still accepts under `deRiskOnly` (breaker tripped or shutdown). */
export const LP_DERISK_OPS: readonly LpOp[] = [LpOp.DECREASE, LpOp.COLLECT, LpOp.BURN];

/** Amounts offered to the position manager and the least it may take (its slippage check), base units. */
export interface LpAmounts {
  amount0Desired: bigint;
  amount1Desired: bigint;
  amount0Min: bigint;
  amount1Min: bigint;
}

/** A new position: fee tier (500 = 0.05 %) and ticks (multiples of the tier's spacing), plus amounts. */
export interface LpMintParams extends LpAmounts {
  fee: number;
  tickLower: number;
  tickUpper: number;
}

/** Removal of `liquidity` from `tokenId`, with the least principal to accept (base units). */
export interface LpDecreaseParams {
  tokenId: bigint;
  liquidity: bigint;
  amount0Min: bigint;
  amount1Min: bigint;
}

/** FUND: pull `amountIn` of `tokenIn` (from `execute`'s arguments) and hold it for the next MINT/INCREASE. */
export function encodeLpFund(): string {
  return abi.encode(["uint8"], [LpOp.FUND]);
}

/** MINT: a new position in the pair's `fee` pool from the module's idle balances (plus `amountIn` of `tokenIn`). */
export function encodeLpMint(p: LpMintParams): string {
  return abi.encode(
    ["uint8", "uint24", "int24", "int24", "uint256", "uint256", "uint256", "uint256"],
    [LpOp.MINT, p.fee, p.tickLower, p.tickUpper, p.amount0Desired, p.amount1Desired, p.amount0Min, p.amount1Min],
  );
}

/** INCREASE: more liquidity in `tokenId` from the module's idle balances (plus `amountIn` of `tokenIn`). */
export function encodeLpIncrease(tokenId: bigint, a: LpAmounts): string {
  return abi.encode(
    ["uint8", "uint256", "uint256", "uint256", "uint256", "uint256"],
    [LpOp.INCREASE, tokenId, a.amount0Desired, a.amount1Desired, a.amount0Min, a.amount1Min],
  );
}

/** DECREASE: remove liquidity, then collect the principal and every owed fee of `tokenId` to the vault. */
export function encodeLpDecrease(p: LpDecreaseParams): string {
  return abi.encode(
    ["uint8", "uint256", "uint128", "uint256", "uint256"],
    [LpOp.DECREASE, p.tokenId, p.liquidity, p.amount0Min, p.amount1Min],
  );
}

/** COLLECT: send every fee `tokenId` is owed to the vault. */
export function encodeLpCollect(tokenId: bigint): string {
  return abi.encode(["uint8", "uint256"], [LpOp.COLLECT, tokenId]);
}

/**
 * BURN: remove all of `tokenId`'s liquidity (no minimum amounts), collect everything to the vault and burn the NFT.
 * For slippage protection, DECREASE all the liquidity with minimums first; BURN then only collects and burns.
 */
export function encodeLpBurn(tokenId: bigint): string {
  return abi.encode(["uint8", "uint256"], [LpOp.BURN, tokenId]);
}

/** Uniswap V3's sqrt price bounds (TickMath.MIN_SQRT_PRICE / MAX_SQRT_PRICE). */
const MIN_SQRT_PRICE = 4295128739n;
const MAX_SQRT_PRICE = 1461446703485210103287273052203988822378723970342n;

/**
 * The sqrt price at which the module values its positions, exactly as `oracleSqrtPriceX96` computes it on-chain:
 * floor(sqrt(price0Wad · 10^decimals1 · 2^192 / (price1Wad · 10^decimals0))), clamped to Uniswap's bounds (for
 * prices of token0 at or above 2^64 token1 base units the chain drops the last 32 bits, as here).
 */
export function lpOracleSqrtPriceX96(
  price0Wad: bigint,
  price1Wad: bigint,
  decimals0: number,
  decimals1: number,
): bigint {
  if (price1Wad <= 0n) throw new RangeError("lpOracleSqrtPriceX96: price1Wad must be positive");
  const numerator = price0Wad * 10n ** BigInt(decimals1);
  const denominator = price1Wad * 10n ** BigInt(decimals0);
  const ratio = numerator / denominator;
  let sqrtPriceX96: bigint;
  if (ratio < 1n << 64n) sqrtPriceX96 = sqrtFloor((numerator << 192n) / denominator);
  else if (ratio < 1n << 128n) sqrtPriceX96 = sqrtFloor((numerator << 128n) / denominator) << 32n;
  else return MAX_SQRT_PRICE;
  if (sqrtPriceX96 < MIN_SQRT_PRICE) return MIN_SQRT_PRICE;
  if (sqrtPriceX96 > MAX_SQRT_PRICE) return MAX_SQRT_PRICE;
  return sqrtPriceX96;
}
