/**
 * Keeper configuration, validated once at startup with zod: a wrong field stops the keeper with its name and the rule
 * it breaks (`KeeperConfigError: optimizer.alpha: Number must be less than 1`), before anything touches the chain.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

export const keeperConfigSchema = z
  .object({
    /** Strategic target weights (fractions of NAV, base asset included, sum 1): the fallback and the tilt centre. */
    targets: z.record(z.string(), z.number().min(0).max(1)),
    optimizer: z
      .object({
        /** "minCvar": min-CVaR tilt around the targets (optimizer/optimize); "static": the targets as they are. */
        method: z.enum(["minCvar", "static"]).default("minCvar"),
        alpha: z.number().gt(0).lt(1).default(0.95),
        /** Feed rounds read back per asset as market history. */
        historyRounds: z.number().int().min(2).max(1_000).default(30),
        /** Fewer usable returns than this: static targets (and the log says so). */
        minReturns: z.number().int().min(1).default(5),
        /** How far the optimizer may move each weight from its strategic target, bps of NAV. */
        maxTiltBps: z.number().int().min(0).max(10_000).default(1_500),
      })
      .default({}),
    noTradeBandBps: z.number().min(0).max(10_000).default(150),
    benefitBps: z.number().min(0).default(100),
    /** Refuse to send when the network asks more than this per gas, gwei. */
    gasPriceCapGwei: z.number().positive().default(200),
    gasUnitsPerSwap: z.number().int().positive().default(180_000),
    /** The rebalance's on-chain deadline, seconds after the block the plan was made at. */
    deadlineSeconds: z.number().int().min(30).max(86_400).default(600),
    confirmations: z.number().int().min(1).default(1),
    confirmTimeoutSeconds: z.number().int().positive().default(180),
    /** --loop: seconds between cycles. */
    intervalSeconds: z.number().int().positive().default(3_600),
    /** SQLite journal file (":memory:" in tests). */
    journalPath: z.string().min(1),
    /** CSV of prices (date,asset,close) instead of the feeds' rounds. */
    pricesCsv: z.string().optional(),
    dryRun: z.boolean().default(false),
    /** The non-linear book (LP and lending modules): hedged before each spot cycle when the vault has modules. */
    book: z
      .object({
        enabled: z.boolean().default(true),
        /** The keeper's net-delta band per non-base asset, bps of NAV (default: the vault's maxNetDeltaBps). */
        maxNetDeltaBps: z.number().int().min(0).max(10_000).optional(),
        /** Where a hedge lands, bps of NAV, signed (default 80 % of the band). */
        targetNetDeltaBps: z.number().int().min(-10_000).max(10_000).optional(),
        /** Health-factor floor under every scenario of the stress library (a ratio; liquidation is below 1). */
        minStressedHealthFactor: z.number().min(1).default(1.05),
        swapCostBps: z.number().min(0).max(1_000).default(30),
        /** Idle base asset a hedge never spends, fraction of NAV (default 1.5 × the vault's minIdleBps). */
        reserveIdleFraction: z.number().min(0).max(1).optional(),
      })
      .default({}),
  })
  .superRefine((c, ctx) => {
    const band = c.book.maxNetDeltaBps;
    if (band !== undefined && c.book.targetNetDeltaBps !== undefined && Math.abs(c.book.targetNetDeltaBps) > band) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["book", "targetNetDeltaBps"],
        message: `|target| ${Math.abs(c.book.targetNetDeltaBps)} bps must be inside the band of ${band} bps`,
      });
    }
    const sum = Object.values(c.targets).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["targets"], message: `weights must sum to 1, got ${sum}` });
    }
  });

export type KeeperConfig = z.infer<typeof keeperConfigSchema>;
export type KeeperConfigInput = z.input<typeof keeperConfigSchema>;

export class KeeperConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`invalid keeper config: ${issues.join("; ")}`);
    this.name = "KeeperConfigError";
  }
}

/** Validates `input`; throws KeeperConfigError naming every wrong field. */
export function parseKeeperConfig(input: unknown): KeeperConfig {
  const r = keeperConfigSchema.safeParse(input);
  if (!r.success) throw new KeeperConfigError(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  return r.data;
}

/** Reads a JSON config file and validates it (CLI flags are merged on top by the caller). */
export function loadKeeperConfig(file: string | undefined, overrides: Partial<KeeperConfigInput>): KeeperConfig {
  const fromFile = file ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  return parseKeeperConfig({
    ...fromFile,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  });
}
