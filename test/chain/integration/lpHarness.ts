/**
 * What the two UniswapV3LiquidityModule test files share: the fixture's common shape, the vault's call into the
 * module, a FUND + MINT that returns the new NFT id, and the pool moves and reads both files make on the real Uniswap V3
 * replica (scripts/replica/uniswapV3.ts). Each file builds its own fixture (different tokens and depths) on top.
 */
import type { Contract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { MockERC20, UniswapV3LiquidityModule } from "../../../types/ethers-contracts/index.js";
import { FeeAmount, type UniswapV3Context } from "../../../scripts/replica/uniswapV3.ts";
import { encodeLpFund, encodeLpMint } from "../../../scripts/lib/lpModule.ts";

/** The pool both files test in: 0.3 %, tick spacing 60. */
export const FEE = FeeAmount.MEDIUM;
export const SPACING = 60;
export const MAX_UINT128 = 2n ** 128n - 1n;

/** The part of a liquidity-module fixture the shared helpers use. */
export interface LpFixture {
  ctx: UniswapV3Context;
  npm: Contract;
  pool: Contract;
  module: UniswapV3LiquidityModule;
  moduleAddress: string;
  weth: MockERC20;
  usdc: MockERC20;
  /** token0 and token1 of the pair, as Uniswap and the module sort them. */
  t0: MockERC20;
  t1: MockERC20;
  deployer: HardhatEthersSigner;
  vault: HardhatEthersSigner;
}

/** [token0 amount, token1 amount] from amounts named by token. */
export function tokenAmounts(f: LpFixture, wethAmount: bigint, usdcAmount: bigint): [bigint, bigint] {
  return f.t0 === f.weth ? [wethAmount, usdcAmount] : [usdcAmount, wethAmount];
}

/** The vault's call: approve exactly `amountIn` of `tokenIn`, then `execute`. */
export async function act(f: LpFixture, data: string, tokenIn?: MockERC20, amountIn = 0n, deRiskOnly = false) {
  const token = tokenIn ? await tokenIn.getAddress() : "0x0000000000000000000000000000000000000000";
  if (tokenIn && amountIn > 0n) await tokenIn.connect(f.vault).approve(f.moduleAddress, amountIn);
  return f.module.execute(token, amountIn, deRiskOnly, data);
}

/** MINT's action data for a position in [tickLower, tickUpper] offering the two amounts (no minimums). */
export function mintData(f: LpFixture, tickLower: number, tickUpper: number, wethAmount: bigint, usdcAmount: bigint) {
  const [amount0Desired, amount1Desired] = tokenAmounts(f, wethAmount, usdcAmount);
  return encodeLpMint({
    fee: FEE,
    tickLower,
    tickUpper,
    amount0Desired,
    amount1Desired,
    amount0Min: 0n,
    amount1Min: 0n,
  });
}

/** FUND `wethAmount` WETH, then MINT pulling `usdcAmount` USDC; returns the new token id (the module's own event). */
export async function mintPosition(
  f: LpFixture,
  tickLower: number,
  tickUpper: number,
  wethAmount: bigint,
  usdcAmount: bigint,
): Promise<bigint> {
  await act(f, encodeLpFund(), f.weth, wethAmount);
  const receipt = await (
    await act(f, mintData(f, tickLower, tickUpper, wethAmount, usdcAmount), f.usdc, usdcAmount)
  ).wait();
  for (const log of receipt!.logs) {
    if (log.address !== f.moduleAddress) continue;
    const parsed = f.module.interface.parseLog(log);
    if (parsed?.name === "PositionMinted") return parsed.args.tokenId as bigint;
  }
  throw new Error("no PositionMinted event");
}

/** An hour after the latest block. */
export async function deadline(f: LpFixture): Promise<bigint> {
  return BigInt((await f.deployer.provider!.getBlock("latest"))!.timestamp) + 3600n;
}

export async function liquidityOf(f: LpFixture, tokenId: bigint): Promise<bigint> {
  return (await f.npm.positions(tokenId)).liquidity as bigint;
}

export async function poolSqrtPrice(f: LpFixture): Promise<bigint> {
  return (await f.pool.slot0()).sqrtPriceX96 as bigint;
}

/** sqrtPriceX96 at `tick`, in float (good to ~1e-15: used only as a swap's price limit). */
export function approxSqrtPriceAtTick(tick: number): bigint {
  return BigInt(Math.floor(Math.sqrt(1.0001 ** tick) * 2 ** 96));
}

/** Moves the pool's price to `tick` (about) with one real swap through SwapRouter.exactInputSingle's price limit. */
export async function movePoolToTick(f: LpFixture, tick: number) {
  const target = approxSqrtPriceAtTick(tick);
  const current = await poolSqrtPrice(f);
  if (target === current) return;
  const zeroForOne = target < current;
  const [tokenIn, tokenOut] = zeroForOne ? [f.t0, f.t1] : [f.t1, f.t0];
  await (f.ctx.router.connect(f.deployer) as Contract).exactInputSingle({
    tokenIn: await tokenIn.getAddress(),
    tokenOut: await tokenOut.getAddress(),
    fee: FEE,
    recipient: f.deployer.address,
    deadline: await deadline(f),
    amountIn: await tokenIn.balanceOf(f.deployer.address), // the limit stops it first
    amountOutMinimum: 0n,
    sqrtPriceLimitX96: target,
  });
}
