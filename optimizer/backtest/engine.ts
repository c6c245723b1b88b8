/**
 * Walk-forward backtest engine. One step per calendar day, at the close:
 *
 *   1. an asset whose data has ended is sold into the base asset at its last close, through its pool model;
 *   2. the book is valued at the day's closes (the "oracle");
 *   3. with the risk budget, the drawdown breaker observes NAV per share (breaker.ts, as on-chain);
 *   4. on a rebalance day (calendar schedule or drift band, see `RebalanceRule`) the strategy re-estimates its
 *      targets from returns up to and including today only, the keeper's planner (`planTrades`: no-trade band, pool
 *      price impact and fee, gas, cost-versus-benefit, turnover fitting, idle floor) turns them into trades, and the
 *      keeper's budget check (`checkRiskBudget`, inside the plan) decides: a plan with any violation is what the
 *      vault would revert, so nothing trades that day;
 *   5. trades execute at the planner's expected amounts; gas is charged to NAV pro rata
 *      (a fee in kind).
 *
 * No look-ahead: step t reads rows <= t of the panel only (a test corrupts every price after a date and checks that
 * every decision up to that date is unchanged). Deterministic: the only randomness is the seeded bootstrap.
 */
import { BallastError, ValidationError } from "../errors.ts";
import { makeScenarioSet, portfolioLosses, type ScenarioSet } from "../scenarios/scenarioSet.ts";
import { blockBootstrap } from "../scenarios/bootstrap.ts";
import { lossTail } from "../risk/tail.ts";
import { BPS, type RiskBudget as OptimizerBudget } from "../optimize/budget.ts";
import { planTrades } from "../plan/planTrades.ts";
import { quoteSwap, gasCostUsd } from "../plan/priceImpact.ts";
import type { AssetInfo, PoolModel, RiskBudget as PlanBudget } from "../plan/types.ts";
import { newBreaker, observeBreaker } from "./breaker.ts";
import type { PricePanel } from "./panel.ts";
import { strategyName, targetWeights, type StrategySpec } from "./strategies.ts";

/** When to re-estimate and trade. */
export type RebalanceRule =
  { readonly kind: "calendar"; readonly everyDays: number } | { readonly kind: "drift"; readonly driftBps: number };

/** Scenario source at each rebalance. */
export type ScenarioSource =
  | { readonly kind: "historical" }
  | { readonly kind: "bootstrap"; readonly count: number; readonly blockLength?: number; readonly seed: number };

/** The vault's risk budget as the backtest applies it: the planner's `RiskBudget` plus per-asset caps and the reset rule. */
export interface BacktestBudget extends PlanBudget {
  /** Per-asset cap on non-base assets, bps of NAV (one number or per asset; the base asset is never capped). */
  readonly maxWeightBps: number | Readonly<Record<string, number>>;
  /** Days after a breaker trip at which the simulated guardian resets it. */
  readonly resetAfterDays: number;
}

/** Trading-cost assumptions. */
export interface CostModel {
  /**
   * Value of each side of the constant-product pool of an asset against the base asset, USD (one or per asset).
   * When absent, the depth is `poolDepthNavMultiple` times the vault's NAV that day.
   */
  readonly poolDepthUsd?: number | Readonly<Record<string, number>>;
  /** Pool depth per side as a multiple of NAV, used without `poolDepthUsd` (default 50). */
  readonly poolDepthNavMultiple: number;
  /** Pool fee, hundredths of a bip (3000 = 0.30 %), one or per asset. */
  readonly feePips: number | Readonly<Record<string, number>>;
  readonly gasUnitsPerSwap: number;
  readonly gasPriceGwei: number;
  /** ETH price for gas when ETH is not in the panel, USD. */
  readonly ethPriceUsd: number;
}

/** Options of `runBacktest`. */
export interface BacktestOptions {
  readonly strategy: StrategySpec;
  readonly baseAsset: string;
  /** Starting NAV, all in the base asset, USD (default 1,000,000). */
  readonly initialNavUsd?: number;
  /** Days of past returns each estimate uses (default 365). */
  readonly estimationDays?: number;
  /** An asset joins the universe once it has this many days of history (default 60). */
  readonly minHistoryDays?: number;
  readonly rebalance?: RebalanceRule;
  readonly scenarios?: ScenarioSource;
  /** CVaR level (default 0.95). */
  readonly alpha?: number;
  /** Mean-variance γ on daily moments (default 10). */
  readonly riskAversion?: number;
  /** Applied when `strategy.withBudget`; otherwise the planner runs with no limits and there is no breaker. */
  readonly budget?: BacktestBudget;
  readonly costs?: Partial<CostModel>;
  /** Planner no-trade band, bps of NAV (default 150, the keeper's). */
  readonly noTradeBandBps?: number;
  /** Planner benefit per unit traded, bps (default 100, the keeper's). */
  readonly benefitBps?: number;
  /** While the breaker is tripped: "exit" = target all base asset; "restrict" = no weight may rise (default exit). */
  readonly breakerAction?: "exit" | "restrict";
  /** Called once a day with (days done, total days). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The default budget: scripts/lib/deployVault.ts's defaults, with a 30 % cap per risky asset. */
export const DEFAULT_BUDGET: BacktestBudget = {
  maxWeightBps: 3_000,
  maxTurnoverBps: 5_000,
  maxWindowTurnoverBps: 15_000,
  maxSlippageBps: 100,
  maxWindowSlippageBps: 50,
  minIdleBps: 1_000,
  maxDrawdownBps: 2_000,
  cooldownSeconds: 3_600,
  windowSeconds: 86_400,
  drawdownWindowSeconds: 30 * 86_400,
  depositCap: Infinity,
  resetAfterDays: 30,
};

/** No limits: what "without the risk budget" means for the planner. */
const NO_BUDGET: BacktestBudget = {
  maxWeightBps: BPS,
  maxTurnoverBps: Infinity,
  maxWindowTurnoverBps: Infinity,
  maxSlippageBps: BPS,
  maxWindowSlippageBps: Infinity,
  minIdleBps: 0,
  maxDrawdownBps: BPS,
  cooldownSeconds: 0,
  windowSeconds: 86_400,
  drawdownWindowSeconds: 30 * 86_400,
  depositCap: Infinity,
  resetAfterDays: 30,
};

/**
 * Default costs: each pool side 50× the vault's NAV (the vault stays a small participant however its NAV grows, so
 * results do not depend on the starting NAV), 0.30 % fee (0.05 % for BTC, WBTC, ETH), 180k gas a swap at 30 gwei.
 */
export const DEFAULT_COSTS: CostModel = {
  poolDepthNavMultiple: 50,
  feePips: { BTC: 500, WBTC: 500, ETH: 500, "*": 3_000 },
  gasUnitsPerSwap: 180_000,
  gasPriceGwei: 30,
  ethPriceUsd: 2_500,
};

/** Headroom kept inside the caps and above the idle floor when targeting, bps: the vault rounds against the keeper. */
export const TARGET_HEADROOM_BPS = 10;

/** One executed trade. */
export interface TradeRecord {
  readonly date: string;
  readonly side: "sell" | "buy";
  readonly asset: string;
  readonly amount: number;
  readonly valueInUsd: number;
  /** Oracle value lost: pool fee + price impact, USD. */
  readonly slippageUsd: number;
  readonly feeUsd: number;
  readonly gasUsd: number;
  readonly reason: RebalanceReason | "dataEnds";
}

/** Why a rebalance happened. */
export type RebalanceReason = "schedule" | "drift" | "continue" | "breaker";

/** One rebalance decision. */
export interface RebalanceRecord {
  readonly date: string;
  readonly reason: RebalanceReason;
  /** Targets (fractions of NAV) by asset, after the breaker's restriction. */
  readonly targets: Readonly<Record<string, number>>;
  readonly tradeCount: number;
  /** Σ trade input value / NAV before (the on-chain turnover definition), fraction. */
  readonly turnover: number;
  readonly costUsd: number;
  /** Violations of the plan (the vault would revert: nothing traded). */
  readonly rejected: readonly string[];
  readonly note?: string;
  /** Each asset's share of the targets' CVaR on the estimation scenarios (component CVaR / CVaR). */
  readonly riskShares?: Readonly<Record<string, number>>;
}

/** A breaker or universe event. */
export interface BacktestEvent {
  readonly date: string;
  readonly kind: "breakerTripped" | "breakerReset" | "assetEnters" | "assetLeaves";
  readonly detail: string;
}

/** The result of one strategy's run. */
export interface BacktestRun {
  readonly name: string;
  readonly strategy: StrategySpec;
  readonly assets: readonly string[];
  /** Backtest days (the panel's dates from its startIndex). */
  readonly dates: readonly string[];
  /** NAV at each day's close after trading, USD. */
  readonly navUsd: Float64Array;
  /** Weights after trading, row-major [day · assets.length + asset]. */
  readonly weights: Float64Array;
  /** 1 on days the breaker is tripped. */
  readonly breakerTripped: Uint8Array;
  readonly rebalances: readonly RebalanceRecord[];
  readonly trades: readonly TradeRecord[];
  readonly events: readonly BacktestEvent[];
  readonly initialNavUsd: number;
}

function pick(v: number | Readonly<Record<string, number>>, asset: string, name: string): number {
  if (typeof v === "number") return v;
  const x = v[asset] ?? v["*"];
  if (x === undefined) throw new ValidationError(`${name} has no value for asset`, { asset });
  return x;
}

/**
 * Runs one strategy over `panel` from its `startIndex`. Starts all in the base asset. Pure apart from the solver
 * (HiGHS), deterministic for a given panel and options.
 */
export async function runBacktest(panel: PricePanel, o: BacktestOptions): Promise<BacktestRun> {
  const assets = panel.assets;
  const n = assets.length;
  const base = o.baseAsset;
  const b = assets.indexOf(base);
  if (b < 0) throw new ValidationError("the base asset must be in the panel", { asset: base });
  const withBudget = o.strategy.withBudget;
  const budget: BacktestBudget = withBudget ? (o.budget ?? DEFAULT_BUDGET) : NO_BUDGET;
  const costs: CostModel = { ...DEFAULT_COSTS, ...o.costs };
  const estimationDays = o.estimationDays ?? 365;
  const minHistory = o.minHistoryDays ?? 60;
  const rule: RebalanceRule = o.rebalance ?? { kind: "calendar", everyDays: 7 };
  const source: ScenarioSource = o.scenarios ?? { kind: "historical" };
  const alpha = o.alpha ?? 0.95;
  const band = o.noTradeBandBps ?? 150;
  const initialNav = o.initialNavUsd ?? 1_000_000;
  const breakerAction = o.breakerAction ?? "exit";
  if (!(estimationDays >= 2 && minHistory >= 2 && minHistory <= estimationDays)) {
    throw new ValidationError("need 2 <= minHistoryDays <= estimationDays", { estimationDays, minHistory });
  }
  if (rule.kind === "calendar" && !(Number.isInteger(rule.everyDays) && rule.everyDays >= 1)) {
    throw new ValidationError("rebalance.everyDays must be a positive integer", { everyDays: rule.everyDays });
  }
  const C = panel.closes;
  const start = panel.startIndex;
  const T = panel.dates.length;
  const days = T - start;
  const eth = assets.indexOf("ETH");
  const capBps = (a: string) => (a === base ? BPS : pick(budget.maxWeightBps, a, "maxWeightBps"));

  const holdings = new Float64Array(n);
  holdings[b] = initialNav / C[start * n + b];
  const navOut = new Float64Array(days);
  const weightsOut = new Float64Array(days * n);
  const trippedOut = new Uint8Array(days);
  const rebalances: RebalanceRecord[] = [];
  const trades: TradeRecord[] = [];
  const events: BacktestEvent[] = [];
  const breaker = newBreaker();
  const windowLog: { day: number; turnoverPpm: number; slippagePpm: number }[] = [];
  let targets: Float64Array | undefined; // by panel asset
  let pending = false;
  const inUniverse = new Uint8Array(n);
  const sharesPerUnit = 1 / initialNav; // NAV per share: no flows, so NAV / initial NAV

  const price = (t: number, i: number) => C[t * n + i];
  const value = (t: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) if (holdings[i] > 0) v += holdings[i] * price(t, i);
    return v;
  };
  const pool = (t: number, i: number, p: number): PoolModel => {
    const depth =
      costs.poolDepthUsd !== undefined
        ? pick(costs.poolDepthUsd, assets[i], "poolDepthUsd")
        : costs.poolDepthNavMultiple * value(t);
    return {
      kind: "constantProduct",
      reserveAssetToken: depth / p,
      reserveBaseToken: depth / price(t, b),
      feePips: pick(costs.feePips, assets[i], "feePips"),
    };
  };
  // gas is charged to NAV pro rata, as a fee in kind, so that no holding can go negative
  const chargeGas = (gasUsd: number, t: number) => {
    const v = value(t);
    if (gasUsd <= 0 || !(v > gasUsd)) return;
    for (let i = 0; i < n; i++) holdings[i] *= 1 - gasUsd / v;
  };
  const gasModel = (t: number) => ({
    gasUnitsPerSwap: costs.gasUnitsPerSwap,
    gasPriceGwei: costs.gasPriceGwei,
    ethPriceUsd: eth >= 0 && Number.isFinite(price(t, eth)) ? price(t, eth) : costs.ethPriceUsd,
  });

  for (let t = start; t < T; t++) {
    const date = panel.dates[t];
    const k = t - start;
    // 0. universe bookkeeping (an event, not a decision)
    for (let i = 0; i < n; i++) {
      const live = t >= panel.firstIndex[i] + minHistory && t <= panel.lastIndex[i] ? 1 : 0;
      if (live !== inUniverse[i] && (k > 0 || live === 1)) {
        events.push({
          date,
          kind: live ? "assetEnters" : "assetLeaves",
          detail: live ? `${assets[i]} investable (${minHistory} days of history)` : `${assets[i]} has no more prices`,
        });
      }
      inUniverse[i] = live;
    }
    // 1. data ended: sell at the last close through the pool model (outside the rebalance budget)
    for (let i = 0; i < n; i++) {
      if (i === b || holdings[i] <= 0 || t <= panel.lastIndex[i]) continue;
      const lastT = panel.lastIndex[i];
      const p = price(lastT, i);
      const q = quoteSwap(pool(lastT, i, p), true, holdings[i]);
      const valueIn = holdings[i] * p;
      const out = q.amountOut;
      const gasUsd = gasCostUsd(gasModel(t));
      trades.push({
        date,
        side: "sell",
        asset: assets[i],
        amount: holdings[i],
        valueInUsd: valueIn,
        slippageUsd: valueIn - out * price(t, b),
        feeUsd: q.feeIn * p,
        gasUsd,
        reason: "dataEnds",
      });
      holdings[b] += out;
      holdings[i] = 0;
      chargeGas(gasUsd, t);
    }
    // 2. value
    const nav = value(t);
    if (!(nav > 0)) throw new ValidationError("NAV fell to zero", { date });
    // 3. breaker
    let breakerEvent: "tripped" | "reset" | undefined;
    if (withBudget) {
      breakerEvent = observeBreaker(
        breaker,
        { ...budget, drawdownWindowSeconds: budget.drawdownWindowSeconds ?? 0 },
        k,
        nav * sharesPerUnit,
      );
      if (breakerEvent === "tripped") {
        events.push({
          date,
          kind: "breakerTripped",
          detail: `NAV ${(nav * sharesPerUnit).toFixed(4)} fell more than ${budget.maxDrawdownBps} bps below the mark ${breaker.highWaterMark.toFixed(4)}`,
        });
      } else if (breakerEvent === "reset") {
        events.push({ date, kind: "breakerReset", detail: `reset ${budget.resetAfterDays} days after the trip` });
      }
    }
    // 4. rebalance?
    const w = Float64Array.from({ length: n }, (_, i) => (holdings[i] > 0 ? (holdings[i] * price(t, i)) / nav : 0));
    let reason: RebalanceReason | undefined;
    let reestimate = false;
    if (o.strategy.kind === "buy-and-hold") {
      if (k === 0) [reason, reestimate] = ["schedule", true];
      else if (pending) reason = "continue";
    } else if (breakerEvent === "tripped" || (breakerEvent === "reset" && rule.kind === "drift")) {
      [reason, reestimate] = ["breaker", breakerEvent === "reset"];
    } else if (rule.kind === "calendar" && k % rule.everyDays === 0) {
      [reason, reestimate] = ["schedule", true];
    } else if (rule.kind === "drift" && (targets === undefined || maxDrift(w, targets) > rule.driftBps / BPS)) {
      [reason, reestimate] = [targets === undefined ? "schedule" : "drift", true];
    } else if (pending) {
      reason = "continue";
    }
    if (reason !== undefined) {
      // tradeable today: in the universe and observed (a carried-forward price is not traded on)
      const tradeable = Array.from(
        { length: n },
        (_, i) => i === b || (inUniverse[i] === 1 && panel.observed[t * n + i] === 1),
      );
      let note: string | undefined;
      let riskShares: Record<string, number> | undefined;
      if (reestimate || targets === undefined) {
        const est = await estimate(t, tradeable);
        targets = est.targets;
        note = est.note;
        riskShares = est.riskShares;
      }
      const goal = Float64Array.from(targets);
      // held assets that cannot trade today keep their weight; the tradeable targets share the rest
      let frozen = 0;
      let free = 0;
      for (let i = 0; i < n; i++) {
        if (!tradeable[i]) {
          goal[i] = w[i];
          frozen += w[i];
        } else free += goal[i];
      }
      for (let i = 0; i < n; i++) if (tradeable[i]) goal[i] = free > 0 ? (goal[i] * (1 - frozen)) / free : 0;
      if (breaker.tripped) {
        // only de-risking into the base asset
        let sum = 0;
        for (let i = 0; i < n; i++) {
          if (i === b) continue;
          goal[i] = breakerAction === "exit" && tradeable[i] ? 0 : Math.min(goal[i], w[i]);
          sum += goal[i];
        }
        goal[b] = 1 - sum;
      }
      const listed = assets.map((_, i) => i).filter((i) => tradeable[i] || holdings[i] > 0);
      const info: AssetInfo[] = listed.map((i) => ({
        asset: assets[i],
        decimals: 18,
        protocolId: assets[i],
        maxWeightBps: capBps(assets[i]),
        protocolCapBps: capBps(assets[i]),
      }));
      const pools: Record<string, PoolModel> = {};
      for (const i of listed) if (i !== b) pools[assets[i]] = pool(t, i, price(t, i));
      let used = { turnoverPpm: 0, slippagePpm: 0 };
      for (const e of windowLog) {
        if ((k - e.day) * 86_400 < budget.windowSeconds) {
          used = { turnoverPpm: used.turnoverPpm + e.turnoverPpm, slippagePpm: used.slippagePpm + e.slippagePpm };
        }
      }
      const planInputs = {
        assets: info,
        baseAsset: base,
        holdings: Object.fromEntries(listed.map((i) => [assets[i], holdings[i]])),
        oraclePricesUsd: Object.fromEntries(listed.map((i) => [assets[i], price(t, i)])),
        targetWeights: normalise(Object.fromEntries(listed.map((i) => [assets[i], Math.max(0, goal[i])]))),
        pools,
        budget,
        window: { windowTurnoverPpm: used.turnoverPpm, windowSlippagePpm: used.slippagePpm },
        gas: gasModel(t),
        noTradeBandBps: band,
        benefitBps: o.benefitBps ?? 100,
      };
      let plan = planTrades(planInputs);
      const firstViolations = plan.violations.map((v) => `${v.name}: ${v.message}`);
      const overCap = plan.violations.filter((v) => v.name === "WeightAboveCap" && v.asset !== undefined);
      if (overCap.length > 0) {
        // An asset above its cap that the planner left alone (its drift inside the no-trade band, or its sale too
        // costly) while the other trades' slippage raised its weight: the keeper re-plans once with that asset's
        // target moved just past the band below its current weight (excess to the base asset) and its sale forced.
        const tw = { ...planInputs.targetWeights };
        for (const v of overCap) {
          const j = assets.indexOf(v.asset!);
          const lower = Math.max(0, Math.min(tw[v.asset!] ?? 0, w[j] - (band + 1) / BPS));
          tw[base] = (tw[base] ?? 0) + (tw[v.asset!] ?? 0) - lower;
          tw[v.asset!] = lower;
        }
        plan = planTrades({
          ...planInputs,
          targetWeights: tw,
          benefitUsd: Object.fromEntries(overCap.map((v) => [v.asset!, Infinity])),
        });
        if (plan.violations.length === 0) note = [note, `re-planned: ${firstViolations[0]}`].filter(Boolean).join("; ");
      }
      let planTradesList = plan.trades;
      const rejected = plan.violations.map((v) => `${v.name}: ${v.message}`);
      if (breaker.tripped && planTradesList.some((x) => x.tokenOut !== base)) {
        rejected.push("OnlyDeRiskingAllowed: a trade buys a risky asset while the breaker is tripped");
      }
      if (rejected.length > 0) planTradesList = [];
      let costUsd = 0;
      let turnoverUsd = 0;
      let slippageUsd = 0;
      for (const x of planTradesList) {
        const ia = assets.indexOf(x.side === "sell" ? x.tokenIn : x.tokenOut);
        holdings[assets.indexOf(x.tokenIn)] -= x.amountIn;
        holdings[assets.indexOf(x.tokenOut)] += x.expectedAmountOut;
        costUsd += x.costUsd;
        turnoverUsd += x.valueInUsd;
        slippageUsd += Math.max(0, x.slippageUsd);
        trades.push({
          date,
          side: x.side,
          asset: assets[ia],
          amount: x.side === "sell" ? x.amountIn : x.expectedAmountOut,
          valueInUsd: x.valueInUsd,
          slippageUsd: x.slippageUsd,
          feeUsd: x.feeUsd,
          gasUsd: x.gasCostUsd,
          reason,
        });
      }
      // rounding dust (spending exactly the cash above the floor can leave −1e-11 of the base asset)
      for (let i = 0; i < n; i++) {
        if (holdings[i] < 0 && holdings[i] * price(t, i) > -1e-3) holdings[i] = 0;
        else if (holdings[i] < 0)
          throw new ValidationError("a trade left a negative holding", { asset: assets[i], date });
      }
      chargeGas(
        planTradesList.reduce((g, x) => g + x.gasCostUsd, 0),
        t,
      );
      if (planTradesList.length > 0) {
        windowLog.push({ day: k, turnoverPpm: (turnoverUsd / nav) * 1e6, slippagePpm: (slippageUsd / nav) * 1e6 });
      }
      const navAfter = value(t);
      const wAfter = Float64Array.from({ length: n }, (_, i) =>
        holdings[i] > 0 ? (holdings[i] * price(t, i)) / navAfter : 0,
      );
      let drift = 0;
      for (let i = 0; i < n; i++) if (tradeable[i]) drift = Math.max(drift, Math.abs(wAfter[i] - goal[i]));
      pending = planTradesList.length > 0 && drift > band / BPS;
      rebalances.push({
        date,
        reason,
        targets: Object.fromEntries(assets.map((a, i) => [a, goal[i]]).filter(([, v]) => (v as number) > 0)),
        tradeCount: planTradesList.length,
        turnover: turnoverUsd / nav,
        costUsd,
        rejected,
        note,
        riskShares,
      });
    }
    const navEnd = value(t);
    navOut[k] = navEnd;
    for (let i = 0; i < n; i++) weightsOut[k * n + i] = holdings[i] > 0 ? (holdings[i] * price(t, i)) / navEnd : 0;
    trippedOut[k] = breaker.tripped ? 1 : 0;
    o.onProgress?.(k + 1, days);
  }

  return {
    name: strategyName(o.strategy),
    strategy: o.strategy,
    assets,
    dates: panel.dates.slice(start),
    navUsd: navOut,
    weights: weightsOut,
    breakerTripped: trippedOut,
    rebalances,
    trades,
    events,
    initialNavUsd: initialNav,
  };

  /** Targets from returns of rows <= t of the tradeable assets (the only place history is read). */
  async function estimate(
    t: number,
    tradeable: boolean[],
  ): Promise<{ targets: Float64Array; note?: string; riskShares?: Record<string, number> }> {
    const idx = assets.map((_, i) => i).filter((i) => tradeable[i]);
    const out = new Float64Array(n);
    if (idx.length === 1) {
      out[b] = 1;
      return { targets: out, note: "only the base asset is investable" };
    }
    const lo = Math.max(t - estimationDays, ...idx.map((i) => panel.firstIndex[i]));
    const rows = t - lo;
    const m = idx.length;
    const R = new Float64Array(rows * m);
    for (let r = 0; r < rows; r++) {
      const s = lo + r + 1;
      for (let j = 0; j < m; j++) R[r * m + j] = price(s, idx[j]) / price(s - 1, idx[j]) - 1;
    }
    const names = idx.map((i) => assets[i]);
    let set: ScenarioSet = makeScenarioSet(names, R);
    if (source.kind === "bootstrap") {
      set = blockBootstrap(set, {
        scenarios: source.count,
        blockLength: Math.min(source.blockLength ?? 5, rows),
        seed: source.seed * 100_003 + t,
      });
    }
    let optBudget: OptimizerBudget | undefined;
    if (withBudget) {
      optBudget = {
        maxWeightBps: Object.fromEntries(
          names.map((a) => [a, a === base ? BPS : Math.max(0, capBps(a) - TARGET_HEADROOM_BPS)]),
        ),
        minIdleBps: Math.min(BPS, budget.minIdleBps + TARGET_HEADROOM_BPS),
        baseAsset: base,
      };
    }
    let r;
    try {
      r = await targetWeights(o.strategy.kind, {
        set,
        budget: optBudget,
        baseAsset: base,
        alpha,
        riskAversion: o.riskAversion ?? 10,
      });
    } catch (e) {
      // a solver failure keeps the previous targets (or the current weights): the keeper would not trade on it
      if (!(e instanceof BallastError) || e instanceof ValidationError) throw e;
      const keep = targets ?? Float64Array.from({ length: n }, (_, i) => (i === b ? 1 : 0));
      return { targets: Float64Array.from(keep), note: `${e.name} (${e.shortMessage}): previous targets kept` };
    }
    let s = 0;
    for (let j = 0; j < m; j++) s += Math.max(0, r.weights[j]);
    for (let j = 0; j < m; j++) out[idx[j]] = Math.max(0, r.weights[j]) / s;
    return { targets: out, note: r.note, riskShares: componentCvarShares(set, r.weights, alpha) };
  }
}

/** Largest |w − target| over the assets, fraction. */
function maxDrift(w: Float64Array, target: Float64Array): number {
  let d = 0;
  for (let i = 0; i < w.length; i++) d = Math.max(d, Math.abs(w[i] - target[i]));
  return d;
}

function normalise(w: Record<string, number>): Record<string, number> {
  let s = 0;
  for (const v of Object.values(w)) s += v;
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v / s]));
}

/**
 * Each asset's share of CVaR_α of `weights` on `set` (Euler allocation: w_i·E[−r_i | tail] / CVaR), by asset name.
 * Shares sum to 1 when CVaR > 0.
 */
export function componentCvarShares(
  set: ScenarioSet,
  weights: ArrayLike<number>,
  alpha: number,
): Record<string, number> {
  const n = set.assets.length;
  const p = set.probabilities;
  const tail = lossTail(portfolioLosses(set, weights), alpha, p);
  const c = new Float64Array(n);
  for (let j = 0; j < tail.indices.length; j++) {
    const off = tail.indices[j] * n;
    for (let i = 0; i < n; i++) c[i] -= tail.weights[j] * weights[i] * set.returns[off + i];
  }
  const total = c.reduce((x, y) => x + y, 0);
  return Object.fromEntries(set.assets.map((a, i) => [a, total !== 0 ? c[i] / total : 0]));
}
