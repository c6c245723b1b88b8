/**
 * Shared plumbing of the optimizer CLI commands `optimize` and `frontier`: option parsing (node:util) validated with
 * zod, price loading, budget assembly, tables, JSON output. All file I/O of these commands lives here and in them.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { alignPrices, parsePriceCsv, type PriceMatrix } from "../market/prices.ts";
import type { RiskBudget } from "../optimize/budget.ts";

/** Parses `argv` with node:util (strict: unknown options are errors) and validates the values with `schema`. */
export function parseOptions<T extends z.ZodTypeAny>(
  argv: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  schema: T,
): { values: z.infer<T>; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (e) {
    throw new ValidationError((e as Error).message.split("\n")[0]);
  }
  if (parsed.values.help) return { values: {} as z.infer<T>, help: true };
  const r = schema.safeParse(parsed.values);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ValidationError(`--${issue.path.join(".")}: ${issue.message}`, {
      option: `--${issue.path.join(".")}`,
    });
  }
  return { values: r.data, help: false };
}

/** zod pieces reused by the commands. */
export const dateRange = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}:\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD:YYYY-MM-DD")
  .transform((s) => {
    const [start, end] = s.split(":");
    return { start, end };
  })
  .refine((r) => r.start <= r.end, "start must not be after end");

export const assetList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a !== ""),
  )
  .refine((a) => a.length >= 2, "give at least two comma-separated assets")
  .refine((a) => new Set(a).size === a.length, "duplicate asset");

export const numberIn = (lo: number, hi: number) =>
  z.coerce.number().refine((v) => Number.isFinite(v) && v >= lo && v <= hi, `must be a number in [${lo}, ${hi}]`);

/** `BTC=4000,ETH=3000` or `4000` (all assets) → budget field. */
export const bpsMap = z.string().transform((s, ctx) => {
  if (/^\d+$/.test(s)) return Number(s);
  const out: Record<string, number> = {};
  for (const part of s.split(",")) {
    const m = /^([A-Za-z0-9_.-]+)=(\d+)$/.exec(part.trim());
    if (!m) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected NAME=BPS, got "${part}"` });
      return z.NEVER;
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
});

/** The risk budget JSON file (same field names as on-chain). */
export const budgetSchema = z
  .object({
    maxWeightBps: z.union([z.number(), z.record(z.number())]).optional(),
    protocolOf: z.record(z.string()).optional(),
    protocolCapBps: z.record(z.number()).optional(),
    maxTurnoverBps: z.number().optional(),
    minIdleBps: z.number().optional(),
    baseAsset: z.string().optional(),
    currentWeights: z.record(z.number()).optional(),
    tradingCostBps: z.union([z.number(), z.record(z.number())]).optional(),
  })
  .strict();

/** Reads and validates a budget JSON file. */
export async function readBudget(path: string): Promise<RiskBudget> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new ValidationError("cannot read budget JSON", { file: path, reason: (e as Error).message });
  }
  const r = budgetSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ValidationError(`budget ${i.path.join(".") || "(root)"}: ${i.message}`, { file: path });
  }
  return r.data;
}

/** Reads a long-format price CSV and aligns `assets` over [range] (default: the window all assets cover). */
export async function loadPrices(
  path: string,
  assets: readonly string[],
  range?: { start: string; end: string },
): Promise<PriceMatrix> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new ValidationError("cannot read price file", { file: path, reason: (e as Error).message });
  }
  return alignPrices(parsePriceCsv(text), assets, range ?? {});
}

/** Aligned text table, first column left, others right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  ");
  return [line(header), w.map((k) => "-".repeat(k)).join("  "), ...rows.map(line)].join("\n");
}

/** Percent with 2 decimals. */
export const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** Writes `data` as pretty JSON (typed arrays as plain arrays). */
export async function writeJson(path: string, data: unknown): Promise<void> {
  const text = JSON.stringify(data, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v), 2);
  await writeFile(path, text + "\n");
}

/** Progress line on stderr (keeps stdout clean for tables). */
export function progress(msg: string): void {
  process.stderr.write(`[ballast] ${msg}\n`);
}
