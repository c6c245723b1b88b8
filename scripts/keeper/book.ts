/**
 * The keeper's side of the non-linear book (issue #7): reads the vault's positions from chain — spot balances, the
 * Uniswap V3 liquidity module's NFTs (ticks, liquidity) and the Aave V3 lending module's collateral and debt — into
 * the optimizer's `Position`s, prices them at the vault's oracle, and turns the optimizer's hedge plan
 * (`book.planBookHedge`) into vault plan steps (module actions and oracle-floored swaps).
 *
 * Units: chain amounts are integers in token decimals; the optimizer works in whole tokens (floats). The conversion
 * happens here only, through `scripts/lib/units.ts` (toUnits / fromUnits / fromWad), with each token's decimals read
 * from the vault's price source.
 */
import { AbiCoder, Contract, keccak256, toUtf8Bytes, type Provider } from "ethers";
import { book as bookNs } from "../../optimizer/index.ts";
import type { MarketState, Position } from "../../optimizer/instruments/position.ts";
import { floorTickToSpacing, priceToTick } from "../../optimizer/instruments/uniswapV3.ts";
import type { BookAction, BookLimits, BookRisk } from "../../optimizer/book/types.ts";
import {
  AaveV3LendingModule__factory,
  UniswapV3LiquidityModule__factory,
  type AaveV3LendingModule,
  type BallastVault,
  type UniswapV3LiquidityModule,
} from "../../types/ethers-contracts/index.js";
import type { Deployment } from "../lib/deployments.ts";
import { encodePath } from "../replica/uniswapV3.ts";
import { encodeLpBurn, encodeLpFund, encodeLpMint } from "../lib/lpModule.ts";
import type { ChainTrade } from "./types.ts";
import { fromUnits, fromWad, oracleMinOut, toUnits } from "../lib/units.ts";
import { AAVE_RISK_PARAMS, accountData } from "../replica/aaveV3.ts";

const abi = AbiCoder.defaultAbiCoder();
/** Aave module operations (contracts/modules/AaveV3LendingModule.sol). */
export const AaveOp = { SUPPLY: 1, WITHDRAW: 2, BORROW: 3, REPAY: 4 } as const;

/** One step of a vault plan (the Solidity `Trade`): the keeper's `ChainTrade`. */
export type PlanStep = ChainTrade;

export interface BookToken {
  symbol: string;
  address: string;
  decimals: number;
}

/** The vault's position modules, found through `vault.modules()` by protocol id. */
export interface BookModules {
  lending: AaveV3LendingModule;
  liquidity: UniswapV3LiquidityModule;
  /** The Aave V3 Pool the lending module is an account of (`getUserAccountData`). */
  aavePool: Contract;
}

/** Everything the book keeper needs: the vault, its modules, the tokens by symbol, the swap adapter and paths. */
export interface BookEnv {
  vault: BallastVault;
  book: BookModules;
  provider: Provider;
  tokens: Record<string, BookToken>;
  baseSymbol: string;
  swapAdapter: string;
  /** Uniswap V3 NonfungiblePositionManager (the LP module's NFTs live there). */
  positionManager: string;
  /** Uniswap V3 path (encoded) per "IN>OUT" symbol pair, e.g. "WETH>USDC". */
  paths: Record<string, string>;
}

/** An LP position's NFT id and the fee tier of its pool (a range change re-mints into the same pool). */
export interface LpRef {
  tokenId: bigint;
  fee: number;
}

/** The book as read from chain, in optimizer units, plus the on-chain health factor (Aave's own). */
export interface ChainBook {
  positions: Position[];
  market: MarketState;
  aaveHealthFactor: number;
  lpIds: bigint[];
  /** NFT id and pool fee tier of each LP position, by its index in `positions` (what the optimizer's LP actions
   * refer to). */
  lpByIndex: Map<number, LpRef>;
}

const AAVE_POOL_ABI = [
  "function getUserAccountData(address) view returns (uint256,uint256,uint256,uint256,uint256,uint256)",
];

/**
 * The book environment of a deployed vault: its modules (by protocol id, through `vault.modules()`), the tokens and
 * swap paths of the deployment. Throws when the vault has no Aave V3 lending or Uniswap V3 liquidity module.
 */
export async function bookEnvFromDeployment(
  vault: BallastVault,
  deployment: Deployment,
  provider: Provider,
  runner: Parameters<typeof AaveV3LendingModule__factory.connect>[1],
): Promise<BookEnv> {
  const ids = { aave: keccak256(toUtf8Bytes("aave-v3")), uniswap: keccak256(toUtf8Bytes("uniswap-v3")) };
  let lending: AaveV3LendingModule | undefined;
  let liquidity: UniswapV3LiquidityModule | undefined;
  for (const m of await vault.modules()) {
    const id = await new Contract(m, ["function protocolId() view returns (bytes32)"], provider).protocolId();
    if (id === ids.aave) lending = AaveV3LendingModule__factory.connect(m, runner);
    if (id === ids.uniswap) liquidity = UniswapV3LiquidityModule__factory.connect(m, runner);
  }
  if (!lending || !liquidity) {
    throw new Error(
      `book: vault ${await vault.getAddress()} has no ${lending ? "" : "Aave V3 lending "}${liquidity ? "" : "Uniswap V3 liquidity "}module (vault.modules())`,
    );
  }
  const base = deployment.baseAsset;
  const tokens: Record<string, BookToken> = {
    [base.symbol]: { symbol: base.symbol, address: base.address, decimals: base.decimals },
  };
  const paths: Record<string, string> = {};
  for (const a of deployment.assets) {
    tokens[a.symbol] = { symbol: a.symbol, address: a.address, decimals: a.decimals };
    paths[`${a.symbol}>${base.symbol}`] = encodePath([a.address, base.address], [a.poolFee]);
    paths[`${base.symbol}>${a.symbol}`] = encodePath([base.address, a.address], [a.poolFee]);
  }
  return {
    vault,
    book: { lending, liquidity, aavePool: new Contract(await lending.pool(), AAVE_POOL_ABI, provider) },
    provider,
    tokens,
    baseSymbol: base.symbol,
    swapAdapter: deployment.contracts.adapter,
    positionManager: deployment.uniswap.positionManager,
    paths,
  };
}

const NPM_ABI = [
  "function positions(uint256) view returns (uint96,address,address,address,uint24,int24,int24,uint128,uint256,uint256,uint128,uint128)",
];

/** Reads spot, LP and lending positions of the vault and the oracle prices (USD per whole token). */
export async function readBook(env: BookEnv): Promise<ChainBook> {
  const vaultAddress = await env.vault.getAddress();
  const symbols = Object.keys(env.tokens);
  const bySymbol = env.tokens;
  const symbolOf = (address: string) =>
    symbols.find((k) => bySymbol[k].address.toLowerCase() === address.toLowerCase())!;
  const pricesUsd: Record<string, number> = {};
  const pricesWad: Record<string, bigint> = {};
  for (const sym of symbols) {
    const r = await env.vault.tryPriceWad(bySymbol[sym].address);
    if (!r.ok) throw new Error(`book: the oracle price of ${sym} is unusable (stale, incomplete or ≤ 0)`);
    pricesWad[sym] = r.priceWad_;
    pricesUsd[sym] = fromWad(r.priceWad_);
  }
  const positions: Position[] = [];
  for (const sym of symbols) {
    const erc20 = new Contract(
      bySymbol[sym].address,
      ["function balanceOf(address) view returns (uint256)"],
      env.provider,
    );
    const bal: bigint = await erc20.balanceOf(vaultAddress);
    if (bal > 0n)
      positions.push({
        kind: "spot",
        id: `spot ${sym}`,
        asset: sym,
        amountToken: fromUnits(bal, bySymbol[sym].decimals),
      });
  }
  // Uniswap V3 liquidity: every NFT the module holds.
  const lp = env.book.liquidity;
  const npm = new Contract(env.positionManager, NPM_ABI, env.provider);
  const lpIds = [...(await lp.positionIds())];
  const lpByIndex = new Map<number, LpRef>();
  for (const id of lpIds) {
    const p = await npm.positions(id);
    lpByIndex.set(positions.length, { tokenId: id, fee: Number(p[4]) });
    const [t0, t1] = [symbolOf(p[2]), symbolOf(p[3])];
    positions.push({
      kind: "uniswapV3",
      id: `LP #${id}`,
      token0: t0,
      token1: t1,
      decimals0: bySymbol[t0].decimals,
      decimals1: bySymbol[t1].decimals,
      tickLower: Number(p[5]),
      tickUpper: Number(p[6]),
      liquidityRaw: Number(p[7]),
    });
  }
  // Aave V3: the lending module's report (aToken and debt balances), liquidation thresholds from the reserve config.
  const lendingTokens = [...(await env.book.lending.tokens())];
  const rep = await env.book.lending.report(lendingTokens.map((t) => pricesWad[symbolOf(t)]));
  const collateral = [];
  const debt = [];
  for (const [j, t] of lendingTokens.entries()) {
    const sym = symbolOf(t);
    const lt =
      (AAVE_RISK_PARAMS as Record<string, { liquidationThresholdBps: number }>)[sym]?.liquidationThresholdBps ?? 0;
    if (rep.longAmounts[j] > 0n)
      collateral.push({
        asset: sym,
        amountToken: fromUnits(rep.longAmounts[j], bySymbol[sym].decimals),
        liquidationThresholdBps: lt,
      });
    if (rep.debtAmounts[j] > 0n)
      debt.push({ asset: sym, amountToken: fromUnits(rep.debtAmounts[j], bySymbol[sym].decimals) });
  }
  if (collateral.length > 0 || debt.length > 0) positions.push({ kind: "lending", id: "aave", collateral, debt });
  const acct = await accountData(env.book.aavePool, await env.book.lending.getAddress());
  const aaveHealthFactor = acct.totalDebtUsdE8 === 0n ? Infinity : fromWad(acct.healthFactorWad);
  return { positions, market: { pricesUsd, rateAnnual: 0 }, aaveHealthFactor, lpIds, lpByIndex };
}

/** One line per figure the issue asks for: net delta, short gamma, leverage, health factor (now and stressed). */
export function describeBook(b: ChainBook, risk: BookRisk, limits: BookLimits): string[] {
  const pct = (bps: number) => `${(bps / 100).toFixed(2)} %`;
  const hf = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "∞");
  const lines: string[] = [];
  for (const l of risk.lps) {
    lines.push(
      `LP ${l.id ?? ""}: ${l.inRange ? "in range" : "OUT OF RANGE"}, value ${Math.round(l.valueUsd).toLocaleString("en-US")} USD, short gamma ${Math.round(l.shortGammaUsd).toLocaleString("en-US")} USD`,
    );
  }
  for (const a of b.positions.filter((p) => p.kind === "lending")) {
    const c = a.collateral.map((x) => `${x.amountToken.toFixed(2)} ${x.asset}`).join(" + ") || "none";
    const d = a.debt.map((x) => `${x.amountToken.toFixed(4)} ${x.asset}`).join(" + ") || "none";
    lines.push(
      `Aave: collateral ${c}, debt ${d}, health factor ${hf(b.aaveHealthFactor)} (Aave) / ${hf(risk.healthFactor)} (optimizer), min ${hf(limits.minHealthFactorBps / 1e4)}`,
    );
  }
  const deltas = Object.entries(risk.netDeltaBps)
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(", ");
  lines.push(
    `net delta ${deltas} (cap ${pct(limits.maxNetDeltaBps)})  short gamma ${pct(risk.shortGammaBps)} of NAV (cap ${pct(limits.maxShortGammaBps)})  gross leverage ${(risk.grossLeverageBps / 1e4).toFixed(2)}x`,
  );
  if (risk.stress && Number.isFinite(risk.stress.minHealthFactor)) {
    lines.push(
      `stress: worst health factor ${hf(risk.stress.minHealthFactor)} in "${risk.stress.worstScenario}"${risk.stress.anyLiquidatable ? "  LIQUIDATABLE" : ""} (floor ${limits.minStressedHealthFactor ?? 1.05})`,
    );
  } else if (risk.stress) {
    lines.push(`stress: no debt, nothing to liquidate in any of ${risk.stress.scenarios.length} scenarios`);
  }
  return lines;
}

/**
 * Turns the optimizer's hedge actions into vault plan steps. LP range changes (burn, rebalancing swap, mint) keep
 * their order and come first, as the optimizer plans them; lending actions go to the Aave module; swaps go through the
 * swap adapter with min-out at the vault's own oracle floor (`maxSlippageBps` below the oracle-implied output).
 * `lpByIndex` names the NFT and pool behind each LP position index (from `readBook`).
 */
export async function hedgeSteps(
  env: BookEnv,
  actions: readonly BookAction[],
  maxSlippageBps: number,
  lpByIndex: ReadonlyMap<number, LpRef> = new Map(),
): Promise<PlanStep[]> {
  const lending = await env.book.lending.getAddress();
  const lastLp = actions.map((a) => a.kind === "lpMint" || a.kind === "lpBurn").lastIndexOf(true);
  const lpPart = actions.slice(0, lastLp + 1);
  // The optimizer's plan is an end state; Aave checks loan-to-value on every borrow. When the delta part only adds
  // (supply, borrow, sell), supply all collateral first — the sale's proceeds from idle base, which the sale refills
  // — so each borrow is covered when it happens. Parts that withdraw or repay keep their order (it is causal there).
  const rank: Record<string, number> = { supply: 0, borrow: 1, swap: 2 };
  const deltaPart = actions.slice(lastLp + 1);
  const additive = deltaPart.every((a) => a.kind in rank);
  const ordered = [...lpPart, ...(additive ? [...deltaPart].sort((x, y) => rank[x.kind] - rank[y.kind]) : deltaPart)];
  const steps: PlanStep[] = [];
  for (const a of ordered) {
    if (a.kind === "supply" || a.kind === "repay" || a.kind === "borrow" || a.kind === "withdraw") {
      steps.push(lendingStep(lending, env.tokens[a.asset], a.kind, a.amountToken));
    } else if (a.kind === "swap") {
      const tin = env.tokens[a.assetIn];
      const tout = env.tokens[a.assetOut];
      const path = env.paths[`${a.assetIn}>${a.assetOut}`];
      if (path === undefined) throw new Error(`book: no swap path ${a.assetIn} → ${a.assetOut}`);
      const amountIn = toUnits(a.amountInToken, tin.decimals);
      const [pin, pout] = await Promise.all([env.vault.tryPriceWad(tin.address), env.vault.tryPriceWad(tout.address)]);
      const { minAmountOut } = oracleMinOut(
        amountIn,
        pin.priceWad_,
        tin.decimals,
        pout.priceWad_,
        tout.decimals,
        maxSlippageBps,
      );
      steps.push({
        adapter: env.swapAdapter,
        tokenIn: tin.address,
        tokenOut: tout.address,
        amountIn,
        minAmountOut,
        data: path,
      });
    } else if (a.kind === "lpBurn") {
      const { tokenId } = lpRefOf(lpByIndex, a.positionIndex);
      const lp = await env.book.liquidity.getAddress();
      const t0 = await env.book.liquidity.token0();
      steps.push({
        adapter: lp,
        tokenIn: t0,
        tokenOut: t0,
        amountIn: 0n,
        minAmountOut: 0n,
        data: encodeLpBurn(tokenId),
      });
    } else if (a.kind === "lpMint") {
      const [t0, t1] = [env.tokens[a.token0], env.tokens[a.token1]];
      steps.push(
        ...(await openLpSteps(env, {
          fee: lpRefOf(lpByIndex, a.positionIndex).fee,
          tickLower: a.tickLower,
          tickUpper: a.tickUpper,
          amount0: toUnits(a.amount0Token, t0.decimals),
          amount1: toUnits(a.amount1Token, t1.decimals),
        })),
      );
    }
  }
  return steps;
}

/**
 * One Aave module action as a plan step. SUPPLY / REPAY: the module pulls `amountToken` of the token (amountIn);
 * BORROW / WITHDRAW: the module sends `amountToken` back to the vault (minAmountOut, and the action's amount).
 */
export function lendingStep(
  lending: string,
  t: BookToken,
  kind: "supply" | "repay" | "borrow" | "withdraw",
  amountToken: number,
): PlanStep {
  const units = toUnits(amountToken, t.decimals);
  const pulls = kind === "supply" || kind === "repay";
  const op = { supply: AaveOp.SUPPLY, repay: AaveOp.REPAY, borrow: AaveOp.BORROW, withdraw: AaveOp.WITHDRAW }[kind];
  return {
    adapter: lending,
    tokenIn: t.address,
    tokenOut: t.address,
    amountIn: pulls ? units : 0n,
    minAmountOut: pulls ? 0n : units,
    data: abi.encode(["uint8", "address", "uint256"], [op, t.address, pulls ? 0n : units]),
  };
}

/** The LP position a range change replaces (its re-mint goes to the same pool). */
function lpRefOf(lpByIndex: ReadonlyMap<number, LpRef>, positionIndex: number): LpRef {
  const ref = lpByIndex.get(positionIndex);
  if (ref === undefined) throw new Error(`book: no NFT behind LP position ${positionIndex}`);
  return ref;
}

/**
 * Plan steps that open an LP position: FUND `amount0` of token0, then MINT pulling `amount1` of token1 (token order of
 * the module). Minimum amounts are 0: the vault's value-loss check at oracle prices (`ValueLossAboveCap`) is what
 * refuses a mint into a moved pool, not the pool's own quote.
 */
export async function openLpSteps(
  env: BookEnv,
  p: { fee: number; tickLower: number; tickUpper: number; amount0: bigint; amount1: bigint },
): Promise<PlanStep[]> {
  const lp = await env.book.liquidity.getAddress();
  const [t0, t1] = [await env.book.liquidity.token0(), await env.book.liquidity.token1()];
  const mint = encodeLpMint({
    fee: p.fee,
    tickLower: p.tickLower,
    tickUpper: p.tickUpper,
    amount0Desired: p.amount0,
    amount1Desired: p.amount1,
    amount0Min: 0n,
    amount1Min: 0n,
  });
  return [
    { adapter: lp, tokenIn: t0, tokenOut: t0, amountIn: p.amount0, minAmountOut: 0n, data: encodeLpFund() },
    { adapter: lp, tokenIn: t1, tokenOut: t1, amountIn: p.amount1, minAmountOut: 0n, data: mint },
  ];
}

/**
 * Plan steps that open an LP position of `asset` against the base asset, ±`halfWidth` (0.25 = ±25 %) around
 * `priceUsd`, with `usdEach` of each token, in the pool of fee tier `fee` (tick spacing `tickSpacing`). Handles either
 * token order of the module's pair. Returns the steps and the ticks chosen.
 */
export async function lpStepsAround(
  env: BookEnv,
  p: { asset: string; priceUsd: number; halfWidth: number; usdEach: number; fee: number; tickSpacing: number },
): Promise<{ steps: PlanStep[]; tickLower: number; tickUpper: number }> {
  const a = env.tokens[p.asset];
  const base = env.tokens[env.baseSymbol];
  const assetIs0 = (await env.book.liquidity.token0()).toLowerCase() === a.address.toLowerCase();
  const [d0, d1] = assetIs0 ? [a.decimals, base.decimals] : [base.decimals, a.decimals];
  // Price of token0 in token1 at the range's edges: the asset's ±halfWidth, inverted when the base asset is token0.
  const [lo, hi] = assetIs0
    ? [p.priceUsd * (1 - p.halfWidth), p.priceUsd * (1 + p.halfWidth)]
    : [1 / (p.priceUsd * (1 + p.halfWidth)), 1 / (p.priceUsd * (1 - p.halfWidth))];
  const tickLower = floorTickToSpacing(priceToTick(lo, d0, d1), p.tickSpacing);
  const tickUpper = floorTickToSpacing(priceToTick(hi, d0, d1), p.tickSpacing);
  const assetUnits = toUnits(p.usdEach / p.priceUsd, a.decimals);
  const baseUnits = toUnits(p.usdEach, base.decimals);
  const [amount0, amount1] = assetIs0 ? [assetUnits, baseUnits] : [baseUnits, assetUnits];
  return {
    steps: await openLpSteps(env, { fee: p.fee, tickLower, tickUpper, amount0, amount1 }),
    tickLower,
    tickUpper,
  };
}

export const planBookHedge = bookNs.planBookHedge;
export const bookRisk = bookNs.bookRisk;
export const bookStressLibrary = bookNs.bookStressLibrary;
