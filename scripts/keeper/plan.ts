/**
 * plan: optimizer/plan `planTrades` from holdings, oracle prices and targets (no-trade band, pool impact from the
 * pools' on-chain liquidity, gas, the budget check), then the one conversion to chain units at scripts/lib/units.ts:
 * amounts in token decimals (bigint) and each `minAmountOut` at the vault's own oracle floor (`oracleMinOut`).
 */
import { randomBytes } from "node:crypto";
import { AbiCoder, keccak256 } from "ethers";
import { planTrades, type AssetInfo, type PoolModel } from "../../optimizer/plan/index.ts";
import { encodePath } from "../replica/uniswapV3.ts";
import { fromUnits, oracleMinOut, toUnits } from "../lib/units.ts";
import { currentWeights, oraclePricesUsd } from "./readState.ts";
import type { ChainTrade, KeeperContext, KeeperPlan, Targets, VaultState } from "./types.ts";

export async function plan(ctx: KeeperContext, s: VaultState, targets: Targets): Promise<KeeperPlan> {
  const all = [s.base, ...s.assets];
  const bySymbol = new Map(all.map((a) => [a.symbol, a]));
  const oracle = oraclePricesUsd(s);
  const assets: AssetInfo[] = all.map((a) => ({
    asset: a.symbol,
    decimals: a.decimals,
    protocolId: a.protocolId,
    maxWeightBps: a.maxWeightBps,
    protocolCapBps: a.protocolCapBps,
  }));
  const pools: Record<string, PoolModel> = {};
  for (const a of s.assets) {
    if (a.pool) {
      pools[a.symbol] = {
        kind: "constantProduct",
        reserveAssetToken: a.pool.reserveAsset,
        reserveBaseToken: a.pool.reserveBase,
        feePips: a.poolFee,
      };
    }
  }
  // Pool guard: a pool whose price sits further from the oracle than maxSlippageBps (a sandwich's front leg, or an
  // arbitrage that has not happened yet) is not traded this cycle: the asset keeps its current weight.
  const weights = { ...targets.weights };
  const guards: string[] = [];
  const now = currentWeights(s);
  for (const a of s.assets) {
    if (!a.pool || !(oracle[a.symbol] > 0)) continue;
    const deviationBps = Math.abs(a.pool.priceBase / (oracle[a.symbol] / oracle[s.base.symbol]) - 1) * 1e4;
    if (deviationBps > s.params.maxSlippageBps && Math.abs((weights[a.symbol] ?? 0) - now[a.symbol]) > 0) {
      guards.push(
        `pool ${a.symbol}/${s.base.symbol} at ${a.pool.priceBase.toPrecision(6)} is ${deviationBps.toFixed(0)} bps from the oracle ${oracle[a.symbol].toPrecision(6)} (maxSlippageBps ${s.params.maxSlippageBps}): ${a.symbol} not traded this cycle`,
      );
      weights[s.base.symbol] = (weights[s.base.symbol] ?? 0) + (weights[a.symbol] ?? 0) - now[a.symbol];
      weights[a.symbol] = now[a.symbol];
    }
  }
  if (guards.length > 0 && weights[s.base.symbol] < 0) {
    // Cannot keep the guarded weights and the others' targets at once: keep everything where it is.
    for (const k of Object.keys(weights)) weights[k] = now[k] ?? 0;
  }
  const fee = await ctx.provider.getFeeData();
  const gasPriceGwei = Number(fee.maxFeePerGas ?? fee.gasPrice ?? 0n) / 1e9;
  const ethSymbol = s.assets.find((a) => a.address.toLowerCase() === ctx.deployment.uniswap.weth.toLowerCase())?.symbol;
  const p = s.params;
  const tp = planTrades({
    assets,
    baseAsset: s.base.symbol,
    holdings: Object.fromEntries(all.map((a) => [a.symbol, fromUnits(a.balance, a.decimals)])),
    oraclePricesUsd: oracle,
    targetWeights: weights,
    pools,
    budget: { ...p, depositCap: fromUnits(p.depositCap, s.base.decimals) },
    window: { windowTurnoverPpm: s.windowTurnoverPpm, windowSlippagePpm: s.windowSlippagePpm },
    gas: {
      gasUnitsPerSwap: ctx.config.gasUnitsPerSwap,
      gasPriceGwei,
      ethPriceUsd: ethSymbol ? oracle[ethSymbol] : 3_000,
    },
    noTradeBandBps: ctx.config.noTradeBandBps,
    benefitBps: ctx.config.benefitBps,
  });

  const trades: ChainTrade[] = tp.trades.map((t) => {
    const hops = t.path.map((sym) => bySymbol.get(sym)!);
    const fees = hops.slice(1).map((h, i) => (h.symbol === s.base.symbol ? hops[i].poolFee : h.poolFee));
    const tin = bySymbol.get(t.tokenIn)!;
    const tout = bySymbol.get(t.tokenOut)!;
    const amountIn = toUnits(t.amountIn, tin.decimals);
    const { minAmountOut } = oracleMinOut(
      amountIn,
      tin.priceWad,
      tin.decimals,
      tout.priceWad,
      tout.decimals,
      p.maxSlippageBps,
    );
    return {
      adapter: ctx.deployment.contracts.adapter,
      tokenIn: tin.address,
      tokenOut: tout.address,
      amountIn,
      minAmountOut,
      data: encodePath(
        hops.map((h) => h.address),
        fees,
      ),
    };
  });
  const deadline = BigInt(s.timestamp + ctx.config.deadlineSeconds);
  // The plan id commits to the vault, the block the plan was made at, the trades and a random salt (a plan re-made
  // from the same block after a crash gets a new id; the journal's primary key).
  const planId = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "tuple(address,address,address,uint256,uint256,bytes)[]", "bytes16"],
      [
        ctx.deployment.contracts.vault,
        s.blockNumber,
        trades.map((t) => [t.adapter, t.tokenIn, t.tokenOut, t.amountIn, t.minAmountOut, t.data]),
        randomBytes(16),
      ],
    ),
  );
  return {
    planId,
    deadline,
    trades,
    lines: tp.trades.map(
      (t) =>
        `${t.side} ${t.amountIn.toPrecision(6)} ${t.tokenIn} -> ${t.tokenOut} (${t.valueInUsd.toFixed(0)} USD, expected slippage ${t.expectedSlippageBps.toFixed(1)} bps)`,
    ),
    guards,
    skipped: tp.skipped.map((k) => `${k.asset} ${k.reason} (drift ${k.driftBps.toFixed(0)} bps)`),
    violations: tp.violations.map((v) => `${v.name}: ${v.message}`),
  };
}
