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
import { AbiCoder, Contract, type Provider } from "ethers";
import { book as bookNs } from "../../optimizer/index.ts";
import type { MarketState, Position } from "../../optimizer/instruments/position.ts";
import type { BookAction, BookLimits, BookRisk } from "../../optimizer/book/types.ts";
import type { BallastVault } from "../../types/ethers-contracts/index.js";
import type { StackBook } from "../lib/localStack.ts";
import { fromUnits, fromWad, oracleMinOut, toUnits } from "../lib/units.ts";
import { AAVE_RISK_PARAMS, accountData } from "../replica/aaveV3.ts";

const abi = AbiCoder.defaultAbiCoder();
/** Aave module operations (contracts/modules/AaveV3LendingModule.sol). */
export const AaveOp = { SUPPLY: 1, WITHDRAW: 2, BORROW: 3, REPAY: 4 } as const;
/** Uniswap V3 liquidity module operations (contracts/modules/UniswapV3LiquidityModule.sol). */
export const LpOp = { FUND: 1, MINT: 2, INCREASE: 3, DECREASE: 4, COLLECT: 5, BURN: 6 } as const;

/** One step of a vault plan (the Solidity `Trade`). */
export interface PlanStep {
  adapter: string;
  tokenIn: string;
  tokenOut: string;
  amountIn: bigint;
  minAmountOut: bigint;
  data: string;
}

export interface BookToken {
  symbol: string;
  address: string;
  decimals: number;
}

/** Everything the book keeper needs: the vault, its modules, the tokens by symbol, the swap adapter and paths. */
export interface BookEnv {
  vault: BallastVault;
  book: StackBook;
  provider: Provider;
  tokens: Record<string, BookToken>;
  baseSymbol: string;
  swapAdapter: string;
  /** Uniswap V3 NonfungiblePositionManager (the LP module's NFTs live there). */
  positionManager: string;
  /** Uniswap V3 path (encoded) per "IN>OUT" symbol pair, e.g. "WETH>USDC". */
  paths: Record<string, string>;
}

/** The book as read from chain, in optimizer units, plus the on-chain health factor (Aave's own). */
export interface ChainBook {
  positions: Position[];
  market: MarketState;
  aaveHealthFactor: number;
  lpIds: bigint[];
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
  for (const id of lpIds) {
    const p = await npm.positions(id);
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
  const acct = await accountData(env.book.aave.pool, await env.book.lending.getAddress());
  const aaveHealthFactor = acct.totalDebtUsdE8 === 0n ? Infinity : fromWad(acct.healthFactorWad);
  return { positions, market: { pricesUsd, rateAnnual: 0 }, aaveHealthFactor, lpIds };
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
 * Turns the optimizer's hedge actions into vault plan steps. Lending actions go to the Aave module; swaps go through
 * the swap adapter with min-out at the vault's own oracle floor (`maxSlippageBps` below the oracle-implied output).
 * LP range changes are not translated here (the demo's range is chosen inside the gamma cap): they throw.
 */
export async function hedgeSteps(
  env: BookEnv,
  actions: readonly BookAction[],
  maxSlippageBps: number,
): Promise<PlanStep[]> {
  const lending = await env.book.lending.getAddress();
  const steps: PlanStep[] = [];
  // The optimizer's plan is an end state; Aave checks loan-to-value on every borrow. When the plan only adds (supply,
  // borrow, sell), supply all collateral first — the sale's proceeds from idle base, which the sale refills — so
  // each borrow is covered when it happens. Plans that withdraw or repay keep their order (it is causal there).
  const rank: Record<string, number> = { supply: 0, borrow: 1, swap: 2 };
  const additive = actions.every((a) => a.kind in rank);
  const ordered = additive ? [...actions].sort((x, y) => rank[x.kind] - rank[y.kind]) : actions;
  for (const a of ordered) {
    if (a.kind === "supply" || a.kind === "repay") {
      const t = env.tokens[a.asset];
      const units = toUnits(a.amountToken, t.decimals);
      const op = a.kind === "supply" ? AaveOp.SUPPLY : AaveOp.REPAY;
      steps.push({
        adapter: lending,
        tokenIn: t.address,
        tokenOut: t.address,
        amountIn: units,
        minAmountOut: 0n,
        data: abi.encode(["uint8", "address", "uint256"], [op, t.address, 0n]),
      });
    } else if (a.kind === "borrow" || a.kind === "withdraw") {
      const t = env.tokens[a.asset];
      const units = toUnits(a.amountToken, t.decimals);
      const op = a.kind === "borrow" ? AaveOp.BORROW : AaveOp.WITHDRAW;
      steps.push({
        adapter: lending,
        tokenIn: t.address,
        tokenOut: t.address,
        amountIn: 0n,
        minAmountOut: units,
        data: abi.encode(["uint8", "address", "uint256"], [op, t.address, units]),
      });
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
    } else {
      throw new Error(`book: ${a.kind} (LP range change) is not translated into vault steps by this keeper yet`);
    }
  }
  return steps;
}

/** Plan steps that open an LP position: FUND `amount0`/`amount1` (token order of the module) then MINT. */
export async function openLpSteps(
  env: BookEnv,
  p: { fee: number; tickLower: number; tickUpper: number; amount0: bigint; amount1: bigint },
): Promise<PlanStep[]> {
  const lp = await env.book.liquidity.getAddress();
  const [t0, t1] = [await env.book.liquidity.token0(), await env.book.liquidity.token1()];
  const mintArgs = abi.encode(
    ["uint24", "int24", "int24", "uint256", "uint256", "uint256", "uint256"],
    [p.fee, p.tickLower, p.tickUpper, p.amount0, p.amount1, 0n, 0n],
  );
  return [
    {
      adapter: lp,
      tokenIn: t0,
      tokenOut: t0,
      amountIn: p.amount0,
      minAmountOut: 0n,
      data: abi.encode(["uint8", "bytes"], [LpOp.FUND, "0x"]),
    },
    {
      adapter: lp,
      tokenIn: t1,
      tokenOut: t1,
      amountIn: p.amount1,
      minAmountOut: 0n,
      data: abi.encode(["uint8", "bytes"], [LpOp.MINT, mintArgs]),
    },
  ];
}

export const planBookHedge = bookNs.planBookHedge;
export const bookRisk = bookNs.bookRisk;
export const bookStressLibrary = bookNs.bookStressLibrary;
