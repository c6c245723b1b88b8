/**
 * `greeks`: reads a JSON book (market + positions), prints per-position and portfolio value and Greeks as a table,
 * optionally writes them as JSON (`--out`). The book schema lives here and is shared by `stress`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { portfolioGreeks, positionGreeks, type Greeks, type MarketState, type Position } from "../instruments/index.ts";

const finite = z.number().finite();
const positive = finite.positive();
const smileSchema = z.object({
  atmVol: positive,
  skew: finite,
  smile: finite,
  minVol: positive.optional(),
  maxVol: positive.optional(),
});
/** JSON schema of a market state (oracle prices, smiles, rates). */
export const marketSchema = z.object({
  pricesUsd: z.record(positive),
  smiles: z.record(smileSchema).optional(),
  rateAnnual: finite,
  yieldsAnnual: z.record(finite).optional(),
});
const id = z.string().optional();
/** JSON schema of one position (the `Position` union of optimizer/instruments). */
export const positionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("spot"), id, asset: z.string(), amountToken: finite }),
  z.object({
    kind: z.literal("option"),
    id,
    underlying: z.string(),
    optionType: z.enum(["call", "put"]),
    strikeUsd: positive,
    expiryYears: finite.nonnegative(),
    quantity: finite,
  }),
  z.object({
    kind: z.literal("uniswapV3"),
    id,
    token0: z.string(),
    token1: z.string(),
    decimals0: z.number().int().min(0).max(36),
    decimals1: z.number().int().min(0).max(36),
    tickLower: z.number().int(),
    tickUpper: z.number().int(),
    liquidityRaw: finite.nonnegative(),
  }),
  z.object({
    kind: z.literal("lending"),
    id,
    collateral: z.array(
      z.object({
        asset: z.string(),
        amountToken: finite.nonnegative(),
        liquidationThresholdBps: z.number().min(0).max(1e4),
      }),
    ),
    debt: z.array(z.object({ asset: z.string(), amountToken: finite.nonnegative() })),
  }),
]);
/** JSON schema of a book file: `{ market?, positions }`. */
export const bookSchema = z.object({ market: marketSchema.optional(), positions: z.array(positionSchema).min(1) });

/** A parsed book. */
export interface Book {
  readonly market?: MarketState;
  readonly positions: Position[];
}

/** Reads and validates a JSON file against `schema`; errors name the file and the first bad field. */
export async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new ValidationError("cannot read JSON file", { path, reason: (e as Error).message });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ValidationError("invalid JSON input", { path, field: issue.path.join("."), problem: issue.message });
  }
  return r.data;
}

/** Label of a position for tables: its id, or a short description. */
export function positionLabel(p: Position, index: number): string {
  if (p.id) return p.id;
  switch (p.kind) {
    case "spot":
      return `#${index} spot ${p.asset}`;
    case "option":
      return `#${index} ${p.quantity < 0 ? "short" : "long"} ${p.underlying} ${p.optionType} ${p.strikeUsd}`;
    case "uniswapV3":
      return `#${index} LP ${p.token0}/${p.token1} [${p.tickLower},${p.tickUpper}]`;
    case "lending":
      return `#${index} lending`;
  }
}

/** Formats rows as an aligned text table (first column left-aligned, the rest right-aligned). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  ");
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

const fmt = (x: number, digits = 2) => (Math.abs(x) >= 1e6 ? x.toExponential(3) : x.toFixed(digits));

/** The command's help text. */
export const help = `Usage: ballast greeks <book.json> [--market <market.json>] [--out <greeks.json>]

Prints the value and the Greeks of every position of a book and of the whole portfolio.
  <book.json>      { "market"?: {...}, "positions": [...] } (see docs/examples/book.json)
  --market <file>  market state { pricesUsd, smiles?, rateAnnual, yieldsAnnual? } (overrides the book's)
  --out <file>     also write the Greeks as JSON
Units: value USD; delta in units of the asset (dV/dP); gamma d²V/dP²; vega USD per 1.00 of vol; theta USD per year.`;

/** Parses `<book> [--market f] [--out f] [--flag v]...` into a positional path and options. */
export function parseArgs(
  argv: readonly string[],
  allowed: readonly string[],
): { file?: string; opts: Record<string, string>; help: boolean } {
  const opts: Record<string, string> = {};
  let file: string | undefined;
  let wantHelp = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === "--help" || a === "-h") wantHelp = true;
    else if (a.startsWith("--")) {
      const name = a.slice(2);
      if (!allowed.includes(name))
        throw new ValidationError("unknown option", { option: a, allowed: allowed.map((x) => `--${x}`) });
      const v = argv[++k];
      if (v === undefined) throw new ValidationError("option needs a value", { option: a });
      opts[name] = v;
    } else if (file === undefined) file = a;
    else throw new ValidationError("unexpected argument", { argument: a });
  }
  return { file, opts, help: wantHelp };
}

/** Loads the book and the market (the `--market` file wins over the book's own market). */
export async function loadBook(
  file: string,
  marketFile?: string,
): Promise<{ positions: Position[]; market: MarketState }> {
  const book = (await readJson(file, bookSchema)) as Book;
  const market = marketFile ? ((await readJson(marketFile, marketSchema)) as MarketState) : book.market;
  if (!market) throw new ValidationError("no market state: put `market` in the book or pass --market", { file });
  return { positions: book.positions, market };
}

function greeksRow(label: string, g: Greeks): string[] {
  const assets = Object.keys(g.delta).sort();
  const per = (rec: Record<string, number>) =>
    assets
      .filter((a) => (rec[a] ?? 0) !== 0)
      .map((a) => `${a}:${fmt(rec[a], 4)}`)
      .join(" ") || "0";
  return [label, fmt(g.valueUsd), per(g.delta), per(g.gamma), per(g.vega), fmt(g.theta), fmt(g.dollarDeltaUsd)];
}

/** Computes per-position and portfolio Greeks (the command's result, also what `--out` writes). */
export function computeGreeks(positions: readonly Position[], market: MarketState) {
  return {
    positions: positions.map((p, i) => ({ label: positionLabel(p, i), ...positionGreeks(p, market) })),
    portfolio: portfolioGreeks(positions, market),
  };
}

/** One-line description for the dispatcher. */
export const summary = "Per-position and portfolio value and Greeks of a JSON book";

/** Runs `greeks` with `argv` (arguments after the command name). */
export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, ["market", "out"]);
  if (a.help) {
    console.log(help);
    return;
  }
  if (!a.file) throw new ValidationError("missing <book.json>; see --help");
  const { positions, market } = await loadBook(a.file, a.opts.market);
  const result = computeGreeks(positions, market);
  const header = ["position", "value USD", "delta", "gamma", "vega", "theta USD/y", "$delta USD"];
  const rows = result.positions.map((p) => greeksRow(p.label, p));
  rows.push(greeksRow("PORTFOLIO", result.portfolio));
  console.log(formatTable(header, rows));
  if (a.opts.out) {
    await writeFile(a.opts.out, JSON.stringify(result, null, 2) + "\n");
    console.log(`wrote ${a.opts.out}`);
  }
}
