/**
 * `ballast optimize`: estimate scenarios from daily prices, solve one objective (or all of them), and report each
 * portfolio's tail risk on an evaluation window such as the 2022 drawdown.
 */
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { simpleReturns } from "../market/returns.ts";
import type { ScenarioSet } from "../scenarios/scenarioSet.ts";
import { portfolioReturns } from "../scenarios/scenarioSet.ts";
import { blockBootstrap, historicalScenarios } from "../scenarios/bootstrap.ts";
import { filteredHistoricalSimulation, simulateStudentT } from "../scenarios/simulate.ts";
import { stressLibrary, withScenarios } from "../scenarios/stress.ts";
import { meanReturns } from "../risk/moments.ts";
import { maxDrawdown, navFromReturns } from "../risk/measures.ts";
import { covariance } from "../risk/moments.ts";
import type { RiskBudget } from "../optimize/budget.ts";
import { minCvar } from "../optimize/minCvar.ts";
import { minRegret } from "../optimize/regret.ts";
import { maxSharpe, meanVariance, momentsOf } from "../optimize/meanVariance.ts";
import { riskBudgeting } from "../optimize/riskParity.ts";
import { portfolioStats } from "../optimize/result.ts";
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

const OBJECTIVES = ["min-cvar", "min-regret", "mean-variance", "max-sharpe", "risk-parity", "equal-weight"] as const;
type Objective = (typeof OBJECTIVES)[number];

/** One-line description for the dispatcher. */
export const summary = "Optimal weights from daily prices (min-CVaR, min-regret, mean-variance, ...) with tail report";

/** The command's help text. */
export const help = `Usage: ballast optimize --prices <prices.csv> --assets A,B,... [options]

Builds historical scenarios from daily closes, solves the objective under the risk budget, and reports
the portfolio's risk on the estimation window and on an evaluation window.

  --prices <csv>          long-format prices: date,asset,close (e.g. ../shared/data/prices_daily.csv)
  --assets <list>         comma-separated assets, e.g. BTC,ETH,SOL,LINK,UNI,AAVE,USDC
  --objective <name>      ${OBJECTIVES.join(" | ")} | all (default min-cvar)
  --window <from:to>      estimation window YYYY-MM-DD:YYYY-MM-DD (default: the span every asset covers)
  --eval-window <from:to> also report risk on this window, e.g. 2022-01-01:2022-12-31 (the 2022 drawdown)
  --alpha <a>             CVaR level (default 0.95)
  --horizon <days>        scenario horizon in days, overlapping windows (default 1)
  --scenarios <source>    historical | bootstrap | fhs | student-t (default historical)
                          bootstrap: circular block bootstrap; fhs: filtered historical (EWMA vol-rescaled);
                          student-t: multivariate t(--nu) with the window's mean and covariance
  --count <n>             scenarios drawn by bootstrap / student-t (default 10000)
  --seed <int>            seed of every random draw (default 1)
  --nu <dof>              Student-t degrees of freedom (default 4)
  --stress-probability <q> mix in the stress library (crash, cascade, depeg, protocol failures), each with
                          probability q (e.g. 0.002)
  --max-weight-bps <v>    per-asset cap: 4000 for all, or BTC=4000,ETH=3000 (maxWeightBps)
  --min-idle-bps <v>      minimum weight of --base-asset (minIdleBps)
  --base-asset <name>     base asset for --min-idle-bps (default USDC)
  --budget <json>         full risk budget: maxWeightBps, protocolOf, protocolCapBps, maxTurnoverBps,
                          minIdleBps, baseAsset, currentWeights, tradingCostBps (flags override it)
  --risk-aversion <g>     mean-variance risk aversion γ (default 10)
                          (risk-parity ignores the budget: it spreads risk, not capital)
  --out <file.json>       write weights and figures as JSON
Figures are per scenario horizon (daily by default), fractions shown as %; CVaR/VaR are losses.`;

const schema = z.object({
  prices: z.string({ required_error: "required (a CSV with date,asset,close)" }),
  assets: assetList,
  objective: z.enum([...OBJECTIVES, "all"]).default("min-cvar"),
  window: dateRange.optional(),
  "eval-window": dateRange.optional(),
  alpha: numberIn(0.5, 0.9999).default(0.95),
  horizon: z.coerce.number().int().min(1).max(365).default(1),
  scenarios: z.enum(["historical", "bootstrap", "fhs", "student-t"]).default("historical"),
  count: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  nu: numberIn(2.1, 1000).default(4),
  "stress-probability": numberIn(0, 0.05).optional(),
  "max-weight-bps": bpsMap.optional(),
  "min-idle-bps": z.coerce.number().int().min(0).max(10_000).optional(),
  "base-asset": z.string().default("USDC"),
  budget: z.string().optional(),
  "risk-aversion": numberIn(0, 1e6).default(10),
  out: z.string().optional(),
});

const str = { type: "string" } as const;
const options = Object.fromEntries(
  [
    "prices",
    "assets",
    "objective",
    "window",
    "eval-window",
    "alpha",
    "horizon",
    "scenarios",
    "count",
    "seed",
    "nu",
    "stress-probability",
    "max-weight-bps",
    "min-idle-bps",
    "base-asset",
    "budget",
    "risk-aversion",
    "out",
  ].map((k) => [k, str]),
);

/** Solves one objective; returns weights in the scenario set's asset order. */
export async function solveObjective(
  objective: Objective,
  set: ScenarioSet,
  budget: RiskBudget,
  alpha: number,
  riskAversion: number,
): Promise<Float64Array> {
  switch (objective) {
    case "min-cvar":
      return (await minCvar(set, { alpha, budget })).weights;
    case "min-regret":
      return (await minRegret(set, budget)).weights;
    case "mean-variance":
      return (await meanVariance(momentsOf(set), riskAversion, budget)).weights;
    case "max-sharpe":
      return (await maxSharpe(momentsOf(set), budget)).weights;
    case "risk-parity":
      return riskBudgeting(covariance(set), set.assets.length).weights;
    case "equal-weight":
      return new Float64Array(set.assets.length).fill(1 / set.assets.length);
  }
}

/** Runs `optimize` with `argv` (arguments after the command name). */
export async function run(argv: string[]): Promise<void> {
  const { values: o, help: wantHelp } = parseOptions(argv, options, schema);
  if (wantHelp) {
    console.log(help);
    return;
  }
  let budget: RiskBudget = o.budget ? await readBudget(o.budget) : {};
  if (o["max-weight-bps"] !== undefined) budget = { ...budget, maxWeightBps: o["max-weight-bps"] };
  if (o["min-idle-bps"] !== undefined) {
    if (!o.assets.includes(o["base-asset"])) {
      throw new ValidationError("--min-idle-bps needs the base asset among --assets", { baseAsset: o["base-asset"] });
    }
    budget = { ...budget, minIdleBps: o["min-idle-bps"], baseAsset: o["base-asset"] };
  }
  progress(`loading ${o.prices} for ${o.assets.join(",")}`);
  const prices = await loadPrices(o.prices, o.assets, o.window);
  const daily = simpleReturns(prices);
  let set: ScenarioSet;
  if (o.scenarios === "historical") set = historicalScenarios(daily, o.horizon);
  else if (o.scenarios === "fhs") set = historicalScenarios(filteredHistoricalSimulation(daily), o.horizon);
  else if (o.scenarios === "bootstrap") {
    set = blockBootstrap(daily, { scenarios: o.count, horizon: o.horizon, seed: o.seed });
  } else {
    const h = historicalScenarios(daily, o.horizon);
    set = simulateStudentT({
      assets: h.assets,
      mean: meanReturns(h),
      covariance: covariance(h),
      nu: o.nu,
      scenarios: o.count,
      seed: o.seed,
    });
  }
  if (o["stress-probability"] !== undefined) {
    const q = o["stress-probability"];
    set = withScenarios(
      set,
      stressLibrary(o.assets).map((s) => ({ ...s, probability: q })),
    );
  }
  progress(`scenario source ${o.scenarios}${o["stress-probability"] !== undefined ? " + stress library" : ""}`);
  progress(
    `estimation window ${prices.dates[0]} .. ${prices.dates[prices.dates.length - 1]}: ` +
      `${set.probabilities.length} scenarios of ${o.horizon} day(s)`,
  );
  let evalSet: ScenarioSet | undefined;
  let inSample = false;
  if (o["eval-window"]) {
    const ev = await loadPrices(o.prices, o.assets, o["eval-window"]);
    evalSet = simpleReturns(ev);
    progress(
      `evaluation window ${ev.dates[0]} .. ${ev.dates[ev.dates.length - 1]}: ${evalSet.probabilities.length} days`,
    );
    // ISO dates compare as strings. Overlap means the weights saw (part of) the evaluation days.
    inSample = ev.dates[0] <= prices.dates[prices.dates.length - 1] && prices.dates[0] <= ev.dates[ev.dates.length - 1];
  }
  const objectives: Objective[] = o.objective === "all" ? [...OBJECTIVES] : [o.objective];
  const results = [];
  for (const obj of objectives) {
    const t0 = performance.now();
    progress(`solving ${obj} ...`);
    const w = await solveObjective(obj, set, budget, o.alpha, o["risk-aversion"]);
    const seconds = (performance.now() - t0) / 1000;
    const inSample = portfolioStats(set, w, o.alpha);
    let evaluation;
    if (evalSet) {
      const daily = portfolioStats(evalSet, w, o.alpha);
      const path = portfolioReturns(evalSet, w);
      let total = 1;
      for (const r of path) total *= 1 + r;
      evaluation = { ...daily, maxDrawdown: maxDrawdown(navFromReturns(path)), totalReturn: total - 1 };
    }
    results.push({
      objective: obj,
      weights: Object.fromEntries(o.assets.map((a, i) => [a, w[i]])),
      seconds,
      estimation: inSample,
      evaluation,
    });
  }
  console.log(
    `weights (estimation ${prices.dates[0]}..${prices.dates[prices.dates.length - 1]}, alpha ${o.alpha}, ${o.horizon}d)`,
  );
  console.log(
    table(
      ["objective", ...o.assets],
      results.map((r) => [r.objective, ...o.assets.map((a) => pct(r.weights[a]))]),
    ),
  );
  console.log("\nrisk on the estimation window (per horizon)");
  console.log(
    table(
      ["objective", "mean", "vol", "VaR", "CVaR", "worst"],
      results.map((r) => [
        r.objective,
        pct(r.estimation.expectedReturn),
        pct(r.estimation.volatility),
        pct(r.estimation.valueAtRisk),
        pct(r.estimation.cvar),
        pct(r.estimation.worstLoss),
      ]),
    ),
  );
  if (evalSet) {
    console.log(
      `\nrisk on the evaluation window ${o["eval-window"]!.start}..${o["eval-window"]!.end} (daily)` +
        (inSample
          ? " — IN-SAMPLE: it overlaps the estimation window; use --window to end before it for out-of-sample"
          : " — out-of-sample"),
    );
    console.log(
      table(
        ["objective", "total return", "max drawdown", "vol", "VaR", "CVaR", "worst day"],
        results.map((r) => [
          r.objective,
          pct(r.evaluation!.totalReturn),
          pct(r.evaluation!.maxDrawdown),
          pct(r.evaluation!.volatility),
          pct(r.evaluation!.valueAtRisk),
          pct(r.evaluation!.cvar),
          pct(r.evaluation!.worstLoss),
        ]),
      ),
    );
  }
  if (o.out) {
    await writeJson(o.out, {
      assets: o.assets,
      alpha: o.alpha,
      horizonDays: o.horizon,
      estimationWindow: { start: prices.dates[0], end: prices.dates[prices.dates.length - 1] },
      evalWindow: o["eval-window"],
      budget,
      results,
    });
    console.log(`\nwrote ${o.out}`);
  }
}
