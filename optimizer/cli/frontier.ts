/** `ballast frontier`: the mean-CVaR efficient frontier from daily prices, as a table and optionally JSON. */
import { z } from "zod";
import { simpleReturns } from "../market/returns.ts";
import { historicalScenarios } from "../scenarios/bootstrap.ts";
import type { RiskBudget } from "../optimize/budget.ts";
import { meanCvarFrontier } from "../optimize/frontier.ts";
import {
  assetList,
  bpsMap,
  dateRange,
  loadPrices,
  numberIn,
  parseOptions,
  pct,
  progress,
  readBudget,
  table,
  writeJson,
} from "./common.ts";

/** One-line description for the dispatcher. */
export const summary = "Mean-CVaR efficient frontier from daily prices";

/** The command's help text. */
export const help = `Usage: ballast frontier --prices <prices.csv> --assets A,B,... [options]

For evenly spaced target returns, the least CVaR that reaches each (fast exact min-CVaR through HiGHS).

  --prices <csv>        long-format prices: date,asset,close
  --assets <list>       comma-separated assets
  --window <from:to>    estimation window YYYY-MM-DD:YYYY-MM-DD (default: the span every asset covers)
  --points <k>          number of frontier points, 2..100 (default 10)
  --alpha <a>           CVaR level (default 0.95)
  --horizon <days>      scenario horizon in days (default 1)
  --max-weight-bps <v>  per-asset cap: 4000, or BTC=4000,ETH=3000
  --budget <json>       full risk budget (see \`ballast optimize --help\`)
  --out <file.json>     write the frontier as JSON`;

const schema = z.object({
  prices: z.string({ required_error: "required (a CSV with date,asset,close)" }),
  assets: assetList,
  window: dateRange.optional(),
  points: z.coerce.number().int().min(2).max(100).default(10),
  alpha: numberIn(0.5, 0.9999).default(0.95),
  horizon: z.coerce.number().int().min(1).max(365).default(1),
  "max-weight-bps": bpsMap.optional(),
  budget: z.string().optional(),
  out: z.string().optional(),
});

const str = { type: "string" } as const;
const options = Object.fromEntries(
  ["prices", "assets", "window", "points", "alpha", "horizon", "max-weight-bps", "budget", "out"].map((k) => [k, str]),
);

/** Runs `frontier` with `argv` (arguments after the command name). */
export async function run(argv: string[]): Promise<void> {
  const { values: o, help: wantHelp } = parseOptions(argv, options, schema);
  if (wantHelp) {
    console.log(help);
    return;
  }
  let budget: RiskBudget = o.budget ? await readBudget(o.budget) : {};
  if (o["max-weight-bps"] !== undefined) budget = { ...budget, maxWeightBps: o["max-weight-bps"] };
  const prices = await loadPrices(o.prices, o.assets, o.window);
  const set = historicalScenarios(simpleReturns(prices), o.horizon);
  progress(`${set.probabilities.length} scenarios, ${prices.dates[0]} .. ${prices.dates[prices.dates.length - 1]}`);
  const pts = await meanCvarFrontier(set, {
    alpha: o.alpha,
    budget,
    points: o.points,
    onProgress: (done, total) => progress(`frontier point ${done}/${total}`),
  });
  console.log(
    table(
      ["#", "mean", "CVaR", ...o.assets],
      pts.map((p, j) => [String(j + 1), pct(p.expectedReturn), pct(p.cvar), ...Array.from(p.weights, pct)]),
    ),
  );
  if (o.out) {
    await writeJson(o.out, {
      assets: o.assets,
      alpha: o.alpha,
      horizonDays: o.horizon,
      window: { start: prices.dates[0], end: prices.dates[prices.dates.length - 1] },
      points: pts.map((p) => ({ ...p, weights: Object.fromEntries(o.assets.map((a, i) => [a, p.weights[i]])) })),
    });
    console.log(`wrote ${o.out}`);
  }
}
