/**
 * readState: the vault's holdings, NAV and whole risk budget in one BudgetLens call, the pools' state, and the oracle
 * history the optimizer works from: the feeds' own rounds (getRoundData, back `historyRounds` rounds) by default, a
 * CSV (`date,asset,close`) when `--prices` is given.
 */
import { readFileSync } from "node:fs";
import { Contract } from "ethers";
import { riskParamsFromChain } from "../lib/deployVault.ts";
import { fromUnits, fromWad } from "../lib/units.ts";
import type { AssetState, KeeperContext, VaultState } from "./types.ts";

const FEED_ABI = [
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function decimals() view returns (uint8)",
];
const FACTORY_ABI = ["function getPool(address,address,uint24) view returns (address)"];
const POOL_ABI = [
  "function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)",
  "function liquidity() view returns (uint128)",
  "function token0() view returns (address)",
];

/** USD prices of one feed, oldest first, over its last `rounds` complete rounds. */
export async function readFeedHistory(ctx: KeeperContext, feedAddress: string, rounds: number): Promise<number[]> {
  const feed = new Contract(feedAddress, FEED_ABI, ctx.provider as never);
  const [decimals, latest] = await Promise.all([feed.decimals(), feed.latestRoundData()]);
  const scale = 10 ** Number(decimals);
  const lastId = BigInt(latest.roundId);
  const ids: bigint[] = [];
  for (let k = 0n; k < BigInt(rounds) && lastId - k >= 1n; k++) ids.push(lastId - k);
  const rows = await Promise.all(
    ids.map((id) =>
      feed.getRoundData(id).then(
        (r: { answer: bigint; updatedAt: bigint }) => r,
        () => null, // a round the aggregator no longer serves (phase boundary): history stops there
      ),
    ),
  );
  const out: number[] = [];
  for (const r of rows) {
    if (r === null || r.updatedAt === 0n || r.answer <= 0n) break;
    out.push(Number(r.answer) / scale);
  }
  return out.reverse();
}

/** Prices from a CSV `date,asset,close` (the repo's ../shared/data format), per symbol, oldest first. */
export function readCsvHistory(file: string, symbols: string[], rounds: number): Record<string, number[]> {
  const alias: Record<string, string> = { WETH: "ETH", WBTC: "BTC" };
  const series: Record<string, [string, number][]> = {};
  for (const line of readFileSync(file, "utf8").trim().split("\n").slice(1)) {
    const [date, asset, close] = line.split(",");
    const sym = symbols.find((s) => s === asset || alias[s] === asset);
    if (!sym) continue;
    (series[sym] ??= []).push([date, Number(close)]);
  }
  const out: Record<string, number[]> = {};
  for (const s of symbols) {
    out[s] = (series[s] ?? [])
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(-rounds)
      .map(([, p]) => p);
  }
  return out;
}

async function readPool(ctx: KeeperContext, a: AssetState, base: AssetState): Promise<AssetState["pool"]> {
  const factory = new Contract(ctx.deployment.uniswap.factory, FACTORY_ABI, ctx.provider as never);
  const poolAddress: string = await factory.getPool(a.address, base.address, a.poolFee);
  if (/^0x0+$/.test(poolAddress)) return undefined;
  const pool = new Contract(poolAddress, POOL_ABI, ctx.provider as never);
  const [slot0, liquidity, token0] = await Promise.all([pool.slot0(), pool.liquidity(), pool.token0()]);
  const assetIs0 = token0.toLowerCase() === a.address.toLowerCase();
  // Raw price token1/token0 in base units = (sqrtPriceX96 / 2^96)^2.
  const sqrtRaw = Number(slot0.sqrtPriceX96) / 2 ** 96;
  const rawBasePerAsset = assetIs0 ? sqrtRaw * sqrtRaw : 1 / (sqrtRaw * sqrtRaw);
  const priceBase = rawBasePerAsset * 10 ** (a.decimals - base.decimals);
  // Full range: x·y = L², reserves x = L/√P, y = L·√P in raw units (P = raw base per raw asset).
  const L = Number(liquidity);
  const reserveBase = (L * Math.sqrt(rawBasePerAsset)) / 10 ** base.decimals;
  const reserveAsset = L / Math.sqrt(rawBasePerAsset) / 10 ** a.decimals;
  return { priceBase, reserveAsset, reserveBase };
}

export async function readState(ctx: KeeperContext): Promise<VaultState> {
  const d = ctx.deployment;
  const [b, block] = await Promise.all([ctx.lens.budget(d.contracts.vault), ctx.provider.getBlock("latest")]);
  const bySymbol = new Map(d.assets.map((a) => [a.address.toLowerCase(), a]));
  const base: AssetState = {
    symbol: d.baseAsset.symbol,
    address: b.base.asset,
    decimals: d.baseAsset.decimals,
    balance: b.base.balance,
    priceWad: b.base.priceWad,
    priceOk: b.base.priceOk,
    valueBase: b.base.valueBase,
    maxWeightBps: 10_000,
    protocolId: "",
    protocolCapBps: 10_000,
    poolFee: 0,
  };
  const assets: AssetState[] = b.assets.map((a) => {
    const known = bySymbol.get(a.asset.toLowerCase());
    if (!known)
      throw new Error(`vault lists ${a.asset}, which deployment.json does not name: update the deployment file`);
    return {
      symbol: known.symbol,
      address: a.asset,
      decimals: known.decimals,
      balance: a.balance,
      priceWad: a.priceWad,
      priceOk: a.priceOk,
      valueBase: a.valueBase,
      maxWeightBps: Number(a.maxWeightBps),
      protocolId: a.protocolId,
      protocolCapBps: Number(a.protocolCapBps),
      poolFee: known.poolFee,
    };
  });
  const pools = await Promise.all(assets.map((a) => readPool(ctx, a, base)));
  assets.forEach((a, i) => (a.pool = pools[i]));

  const rounds = ctx.config.optimizer.historyRounds;
  let history: Record<string, number[]>;
  let historySource: string;
  if (ctx.config.pricesCsv) {
    history = readCsvHistory(ctx.config.pricesCsv, [base.symbol, ...assets.map((a) => a.symbol)], rounds);
    historySource = `CSV ${ctx.config.pricesCsv}`;
  } else {
    const feeds = [d.baseAsset, ...d.assets];
    const series = await Promise.all(feeds.map((f) => readFeedHistory(ctx, f.feed, rounds)));
    history = Object.fromEntries(feeds.map((f, i) => [f.symbol, series[i]]));
    historySource = `feed rounds (last ${rounds})`;
  }

  const p = b.params;
  return {
    blockNumber: block!.number,
    timestamp: block!.timestamp,
    base,
    assets,
    navBase: b.nav,
    pricesOk: b.pricesOk,
    params: riskParamsFromChain(p),
    windowTurnoverPpm: Number(b.windowTurnoverPpm),
    windowSlippagePpm: Number(b.windowSlippagePpm),
    breakerTripped: b.breakerTripped,
    nextRebalanceAt: Number(b.nextRebalanceAt),
    paused: b.paused,
    shutdown: b.shutdown,
    history,
    historySource,
  };
}

/**
 * Current weights of the spot sleeve at oracle prices, base asset included: each holding over the sum of the vault's
 * own balances (base + listed assets). Without position modules that sum is NAV; with them, LP positions, collateral
 * and debt are the book cycle's business (scripts/keeper/bookCycle.ts) and the spot cycle targets its own sleeve, as
 * the planner (`planTrades`, from the holdings) does.
 */
export function currentWeights(s: VaultState): Record<string, number> {
  const nav = fromUnits(
    s.assets.reduce((sum, a) => sum + a.valueBase, s.base.valueBase),
    s.base.decimals,
  );
  const w: Record<string, number> = {
    [s.base.symbol]: nav > 0 ? fromUnits(s.base.valueBase, s.base.decimals) / nav : 1,
  };
  for (const a of s.assets) w[a.symbol] = nav > 0 ? fromUnits(a.valueBase, s.base.decimals) / nav : 0;
  return w;
}

/** Oracle price in USD of every asset (base included). */
export function oraclePricesUsd(s: VaultState): Record<string, number> {
  return Object.fromEntries([s.base, ...s.assets].map((a) => [a.symbol, fromWad(a.priceWad)]));
}
