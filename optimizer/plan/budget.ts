/**
 * The off-chain mirror of the vault's post-rebalance risk-budget check (contracts/RiskBudget.sol). Returns every
 * broken limit, each named after the on-chain custom error it would raise (`WeightAboveCap`, `TurnoverAboveCap`, ...),
 * so a plan that would revert is caught before simulation, and a reader can search from one side to the other.
 */
import { ValidationError } from "../errors.ts";
import { MAX_TRADES, type AssetInfo, type BudgetViolation, type RiskBudget, type WindowUsage } from "./types.ts";

/** A trade as the budget sees it (a `PlannedTrade` is one). */
export interface BudgetTrade {
  readonly tokenIn: string;
  readonly tokenOut: string;
  readonly amountIn: number;
  readonly minAmountOut: number;
  readonly expectedAmountOut: number;
}

/** Everything the check needs. Holdings in whole tokens, prices USD per whole token (oracle). */
export interface BudgetCheckInput {
  readonly assets: readonly AssetInfo[];
  readonly baseAsset: string;
  readonly oraclePricesUsd: Readonly<Record<string, number>>;
  readonly holdingsBefore: Readonly<Record<string, number>>;
  readonly holdingsAfter: Readonly<Record<string, number>>;
  readonly trades: readonly BudgetTrade[];
  readonly budget: RiskBudget;
  readonly window?: WindowUsage;
}

/** NAV at oracle prices, USD: Σ holdings · price over the listed assets. */
export function navUsd(
  assets: readonly AssetInfo[],
  holdings: Readonly<Record<string, number>>,
  oraclePricesUsd: Readonly<Record<string, number>>,
): number {
  let nav = 0;
  for (const a of assets) nav += (holdings[a.asset] ?? 0) * oraclePrice(oraclePricesUsd, a.asset);
  return nav;
}

/** The oracle price of `asset`, or a ValidationError naming it. */
export function oraclePrice(pricesUsd: Readonly<Record<string, number>>, asset: string): number {
  const p = pricesUsd[asset];
  if (p === undefined || !(p > 0) || !Number.isFinite(p)) {
    throw new ValidationError("missing or non-positive oracle price", { asset, priceUsd: p });
  }
  return p;
}

const EPS_BPS = 1e-9;

/**
 * Checks a plan against the risk budget the way the vault will after executing it: weights and protocol exposure
 * and idle on the expected post-trade holdings, turnover and slippage on the trades, window sums on top of `window`.
 * Weight, protocol and idle limits, as on-chain (PositionChecksLib), only bind when the plan makes them worse (a vault already above a cap may
 * still trade toward it). An empty result means the plan should pass.
 */
export function checkRiskBudget(i: BudgetCheckInput): BudgetViolation[] {
  const v: BudgetViolation[] = [];
  const b = i.budget;
  const navBefore = navUsd(i.assets, i.holdingsBefore, i.oraclePricesUsd);
  const navAfter = navUsd(i.assets, i.holdingsAfter, i.oraclePricesUsd);
  if (!(navBefore > 0)) throw new ValidationError("NAV must be positive", { navBefore });
  const weightBps = (h: Readonly<Record<string, number>>, nav: number, asset: string) =>
    nav > 0 ? (((h[asset] ?? 0) * oraclePrice(i.oraclePricesUsd, asset)) / nav) * 1e4 : 0;

  if (i.trades.length > MAX_TRADES) {
    v.push({
      name: "TooManyTrades",
      observed: i.trades.length,
      cap: MAX_TRADES,
      unit: "count",
      message: `${i.trades.length} trades; at most ${MAX_TRADES} fit in one rebalance`,
    });
  }

  const protocolBps = new Map<string, { after: number; before: number; cap: number }>();
  for (const a of i.assets) {
    const after = weightBps(i.holdingsAfter, navAfter, a.asset);
    const before = weightBps(i.holdingsBefore, navBefore, a.asset);
    if (a.asset !== i.baseAsset && after > a.maxWeightBps + EPS_BPS && after > before + EPS_BPS) {
      v.push({
        name: "WeightAboveCap",
        asset: a.asset,
        observed: after,
        cap: a.maxWeightBps,
        unit: "bps",
        message: `${a.asset} would weigh ${after.toFixed(1)} bps of NAV, above its cap of ${a.maxWeightBps} bps`,
      });
    }
    if (a.asset !== i.baseAsset && a.protocolId !== "") {
      const e = protocolBps.get(a.protocolId) ?? { after: 0, before: 0, cap: a.protocolCapBps };
      e.after += after;
      e.before += before;
      e.cap = Math.min(e.cap, a.protocolCapBps);
      protocolBps.set(a.protocolId, e);
    }
  }
  for (const [protocolId, e] of protocolBps) {
    if (e.after > e.cap + EPS_BPS && e.after > e.before + EPS_BPS) {
      v.push({
        name: "ProtocolExposureAboveCap",
        protocolId,
        observed: e.after,
        cap: e.cap,
        unit: "bps",
        message: `assets of protocol ${protocolId} would weigh ${e.after.toFixed(1)} bps, above its cap of ${e.cap} bps`,
      });
    }
  }

  let turnoverUsd = 0;
  let slippageUsd = 0;
  i.trades.forEach((t, tradeIndex) => {
    const pIn = oraclePrice(i.oraclePricesUsd, t.tokenIn);
    const pOut = oraclePrice(i.oraclePricesUsd, t.tokenOut);
    const valueIn = t.amountIn * pIn;
    turnoverUsd += valueIn;
    slippageUsd += Math.max(0, valueIn - t.expectedAmountOut * pOut);
    const oracleOut = valueIn / pOut;
    const acceptedBps = oracleOut > 0 ? (1 - t.minAmountOut / oracleOut) * 1e4 : 0;
    const expectedBps = oracleOut > 0 ? (1 - t.expectedAmountOut / oracleOut) * 1e4 : 0;
    if (acceptedBps > b.maxSlippageBps + EPS_BPS) {
      v.push({
        name: "SlippageAboveCap",
        tradeIndex,
        observed: acceptedBps,
        cap: b.maxSlippageBps,
        unit: "bps",
        message: `trade ${tradeIndex}: minAmountOut accepts ${acceptedBps.toFixed(1)} bps below the oracle, above the cap`,
      });
    } else if (t.expectedAmountOut < t.minAmountOut) {
      v.push({
        name: "SlippageAboveCap",
        tradeIndex,
        observed: expectedBps,
        cap: b.maxSlippageBps,
        unit: "bps",
        message: `trade ${tradeIndex}: expected slippage ${expectedBps.toFixed(1)} bps exceeds the cap; it would revert (InsufficientOutput)`,
      });
    }
  });

  const turnoverBps = (turnoverUsd / navBefore) * 1e4;
  if (turnoverBps > b.maxTurnoverBps + EPS_BPS) {
    v.push({
      name: "TurnoverAboveCap",
      observed: turnoverBps,
      cap: b.maxTurnoverBps,
      unit: "bps",
      message: `turnover ${turnoverBps.toFixed(1)} bps of NAV, above the per-rebalance cap`,
    });
  }
  const windowTurnoverPpm = (i.window?.windowTurnoverPpm ?? 0) + (turnoverUsd / navBefore) * 1e6;
  if (windowTurnoverPpm > b.maxWindowTurnoverBps * 100 + EPS_BPS) {
    v.push({
      name: "WindowTurnoverAboveCap",
      observed: windowTurnoverPpm,
      cap: b.maxWindowTurnoverBps * 100,
      unit: "ppm",
      message: `window turnover would reach ${windowTurnoverPpm.toFixed(0)} ppm of NAV, above the window cap`,
    });
  }
  const windowSlippagePpm = (i.window?.windowSlippagePpm ?? 0) + (slippageUsd / navBefore) * 1e6;
  if (windowSlippagePpm > b.maxWindowSlippageBps * 100 + EPS_BPS) {
    v.push({
      name: "WindowSlippageAboveCap",
      observed: windowSlippagePpm,
      cap: b.maxWindowSlippageBps * 100,
      unit: "ppm",
      message: `window slippage would reach ${windowSlippagePpm.toFixed(0)} ppm of NAV, above the window budget`,
    });
  }
  const idleAfter = weightBps(i.holdingsAfter, navAfter, i.baseAsset);
  const idleBefore = weightBps(i.holdingsBefore, navBefore, i.baseAsset);
  if (idleAfter < b.minIdleBps - EPS_BPS && idleAfter < idleBefore - EPS_BPS) {
    v.push({
      name: "IdleBelowMin",
      asset: i.baseAsset,
      observed: idleAfter,
      cap: b.minIdleBps,
      unit: "bps",
      message: `idle ${i.baseAsset} would be ${idleAfter.toFixed(1)} bps of NAV, below the minimum of ${b.minIdleBps} bps`,
    });
  }
  return v;
}
