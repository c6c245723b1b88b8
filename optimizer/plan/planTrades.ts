/**
 * From current holdings, oracle prices and target weights to an ordered list of executable trades.
 *
 * Steps: value the book at oracle prices; skip assets whose drift is inside the no-trade band; size each remaining
 * trade to close its drift; quote it on its pool model (fee + price impact) and price its gas; skip trades whose cost
 * exceeds their benefit; order sells before buys (the buys spend the sells' proceeds); scale the buys down to the cash
 * available above the idle floor; keep at most MAX_TRADES; set minAmountOut from oracle prices; check the result
 * against the risk budget with the same words as the chain.
 */
import { ValidationError } from "../errors.ts";
import { checkRiskBudget, navUsd, oraclePrice } from "./budget.ts";
import { gasCostUsd, minAmountOutFromOracle, quoteSwap } from "./priceImpact.ts";
import {
  MAX_TRADES,
  type AssetInfo,
  type BudgetViolation,
  type GasModel,
  type PlannedTrade,
  type PoolModel,
  type RiskBudget,
  type SkippedTrade,
  type WindowUsage,
} from "./types.ts";

/** Inputs of `planTrades`. */
export interface PlanInputs {
  /** Whitelisted assets, the base asset included. */
  readonly assets: readonly AssetInfo[];
  /** The vault's base asset (e.g. "USDC"): every trade goes through it. */
  readonly baseAsset: string;
  /** Current holdings, whole tokens. */
  readonly holdings: Readonly<Record<string, number>>;
  /** Oracle prices, USD per whole token. Never pool prices: the vault values and bounds trades with these. */
  readonly oraclePricesUsd: Readonly<Record<string, number>>;
  /** Target weights as fractions of NAV (sum 1, the base asset included; a missing asset means 0). */
  readonly targetWeights: Readonly<Record<string, number>>;
  /** Pool of each non-base asset against the base asset. */
  readonly pools: Readonly<Record<string, PoolModel>>;
  readonly budget: RiskBudget;
  readonly window?: WindowUsage;
  readonly gas: GasModel;
  /** Skip an asset whose |target - current| weight is below this, bps of NAV. */
  readonly noTradeBandBps: number;
  /**
   * Expected benefit of a rebalancing trade, bps of its value (e.g. the optimizer's objective gain per unit traded
   * over the horizon). A trade whose cost (slippage + gas) exceeds it is skipped. Default 100.
   */
  readonly benefitBps?: number;
  /** Per-asset benefit overrides, USD (take precedence over `benefitBps`). */
  readonly benefitUsd?: Readonly<Record<string, number>>;
  /**
   * Scale every trade by one factor so that the plan fits `maxTurnoverBps` and what the rolling window has left of
   * `maxWindowTurnoverBps` (default true): the keeper then moves part of the way toward its targets instead of
   * sending a plan the vault would refuse. With false, an oversized plan is returned as is and named in `violations`.
   */
  readonly fitTurnover?: boolean;
}

/** Head-room kept under the turnover caps when fitting: the vault rounds turnover up. */
const TURNOVER_MARGIN = 1e-3;

/** The plan: trades in execution order, what was skipped and why, the expected result, the budget check. */
export interface TradePlan {
  readonly trades: readonly PlannedTrade[];
  readonly skipped: readonly SkippedTrade[];
  readonly navBeforeUsd: number;
  /** Expected NAV after the trades at oracle prices (= before - Σ slippage; gas is paid by the keeper). */
  readonly navAfterUsd: number;
  readonly holdingsAfter: Readonly<Record<string, number>>;
  readonly turnoverBps: number;
  readonly totalCostUsd: number;
  /** Limits the plan would break, named like the on-chain errors. Empty means the plan should pass. */
  readonly violations: readonly BudgetViolation[];
}

interface Candidate {
  readonly asset: string;
  readonly side: "sell" | "buy";
  readonly driftBps: number;
  amountIn: number;
  /** A sale that takes an asset off (or away from) its weight cap: never skipped for the band or for cost. */
  readonly capRelief?: boolean;
}

/**
 * Head-room kept under each asset's `maxWeightBps`, fraction of NAV. An asset left at its cap can be pushed over it by
 * the other trades' slippage (NAV falls, its weight rises), and the vault then refuses the whole plan with
 * WeightAboveCap; so targets are aimed this far below the cap, and an asset closer to it is always sold back.
 */
const CAP_HEADROOM = 0.001;

function validate(i: PlanInputs): void {
  if (!i.assets.some((a) => a.asset === i.baseAsset)) {
    throw new ValidationError("base asset must be listed in assets", { baseAsset: i.baseAsset });
  }
  let sum = 0;
  for (const [asset, w] of Object.entries(i.targetWeights)) {
    if (!i.assets.some((a) => a.asset === asset)) throw new ValidationError("target for an unlisted asset", { asset });
    if (!(w >= 0 && w <= 1)) throw new ValidationError("target weight outside [0, 1]", { asset, weight: w });
    sum += w;
  }
  if (Math.abs(sum - 1) > 1e-6) throw new ValidationError("target weights must sum to 1", { sum });
  for (const [asset, h] of Object.entries(i.holdings)) {
    if (!(h >= 0) || !Number.isFinite(h)) throw new ValidationError("holding must be ≥ 0", { asset, amount: h });
  }
  if (!(i.noTradeBandBps >= 0))
    throw new ValidationError("noTradeBandBps must be ≥ 0", { noTradeBandBps: i.noTradeBandBps });
}

/**
 * Plans a rebalance from `holdings` toward `targetWeights`. Pure and deterministic. Why: the keeper needs trades the
 * vault will accept (ordered so cash exists, bounded by oracle-derived minimum outputs, inside the risk budget) and
 * no trade that costs more than it earns.
 */
export function planTrades(i: PlanInputs): TradePlan {
  validate(i);
  const base = i.baseAsset;
  const px = (a: string) => oraclePrice(i.oraclePricesUsd, a);
  const info = new Map(i.assets.map((a) => [a.asset, a]));
  const nav = navUsd(i.assets, i.holdings, i.oraclePricesUsd);
  if (!(nav > 0)) throw new ValidationError("NAV must be positive", { navUsd: nav });
  const benefitBps = i.benefitBps ?? 100;
  const skipped: SkippedTrade[] = [];

  // 1. Drift and band.
  const candidates: Candidate[] = [];
  for (const a of i.assets) {
    if (a.asset === base) continue;
    const held = i.holdings[a.asset] ?? 0;
    const w = (held * px(a.asset)) / nav;
    const capW = a.maxWeightBps / 1e4;
    const target = Math.min(i.targetWeights[a.asset] ?? 0, Math.max(0, capW - CAP_HEADROOM));
    const driftBps = (target - w) * 1e4;
    const capRelief = driftBps < 0 && w > capW - CAP_HEADROOM;
    if (!capRelief && (Math.abs(driftBps) < i.noTradeBandBps || driftBps === 0)) {
      skipped.push({ asset: a.asset, reason: "insideBand", driftBps });
      continue;
    }
    const valueUsd = Math.abs(driftBps / 1e4) * nav;
    if (driftBps < 0) {
      const amountIn = Math.min(held, valueUsd / px(a.asset));
      if (amountIn <= 0) skipped.push({ asset: a.asset, reason: "noBalance", driftBps });
      else candidates.push({ asset: a.asset, side: "sell", driftBps, amountIn, capRelief });
    } else {
      candidates.push({ asset: a.asset, side: "buy", driftBps, amountIn: valueUsd / px(base) });
    }
  }

  // 1b. Turnover: one factor for every trade, so that the plan fits the per-rebalance and the window caps.
  if (i.fitTurnover ?? true) {
    const windowLeftBps = i.budget.maxWindowTurnoverBps - (i.window?.windowTurnoverPpm ?? 0) / 100;
    const allowedUsd = (Math.min(i.budget.maxTurnoverBps, windowLeftBps) / 1e4) * nav * (1 - TURNOVER_MARGIN);
    const wantedUsd = candidates.reduce((sum, c) => sum + c.amountIn * (c.side === "sell" ? px(c.asset) : px(base)), 0);
    if (wantedUsd > allowedUsd) {
      const f = Math.max(0, allowedUsd) / wantedUsd;
      for (const c of candidates) c.amountIn *= f;
    }
  }

  // 2. Cost versus benefit, sells first, then the buys within the cash the sells leave above the idle floor.
  const price = (c: Candidate) => (c.side === "sell" ? px(c.asset) : px(base));
  const byValue = (x: Candidate, y: Candidate) => y.amountIn * price(y) - x.amountIn * price(x);
  const sells = candidates.filter((c) => c.side === "sell").sort(byValue);
  const buys = candidates.filter((c) => c.side === "buy").sort(byValue);

  const build = (c: Candidate): PlannedTrade | SkippedTrade => {
    const pool = i.pools[c.asset];
    if (!pool) throw new ValidationError("no pool model for asset", { asset: c.asset });
    const tokenIn = c.side === "sell" ? c.asset : base;
    const tokenOut = c.side === "sell" ? base : c.asset;
    const q = quoteSwap(pool, c.side === "sell", c.amountIn);
    if (q.exceedsLiquidity) {
      return {
        asset: c.asset,
        reason: "costAboveBenefit",
        driftBps: c.driftBps,
        detail: "trade exceeds the pool's range liquidity",
      };
    }
    const valueInUsd = c.amountIn * px(tokenIn);
    const slippageUsd = valueInUsd - q.amountOut * px(tokenOut);
    const gasUsd = gasCostUsd(i.gas);
    const benefit = i.benefitUsd?.[c.asset] ?? (valueInUsd * benefitBps) / 1e4;
    const costUsd = Math.max(0, slippageUsd) + gasUsd;
    if (costUsd > benefit && !c.capRelief) {
      return {
        asset: c.asset,
        reason: "costAboveBenefit",
        driftBps: c.driftBps,
        detail: `cost ${costUsd.toFixed(2)} USD > benefit ${benefit.toFixed(2)} USD`,
      };
    }
    return {
      index: -1,
      side: c.side,
      tokenIn,
      tokenOut,
      path: [tokenIn, tokenOut],
      decimalsIn: info.get(tokenIn)!.decimals,
      decimalsOut: info.get(tokenOut)!.decimals,
      amountIn: c.amountIn,
      expectedAmountOut: q.amountOut,
      minAmountOut: minAmountOutFromOracle(c.amountIn, px(tokenIn), px(tokenOut), i.budget.maxSlippageBps),
      valueInUsd,
      slippageUsd,
      expectedSlippageBps: (slippageUsd / valueInUsd) * 1e4,
      priceImpactBps: q.priceImpactBps,
      feeUsd: q.feeIn * px(tokenIn),
      gasCostUsd: gasUsd,
      costUsd,
      benefitUsd: benefit,
    };
  };
  const isTrade = (x: PlannedTrade | SkippedTrade): x is PlannedTrade => "tokenIn" in x;

  let sellTrades: PlannedTrade[] = [];
  for (const c of sells) {
    const t = build(c);
    if (isTrade(t)) sellTrades.push(t);
    else skipped.push(t);
  }
  // MAX_TRADES: the largest trades first; sells take precedence (they raise the cash).
  const dropForCount = (ts: PlannedTrade[], room: number): PlannedTrade[] => {
    for (const t of ts.slice(room)) {
      const asset = t.side === "sell" ? t.tokenIn : t.tokenOut;
      skipped.push({
        asset,
        reason: "tooManyTrades",
        driftBps: NaN,
        detail: `at most ${MAX_TRADES} trades per rebalance`,
      });
    }
    return ts.slice(0, room);
  };
  sellTrades = dropForCount(sellTrades, MAX_TRADES);

  const baseBefore = i.holdings[base] ?? 0;
  const proceeds = sellTrades.reduce((s, t) => s + t.expectedAmountOut, 0);
  const navAfterSells = nav - sellTrades.reduce((s, t) => s + t.slippageUsd, 0);
  const idleFloor = ((i.budget.minIdleBps / 1e4) * navAfterSells) / px(base);
  const cash = baseBefore + proceeds - Math.max(0, Math.min(idleFloor, baseBefore + proceeds));
  const wanted = buys.reduce((s, c) => s + c.amountIn, 0);
  const scale = wanted > cash ? Math.max(0, cash) / wanted : 1;
  let buyTrades: PlannedTrade[] = [];
  for (const c of buys) {
    if (scale <= 0) {
      skipped.push({
        asset: c.asset,
        reason: "noCash",
        driftBps: c.driftBps,
        detail: "no base asset above the idle floor",
      });
      continue;
    }
    c.amountIn *= scale;
    const t = build(c);
    if (isTrade(t)) buyTrades.push(t);
    else skipped.push(t);
  }
  buyTrades = dropForCount(buyTrades, MAX_TRADES - sellTrades.length);

  const trades = [...sellTrades, ...buyTrades].map((t, index) => ({ ...t, index }));

  // 3. Expected post-trade holdings, and the budget check.
  const after: Record<string, number> = { ...i.holdings };
  for (const t of trades) {
    after[t.tokenIn] = (after[t.tokenIn] ?? 0) - t.amountIn;
    after[t.tokenOut] = (after[t.tokenOut] ?? 0) + t.expectedAmountOut;
  }
  const turnoverUsd = trades.reduce((s, t) => s + t.valueInUsd, 0);
  const violations = checkRiskBudget({
    assets: i.assets,
    baseAsset: base,
    oraclePricesUsd: i.oraclePricesUsd,
    holdingsBefore: i.holdings,
    holdingsAfter: after,
    trades,
    budget: i.budget,
    window: i.window,
  });
  return {
    trades,
    skipped,
    navBeforeUsd: nav,
    navAfterUsd: navUsd(i.assets, after, i.oraclePricesUsd),
    holdingsAfter: after,
    turnoverBps: (turnoverUsd / nav) * 1e4,
    totalCostUsd: trades.reduce((s, t) => s + t.costUsd, 0),
    violations,
  };
}
