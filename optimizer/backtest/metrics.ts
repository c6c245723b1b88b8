/**
 * Performance and risk figures of a backtest run, on its daily NAV path (calendar days: crypto trades every day, so a
 * year is 365 observations). Returns, volatility, Sharpe and Sortino (risk-free 0), max drawdown, CVaR of daily
 * losses, CDaR, turnover, costs, time under water, worst day and week, and results per crash window.
 */
import { cdar, cvar, drawdowns, maxDrawdown } from "../risk/measures.ts";
import type { BacktestRun } from "./engine.ts";

/** Days per year: the backtest steps on calendar days. */
export const DAYS_PER_YEAR = 365;

/** Figures of one run. Fractions unless the name says otherwise. */
export interface Metrics {
  readonly days: number;
  readonly totalReturn: number;
  /** (1 + total)^(365/days) − 1. */
  readonly annualReturn: number;
  /** Standard deviation of daily returns · √365. */
  readonly volatility: number;
  /** Mean daily return / its standard deviation · √365. */
  readonly sharpe: number;
  /** Mean daily return / downside deviation (√mean(min(r,0)²)) · √365. */
  readonly sortino: number;
  readonly maxDrawdown: number;
  /** CVaR at `alpha` of daily losses. */
  readonly cvar: number;
  /** CDaR at `alpha` of the drawdown path. */
  readonly cdar: number;
  /** Σ over rebalances of trade input value / NAV (on-chain turnover). */
  readonly turnover: number;
  readonly annualTurnover: number;
  /** Oracle value lost in trades (pool fees + price impact), USD; `feeUsd` is the fee part. */
  readonly slippageUsd: number;
  readonly feeUsd: number;
  readonly gasUsd: number;
  /** Σ (slippage + gas) / NAV of the day before each trade, per year, bps. */
  readonly costBpsPerYear: number;
  /** Share of days below the running peak. */
  readonly timeUnderWater: number;
  /** Longest run of days below the running peak. */
  readonly longestUnderWaterDays: number;
  readonly worstDay: number;
  /** Worst 7-day return. */
  readonly worstWeek: number;
  readonly rebalances: number;
  readonly rejectedRebalances: number;
  readonly breakerTrips: number;
}

/** Daily simple returns of a NAV path, the first against `initial`. */
export function dailyReturns(nav: Float64Array, initial: number): Float64Array {
  const r = new Float64Array(nav.length);
  for (let t = 0; t < nav.length; t++) r[t] = nav[t] / (t === 0 ? initial : nav[t - 1]) - 1;
  return r;
}

/** Figures of `run` at CVaR/CDaR level `alpha` (default 0.95). */
export function computeMetrics(run: BacktestRun, alpha = 0.95): Metrics {
  const nav = run.navUsd;
  const T = nav.length;
  const r = dailyReturns(nav, run.initialNavUsd);
  const path = new Float64Array(T + 1);
  path[0] = run.initialNavUsd;
  path.set(nav, 1);
  let mean = 0;
  for (const x of r) mean += x / T;
  let v = 0;
  let down = 0;
  for (const x of r) {
    v += (x - mean) ** 2 / T;
    down += Math.min(x, 0) ** 2 / T;
  }
  const sd = Math.sqrt(v);
  const dd = drawdowns(path);
  let under = 0;
  let longest = 0;
  let run0 = 0;
  for (let t = 1; t < dd.length; t++) {
    if (dd[t] > 1e-12) {
      under++;
      run0++;
      longest = Math.max(longest, run0);
    } else run0 = 0;
  }
  let worstDay = Infinity;
  for (const x of r) worstDay = Math.min(worstDay, x);
  let worstWeek = Infinity;
  for (let t = 7; t < path.length; t++) worstWeek = Math.min(worstWeek, path[t] / path[t - 7] - 1);
  if (worstWeek === Infinity) worstWeek = path[path.length - 1] / path[0] - 1;
  const losses = r.map((x) => -x);
  const years = T / DAYS_PER_YEAR;
  const total = nav[T - 1] / run.initialNavUsd - 1;
  let slippageUsd = 0;
  let feeUsd = 0;
  let gasUsd = 0;
  let costFraction = 0;
  const dayOf = new Map(run.dates.map((d, i) => [d, i]));
  for (const t of run.trades) {
    const i = dayOf.get(t.date)!;
    costFraction += (t.slippageUsd + t.gasUsd) / (i === 0 ? run.initialNavUsd : nav[i - 1]);
    slippageUsd += t.slippageUsd;
    feeUsd += t.feeUsd;
    gasUsd += t.gasUsd;
  }
  const turnover = run.rebalances.reduce((s, x) => s + x.turnover, 0);
  return {
    days: T,
    totalReturn: total,
    annualReturn: Math.pow(1 + total, 1 / years) - 1,
    volatility: sd * Math.sqrt(DAYS_PER_YEAR),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(DAYS_PER_YEAR) : 0,
    sortino: down > 0 ? (mean / Math.sqrt(down)) * Math.sqrt(DAYS_PER_YEAR) : 0,
    maxDrawdown: maxDrawdown(path),
    cvar: cvar(losses, alpha),
    cdar: cdar(path, alpha),
    turnover,
    annualTurnover: turnover / years,
    slippageUsd,
    feeUsd,
    gasUsd,
    costBpsPerYear: (costFraction / years) * 1e4,
    timeUnderWater: under / T,
    longestUnderWaterDays: longest,
    worstDay,
    worstWeek,
    rebalances: run.rebalances.filter((x) => x.tradeCount > 0).length,
    rejectedRebalances: run.rebalances.filter((x) => x.rejected.length > 0).length,
    breakerTrips: run.events.filter((e) => e.kind === "breakerTripped").length,
  };
}

/** A named crash window (inclusive ISO dates). */
export interface CrashWindow {
  readonly name: string;
  readonly start: string;
  readonly end: string;
}

/** The crashes the issue names: COVID (March 2020), May 2021, Terra/UST (May 2022), FTX (Nov 2022). */
export const CRASH_WINDOWS: readonly CrashWindow[] = [
  { name: "March 2020 (COVID)", start: "2020-03-01", end: "2020-03-31" },
  { name: "May 2021", start: "2021-05-01", end: "2021-05-31" },
  { name: "May 2022 (Terra/UST)", start: "2022-05-01", end: "2022-05-31" },
  { name: "Nov 2022 (FTX)", start: "2022-11-01", end: "2022-11-30" },
];

/** A run's result over one crash window; `covered` false when the run does not span the whole window. */
export interface CrashResult {
  readonly window: string;
  readonly start: string;
  readonly end: string;
  readonly covered: boolean;
  /** NAV at the window's last day / NAV the day before it starts − 1. */
  readonly totalReturn: number;
  readonly maxDrawdown: number;
  readonly worstDay: number;
}

/** Results of `run` in each crash window. */
export function crashResults(run: BacktestRun, windows: readonly CrashWindow[] = CRASH_WINDOWS): CrashResult[] {
  return windows.map((w) => {
    const i0 = run.dates.indexOf(w.start);
    const i1 = run.dates.indexOf(w.end);
    if (i0 < 0 || i1 < 0) {
      return {
        window: w.name,
        start: w.start,
        end: w.end,
        covered: false,
        totalReturn: NaN,
        maxDrawdown: NaN,
        worstDay: NaN,
      };
    }
    const before = i0 === 0 ? run.initialNavUsd : run.navUsd[i0 - 1];
    const path = new Float64Array(i1 - i0 + 2);
    path[0] = before;
    path.set(run.navUsd.subarray(i0, i1 + 1), 1);
    let worst = Infinity;
    for (let t = 1; t < path.length; t++) worst = Math.min(worst, path[t] / path[t - 1] - 1);
    return {
      window: w.name,
      start: w.start,
      end: w.end,
      covered: true,
      totalReturn: path[path.length - 1] / before - 1,
      maxDrawdown: maxDrawdown(path),
      worstDay: worst,
    };
  });
}
