/**
 * The backtest report as files (name → text): a self-contained HTML page with inline SVG charts (no script, no CDN,
 * no network) and a CSV or JSON of every series behind it. Pure: the CLI writes the files.
 */
import { drawdowns } from "../risk/measures.ts";
import { makeScenarioSet, portfolioLosses } from "../scenarios/scenarioSet.ts";
import { meanReturns } from "../risk/moments.ts";
import { cvar } from "../risk/measures.ts";
import { meanCvarFrontier } from "../optimize/frontier.ts";
import type { BacktestRun } from "./engine.ts";
import type { CrashResult, Metrics } from "./metrics.ts";
import type { PricePanel } from "./panel.ts";
import { lineChart, scatter, stackedArea, stackedBars } from "./svg.ts";

/** The mean-CVaR frontier on the last estimation window, with each strategy's final weights on it. */
export interface FrontierView {
  readonly window: { readonly start: string; readonly end: string };
  readonly assets: readonly string[];
  /** Daily CVaR (x) and mean daily return (y), fractions. */
  readonly line: readonly { cvar: number; mean: number }[];
  readonly points: readonly { strategy: string; cvar: number; mean: number }[];
}

/** Everything the report shows. */
export interface ReportInput {
  readonly title: string;
  readonly command?: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly dataNotes: readonly string[];
  readonly runs: readonly BacktestRun[];
  readonly metrics: readonly Metrics[];
  readonly crashes: readonly (readonly CrashResult[])[];
  readonly frontier?: FrontierView;
  readonly alpha: number;
}

/**
 * Mean-CVaR frontier (no budget) over the last `estimationDays` of daily returns of the assets priced on the panel's
 * last day, and every run's final weights evaluated on the same returns.
 */
export async function frontierAtEnd(
  panel: PricePanel,
  runs: readonly BacktestRun[],
  estimationDays: number,
  alpha: number,
): Promise<FrontierView> {
  const n = panel.assets.length;
  const T = panel.dates.length;
  const t = T - 1;
  const idx = panel.assets.map((_, i) => i).filter((i) => Number.isFinite(panel.closes[t * n + i]));
  const lo = Math.max(t - estimationDays, ...idx.map((i) => panel.firstIndex[i]));
  const m = idx.length;
  const R = new Float64Array((t - lo) * m);
  for (let r = 0; r < t - lo; r++) {
    for (let j = 0; j < m; j++) {
      R[r * m + j] = panel.closes[(lo + r + 1) * n + idx[j]] / panel.closes[(lo + r) * n + idx[j]] - 1;
    }
  }
  const set = makeScenarioSet(
    idx.map((i) => panel.assets[i]),
    R,
  );
  const mu = meanReturns(set);
  const pts = await meanCvarFrontier(set, { alpha, points: 8 });
  const points = runs.map((run) => {
    const last = run.dates.length - 1;
    const w = Float64Array.from(idx, (i) => run.weights[last * n + i]);
    const s = w.reduce((a, b) => a + b, 0);
    const wn = w.map((v) => v / (s || 1));
    let mean = 0;
    wn.forEach((v, j) => (mean += v * mu[j]));
    return { strategy: run.name, cvar: cvar(portfolioLosses(set, wn), alpha), mean };
  });
  return {
    window: { start: panel.dates[lo + 1], end: panel.dates[t] },
    assets: set.assets,
    line: pts.map((p) => ({ cvar: p.cvar, mean: p.expectedReturn })),
    points,
  };
}

const pct = (x: number, d = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}%` : "–");
const num = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : "–");
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const csvCell = (v: unknown): string => {
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
/** CSV text from a header and rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header.map(csvCell).join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\n") + "\n";
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h, i) => `<th${i ? "" : ' style="text-align:left"'}>${esc(h)}</th>`).join("");
  const tr = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i ? "" : ' style="text-align:left"'}>${esc(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** The headline table rows: strategy, return, annual, vol, Sharpe, Sortino, max DD, CVaR, CDaR, turnover, costs. */
export function headlineRows(runs: readonly BacktestRun[], metrics: readonly Metrics[]): string[][] {
  return runs.map((r, k) => {
    const m = metrics[k];
    return [
      r.name,
      pct(m.totalReturn),
      pct(m.annualReturn),
      pct(m.volatility),
      num(m.sharpe),
      num(m.sortino),
      pct(m.maxDrawdown),
      pct(m.cvar, 2),
      pct(m.cdar),
      num(m.turnover, 1),
      num(m.costBpsPerYear, 0),
      pct(m.timeUnderWater, 0),
      pct(m.worstDay),
      pct(m.worstWeek),
      `${m.rebalances}/${m.rejectedRebalances}`,
      String(m.breakerTrips),
    ];
  });
}

/** Header of `headlineRows`. */
export const HEADLINE_HEADER = [
  "strategy",
  "total return",
  "annual",
  "vol",
  "Sharpe",
  "Sortino",
  "max DD",
  "CVaR 1d",
  "CDaR",
  "turnover ×NAV",
  "cost bps/yr",
  "under water",
  "worst day",
  "worst week",
  "rebal/rejected",
  "breaker trips",
];

/** Builds every report file. */
export function buildReport(i: ReportInput): Record<string, string> {
  const runs = i.runs;
  const dates = runs[0].dates;
  const assets = runs[0].assets;
  const n = assets.length;
  const files: Record<string, string> = {};
  const navs = runs.map((r) => Float64Array.from(r.navUsd, (v) => v / r.initialNavUsd));
  const dds = runs.map((r) => {
    const p = new Float64Array(r.navUsd.length + 1);
    p[0] = r.initialNavUsd;
    p.set(r.navUsd, 1);
    return drawdowns(p).subarray(1);
  });

  files["nav.csv"] = toCsv(
    ["date", ...runs.map((r) => r.name)],
    dates.map((d, t) => [d, ...navs.map((v) => v[t])]),
  );
  files["drawdown.csv"] = toCsv(
    ["date", ...runs.map((r) => r.name)],
    dates.map((d, t) => [d, ...dds.map((v) => v[t])]),
  );
  for (const r of runs) {
    files[`weights/${r.name}.csv`] = toCsv(
      ["date", ...assets, "breakerTripped"],
      dates.map((d, t) => [d, ...Array.from(r.weights.subarray(t * n, t * n + n)), r.breakerTripped[t]]),
    );
  }
  files["trades.csv"] = toCsv(
    ["strategy", "date", "side", "asset", "amount", "valueInUsd", "slippageUsd", "feeUsd", "gasUsd", "reason"],
    runs.flatMap((r) =>
      r.trades.map((x) => [
        r.name,
        x.date,
        x.side,
        x.asset,
        x.amount,
        x.valueInUsd,
        x.slippageUsd,
        x.feeUsd,
        x.gasUsd,
        x.reason,
      ]),
    ),
  );
  files["rebalances.csv"] = toCsv(
    [
      "strategy",
      "date",
      "reason",
      "tradeCount",
      "turnover",
      "costUsd",
      ...assets.map((a) => `target_${a}`),
      "rejected",
      "note",
    ],
    runs.flatMap((r) =>
      r.rebalances.map((x) => [
        r.name,
        x.date,
        x.reason,
        x.tradeCount,
        x.turnover,
        x.costUsd,
        ...assets.map((a) => x.targets[a] ?? 0),
        x.rejected.join(" | "),
        x.note ?? "",
      ]),
    ),
  );
  files["events.csv"] = toCsv(
    ["strategy", "date", "kind", "detail"],
    runs.flatMap((r) => r.events.map((e) => [r.name, e.date, e.kind, e.detail])),
  );
  const metricKeys = Object.keys(i.metrics[0]) as (keyof Metrics)[];
  files["metrics.csv"] = toCsv(
    ["strategy", ...metricKeys],
    runs.map((r, k) => [r.name, ...metricKeys.map((key) => i.metrics[k][key])]),
  );
  files["crash_windows.csv"] = toCsv(
    ["strategy", "window", "start", "end", "covered", "totalReturn", "maxDrawdown", "worstDay"],
    runs.flatMap((r, k) =>
      i.crashes[k].map((c) => [r.name, c.window, c.start, c.end, c.covered, c.totalReturn, c.maxDrawdown, c.worstDay]),
    ),
  );
  const riskShares = runs.map((r) => {
    const acc = new Float64Array(n);
    let cnt = 0;
    for (const x of r.rebalances) {
      if (!x.riskShares) continue;
      cnt++;
      assets.forEach((a, j) => (acc[j] += x.riskShares![a] ?? 0));
    }
    return Array.from(acc, (v) => (cnt ? v / cnt : 0));
  });
  files["risk_contributions.csv"] = toCsv(
    ["strategy", ...assets],
    runs.map((r, k) => [r.name, ...riskShares[k]]),
  );
  files["results.json"] =
    JSON.stringify(
      {
        title: i.title,
        command: i.command,
        settings: i.settings,
        dataNotes: i.dataNotes,
        period: { start: dates[0], end: dates[dates.length - 1], days: dates.length },
        strategies: runs.map((r, k) => ({
          name: r.name,
          metrics: i.metrics[k],
          crashWindows: i.crashes[k],
          events: r.events,
          averageCvarShares: Object.fromEntries(assets.map((a, j) => [a, riskShares[k][j]])),
        })),
        frontier: i.frontier,
      },
      (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
      2,
    ) + "\n";

  // ── HTML ──
  const groups = [
    { title: "without the risk budget", pick: (r: BacktestRun) => !r.strategy.withBudget },
    {
      title: "with the risk budget",
      pick: (r: BacktestRun) => r.strategy.withBudget || r.strategy.kind === "buy-and-hold",
    },
  ];
  let charts = "";
  for (const g of groups) {
    const sel = runs.map((r, k) => [r, k] as const).filter(([r]) => g.pick(r));
    if (sel.length === 0) continue;
    charts += `<h3>Equity and drawdown, ${g.title}</h3>`;
    charts += lineChart(
      `NAV (log scale, start = 1), ${g.title}`,
      dates,
      sel.map(([r, k]) => ({ name: r.name, values: navs[k], dashed: r.strategy.kind === "buy-and-hold" })),
      { log: true, format: (v) => v.toPrecision(2) },
    );
    charts += lineChart(
      `Drawdown from the running peak, ${g.title}`,
      dates,
      sel.map(([r, k]) => ({
        name: r.name,
        values: dds[k].map((v) => -v),
        dashed: r.strategy.kind === "buy-and-hold",
      })),
      { format: (v) => `${(v * 100).toFixed(0)}%` },
    );
  }
  let weightCharts = "";
  for (const r of runs) weightCharts += stackedArea(`Weights after trading: ${r.name}`, dates, assets, r.weights);
  const riskChart = stackedBars(
    `Average share of each asset in the target portfolio's ${Math.round(i.alpha * 100)}% CVaR (estimation scenarios)`,
    runs.map((r) => r.name),
    assets,
    riskShares,
  );
  let frontierHtml = "";
  if (i.frontier) {
    const f = i.frontier;
    frontierHtml =
      `<h2>Frontier</h2><p>Mean-CVaR frontier (no budget) on daily returns ${f.window.start} .. ${f.window.end} of ` +
      `${esc(f.assets.join(", "))}, and every strategy's final weights on the same returns (in-sample for the ` +
      `frontier by construction).</p>` +
      scatter(
        "Mean-CVaR frontier (daily) and final portfolios",
        f.line.map((p) => ({ x: p.cvar, y: p.mean })),
        f.points.map((p) => ({ x: p.cvar, y: p.mean, label: p.strategy })),
        `CVaR ${Math.round(i.alpha * 100)}% of the daily loss`,
        "mean daily return",
      );
  }
  const crashNames = i.crashes[0].map((c) => c.window);
  const crashRows = runs.map((r, k) => [
    r.name,
    ...i.crashes[k].map((c) => (c.covered ? `${pct(c.totalReturn)} / ${pct(c.maxDrawdown)}` : "not covered")),
  ]);
  const events = runs.flatMap((r) =>
    r.events.filter((e) => e.kind.startsWith("breaker")).map((e) => [r.name, e.date, e.kind, e.detail]),
  );
  const settingsRows = Object.entries(i.settings).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(i.title)}</title>
<style>
body{font-family:sans-serif;max-width:1180px;margin:24px auto;padding:0 16px;color:#222}
table{border-collapse:collapse;font-size:12px;margin:8px 0 16px}
td,th{border-bottom:1px solid #ddd;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#f4f4f4}svg{display:block;margin:8px 0}code{background:#f4f4f4;padding:1px 4px}
.note{color:#555;font-size:13px}
</style></head><body>
<h1>${esc(i.title)}</h1>
<p class="note">Period ${dates[0]} .. ${dates[dates.length - 1]} (${dates.length} days, calendar-day steps).
${i.command ? `Command: <code>${esc(i.command)}</code>` : ""}</p>
<h2>Data</h2><ul>${i.dataNotes.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>
<h2>Headline</h2>
<p class="note">Returns after trading costs (pool fee + price impact, gas). Volatility, Sharpe and Sortino annualised
over 365 days, risk-free 0. CVaR: ${Math.round(i.alpha * 100)}% of daily losses; CDaR: ${Math.round(i.alpha * 100)}% of
the drawdown path. Turnover: Σ trade input value / NAV (the on-chain definition, so buying with the base asset counts).
"rejected": rebalances whose plan broke a limit (the vault would revert; nothing traded).</p>
${htmlTable(HEADLINE_HEADER, headlineRows(runs, i.metrics))}
<h2>Crash windows</h2><p class="note">Return / max drawdown inside each window.</p>
${htmlTable(["strategy", ...crashNames], crashRows)}
<h2>Charts</h2>${charts}
<h3>Risk contributions</h3>${riskChart}
${frontierHtml}
<h2>Weights over time</h2>${weightCharts}
<h2>Breaker events</h2>
${events.length ? htmlTable(["strategy", "date", "event", "detail"], events) : "<p>none</p>"}
<h2>Settings</h2>${htmlTable(["setting", "value"], settingsRows)}
<p class="note">Every series is in the CSV/JSON files next to this page: nav.csv, drawdown.csv, weights/*.csv,
trades.csv, rebalances.csv, events.csv, metrics.csv, crash_windows.csv, risk_contributions.csv, results.json.</p>
</body></html>
`;
  files["index.html"] = html;
  return files;
}
