/** Minimal inline-SVG charts for the backtest report: line charts, stacked areas, stacked bars, scatter. No I/O. */

/** A categorical palette (Tableau 10), then greys. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#555555",
  "#999999",
];

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A named series of y values over the shared x (dates). */
export interface Series {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly color?: string;
  readonly dashed?: boolean;
}

interface Frame {
  readonly w: number;
  readonly h: number;
  readonly l: number;
  readonly r: number;
  readonly t: number;
  readonly b: number;
}
const FRAME: Frame = { w: 920, h: 300, l: 60, r: 170, t: 24, b: 28 };

function ticks(lo: number, hi: number, k = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / k;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(v);
  return out;
}

function dateTicks(dates: readonly string[]): { i: number; label: string }[] {
  const out: { i: number; label: string }[] = [];
  let year = "";
  dates.forEach((d, i) => {
    if (d.slice(0, 4) !== year) {
      year = d.slice(0, 4);
      out.push({ i, label: year });
    }
  });
  return out;
}

function frame(f: Frame, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.w} ${f.h}" width="${f.w}" height="${f.h}" font-family="sans-serif" font-size="11"><text x="${f.l}" y="15" font-size="13" font-weight="bold">${esc(title)}</text>${body}</svg>`;
}

/** Line chart over dates; `log` plots log10(y) with labels in y. `format` renders axis labels. */
export function lineChart(
  title: string,
  dates: readonly string[],
  series: readonly Series[],
  o: { log?: boolean; format?: (v: number) => string } = {},
): string {
  const f = FRAME;
  const tf = (v: number) => (o.log ? Math.log10(v) : v);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = tf(s.values[i]);
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  const T = Math.max(1, dates.length - 1);
  const x = (i: number) => f.l + ((f.w - f.l - f.r) * i) / T;
  const y = (v: number) => f.t + (f.h - f.t - f.b) * (1 - (tf(v) - lo) / (hi - lo));
  const fmt = o.format ?? ((v: number) => v.toPrecision(3));
  let body = "";
  const yt = o.log ? ticks(lo, hi).map((v) => Math.pow(10, v)) : ticks(lo, hi);
  for (const v of yt) {
    body += `<line x1="${f.l}" x2="${f.w - f.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`;
    body += `<text x="${f.l - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${esc(fmt(v))}</text>`;
  }
  for (const d of dateTicks(dates)) {
    body += `<line x1="${x(d.i).toFixed(1)}" x2="${x(d.i).toFixed(1)}" y1="${f.t}" y2="${f.h - f.b}" stroke="#eee"/>`;
    body += `<text x="${x(d.i).toFixed(1)}" y="${f.h - 10}" fill="#555">${d.label}</text>`;
  }
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    let dpath = "";
    let pen = false;
    // thin the path to ~1 point per pixel
    const stride = Math.max(1, Math.floor(dates.length / (f.w - f.l - f.r)));
    for (let i = 0; i < s.values.length; i += stride) {
      const v = s.values[i];
      if (!Number.isFinite(tf(v))) {
        pen = false;
        continue;
      }
      dpath += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    body += `<path d="${dpath}" fill="none" stroke="${color}" stroke-width="1.3"${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`;
    body += `<rect x="${f.w - f.r + 8}" y="${f.t + k * 14}" width="10" height="3" fill="${color}"/>`;
    body += `<text x="${f.w - f.r + 22}" y="${f.t + k * 14 + 5}">${esc(s.name)}</text>`;
  });
  return frame(f, title, body);
}

/** Stacked area of weights (rows sum to ≤ 1) over dates; one band per asset. */
export function stackedArea(
  title: string,
  dates: readonly string[],
  names: readonly string[],
  weights: Float64Array,
): string {
  const f = { ...FRAME, h: 200 };
  const n = names.length;
  const T = dates.length;
  const x = (i: number) => f.l + ((f.w - f.l - f.r) * i) / Math.max(1, T - 1);
  const y = (v: number) => f.t + (f.h - f.t - f.b) * (1 - v);
  const stride = Math.max(1, Math.floor(T / (f.w - f.l - f.r)));
  const idx: number[] = [];
  for (let i = 0; i < T; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== T - 1) idx.push(T - 1);
  let body = "";
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    body += `<text x="${f.l - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v * 100}%</text>`;
  }
  for (const d of dateTicks(dates))
    body += `<text x="${x(d.i).toFixed(1)}" y="${f.h - 10}" fill="#555">${d.label}</text>`;
  const lower = new Float64Array(idx.length);
  for (let a = 0; a < n; a++) {
    const upper = Float64Array.from(idx, (i, k) => lower[k] + Math.max(0, weights[i * n + a]));
    let d = "";
    idx.forEach((i, k) => (d += `${k === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(upper[k]).toFixed(1)}`));
    for (let k = idx.length - 1; k >= 0; k--) d += `L${x(idx[k]).toFixed(1)},${y(lower[k]).toFixed(1)}`;
    body += `<path d="${d}Z" fill="${PALETTE[a % PALETTE.length]}" stroke="none"/>`;
    body += `<rect x="${f.w - f.r + 8}" y="${f.t + a * 14 - 4}" width="10" height="10" fill="${PALETTE[a % PALETTE.length]}"/>`;
    body += `<text x="${f.w - f.r + 22}" y="${f.t + a * 14 + 5}">${esc(names[a])}</text>`;
    lower.set(upper);
  }
  return frame(f, title, body);
}

/** Horizontal stacked bars: one bar per row, segments per column (shares summing to ~1). */
export function stackedBars(
  title: string,
  rows: readonly string[],
  cols: readonly string[],
  shares: readonly (readonly number[])[],
): string {
  const f = { ...FRAME, l: 150, h: 40 + rows.length * 20 };
  const x = (v: number) => f.l + (f.w - f.l - f.r) * v;
  let body = "";
  rows.forEach((r, k) => {
    const yy = f.t + k * 20;
    body += `<text x="${f.l - 6}" y="${yy + 12}" text-anchor="end">${esc(r)}</text>`;
    let acc = 0;
    cols.forEach((_, c) => {
      const v = Math.max(0, shares[k][c]);
      if (v > 0) {
        body += `<rect x="${x(acc).toFixed(1)}" y="${yy}" width="${(x(acc + v) - x(acc)).toFixed(1)}" height="15" fill="${PALETTE[c % PALETTE.length]}"/>`;
      }
      acc += v;
    });
  });
  cols.forEach((c, k) => {
    body += `<rect x="${f.w - f.r + 8}" y="${f.t + k * 14 - 4}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/>`;
    body += `<text x="${f.w - f.r + 22}" y="${f.t + k * 14 + 5}">${esc(c)}</text>`;
  });
  return frame(f, title, body);
}

/** Scatter of labelled points plus an optional line (the frontier), x and y in percent. */
export function scatter(
  title: string,
  line: readonly { x: number; y: number }[],
  points: readonly { x: number; y: number; label: string }[],
  xLabel: string,
  yLabel: string,
): string {
  const f = { ...FRAME, h: 340, r: 40, b: 40 };
  const all = [...line, ...points];
  let x0 = Math.min(...all.map((p) => p.x));
  let x1 = Math.max(...all.map((p) => p.x));
  let y0 = Math.min(...all.map((p) => p.y));
  let y1 = Math.max(...all.map((p) => p.y));
  if (!(x1 > x0)) x1 = x0 + 1e-6;
  if (!(y1 > y0)) y1 = y0 + 1e-6;
  const px = (x1 - x0) * 0.05;
  const py = (y1 - y0) * 0.08;
  [x0, x1, y0, y1] = [x0 - px, x1 + px, y0 - py, y1 + py];
  const X = (v: number) => f.l + ((f.w - f.l - f.r) * (v - x0)) / (x1 - x0);
  const Y = (v: number) => f.t + (f.h - f.t - f.b) * (1 - (v - y0) / (y1 - y0));
  let body = "";
  for (const v of ticks(x0, x1)) {
    body += `<text x="${X(v).toFixed(1)}" y="${f.h - 22}" text-anchor="middle" fill="#555">${(v * 100).toPrecision(3)}%</text>`;
  }
  for (const v of ticks(y0, y1)) {
    body += `<line x1="${f.l}" x2="${f.w - f.r}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#eee"/>`;
    body += `<text x="${f.l - 4}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${(v * 100).toPrecision(3)}%</text>`;
  }
  body += `<text x="${(f.l + f.w - f.r) / 2}" y="${f.h - 6}" text-anchor="middle">${esc(xLabel)}</text>`;
  body += `<text x="12" y="${f.t + 10}" fill="#555">${esc(yLabel)}</text>`;
  if (line.length > 1) {
    const d = line.map((p, k) => `${k ? "L" : "M"}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join("");
    body += `<path d="${d}" fill="none" stroke="#333" stroke-width="1.5"/>`;
  }
  points.forEach((p, k) => {
    const c = PALETTE[k % PALETTE.length];
    body += `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="4" fill="${c}"/>`;
    body += `<text x="${(X(p.x) + 6).toFixed(1)}" y="${(Y(p.y) - 4).toFixed(1)}" fill="${c}">${esc(p.label)}</text>`;
  });
  return frame(f, title, body);
}
