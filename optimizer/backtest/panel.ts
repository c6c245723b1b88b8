/**
 * The backtest's view of price history: one row per calendar day, one column per asset, NaN where an asset has no
 * price. Unlike `alignPrices` (which keeps only the dates every asset has), the panel keeps each asset's own span, so
 * that a universe whose members start late (SOL 2020-04, UNI 2020-09, AAVE 2020-10) or end early (AAVE 2024-02,
 * UNI 2025-01) can be backtested honestly. The rule, documented in docs/backtest.md:
 *
 * - the backtest span is [from, to] clamped to the dates the base asset (the cash) covers and to the last date any
 *   requested asset has; every clamp is reported as a note;
 * - an asset is in the universe on day t when it has a price on t (carried forward over gaps of at most `maxGapDays`);
 * - an asset with no price anywhere in the span, or a gap longer than `maxGapDays` inside its own span, or a base asset
 *   that does not cover the span, is a `ValidationError` naming the asset.
 *
 * Pure: the caller parses the CSV (market/prices.ts `parsePriceCsv`).
 */
import { ValidationError } from "../errors.ts";
import { dayNumber, isoDate } from "../market/dates.ts";
import type { PriceRow } from "../market/prices.ts";

/** Daily closes over calendar days, NaN-free inside each asset's span (gaps carried forward). */
export interface PricePanel {
  /** ISO dates, consecutive calendar days. Rows before `startIndex` are estimation history only. */
  readonly dates: readonly string[];
  readonly assets: readonly string[];
  /** Row-major [day · assets.length + asset], USD; NaN outside the asset's span. */
  readonly closes: Float64Array;
  /** 1 when the close on that day was observed, 0 when carried forward or absent. */
  readonly observed: Uint8Array;
  /** First and last row index with a price, per asset. */
  readonly firstIndex: Int32Array;
  readonly lastIndex: Int32Array;
  /** Row of the first backtest day (history before it is used for estimation only). */
  readonly startIndex: number;
  /** Data-quality findings: clamps, gaps carried forward, stale runs. */
  readonly notes: readonly string[];
  /** Gaps carried forward: asset, last date before the gap, days missing. */
  readonly gaps: readonly { asset: string; date: string; missingDays: number }[];
  /** Runs of identical closes longer than `maxStaleDays` (reported, not fatal: a stablecoin can sit at 1.0000). */
  readonly staleRuns: readonly { asset: string; date: string; days: number }[];
}

/** Options of `buildPanel`. */
export interface PanelOptions {
  /** First backtest day (inclusive, YYYY-MM-DD); default: the first date the base asset and one other asset share. */
  readonly from?: string;
  /** Last backtest day (inclusive); default and upper clamp: the last date any requested asset has. */
  readonly to?: string;
  /** The cash asset; it must cover the whole backtest span. */
  readonly baseAsset: string;
  /** Days of history kept before `from` for estimation (default 365). */
  readonly historyDays?: number;
  /** Longest gap carried forward, days (default 3); longer is a ValidationError. */
  readonly maxGapDays?: number;
  /** Stale-run length reported, days (default 7). */
  readonly maxStaleDays?: number;
}

/**
 * Builds the panel of `assets` from long-format rows. Throws `ValidationError` naming the asset for: an asset with
 * no rows, an asset with no price inside the backtest span, a gap above `maxGapDays`, a non-positive close, a
 * duplicate row, a base asset missing from `assets` or not covering the span.
 */
export function buildPanel(rows: readonly PriceRow[], assets: readonly string[], o: PanelOptions): PricePanel {
  if (assets.length === 0) throw new ValidationError("no assets requested");
  if (new Set(assets).size !== assets.length) throw new ValidationError("duplicate asset requested", { assets });
  if (!assets.includes(o.baseAsset)) {
    throw new ValidationError("the base asset must be among the assets", { asset: o.baseAsset, assets });
  }
  const maxGap = o.maxGapDays ?? 3;
  const maxStale = o.maxStaleDays ?? 7;
  const historyDays = o.historyDays ?? 365;
  const wanted = new Map(assets.map((a, i) => [a, i]));
  const series = assets.map(() => new Map<number, number>());
  for (const r of rows) {
    const i = wanted.get(r.asset);
    if (i === undefined) continue;
    const d = dayNumber(r.date, { asset: r.asset });
    if (!Number.isFinite(r.close) || r.close <= 0) {
      throw new ValidationError("price must be positive and finite", { asset: r.asset, date: r.date, close: r.close });
    }
    if (series[i].has(d)) throw new ValidationError("duplicate price row", { asset: r.asset, date: r.date });
    series[i].set(d, r.close);
  }
  const first = series.map((s, i) => {
    if (s.size === 0) throw new ValidationError("no price data for asset", { asset: assets[i] });
    let lo = Infinity;
    for (const d of s.keys()) if (d < lo) lo = d;
    return lo;
  });
  const last = series.map((s) => {
    let hi = -Infinity;
    for (const d of s.keys()) if (d > hi) hi = d;
    return hi;
  });
  const notes: string[] = [];
  const b = assets.indexOf(o.baseAsset);
  const dataEnd = Math.max(...last);
  // default start: the base asset and at least one other asset priced
  const others = assets.map((_, i) => i).filter((i) => i !== b);
  const firstOther = others.length ? Math.min(...others.map((i) => first[i])) : first[b];
  let from = o.from !== undefined ? dayNumber(o.from, { field: "from" }) : Math.max(first[b], firstOther);
  let to = o.to !== undefined ? dayNumber(o.to, { field: "to" }) : dataEnd;
  if (to < from) throw new ValidationError("--to is before --from", { from: isoDate(from), to: isoDate(to) });
  if (from < first[b]) {
    notes.push(
      `start clamped from ${isoDate(from)} to ${isoDate(first[b])}: the base asset ${o.baseAsset} starts then`,
    );
    from = first[b];
  }
  const end = Math.min(dataEnd, last[b]);
  if (to > end) {
    notes.push(`end clamped from ${isoDate(to)} to ${isoDate(end)}: the last date with prices`);
    to = end;
  }
  if (to < from) {
    throw new ValidationError("the base asset has no prices in the requested window", {
      asset: o.baseAsset,
      date: isoDate(first[b]),
      lastDate: isoDate(last[b]),
    });
  }
  for (let i = 0; i < assets.length; i++) {
    if (last[i] < from || first[i] > to) {
      throw new ValidationError("asset has no prices inside the backtest window", {
        asset: assets[i],
        date: isoDate(first[i]),
        lastDate: isoDate(last[i]),
        windowStart: isoDate(from),
        windowEnd: isoDate(to),
      });
    }
    if (first[i] > from) notes.push(`${assets[i]} enters the universe when its history starts, ${isoDate(first[i])}`);
    if (last[i] < to) notes.push(`${assets[i]} leaves the universe after its last price, ${isoDate(last[i])}`);
  }
  const lo = Math.max(Math.min(...first), from - historyDays);
  const T = to - lo + 1;
  const n = assets.length;
  const closes = new Float64Array(T * n).fill(NaN);
  const observed = new Uint8Array(T * n);
  const gaps: { asset: string; date: string; missingDays: number }[] = [];
  const staleRuns: { asset: string; date: string; days: number }[] = [];
  const firstIndex = new Int32Array(n);
  const lastIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = series[i];
    const a = Math.max(first[i], lo);
    const z = Math.min(last[i], to);
    // an asset whose data starts before `lo` needs its last close before `lo` to carry forward into a gap at `lo`
    let prev = NaN;
    let prevDay = -Infinity;
    if (first[i] < lo) {
      for (let d = lo; d >= first[i] && d > lo - maxGap - 1; d--) {
        if (s.has(d)) {
          prev = s.get(d)!;
          prevDay = d;
          break;
        }
      }
    }
    firstIndex[i] = a - lo;
    lastIndex[i] = z - lo;
    let runStart = -1;
    let runValue = NaN;
    for (let d = a; d <= z; d++) {
      const t = d - lo;
      const v = s.get(d);
      if (v !== undefined) {
        if (d - prevDay > 1 && prevDay > -Infinity) {
          if (d - prevDay > maxGap) {
            throw new ValidationError("gap in price history", {
              asset: assets[i],
              date: isoDate(prevDay),
              nextDate: isoDate(d),
              gapDays: d - prevDay,
              maxGapDays: maxGap,
            });
          }
          gaps.push({ asset: assets[i], date: isoDate(prevDay), missingDays: d - prevDay - 1 });
        }
        closes[t * n + i] = v;
        observed[t * n + i] = 1;
        if (v !== runValue) {
          if (runStart >= 0 && prevDay - runStart > maxStale && d > from) {
            staleRuns.push({ asset: assets[i], date: isoDate(runStart), days: prevDay - runStart });
          }
          runStart = d;
          runValue = v;
        }
        prev = v;
        prevDay = d;
      } else if (d - prevDay <= maxGap && Number.isFinite(prev)) {
        closes[t * n + i] = prev; // carried forward, not observed
      } // else: a longer gap; the next observed day (there is one: z is observed) throws with both dates
    }
    if (runStart >= 0 && prevDay - runStart > maxStale) {
      staleRuns.push({ asset: assets[i], date: isoDate(runStart), days: prevDay - runStart });
    }
  }
  // the base asset must be priced every day of the backtest span
  for (let t = from - lo; t < T; t++) {
    if (!Number.isFinite(closes[t * n + b])) {
      throw new ValidationError("the base asset must have a price on every backtest day", {
        asset: o.baseAsset,
        date: isoDate(lo + t),
      });
    }
  }
  if (gaps.length > 0) notes.push(`${gaps.length} gap(s) of at most ${maxGap} days carried forward (not traded)`);
  if (staleRuns.length > 0) notes.push(`${staleRuns.length} stale run(s) longer than ${maxStale} days (see staleRuns)`);
  const dates = Array.from({ length: T }, (_, t) => isoDate(lo + t));
  return {
    dates,
    assets: [...assets],
    closes,
    observed,
    firstIndex,
    lastIndex,
    startIndex: from - lo,
    notes,
    gaps,
    staleRuns,
  };
}

/** A panel whose closes after `date` (exclusive) are replaced by `corrupt(t, asset, close)`; for look-ahead tests. */
export function withPricesAfter(
  panel: PricePanel,
  date: string,
  corrupt: (t: number, asset: number, close: number) => number,
): PricePanel {
  const n = panel.assets.length;
  const closes = Float64Array.from(panel.closes);
  for (let t = 0; t < panel.dates.length; t++) {
    if (panel.dates[t] <= date) continue;
    for (let a = 0; a < n; a++) {
      const v = closes[t * n + a];
      if (Number.isFinite(v)) closes[t * n + a] = corrupt(t, a, v);
    }
  }
  return { ...panel, closes };
}
