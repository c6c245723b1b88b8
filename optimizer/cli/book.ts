/**
 * `book`: reads a JSON book of spot, Uniswap V3 and lending positions with its limits, prints its risk as the vault
 * computes it (NAV, net delta, gross leverage, short gamma, health factors, stressed health factors, breaches) and the
 * hedge plan of optimizer/book that brings it inside its limits, with the risk after the hedge.
 */
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import {
  bookAssets,
  bookRisk,
  bookStressLibrary,
  planBookHedge,
  type BookRisk,
  type LendingAction,
} from "../book/index.ts";
import type { MarketState, Position } from "../instruments/index.ts";
import { stressLibrary } from "../scenarios/stress.ts";
import { formatTable, marketSchema, parseArgs, positionSchema, readJson } from "./greeks.ts";

const finite = z.number().finite();
const bps = finite.nonnegative();
/** JSON schema of a book file for `book`: positions, limits, optional market and hedge options. */
export const bookFileSchema = z.object({
  market: marketSchema.optional(),
  positions: z.array(positionSchema).min(1),
  limits: z.object({
    baseAsset: z.string().min(1),
    maxNetDeltaBps: bps,
    maxGrossLeverageBps: bps,
    maxShortGammaBps: bps,
    minHealthFactorBps: bps,
    minStressedHealthFactor: finite.positive().optional(),
  }),
  options: z
    .object({
      targetNetDeltaBps: finite.optional(),
      tickSpacing: z.union([z.number().int().positive(), z.record(z.number().int().positive())]).optional(),
      liquidationThresholdBps: z.record(z.number().min(0).max(1e4)).optional(),
      swapCostBps: bps.optional(),
      lendingPositionId: z.string().optional(),
      reserveBaseToken: bps.optional(),
    })
    .optional(),
});

/** The command's help text. */
export const help = `Usage: ballast book <book.json> [--market <market.json>] [--stress book|library] [--out <plan.json>]

Prints the risk of a book of spot, Uniswap V3 and lending positions as the vault checks it, and the hedge plan
(LP range widening, deleverage / borrow-and-sell, collateral top-up) that brings it inside its limits.
  <book.json>      { "market"?: {...}, "positions": [...], "limits": {...}, "options"?: {...} }
                   (see docs/examples/levered-book.json)
  --market <file>  market state (overrides the book's)
  --stress <set>   "book" (default): the stress library less protocol failures, plus a rally;
                   "library": the stress library as it is
  --out <file>     also write the plan (actions, reports, risk before and after) as JSON; ∞ is written "Infinity"
Units: token amounts in whole tokens, values USD, ratios bps of NAV, health factors as ratios (1 = liquidation).`;

/** One-line description for the dispatcher. */
export const summary = "Risk of an LP + lending book as the vault checks it, and the hedge that fits it in its limits";

const hf = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "∞");

/** The risk of a book as text lines. */
export function formatRisk(title: string, r: BookRisk): string {
  const lines = [
    `${title}: NAV ${r.navUsd.toFixed(2)} USD, gross leverage ${r.grossLeverageBps.toFixed(0)} bps, ` +
      `short gamma ${r.shortGammaUsd.toFixed(2)} USD (${r.shortGammaBps.toFixed(1)} bps), health factor ${hf(r.healthFactor)}`,
    formatTable(
      ["asset", "long", "debt", "net", "net USD", "net delta bps"],
      r.assets.map((a) => [
        a.asset,
        a.longToken.toFixed(6),
        a.debtToken.toFixed(6),
        a.netToken.toFixed(6),
        a.netUsd.toFixed(2),
        r.netDeltaBps[a.asset] === undefined ? "(base)" : r.netDeltaBps[a.asset].toFixed(1),
      ]),
    ),
  ];
  if (r.stress) {
    lines.push(
      formatTable(
        ["scenario", "NAV USD", "P&L bps", "min HF", "liquidatable"],
        r.stress.scenarios.map((s) => [
          s.name,
          s.navUsd.toFixed(2),
          s.pnlBps.toFixed(0),
          hf(s.minHealthFactor),
          s.liquidatable ? "YES" : "no",
        ]),
      ),
    );
  }
  lines.push(
    r.breaches.length === 0
      ? "breaches: none"
      : ["breaches:", ...r.breaches.map((b) => `  ${b.name}: ${b.message}`)].join("\n"),
  );
  return lines.join("\n");
}

/** Runs `book` with `argv` (arguments after the command name). */
export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, ["market", "out", "stress"]);
  if (a.help) {
    console.log(help);
    return;
  }
  if (!a.file) throw new ValidationError("missing <book.json>; see --help");
  const set = a.opts.stress ?? "book";
  if (set !== "book" && set !== "library") throw new ValidationError("--stress must be book or library", { set });
  const file = await readJson(a.file, bookFileSchema);
  const market = (a.opts.market ? await readJson(a.opts.market, marketSchema) : file.market) as MarketState | undefined;
  if (!market)
    throw new ValidationError("no market state: put `market` in the book or pass --market", { file: a.file });
  const positions = file.positions as Position[];
  const assets = [...new Set([...bookAssets(positions), file.limits.baseAsset])].sort();
  const stress = set === "book" ? bookStressLibrary(assets) : stressLibrary(assets);
  const plan = planBookHedge(positions, market, file.limits, { ...file.options, stress });
  console.log(formatRisk("before", bookRisk(positions, market, file.limits, stress)));
  console.log("");
  console.log(
    plan.actions.length === 0
      ? "hedge: nothing to do"
      : formatTable(
          ["#", "action", "asset / pool", "amount", "detail"],
          plan.actions.map((x, i) => {
            if (x.kind === "swap") {
              return [
                String(i),
                "swap",
                `${x.assetIn}→${x.assetOut}`,
                x.amountInToken.toFixed(6),
                `out ${x.amountOutToken.toFixed(6)}`,
              ];
            }
            if (x.kind === "lpBurn" || x.kind === "lpMint") {
              return [
                String(i),
                x.kind,
                `${x.token0}/${x.token1} #${x.positionIndex}`,
                `L ${x.liquidityRaw.toExponential(6)}`,
                `ticks [${x.tickLower}, ${x.tickUpper}]`,
              ];
            }
            const l = x as LendingAction;
            return [String(i), l.kind, `${l.asset} #${l.positionIndex}`, l.amountToken.toFixed(6), l.reason];
          }),
        ),
  );
  for (const d of plan.delta) {
    console.log(
      `delta ${d.asset}: ${d.netDeltaBpsBefore.toFixed(1)} → ${d.netDeltaBpsAfter.toFixed(1)} bps (target ${d.targetNetDeltaBps}), bound by ${d.binding}${d.feasible ? "" : " (no size passes every limit)"}`,
    );
  }
  for (const g of plan.gamma) {
    console.log(
      `gamma LP #${g.positionIndex}: [${g.tickLowerBefore}, ${g.tickUpperBefore}] → [${g.tickLowerAfter}, ${g.tickUpperAfter}], short gamma ${g.shortGammaUsdBefore.toFixed(2)} → ${g.shortGammaUsdAfter.toFixed(2)} USD (${g.binding})`,
    );
  }
  console.log("");
  console.log(formatRisk("after", plan.after.risk));
  if (a.opts.out) {
    const replacer = (_k: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
    await writeFile(a.opts.out, JSON.stringify(plan, replacer, 2) + "\n");
    console.log(`wrote ${a.opts.out}`);
  }
}
