/**
 * `ballast backtest`: walk-forward backtest of every strategy (with and without the risk budget, plus buy-and-hold)
 * on daily prices, with the keeper's planner and budget check, costs and the drawdown breaker; prints the headline
 * table and writes a self-contained HTML report with CSV/JSON of every series.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { parsePriceCsv } from "../market/prices.ts";
import { buildPanel } from "../backtest/panel.ts";
import {
  DEFAULT_BUDGET,
  DEFAULT_COSTS,
  runBacktest,
  type BacktestOptions,
  type BacktestRun,
  type RebalanceRule,
} from "../backtest/engine.ts";
import { allStrategies, STRATEGY_KINDS, strategyName, type StrategySpec } from "../backtest/strategies.ts";
import { computeMetrics, crashResults } from "../backtest/metrics.ts";
import { buildReport, frontierAtEnd, headlineRows, HEADLINE_HEADER } from "../backtest/report.ts";
import { assetList, bpsMap, numberIn, parseOptions, progress, table } from "./common.ts";

/** One-line description for the dispatcher. */
export const summary = "Walk-forward backtest of every strategy with costs, budget and breaker; HTML report + CSV/JSON";

/** The command's help text. */
export const help = `Usage: ballast backtest --prices <prices.csv> --assets A,B,... [options]

Walks forward day by day: on each rebalance day every strategy re-estimates its targets from returns up to
that day only, the keeper's planner (no-trade band, pool price impact, fee, gas, turnover fitting, idle floor)
turns them into trades and the keeper's risk-budget check accepts or rejects the plan. With the budget the
drawdown breaker runs as on-chain. See docs/backtest.md.

  --prices <csv>            long-format prices: date,asset,close (e.g. ../shared/data/prices_daily.csv)
  --assets <list>           e.g. BTC,ETH,SOL,LINK,UNI,AAVE,USDC (must include --base-asset)
  --from <date>             first backtest day (default: first day the base asset and another asset share)
  --to <date>               last backtest day (clamped to the last date with prices; the report says so)
                            Universe rule: an asset is investable once it has --min-history days of prices
                            and until its data ends; then it is sold at its last close.
  --base-asset <name>       the cash asset (default USDC)
  --strategies <list>       ${STRATEGY_KINDS.join(",")} (default all); each runs
                            with and without the budget, buy-and-hold once
  --no-budget-only | --budget-only   run only one variant
  --rebalance <rule>        daily | weekly | monthly | <N>d | drift:<bps> (default weekly)
  --estimation-days <n>     days of returns per estimate (default 365)
  --min-history <n>         days of history before an asset is investable (default 60)
  --scenarios <source>      historical | bootstrap (default historical)
  --count <n>               bootstrap scenarios per rebalance (default 2000)
  --seed <int>              seed of the bootstrap (default 1)
  --alpha <a>               CVaR level (default 0.95)
  --risk-aversion <g>       mean-variance γ on daily moments (default 10)
  --nav <usd>               starting NAV, all in the base asset (default 1000000)
  Budget (defaults: scripts/lib/deployVault.ts, 30 % cap per risky asset):
  --max-weight-bps <v>      3000, or BTC=4000,ETH=3000 (maxWeightBps)
  --min-idle-bps <v>        minIdleBps (default 1000)
  --max-turnover-bps <v>    maxTurnoverBps per rebalance (default 5000)
  --max-drawdown-bps <v>    breaker: maxDrawdownBps (default 2000)
  --drawdown-window-days <n> breaker: drawdownWindowSeconds / 86400 (default 30)
  --breaker-reset-days <n>  guardian resets the breaker n days after a trip (default 30)
  --breaker-action <a>      exit (sell everything into the base asset) | restrict (no weight may rise) (default exit)
  Costs:
  --pool-depth-nav <x>      each pool side = x × NAV (default 50)
  --pool-depth-usd <v>      fixed pool side in USD instead (one number or BTC=5e8,...)
  --fee-pips <v>            pool fee in pips (default BTC/ETH 500, others 3000)
  --gas-gwei <g>            gas price (default 30); ETH's close prices gas when ETH is in --assets
  --band-bps <v>            planner no-trade band (default 150)
  --report <dir>            write index.html + CSV/JSON of every series there
  --quiet                   no progress bar`;

const str = { type: "string" } as const;
const options = {
  ...Object.fromEntries(
    [
      "prices",
      "assets",
      "from",
      "to",
      "base-asset",
      "strategies",
      "rebalance",
      "estimation-days",
      "min-history",
      "scenarios",
      "count",
      "seed",
      "alpha",
      "risk-aversion",
      "nav",
      "max-weight-bps",
      "min-idle-bps",
      "max-turnover-bps",
      "max-drawdown-bps",
      "drawdown-window-days",
      "breaker-reset-days",
      "breaker-action",
      "pool-depth-nav",
      "pool-depth-usd",
      "fee-pips",
      "gas-gwei",
      "band-bps",
      "report",
    ].map((k) => [k, str]),
  ),
  quiet: { type: "boolean" },
  "budget-only": { type: "boolean" },
  "no-budget-only": { type: "boolean" },
} as const;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
const int = (lo: number, hi: number) => z.coerce.number().int().min(lo).max(hi);
const rebalance = z.string().transform((s, ctx): RebalanceRule => {
  const named: Record<string, number> = { daily: 1, weekly: 7, monthly: 30 };
  if (named[s] !== undefined) return { kind: "calendar", everyDays: named[s] };
  let m = /^(\d+)d$/.exec(s);
  if (m && Number(m[1]) >= 1) return { kind: "calendar", everyDays: Number(m[1]) };
  m = /^drift:(\d+)$/.exec(s);
  if (m && Number(m[1]) > 0) return { kind: "drift", driftBps: Number(m[1]) };
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: "expected daily | weekly | monthly | <N>d | drift:<bps>" });
  return z.NEVER;
});

const schema = z.object({
  prices: z.string({ required_error: "required (a CSV with date,asset,close)" }),
  assets: assetList,
  from: date.optional(),
  to: date.optional(),
  "base-asset": z.string().default("USDC"),
  strategies: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()))
    .pipe(z.array(z.enum(STRATEGY_KINDS)).min(1))
    .optional(),
  rebalance: rebalance.default("weekly"),
  "estimation-days": int(10, 3650).default(365),
  "min-history": int(2, 3650).default(60),
  scenarios: z.enum(["historical", "bootstrap"]).default("historical"),
  count: int(100, 1_000_000).default(2000),
  seed: int(0, 2 ** 31).default(1),
  alpha: numberIn(0.5, 0.9999).default(0.95),
  "risk-aversion": numberIn(0, 1e6).default(10),
  nav: numberIn(1, 1e15).default(1_000_000),
  "max-weight-bps": bpsMap.optional(),
  "min-idle-bps": int(0, 10_000).optional(),
  "max-turnover-bps": int(1, 1_000_000).optional(),
  "max-drawdown-bps": int(1, 10_000).optional(),
  "drawdown-window-days": int(1, 3650).optional(),
  "breaker-reset-days": int(1, 3650).optional(),
  "breaker-action": z.enum(["exit", "restrict"]).default("exit"),
  "pool-depth-nav": numberIn(0.01, 1e9).optional(),
  "pool-depth-usd": bpsMap.optional(),
  "fee-pips": bpsMap.optional(),
  "gas-gwei": numberIn(0, 1e5).optional(),
  "band-bps": numberIn(0, 10_000).default(150),
  report: z.string().optional(),
  quiet: z.boolean().default(false),
  "budget-only": z.boolean().default(false),
  "no-budget-only": z.boolean().default(false),
});

/** A progress bar on stderr: redrawn in place on a terminal, a line every 10 % otherwise. */
function progressBar(total: number, quiet: boolean): (done: number, label: string) => void {
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  let lastDecile = -1;
  return (done, label) => {
    if (quiet) return;
    const f = total > 0 ? done / total : 1;
    const elapsed = (performance.now() - t0) / 1000;
    const eta = f > 0 ? (elapsed * (1 - f)) / f : 0;
    if (tty) {
      const w = 30;
      const bar = "#".repeat(Math.round(f * w)).padEnd(w, ".");
      process.stderr.write(
        `\r[ballast] [${bar}] ${(100 * f).toFixed(0).padStart(3)}% ${label.padEnd(22)} ${elapsed.toFixed(0)}s eta ${eta.toFixed(0)}s `,
      );
      if (done >= total) process.stderr.write("\n");
    } else {
      const decile = Math.floor(f * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        progress(`${(100 * f).toFixed(0)}% (${label}) ${elapsed.toFixed(1)} s`);
      }
    }
  };
}

/** Runs `backtest` with `argv` (arguments after the command name). */
export async function run(argv: string[]): Promise<void> {
  const { values: o, help: wantHelp } = parseOptions(argv, options, schema);
  if (wantHelp) {
    console.log(help);
    return;
  }
  if (o["budget-only"] && o["no-budget-only"]) {
    throw new ValidationError("--budget-only and --no-budget-only exclude each other");
  }
  const base = o["base-asset"];
  if (!o.assets.includes(base)) {
    throw new ValidationError("--assets must include the base asset (the cash)", { asset: base });
  }
  let text: string;
  try {
    text = await readFile(o.prices, "utf8");
  } catch (e) {
    throw new ValidationError("cannot read price file", { file: o.prices, reason: (e as Error).message });
  }
  const rows = parsePriceCsv(text);
  const panel = buildPanel(rows, o.assets, {
    from: o.from,
    to: o.to,
    baseAsset: base,
    historyDays: o["estimation-days"],
  });
  const start = panel.dates[panel.startIndex];
  const end = panel.dates[panel.dates.length - 1];
  if (!o.quiet) {
    progress(`backtest ${start} .. ${end} (${panel.dates.length - panel.startIndex} days), ${o.assets.join(",")}`);
    for (const note of panel.notes) progress(`data: ${note}`);
  }
  const budget = {
    ...DEFAULT_BUDGET,
    ...(o["max-weight-bps"] !== undefined ? { maxWeightBps: o["max-weight-bps"] } : {}),
    ...(o["min-idle-bps"] !== undefined ? { minIdleBps: o["min-idle-bps"] } : {}),
    ...(o["max-turnover-bps"] !== undefined ? { maxTurnoverBps: o["max-turnover-bps"] } : {}),
    ...(o["max-drawdown-bps"] !== undefined ? { maxDrawdownBps: o["max-drawdown-bps"] } : {}),
    ...(o["drawdown-window-days"] !== undefined ? { drawdownWindowSeconds: o["drawdown-window-days"] * 86_400 } : {}),
    ...(o["breaker-reset-days"] !== undefined ? { resetAfterDays: o["breaker-reset-days"] } : {}),
  };
  if (typeof budget.maxWeightBps === "object") {
    for (const a of Object.keys(budget.maxWeightBps)) {
      if (!o.assets.includes(a))
        throw new ValidationError("--max-weight-bps names an asset not in --assets", { asset: a });
    }
  }
  const costs = {
    ...DEFAULT_COSTS,
    ...(o["pool-depth-nav"] !== undefined ? { poolDepthNavMultiple: o["pool-depth-nav"] } : {}),
    ...(o["pool-depth-usd"] !== undefined ? { poolDepthUsd: o["pool-depth-usd"] } : {}),
    ...(o["fee-pips"] !== undefined
      ? { feePips: typeof o["fee-pips"] === "number" ? o["fee-pips"] : { "*": 3000, ...o["fee-pips"] } }
      : {}),
    ...(o["gas-gwei"] !== undefined ? { gasPriceGwei: o["gas-gwei"] } : {}),
  };
  let specs: StrategySpec[] = allStrategies();
  if (o.strategies) specs = specs.filter((s) => o.strategies!.includes(s.kind));
  if (o["budget-only"]) specs = specs.filter((s) => s.withBudget || s.kind === "buy-and-hold");
  if (o["no-budget-only"]) specs = specs.filter((s) => !s.withBudget);
  const common: Omit<BacktestOptions, "strategy"> = {
    baseAsset: base,
    initialNavUsd: o.nav,
    estimationDays: o["estimation-days"],
    minHistoryDays: o["min-history"],
    rebalance: o.rebalance,
    scenarios:
      o.scenarios === "bootstrap" ? { kind: "bootstrap", count: o.count, seed: o.seed } : { kind: "historical" },
    alpha: o.alpha,
    riskAversion: o["risk-aversion"],
    budget,
    costs,
    noTradeBandBps: o["band-bps"],
    breakerAction: o["breaker-action"],
  };
  const days = panel.dates.length - panel.startIndex;
  const bar = progressBar(days * specs.length, o.quiet);
  const runs: BacktestRun[] = [];
  const t0 = performance.now();
  for (const [k, spec] of specs.entries()) {
    runs.push(
      await runBacktest(panel, {
        ...common,
        strategy: spec,
        onProgress: (done) => bar(k * days + done, strategyName(spec)),
      }),
    );
  }
  const metrics = runs.map((r) => computeMetrics(r, o.alpha));
  const crashes = runs.map((r) => crashResults(r));
  console.log(
    `backtest ${start} .. ${end}, ${o.assets.join(",")}, rebalance ${o.rebalance.kind === "calendar" ? `every ${o.rebalance.everyDays} d` : `drift > ${o.rebalance.driftBps} bps`}, ` +
      `${o.scenarios} scenarios, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  for (const note of panel.notes) console.log(`  data: ${note}`);
  console.log("");
  console.log(table(HEADLINE_HEADER, headlineRows(runs, metrics)));
  console.log("\ncrash windows (return / max drawdown)");
  console.log(
    table(
      ["strategy", ...crashes[0].map((c) => c.window)],
      runs.map((r, k) => [
        r.name,
        ...crashes[k].map((c) =>
          c.covered ? `${(100 * c.totalReturn).toFixed(1)}% / ${(100 * c.maxDrawdown).toFixed(1)}%` : "not covered",
        ),
      ]),
    ),
  );
  if (o.report) {
    if (!o.quiet) progress("frontier on the last estimation window ...");
    const frontier = await frontierAtEnd(panel, runs, o["estimation-days"], o.alpha);
    const files = buildReport({
      title: `Ballast backtest: ${o.assets.join(", ")}`,
      command: `ballast backtest ${argv.join(" ")}`,
      settings: {
        period: `${start} .. ${end}`,
        baseAsset: base,
        rebalance: o.rebalance,
        estimationDays: o["estimation-days"],
        minHistoryDays: o["min-history"],
        scenarios: common.scenarios,
        alpha: o.alpha,
        riskAversion: o["risk-aversion"],
        initialNavUsd: o.nav,
        budget: { ...budget, depositCap: "none" },
        breakerAction: o["breaker-action"],
        costs,
        noTradeBandBps: o["band-bps"],
        hedging: "none (spot-only strategies; see docs/backtest.md)",
      },
      dataNotes: [
        ...panel.notes,
        ...panel.gaps.map((g) => `gap: ${g.asset} after ${g.date}, ${g.missingDays} day(s) carried forward`),
        ...panel.staleRuns.map((s) => `stale: ${s.asset} unchanged ${s.days} days from ${s.date}`),
        "universe on each day: assets with a price that day and at least --min-history days of history; an asset " +
          "whose data ends is sold into the base asset at its last close",
      ],
      runs,
      metrics,
      crashes,
      frontier,
      alpha: o.alpha,
    });
    for (const [name, body] of Object.entries(files)) {
      const path = join(o.report, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    }
    console.log(`\nwrote ${join(o.report, "index.html")} and ${Object.keys(files).length - 1} CSV/JSON files`);
  }
}
