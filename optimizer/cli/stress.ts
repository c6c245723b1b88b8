/**
 * `stress`: full revaluation of a JSON book under a library of stress scenarios, P&L per scenario as a table.
 *
 * Scenarios come from optimizer/scenarios' stress library when it exists (a module `optimizer/scenarios/stress.ts`
 * exporting `stressLibrary(assets) → { name, returns: Record<asset, simple return>, volShift? }[]`); until then
 * the built-in minimal shocks below are used, and the output says so.
 */
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { ValidationError } from "../errors.ts";
import {
  positionAssets,
  revalueBook,
  type MarketState,
  type Position,
  type ScenarioMatrix,
  type SmileDynamics,
} from "../instruments/index.ts";
import { formatTable, loadBook, parseArgs, positionLabel } from "./greeks.ts";

/** A named stress: simple returns per asset (absent = 0) and a parallel vol shift (vol points as fractions). */
export interface StressShock {
  readonly name: string;
  readonly returns: Readonly<Record<string, number>>;
  readonly volShift?: number;
}

const STABLE = /^(USDC|USDT|DAI|FRAX|LUSD|USDE|GHO|PYUSD|CRVUSD|SUSD)$/i;

/** Built-in minimal shocks: crash, rally, volatility spike and crush, stablecoin depeg, and a combined tail. */
export function minimalShocks(assets: readonly string[]): StressShock[] {
  const risky = assets.filter((a) => !STABLE.test(a));
  const stables = assets.filter((a) => STABLE.test(a));
  const all = (xs: readonly string[], r: number) => Object.fromEntries(xs.map((a) => [a, r]));
  return [
    { name: "crash -30 %, vol +30 pts", returns: all(risky, -0.3), volShift: 0.3 },
    { name: "crash -50 %, vol +50 pts", returns: all(risky, -0.5), volShift: 0.5 },
    { name: "drop -10 %", returns: all(risky, -0.1) },
    { name: "rally +10 %", returns: all(risky, 0.1) },
    { name: "rally +30 %, vol +10 pts", returns: all(risky, 0.3), volShift: 0.1 },
    { name: "vol spike +40 pts", returns: {}, volShift: 0.4 },
    { name: "vol crush -20 pts", returns: {}, volShift: -0.2 },
    { name: "stablecoin depeg -10 %", returns: all(stables, -0.1) },
    { name: "crash -30 % + depeg -5 %", returns: { ...all(risky, -0.3), ...all(stables, -0.05) }, volShift: 0.3 },
  ];
}

/** Loads the stress library of optimizer/scenarios if present (see the module comment), else null. */
async function externalShocks(assets: readonly string[]): Promise<StressShock[] | null> {
  const url = new URL("../scenarios/stress.ts", import.meta.url);
  try {
    const mod = (await import(pathToFileURL(url.pathname).href)) as {
      stressLibrary?: (a: readonly string[]) => StressShock[];
    };
    return typeof mod.stressLibrary === "function" ? mod.stressLibrary(assets) : null;
  } catch {
    return null;
  }
}

/** Turns shocks into a scenario matrix over `assets`. */
export function shocksToMatrix(
  shocks: readonly StressShock[],
  assets: readonly string[],
  horizonYears = 0,
): ScenarioMatrix {
  const n = assets.length;
  const m = new Float64Array(shocks.length * n);
  const v = new Float64Array(shocks.length * n);
  shocks.forEach((s, k) => {
    assets.forEach((a, j) => {
      const r = s.returns[a] ?? 0;
      if (!(r >= -1) || !Number.isFinite(r))
        throw new ValidationError("stress return must be ≥ -1", { scenario: s.name, asset: a, r });
      m[k * n + j] = 1 + r;
      v[k * n + j] = s.volShift ?? 0;
    });
  });
  return { assets, nScenarios: shocks.length, priceMultipliers: m, volShifts: v, horizonYears };
}

/** Result of a stress run. */
export interface StressResult {
  readonly source: "optimizer/scenarios" | "built-in minimal shocks";
  readonly baseValueUsd: number;
  readonly scenarios: { name: string; pnlUsd: number; pnlPct: number; worstPosition: string; worstPnlUsd: number }[];
}

/** Runs the stress library (or the built-in shocks) on a book with full revaluation. */
export async function computeStress(
  positions: readonly Position[],
  market: MarketState,
  smileDynamics: SmileDynamics = "stickyStrike",
): Promise<StressResult> {
  const assets = [...new Set(positions.flatMap(positionAssets))].sort();
  const ext = await externalShocks(assets);
  const shocks = ext ?? minimalShocks(assets);
  const r = revalueBook(positions, market, shocksToMatrix(shocks, assets), { smileDynamics, perPosition: true });
  const nS = shocks.length;
  return {
    source: ext ? "optimizer/scenarios" : "built-in minimal shocks",
    baseValueUsd: r.baseValueUsd,
    scenarios: shocks.map((s, k) => {
      let worst = 0;
      for (let p = 1; p < positions.length; p++)
        if (r.positionPnlUsd![p * nS + k] < r.positionPnlUsd![worst * nS + k]) worst = p;
      return {
        name: s.name,
        pnlUsd: r.pnlUsd[k],
        pnlPct: (r.pnlUsd[k] / Math.abs(r.baseValueUsd)) * 100,
        worstPosition: positionLabel(positions[worst], worst),
        worstPnlUsd: r.positionPnlUsd![worst * nS + k],
      };
    }),
  };
}

/** The command's help text. */
export const help = `Usage: ballast stress <book.json> [--market <market.json>] [--smile stickyStrike|stickyMoneyness] [--out <stress.json>]

Revalues every position of a book in full under each stress scenario and prints the P&L per scenario.
  <book.json>      { "market"?: {...}, "positions": [...] } (see docs/examples/book.json)
  --market <file>  market state (overrides the book's)
  --smile <mode>   how the smile moves with spot (default stickyStrike)
  --out <file>     also write the results as JSON`;

/** One-line description for the dispatcher. */
export const summary = "Stress P&L of a JSON book per scenario, full revaluation";

/** Runs `stress` with `argv` (arguments after the command name). */
export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, ["market", "out", "smile"]);
  if (a.help) {
    console.log(help);
    return;
  }
  if (!a.file) throw new ValidationError("missing <book.json>; see --help");
  const smile = a.opts.smile ?? "stickyStrike";
  if (smile !== "stickyStrike" && smile !== "stickyMoneyness") {
    throw new ValidationError("--smile must be stickyStrike or stickyMoneyness", { smile });
  }
  const { positions, market } = await loadBook(a.file, a.opts.market);
  const res = await computeStress(positions, market, smile);
  console.log(
    `scenarios: ${res.source}${res.source === "built-in minimal shocks" ? " (optimizer/scenarios has no stress library yet)" : ""}`,
  );
  console.log(`book value: ${res.baseValueUsd.toFixed(2)} USD`);
  console.log(
    formatTable(
      ["scenario", "P&L USD", "P&L %", "worst position", "its P&L USD"],
      res.scenarios.map((s) => [
        s.name,
        s.pnlUsd.toFixed(2),
        s.pnlPct.toFixed(2),
        s.worstPosition,
        s.worstPnlUsd.toFixed(2),
      ]),
    ),
  );
  if (a.opts.out) {
    await writeFile(a.opts.out, JSON.stringify(res, null, 2) + "\n");
    console.log(`wrote ${a.opts.out}`);
  }
}
