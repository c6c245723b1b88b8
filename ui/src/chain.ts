/**
 * Reads from the chain through the typechain bindings shared with the rest of the repo (../types/ethers-contracts).
 */
import { id, type ContractRunner, type Provider } from "ethers";
import { BallastVault__factory } from "../../types/ethers-contracts/factories/BallastVault__factory.ts";
import { BudgetLens__factory } from "../../types/ethers-contracts/factories/BudgetLens__factory.ts";
import { MockERC20__factory } from "../../types/ethers-contracts/factories/mocks/MockERC20__factory.ts";
import { IPositionModule__factory } from "../../types/ethers-contracts/factories/interfaces/IPositionModule__factory.ts";
import type { BallastVault } from "../../types/ethers-contracts/BallastVault.ts";
import type { BudgetLens, BudgetViewStructOutput } from "../../types/ethers-contracts/BudgetLens.ts";
import type { MockERC20 } from "../../types/ethers-contracts/mocks/MockERC20.ts";
import { pricesOf, type ModuleKind, type ModuleView } from "./book.ts";
import type { Deployment } from "./deployment.ts";
import type { TokenInfo } from "./format.ts";

export type Budget = BudgetViewStructOutput;

export function vaultAt(d: Deployment, runner: ContractRunner): BallastVault {
  return BallastVault__factory.connect(d.contracts.vault, runner);
}

export function lensAt(d: Deployment, runner: ContractRunner): BudgetLens {
  return BudgetLens__factory.connect(d.contracts.lens, runner);
}

export function erc20At(address: string, runner: ContractRunner): MockERC20 {
  return MockERC20__factory.connect(address, runner);
}

export interface VaultMeta {
  base: TokenInfo;
  share: TokenInfo;
  /** Listed assets (not the base), in the lens's order. */
  assets: TokenInfo[];
  /** Every token by lower-cased address, base and share included. */
  tokens: Record<string, TokenInfo>;
}

async function tokenInfo(address: string, provider: Provider): Promise<TokenInfo> {
  const t = erc20At(address, provider);
  const [symbol, decimals] = await Promise.all([t.symbol(), t.decimals()]);
  return { address, symbol, decimals: Number(decimals) };
}

export async function readMeta(d: Deployment, provider: Provider): Promise<VaultMeta> {
  const vault = vaultAt(d, provider);
  const [baseAddress, listed, shareSymbol, shareDecimals] = await Promise.all([
    vault.asset(),
    vault.listedAssets(),
    vault.symbol(),
    vault.decimals(),
  ]);
  const base = await tokenInfo(baseAddress, provider);
  const assets = await Promise.all(listed.map((a) => tokenInfo(a, provider)));
  const share = { address: d.contracts.vault, symbol: shareSymbol, decimals: Number(shareDecimals) };
  const tokens: Record<string, TokenInfo> = {};
  for (const t of [base, share, ...assets]) tokens[t.address.toLowerCase()] = t;
  return { base, share, assets, tokens };
}

export interface Snapshot {
  block: number;
  timestamp: number;
  budget: Budget;
  totalSupply: bigint;
  maxDeposit: bigint;
  /** The vault's position modules (empty when it has none, or when the list cannot be read). */
  modules: ModuleView[];
}

const KINDS: Record<string, ModuleKind> = {
  [id("uniswap-v3")]: "uniswap-v3",
  [id("aave-v3")]: "aave-v3",
};

export function moduleKind(protocolId: string): ModuleKind {
  return KINDS[protocolId.toLowerCase()] ?? "unknown";
}

function reason(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown };
  const text = typeof e?.shortMessage === "string" ? e.shortMessage : typeof e?.message === "string" ? e.message : "";
  return text.length > 160 ? `${text.slice(0, 160)}…` : text || "unknown error";
}

/**
 * Every position module with its report at the lens's oracle prices. Soft: a module whose report (or anything else)
 * fails is listed without a report and an `error`; a vault without `modules()` has none.
 */
export async function readModules(
  d: Deployment,
  provider: Provider,
  budget: Budget,
  blockTag?: number,
): Promise<ModuleView[]> {
  const vault = vaultAt(d, provider);
  const tag = blockTag === undefined ? {} : { blockTag };
  let addresses: string[];
  try {
    addresses = [...(await vault.modules(tag))];
  } catch {
    return [];
  }
  if (addresses.length === 0) return [];
  const prices = pricesOf(budget);
  return Promise.all(
    addresses.map(async (address): Promise<ModuleView> => {
      const m = IPositionModule__factory.connect(address, provider);
      const view: ModuleView = { address, kind: "unknown", protocolId: "", tokens: [] };
      try {
        const [protocolId, tokens] = await Promise.all([m.protocolId(tag), m.tokens(tag)]);
        view.protocolId = protocolId;
        view.kind = moduleKind(protocolId);
        view.tokens = [...tokens];
        view.protocolCapBps = await vault.protocolCapBps(protocolId, tag).catch(() => undefined);
        const px = tokens.map((t) => prices.get(t.toLowerCase()) ?? 0n);
        if (px.some((p) => p === 0n)) {
          view.error = "a price is unusable";
          return view;
        }
        const r = await m.report(px, tag);
        view.report = {
          longAmounts: [...r.longAmounts],
          debtAmounts: [...r.debtAmounts],
          shortGammaUsdWad: r.shortGammaUsdWad,
          healthFactorWad: r.healthFactorWad,
        };
      } catch (err) {
        view.error = reason(err);
      }
      return view;
    }),
  );
}

export async function readSnapshot(d: Deployment, provider: Provider): Promise<Snapshot> {
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("no latest block");
  const tag = { blockTag: block.number };
  const vault = vaultAt(d, provider);
  const [budget, totalSupply, maxDeposit] = await Promise.all([
    lensAt(d, provider).budget(d.contracts.vault, tag),
    vault.totalSupply(tag),
    vault.maxDeposit(d.contracts.vault, tag),
  ]);
  const modules = await readModules(d, provider, budget, block.number);
  return { block: block.number, timestamp: block.timestamp, budget, totalSupply, maxDeposit, modules };
}

export interface Position {
  shares: bigint;
  /** Shares valued in base units at oracle NAV (previewRedeem; 0 when a price is unusable). */
  value: bigint;
  baseBalance: bigint;
  allowance: bigint;
  maxWithdraw: bigint;
}

export async function readPosition(
  d: Deployment,
  meta: VaultMeta,
  account: string,
  provider: Provider,
): Promise<Position> {
  const vault = vaultAt(d, provider);
  const base = erc20At(meta.base.address, provider);
  const [shares, baseBalance, allowance, maxWithdraw] = await Promise.all([
    vault.balanceOf(account),
    base.balanceOf(account),
    base.allowance(account, d.contracts.vault),
    vault.maxWithdraw(account),
  ]);
  const value = shares === 0n ? 0n : await vault.previewRedeem(shares).catch(() => 0n);
  return { shares, value, baseBalance, allowance, maxWithdraw };
}

export interface NavPoint {
  block: number;
  timestamp: number;
  nav: bigint;
  sharePriceWad: bigint;
}

export interface TradeRow {
  index: number;
  tokenIn: string;
  tokenOut: string;
  amountIn: bigint;
  amountOut: bigint;
  expectedOut: bigint;
}

export interface RebalanceRow {
  planId: string;
  block: number;
  timestamp: number;
  txHash: string;
  keeper: string;
  navBefore: bigint;
  navAfter: bigint;
  turnoverBps: bigint;
  slippageBase: bigint;
  trades: TradeRow[];
}

export interface History {
  points: NavPoint[];
  rebalances: RebalanceRow[];
}

const MAX_POINTS = 60;

/** NAV and share price at every block where the vault's books changed (deposits, exits, rebalances), and the rebalances. */
export async function readHistory(d: Deployment, provider: Provider, latest: Snapshot): Promise<History> {
  const vault = vaultAt(d, provider);
  const lens = lensAt(d, provider);
  const from = d.startBlock ?? 0;
  const [deposits, withdrawals, inKind, rebalanced, trades] = await Promise.all([
    vault.queryFilter(vault.filters.Deposit(), from, latest.block),
    vault.queryFilter(vault.filters.Withdraw(), from, latest.block),
    vault.queryFilter(vault.filters.RedeemedInKind(), from, latest.block),
    vault.queryFilter(vault.filters.Rebalanced(), from, latest.block),
    vault.queryFilter(vault.filters.TradeExecuted(), from, latest.block),
  ]);
  const blocks = [...new Set([...deposits, ...withdrawals, ...inKind, ...rebalanced].map((e) => e.blockNumber))]
    .filter((b) => b !== latest.block)
    .sort((a, b) => a - b)
    .slice(-(MAX_POINTS - 1));
  const times = new Map<number, number>([[latest.block, latest.timestamp]]);
  const points = await Promise.all(
    blocks.map(async (block): Promise<NavPoint> => {
      const [b, blk] = await Promise.all([
        lens.budget(d.contracts.vault, { blockTag: block }),
        provider.getBlock(block),
      ]);
      times.set(block, blk?.timestamp ?? 0);
      return { block, timestamp: blk?.timestamp ?? 0, nav: b.nav, sharePriceWad: b.sharePriceWad };
    }),
  );
  points.push({
    block: latest.block,
    timestamp: latest.timestamp,
    nav: latest.budget.nav,
    sharePriceWad: latest.budget.sharePriceWad,
  });

  const tradesByPlan = new Map<string, TradeRow[]>();
  for (const t of trades) {
    const rows = tradesByPlan.get(t.args.planId) ?? [];
    rows.push({
      index: Number(t.args.index),
      tokenIn: t.args.tokenIn,
      tokenOut: t.args.tokenOut,
      amountIn: t.args.amountIn,
      amountOut: t.args.amountOut,
      expectedOut: t.args.expectedOut,
    });
    tradesByPlan.set(t.args.planId, rows);
  }
  const recent = rebalanced.slice(-10).reverse();
  const rebalances = await Promise.all(
    recent.map(async (r): Promise<RebalanceRow> => {
      let timestamp = times.get(r.blockNumber);
      if (timestamp === undefined) timestamp = (await provider.getBlock(r.blockNumber))?.timestamp ?? 0;
      return {
        planId: r.args.planId,
        block: r.blockNumber,
        timestamp,
        txHash: r.transactionHash,
        keeper: r.args.keeper,
        navBefore: r.args.navBefore,
        navAfter: r.args.navAfter,
        turnoverBps: r.args.turnoverBps,
        slippageBase: r.args.slippageBase,
        trades: (tradesByPlan.get(r.args.planId) ?? []).sort((a, b) => a.index - b.index),
      };
    }),
  );
  return { points, rebalances };
}
