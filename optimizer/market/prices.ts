/**
 * Price data model and validation. Input is the long format of `../shared/data/prices_daily.csv` (one row per
 * date and asset); the optimiser needs a dense matrix over dates common to every asset. `alignPrices` builds it and
 * refuses, with a `ValidationError` naming the asset and the date, anything that would silently distort returns:
 * non-positive or non-finite prices, duplicate rows, history that does not cover the window, gaps, too-short
 * history, and stale (frozen) series.
 */
import { ValidationError } from "../errors.ts";
import { dayNumber, isoDate } from "./dates.ts";

/** One observation: a daily close in USD. */
export interface PriceRow {
  readonly date: string;
  readonly asset: string;
  readonly close: number;
}

/** Closes over common dates: row-major [date · assets.length + asset], USD. */
export interface PriceMatrix {
  readonly dates: readonly string[];
  readonly assets: readonly string[];
  readonly closes: Float64Array;
}

/** Options of `alignPrices`. */
export interface AlignOptions {
  /** First date kept (inclusive, YYYY-MM-DD); default: the latest first date among the assets. */
  readonly start?: string;
  /** Last date kept (inclusive); default: the earliest last date among the assets. */
  readonly end?: string;
  /** Largest allowed distance between consecutive observations of one asset, days (default 3). */
  readonly maxGapDays?: number;
  /** Fewest common dates accepted (default 30). */
  readonly minObservations?: number;
  /** Longest run of identical closes accepted, days (default 7): longer means a frozen feed. */
  readonly maxStaleDays?: number;
}

/**
 * Parses CSV text with at least the columns date, asset, close (any order, extra columns ignored). Throws
 * `ValidationError` with the line number, asset and date of the first malformed row. Pure: the caller reads the file.
 */
export function parsePriceCsv(text: string): PriceRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(",").map((h) => h.trim().toLowerCase());
  const [di, ai, ci] = ["date", "asset", "close"].map((c) => header.indexOf(c));
  if (di < 0 || ai < 0 || ci < 0) {
    throw new ValidationError("price CSV needs the columns date, asset, close", { header: lines[0] });
  }
  const rows: PriceRow[] = [];
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k];
    if (line.trim() === "") continue;
    const f = line.split(",");
    const date = (f[di] ?? "").trim();
    const asset = (f[ai] ?? "").trim();
    const raw = (f[ci] ?? "").trim();
    const close = raw === "" ? NaN : Number(raw);
    dayNumber(date, { line: k + 1, asset });
    if (asset === "") throw new ValidationError("empty asset name", { line: k + 1, date });
    rows.push({ date, asset, close });
  }
  return rows;
}

/** First and last date of each asset in `rows`. */
export function coverage(rows: readonly PriceRow[]): Map<string, { first: string; last: string; count: number }> {
  const out = new Map<string, { first: string; last: string; count: number }>();
  for (const r of rows) {
    const c = out.get(r.asset);
    if (!c) out.set(r.asset, { first: r.date, last: r.date, count: 1 });
    else {
      if (r.date < c.first) c.first = r.date;
      if (r.date > c.last) c.last = r.date;
      c.count++;
    }
  }
  return out;
}

/**
 * Aligns long-format rows of `assets` into a matrix over the dates every asset has, inside [start, end]. Validates
 * (each failure a `ValidationError` naming asset and date): unknown asset; duplicate (asset, date); non-positive or
 * NaN close; window not covered by an asset's history; gap longer than `maxGapDays`; fewer than `minObservations`
 * common dates; a close unchanged for more than `maxStaleDays` days.
 */
export function alignPrices(rows: readonly PriceRow[], assets: readonly string[], o: AlignOptions = {}): PriceMatrix {
  if (assets.length === 0) throw new ValidationError("no assets requested");
  if (new Set(assets).size !== assets.length) throw new ValidationError("duplicate asset requested", { assets });
  const maxGap = o.maxGapDays ?? 3;
  const minObs = o.minObservations ?? 30;
  const maxStale = o.maxStaleDays ?? 7;
  const wanted = new Set(assets);
  const series = new Map<string, Map<number, number>>(assets.map((a) => [a, new Map()]));
  for (const r of rows) {
    if (!wanted.has(r.asset)) continue;
    const day = dayNumber(r.date, { asset: r.asset });
    if (!Number.isFinite(r.close) || r.close <= 0) {
      throw new ValidationError("price must be positive and finite", { asset: r.asset, date: r.date, close: r.close });
    }
    const s = series.get(r.asset)!;
    if (s.has(day)) throw new ValidationError("duplicate price row", { asset: r.asset, date: r.date });
    s.set(day, r.close);
  }
  const cov = new Map<string, { first: number; last: number }>();
  for (const a of assets) {
    const days = [...series.get(a)!.keys()];
    if (days.length === 0) throw new ValidationError("no price data for asset", { asset: a });
    cov.set(a, { first: Math.min(...days), last: Math.max(...days) });
  }
  const start =
    o.start !== undefined ? dayNumber(o.start, { field: "start" }) : Math.max(...[...cov.values()].map((c) => c.first));
  const end =
    o.end !== undefined ? dayNumber(o.end, { field: "end" }) : Math.min(...[...cov.values()].map((c) => c.last));
  if (end < start) {
    const late = assets.reduce((x, a) => (cov.get(a)!.first > cov.get(x)!.first ? a : x));
    const early = assets.reduce((x, a) => (cov.get(a)!.last < cov.get(x)!.last ? a : x));
    throw new ValidationError("the assets' histories do not overlap", {
      asset: late,
      date: isoDate(cov.get(late)!.first),
      endsFirst: early,
      endsOn: isoDate(cov.get(early)!.last),
    });
  }
  for (const a of assets) {
    const c = cov.get(a)!;
    if (c.first > start + maxGap) {
      throw new ValidationError("asset history starts after the window start", {
        asset: a,
        date: isoDate(c.first),
        windowStart: isoDate(start),
      });
    }
    if (c.last < end - maxGap) {
      throw new ValidationError("asset history ends before the window end", {
        asset: a,
        date: isoDate(c.last),
        windowEnd: isoDate(end),
      });
    }
  }
  // gaps and staleness per asset, inside the window
  for (const a of assets) {
    const s = series.get(a)!;
    const days = [...s.keys()].filter((d) => d >= start && d <= end).sort((x, y) => x - y);
    for (let k = 1; k < days.length; k++) {
      if (days[k] - days[k - 1] > maxGap) {
        throw new ValidationError("gap in price history", {
          asset: a,
          date: isoDate(days[k - 1]),
          nextDate: isoDate(days[k]),
          gapDays: days[k] - days[k - 1],
          maxGapDays: maxGap,
        });
      }
    }
    let runStart = 0;
    for (let k = 1; k <= days.length; k++) {
      if (k < days.length && s.get(days[k]) === s.get(days[runStart])) continue;
      const runDays = days[k - 1] - days[runStart];
      if (runDays > maxStale) {
        throw new ValidationError("stale price series (close unchanged)", {
          asset: a,
          date: isoDate(days[runStart]),
          days: runDays,
          maxStaleDays: maxStale,
        });
      }
      runStart = k;
    }
  }
  // common dates
  const common: number[] = [];
  for (let d = start; d <= end; d++) if (assets.every((a) => series.get(a)!.has(d))) common.push(d);
  if (common.length < minObs) {
    throw new ValidationError("too short a common history", {
      asset: assets.join(","),
      date: isoDate(start),
      observations: common.length,
      minObservations: minObs,
    });
  }
  const n = assets.length;
  const closes = new Float64Array(common.length * n);
  common.forEach((d, t) => assets.forEach((a, i) => (closes[t * n + i] = series.get(a)!.get(d)!)));
  return { dates: common.map(isoDate), assets: [...assets], closes };
}
