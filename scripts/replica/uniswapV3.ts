/**
 * Uniswap V3 on a local chain, from the REAL production bytecode.
 *
 * Every contract deployed here comes byte for byte from the artifacts that Uniswap and the WETH authors publish on
 * npm (no recompilation, no edits):
 *   - WETH9                               canonical-weth/build/contracts/WETH9.json
 *   - UniswapV3Factory (+ UniswapV3Pool)  @uniswap/v3-core@1.0.1/artifacts/...
 *   - SwapRouter, QuoterV2,
 *     NonfungiblePositionManager,
 *     NonfungibleTokenPositionDescriptor
 *     (+ its NFTDescriptor library)      @uniswap/v3-periphery@1.4.4/artifacts/...
 *
 * The periphery finds pools by CREATE2 with a hard-coded `PoolAddress.POOL_INIT_CODE_HASH`; `deployUniswapV3`
 * checks that the npm pool bytecode hashes to exactly that constant, so the router and the position manager reach
 * the pools the factory creates. Tokens other than WETH9 are stand-ins (see docs/replica.md).
 *
 * Units are in the names: `amountWei` = token base units, `sqrtPriceX96` = sqrt(token1/token0 in base units) * 2^96,
 * `priceOfAInB` = whole tokens of B per whole token of A (decimals applied).
 */
import { createRequire } from "node:module";
import {
  AbiCoder,
  Contract,
  ContractFactory,
  encodeBytes32String,
  getAddress,
  getCreate2Address,
  keccak256,
  resolveAddress,
  solidityPacked,
} from "ethers";
import type { Addressable, ContractTransactionResponse, InterfaceAbi, Signer } from "ethers";

const require = createRequire(import.meta.url);

export interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences?: Record<string, Record<string, { start: number; length: number }[]>>;
}

/** The production artifacts, exactly as published on npm (also used by `canonical.ts`). */
export const ARTIFACTS = {
  weth9: require("canonical-weth/build/contracts/WETH9.json") as Artifact,
  factory: require("@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json") as Artifact,
  pool: require("@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json") as Artifact,
  swapRouter: require("@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json") as Artifact,
  quoterV2: require("@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json") as Artifact,
  nftDescriptor:
    require("@uniswap/v3-periphery/artifacts/contracts/libraries/NFTDescriptor.sol/NFTDescriptor.json") as Artifact,
  tokenDescriptor:
    require("@uniswap/v3-periphery/artifacts/contracts/NonfungibleTokenPositionDescriptor.sol/NonfungibleTokenPositionDescriptor.json") as Artifact,
  positionManager:
    require("@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json") as Artifact,
};

/** `PoolAddress.POOL_INIT_CODE_HASH` as hard-coded in @uniswap/v3-periphery (and on mainnet). */
export const POOL_INIT_CODE_HASH = "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54";

/** TickMath bounds (Uniswap V3 core). */
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
const Q96 = 2n ** 96n;
const Q192 = 2n ** 192n;

/** Fee tiers enabled by the factory's constructor, in hundredths of a bip (500 = 0.05%). */
export const FeeAmount = { LOW: 500, MEDIUM: 3000, HIGH: 10000 } as const;

const ERC20_ABI = [
  "function decimals() view returns (uint8)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function balanceOf(address owner) view returns (uint256)",
];

/** A failure of the replica helpers: a short message plus the structured details that caused it. */
export class ReplicaError extends Error {
  constructor(
    public readonly shortMessage: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(`${shortMessage} ${JSON.stringify(details, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    this.name = "ReplicaError";
  }
}

/** A token given by address or by any ethers object with an address (a Contract, a signer...). */
export type TokenRef = string | Addressable;

export interface UniswapV3Addresses {
  weth: string;
  factory: string;
  router: string;
  positionManager: string;
  quoter: string;
  tokenDescriptor: string;
  nftDescriptorLibrary: string;
}

/** What `deployUniswapV3` returns and every other helper takes. Contracts are connected to `signer`. */
export interface UniswapV3Context {
  signer: Signer;
  weth: Contract;
  factory: Contract;
  router: Contract;
  positionManager: Contract;
  quoter: Contract;
  tokenDescriptor: Contract;
  addresses: UniswapV3Addresses;
}

/** Pool key as callers think of it: two tokens in any order and a fee tier. */
export interface PoolParams {
  tokenA: TokenRef;
  tokenB: TokenRef;
  fee: number;
}

// ───────────────────────────── deployment ─────────────────────────────

async function deploy(artifact: Artifact, signer: Signer, args: unknown[] = [], bytecode = artifact.bytecode) {
  const contract = (await new ContractFactory(artifact.abi, bytecode, signer).deploy(...args)) as Contract;
  await contract.waitForDeployment();
  return contract;
}

/** Writes `libraryAddress` into every link placeholder of `libraryName` in `artifact.bytecode`. */
function linkBytecode(artifact: Artifact, libraryName: string, libraryAddress: string): string {
  let hex = artifact.bytecode.slice(2);
  const address = getAddress(libraryAddress).slice(2).toLowerCase();
  let linked = 0;
  for (const libraries of Object.values(artifact.linkReferences ?? {})) {
    for (const { start, length } of libraries[libraryName] ?? []) {
      hex = hex.slice(0, start * 2) + address + hex.slice((start + length) * 2);
      linked++;
    }
  }
  if (linked === 0) throw new ReplicaError("no link reference for library", { libraryName });
  return `0x${hex}`;
}

/**
 * Deploys WETH9, UniswapV3Factory, SwapRouter, QuoterV2, the NFT position descriptor (with its NFTDescriptor
 * library) and NonfungiblePositionManager from their npm artifacts, in that order, from `signer`.
 * Throws `ReplicaError` if the npm pool bytecode does not hash to the periphery's `POOL_INIT_CODE_HASH`.
 */
export async function deployUniswapV3(signer: Signer): Promise<UniswapV3Context> {
  const poolInitCodeHash = keccak256(ARTIFACTS.pool.bytecode);
  if (poolInitCodeHash !== POOL_INIT_CODE_HASH) {
    throw new ReplicaError("UniswapV3Pool bytecode does not match the periphery's POOL_INIT_CODE_HASH", {
      poolInitCodeHash,
      expected: POOL_INIT_CODE_HASH,
    });
  }
  const weth = await deploy(ARTIFACTS.weth9, signer);
  const factory = await deploy(ARTIFACTS.factory, signer);
  const wethAddress = await weth.getAddress();
  const factoryAddress = await factory.getAddress();
  const router = await deploy(ARTIFACTS.swapRouter, signer, [factoryAddress, wethAddress]);
  const quoter = await deploy(ARTIFACTS.quoterV2, signer, [factoryAddress, wethAddress]);
  const nftDescriptorLibrary = await deploy(ARTIFACTS.nftDescriptor, signer);
  const nftDescriptorLibraryAddress = await nftDescriptorLibrary.getAddress();
  const tokenDescriptor = await deploy(
    ARTIFACTS.tokenDescriptor,
    signer,
    [wethAddress, encodeBytes32String("ETH")],
    linkBytecode(ARTIFACTS.tokenDescriptor, "NFTDescriptor", nftDescriptorLibraryAddress),
  );
  const tokenDescriptorAddress = await tokenDescriptor.getAddress();
  const positionManager = await deploy(ARTIFACTS.positionManager, signer, [
    factoryAddress,
    wethAddress,
    tokenDescriptorAddress,
  ]);
  return {
    signer,
    weth,
    factory,
    router,
    positionManager,
    quoter,
    tokenDescriptor,
    addresses: {
      weth: wethAddress,
      factory: factoryAddress,
      router: await router.getAddress(),
      positionManager: await positionManager.getAddress(),
      quoter: await quoter.getAddress(),
      tokenDescriptor: tokenDescriptorAddress,
      nftDescriptorLibrary: nftDescriptorLibraryAddress,
    },
  };
}

// ───────────────────────────── pure math (bigint) ─────────────────────────────

/** floor(sqrt(n)) for n >= 0, exact (Newton's method on bigint). */
export function sqrtFloor(n: bigint): bigint {
  if (n < 0n) throw new ReplicaError("square root of a negative number", { n });
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2)); // >= sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The exact rational value of a decimal number as written (`3000.5` -> 30005/10, `"1e-7"` -> 1/10^7). Takes the
 * shortest decimal form of a JS number (what the caller typed), or a decimal string for values beyond a double.
 */
export function decimalToRational(value: number | string): { num: bigint; den: bigint } {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) throw new ReplicaError("not a non-negative decimal number", { value: text });
  const [, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText) - fraction.length;
  let num = BigInt(whole + fraction);
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return { num, den };
}

/** num/den as the nearest-ish double, keeping ~60 significant bits before the final rounding (no overflow). */
export function ratioToNumber(num: bigint, den: bigint): number {
  if (den === 0n) throw new ReplicaError("division by zero", { num });
  if (num === 0n) return 0;
  const shift = den.toString(2).length - num.toString(2).length + 60;
  const quotient = shift >= 0 ? (num << BigInt(shift)) / den : num / (den << BigInt(-shift));
  return Number(quotient) * 2 ** -shift;
}

/** Sorts two token addresses the way Uniswap does (numerically ascending). */
export function sortTokens(tokenA: string, tokenB: string): [token0: string, token1: string] {
  const a = getAddress(tokenA);
  const b = getAddress(tokenB);
  if (a === b) throw new ReplicaError("identical tokens", { token: a });
  return BigInt(a) < BigInt(b) ? [a, b] : [b, a];
}

/**
 * sqrtPriceX96 = floor(sqrt(price1Per0 * 2^192)) where price1Per0 is token1 base units per token0 base unit.
 * Computed from the exact decimal value of `priceOfAInB` (whole B per whole A), so it is exact up to the final floor.
 */
export function encodeSqrtPriceX96(
  priceOfAInB: number | string,
  decimalsA: number,
  decimalsB: number,
  aIsToken0: boolean,
): bigint {
  const { num, den } = decimalToRational(priceOfAInB);
  if (num === 0n) throw new ReplicaError("price must be positive", { priceOfAInB });
  // price of A in B in base units: num/den * 10^decB / 10^decA (B base units per A base unit)
  let ratioNum = num * 10n ** BigInt(decimalsB);
  let ratioDen = den * 10n ** BigInt(decimalsA);
  if (!aIsToken0) [ratioNum, ratioDen] = [ratioDen, ratioNum];
  const sqrtPriceX96 = sqrtFloor((ratioNum * Q192) / ratioDen);
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
    throw new ReplicaError("price outside Uniswap V3's tick range", { priceOfAInB, sqrtPriceX96 });
  }
  return sqrtPriceX96;
}

/** Price of A in B (whole tokens, decimals applied) from a pool's sqrtPriceX96. Inverse of `encodeSqrtPriceX96`. */
export function decodeSqrtPriceX96(
  sqrtPriceX96: bigint,
  decimalsA: number,
  decimalsB: number,
  aIsToken0: boolean,
): number {
  const squared = sqrtPriceX96 * sqrtPriceX96; // token1 per token0 in base units, times 2^192
  const [token0Decimals, token1Decimals] = aIsToken0 ? [decimalsA, decimalsB] : [decimalsB, decimalsA];
  // price1Per0 in whole tokens = squared / 2^192 * 10^dec0 / 10^dec1
  const num = squared * 10n ** BigInt(token0Decimals);
  const den = Q192 * 10n ** BigInt(token1Decimals);
  return aIsToken0 ? ratioToNumber(num, den) : ratioToNumber(den, num);
}

/** The usable tick range of a fee tier: MIN_TICK/MAX_TICK rounded inwards to multiples of `tickSpacing`. */
export function fullRangeTicks(tickSpacing: number): { tickLower: number; tickUpper: number } {
  return {
    tickLower: Math.ceil(MIN_TICK / tickSpacing) * tickSpacing,
    tickUpper: Math.floor(MAX_TICK / tickSpacing) * tickSpacing,
  };
}

/**
 * Uniswap V3 packed path: token0 (20 bytes) | fee0 (uint24) | token1 | ... | tokenN.
 * `tokens.length` must be `fees.length + 1`.
 */
export function encodePath(tokens: string[], fees: number[]): string {
  if (tokens.length !== fees.length + 1 || fees.length === 0) {
    throw new ReplicaError("a path needs one more token than fees, and at least one fee", {
      tokens: tokens.length,
      fees: fees.length,
    });
  }
  const types: string[] = [];
  const values: (string | number)[] = [];
  fees.forEach((fee, i) => {
    types.push("address", "uint24");
    values.push(tokens[i], fee);
  });
  types.push("address");
  values.push(tokens[tokens.length - 1]);
  return solidityPacked(types, values);
}

/** The CREATE2 address of a pool, as the periphery's `PoolAddress.computeAddress` derives it. */
export function computePoolAddress(factory: string, tokenA: string, tokenB: string, fee: number): string {
  const [token0, token1] = sortTokens(tokenA, tokenB);
  const salt = keccak256(AbiCoder.defaultAbiCoder().encode(["address", "address", "uint24"], [token0, token1, fee]));
  return getCreate2Address(factory, salt, POOL_INIT_CODE_HASH);
}

// ───────────────────────────── chain helpers ─────────────────────────────

async function tokenDecimals(ctx: UniswapV3Context, token: string): Promise<number> {
  return Number(await new Contract(token, ERC20_ABI, ctx.signer).decimals());
}

async function resolvePair(ctx: UniswapV3Context, tokenA: TokenRef, tokenB: TokenRef) {
  const a = getAddress(await resolveAddress(tokenA));
  const b = getAddress(await resolveAddress(tokenB));
  const [token0] = sortTokens(a, b);
  const [decimalsA, decimalsB] = await Promise.all([tokenDecimals(ctx, a), tokenDecimals(ctx, b)]);
  return { a, b, aIsToken0: token0 === a, decimalsA, decimalsB };
}

async function deadlineFromLatestBlock(signer: Signer, seconds = 3600): Promise<bigint> {
  const block = await signer.provider!.getBlock("latest");
  return BigInt(block!.timestamp + seconds);
}

async function approveIfNeeded(token: string, owner: Signer, spender: string, amountWei: bigint) {
  const erc20 = new Contract(token, ERC20_ABI, owner);
  const allowance: bigint = await erc20.allowance(await owner.getAddress(), spender);
  if (allowance < amountWei) await (await erc20.approve(spender, amountWei)).wait();
}

/** The pool contract (full UniswapV3Pool ABI) of (tokenA, tokenB, fee); a `ReplicaError` if the factory has none. */
export async function getPool(ctx: UniswapV3Context, tokenA: TokenRef, tokenB: TokenRef, fee: number) {
  const a = await resolveAddress(tokenA);
  const b = await resolveAddress(tokenB);
  const address: string = await ctx.factory.getPool(a, b, fee);
  if (address === "0x0000000000000000000000000000000000000000") {
    throw new ReplicaError("no such pool", { tokenA: a, tokenB: b, fee });
  }
  return new Contract(address, ARTIFACTS.pool.abi, ctx.signer);
}

/**
 * Creates the (tokenA, tokenB, fee) pool and initialises it at `priceOfAInB` (whole B per whole A, e.g. 3000 for
 * WETH in USDC), whatever the token order and decimals. Returns the pool address and the exact sqrtPriceX96 used.
 */
export async function createPool(
  ctx: UniswapV3Context,
  tokenA: TokenRef,
  tokenB: TokenRef,
  fee: number,
  priceOfAInB: number | string,
): Promise<{ pool: string; sqrtPriceX96: bigint; token0: string; token1: string }> {
  const { a, b, aIsToken0, decimalsA, decimalsB } = await resolvePair(ctx, tokenA, tokenB);
  const sqrtPriceX96 = encodeSqrtPriceX96(priceOfAInB, decimalsA, decimalsB, aIsToken0);
  const [token0, token1] = sortTokens(a, b);
  await (await ctx.factory.createPool(token0, token1, fee)).wait();
  const pool = await getPool(ctx, token0, token1, fee);
  await (await pool.initialize(sqrtPriceX96)).wait();
  return { pool: await pool.getAddress(), sqrtPriceX96, token0, token1 };
}

/** Price of A in B (whole tokens, decimals applied) read from the pool's slot0. */
export async function poolPrice(ctx: UniswapV3Context, tokenA: TokenRef, tokenB: TokenRef, fee: number) {
  const { aIsToken0, decimalsA, decimalsB } = await resolvePair(ctx, tokenA, tokenB);
  const pool = await getPool(ctx, tokenA, tokenB, fee);
  const [sqrtPriceX96] = (await pool.slot0()) as [bigint];
  return decodeSqrtPriceX96(sqrtPriceX96, decimalsA, decimalsB, aIsToken0);
}

/**
 * Mints a liquidity position through the NonfungiblePositionManager from `ctx.signer` (which must hold the tokens).
 * Default range: full range for the fee tier. Given ticks are widened to the tier's spacing (lower rounded down,
 * upper rounded up). The pool takes at most `amountAWei`/`amountBWei`, in the ratio the current price asks for.
 */
export async function addLiquidity(
  ctx: UniswapV3Context,
  pool: PoolParams,
  amountAWei: bigint,
  amountBWei: bigint,
  tickLower?: number,
  tickUpper?: number,
): Promise<{
  tokenId: bigint;
  liquidity: bigint;
  amountAWei: bigint;
  amountBWei: bigint;
  tickLower: number;
  tickUpper: number;
}> {
  const a = getAddress(await resolveAddress(pool.tokenA));
  const b = getAddress(await resolveAddress(pool.tokenB));
  const [token0, token1] = sortTokens(a, b);
  const aIsToken0 = token0 === a;
  const tickSpacing = Number(await ctx.factory.feeAmountTickSpacing(pool.fee));
  if (tickSpacing === 0) throw new ReplicaError("fee tier not enabled", { fee: pool.fee });
  const full = fullRangeTicks(tickSpacing);
  const lower = tickLower === undefined ? full.tickLower : Math.floor(tickLower / tickSpacing) * tickSpacing;
  const upper = tickUpper === undefined ? full.tickUpper : Math.ceil(tickUpper / tickSpacing) * tickSpacing;
  if (!(full.tickLower <= lower && lower < upper && upper <= full.tickUpper)) {
    throw new ReplicaError("invalid tick range", { tickLower: lower, tickUpper: upper, tickSpacing });
  }
  const npm = ctx.addresses.positionManager;
  await approveIfNeeded(a, ctx.signer, npm, amountAWei);
  await approveIfNeeded(b, ctx.signer, npm, amountBWei);
  const [amount0Desired, amount1Desired] = aIsToken0 ? [amountAWei, amountBWei] : [amountBWei, amountAWei];
  const tx: ContractTransactionResponse = await ctx.positionManager.mint({
    token0,
    token1,
    fee: pool.fee,
    tickLower: lower,
    tickUpper: upper,
    amount0Desired,
    amount1Desired,
    amount0Min: 0n,
    amount1Min: 0n,
    recipient: await ctx.signer.getAddress(),
    deadline: await deadlineFromLatestBlock(ctx.signer),
  });
  const receipt = await tx.wait();
  for (const log of receipt!.logs) {
    // Only the manager's own logs: ERC-20 and ERC-721 Approval/Transfer share topic0 but not the layout.
    if (getAddress(log.address) !== npm) continue;
    const parsed = ctx.positionManager.interface.parseLog(log);
    if (parsed?.name === "IncreaseLiquidity") {
      const { tokenId, liquidity, amount0, amount1 } = parsed.args;
      return {
        tokenId,
        liquidity,
        amountAWei: aIsToken0 ? amount0 : amount1,
        amountBWei: aIsToken0 ? amount1 : amount0,
        tickLower: lower,
        tickUpper: upper,
      };
    }
  }
  throw new ReplicaError("mint emitted no IncreaseLiquidity event", { tx: tx.hash });
}

/** QuoterV2's exact-input quote along `path` (see `encodePath`), in base units of the path's last token. */
export async function quoteExactInput(ctx: UniswapV3Context, path: string, amountInWei: bigint): Promise<bigint> {
  const [amountOutWei] = (await ctx.quoter.quoteExactInput.staticCall(path, amountInWei)) as [bigint];
  return amountOutWei;
}

/**
 * Swaps `amountInWei` along `path` through the real SwapRouter (`exactInput`) and returns the output received.
 * Meant for tests that need to move a pool's price (the front leg of a 'sandwich'). Defaults: from `ctx.signer`,
 * output to the sender, no minimum output, deadline one hour after the latest block.
 */
export async function swapExactInput(
  ctx: UniswapV3Context,
  path: string,
  amountInWei: bigint,
  options: { signer?: Signer; recipient?: string; amountOutMinimumWei?: bigint; deadline?: bigint } = {},
): Promise<bigint> {
  const signer = options.signer ?? ctx.signer;
  const tokenIn = getAddress(path.slice(0, 42));
  const tokenOut = getAddress(`0x${path.slice(-40)}`);
  const recipient = options.recipient ?? (await signer.getAddress());
  await approveIfNeeded(tokenIn, signer, ctx.addresses.router, amountInWei);
  const out = new Contract(tokenOut, ERC20_ABI, signer);
  const before: bigint = await out.balanceOf(recipient);
  const router = ctx.router.connect(signer) as Contract;
  const tx: ContractTransactionResponse = await router.exactInput({
    path,
    recipient,
    deadline: options.deadline ?? (await deadlineFromLatestBlock(signer)),
    amountIn: amountInWei,
    amountOutMinimum: options.amountOutMinimumWei ?? 0n,
  });
  await tx.wait();
  const after: bigint = await out.balanceOf(recipient);
  return after - before;
}

/** sqrtPriceX96 as a float ratio (token1 per token0, base units): handy for logs, never for the chain. */
export function sqrtPriceX96ToRatio(sqrtPriceX96: bigint): number {
  return ratioToNumber(sqrtPriceX96 * sqrtPriceX96, Q96 * Q96);
}
