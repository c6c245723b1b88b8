/**
 * One keeper cycle, as the data flow: resume → readState → optimize → plan → simulate → submit → confirm → record.
 * Each step is journaled before the next begins; every exit says what was (not) sent.
 */
import { fromUnits } from "../lib/units.ts";
import { confirm } from "./confirm.ts";
import { optimize } from "./optimize.ts";
import { plan } from "./plan.ts";
import { readState } from "./readState.ts";
import { resume } from "./resume.ts";
import { simulate } from "./simulate.ts";
import { submit } from "./submit.ts";
import type { KeeperContext, KeeperPlan, Targets, VaultState } from "./types.ts";

export type CycleOutcome = "confirmed" | "failed" | "refused" | "noTrade" | "skipped" | "dryRun";

export interface CycleResult {
  outcome: CycleOutcome;
  reason?: string;
  state: VaultState;
  targets?: Targets;
  plan?: KeeperPlan;
  txHash?: string;
  post?: VaultState;
  /** Milliseconds per phase. */
  timings: Record<string, number>;
}

export async function runCycle(ctx: KeeperContext): Promise<CycleResult> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = performance.now() - t0;
    }
  };
  await timed("resume", () => resume(ctx));
  const state = await timed("read", () => readState(ctx));
  const done = (outcome: CycleOutcome, reason: string, extra: Partial<CycleResult> = {}): CycleResult => {
    ctx.log(reason);
    return { outcome, reason, state, timings, ...extra };
  };

  if (state.paused) return done("skipped", "vault is paused: nothing sent");
  const bad = [state.base, ...state.assets].filter((a) => !a.priceOk).map((a) => a.symbol);
  if (!state.pricesOk || bad.length > 0) {
    return done(
      "skipped",
      `stale or invalid oracle price for ${bad.join(", ")} (BudgetLens priceOk = false): nothing sent`,
    );
  }
  if (state.timestamp < state.nextRebalanceAt) {
    return done("skipped", `cooldown active until ${state.nextRebalanceAt} (now ${state.timestamp}): nothing sent`);
  }
  if (state.breakerTripped) ctx.log("drawdown breaker tripped: only sales into the base asset will pass");

  const targets = await timed("optimize", () => optimize(ctx, state));
  ctx.log(
    `targets (${targets.method}): ${Object.entries(targets.weights)
      .map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`)
      .join(", ")} — ${targets.note}`,
  );
  const p = await timed("plan", () => plan(ctx, state, targets));
  for (const line of p.guards) ctx.log(`pool guard: ${line}`);
  for (const line of p.lines) ctx.log(`plan ${p.planId.slice(0, 10)}: ${line}`);
  if (p.trades.length === 0) {
    return done("noTrade", `no trade: ${p.skipped.join(", ") || "nothing to do"}; nothing sent`, { targets, plan: p });
  }
  if (p.violations.length > 0) {
    return done("refused", `plan breaks the risk budget (${p.violations.join("; ")}): nothing sent`, {
      targets,
      plan: p,
    });
  }
  if (ctx.config.dryRun)
    return done("dryRun", `dry run: plan ${p.planId.slice(0, 10)} with ${p.trades.length} trade(s) not sent`, {
      targets,
      plan: p,
    });

  const sent = await sendPlan(ctx, p, JSON.stringify(targets.weights), timed);
  return done(sent.outcome, sent.reason, { targets, plan: p, txHash: sent.txHash, post: sent.post });
}

export interface SendResult {
  outcome: "confirmed" | "failed" | "refused";
  reason: string;
  txHash?: string;
  post?: VaultState;
}

/**
 * The part every plan shares, whoever made it (the spot cycle, the book cycle): journal the plan, simulate it (a plan
 * that fails here is never sent), sign and journal the transaction, broadcast, confirm and verify the post-state.
 * A crash at any point is resumed from the journal by the next cycle: nothing is ever sent twice.
 */
export async function sendPlan(
  ctx: KeeperContext,
  p: KeeperPlan,
  note: string,
  timed: <T>(name: string, f: () => Promise<T>) => Promise<T> = (_n, f) => f(),
): Promise<SendResult> {
  const journalTrades = JSON.stringify(p.trades, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  ctx.journal.planned(p.planId, journalTrades, note, p.deadline);
  await ctx.hooks?.afterStep?.("planned", p.planId);

  const sim = await timed("simulate", () => simulate(ctx, p));
  if (!sim.ok) {
    ctx.journal.failed(p.planId, `simulation: ${sim.reason}`);
    return {
      outcome: "refused",
      reason: `simulation refused plan ${p.planId.slice(0, 10)}: ${sim.reason}; nothing sent`,
    };
  }
  ctx.journal.simulated(p.planId, sim.gasEstimate);
  await ctx.hooks?.afterStep?.("simulated", p.planId);
  await ctx.hooks?.beforeSubmit?.(p.planId);

  const sub = await timed("submit", () => submit(ctx, p, sim.gasEstimate));
  if (!sub.sent) {
    ctx.journal.failed(p.planId, `not sent: ${sub.reason}`);
    return { outcome: "refused", reason: `plan ${p.planId.slice(0, 10)} not sent: ${sub.reason}` };
  }
  ctx.journal.sent(p.planId, sub.txHash);
  ctx.log(
    `sent plan ${p.planId.slice(0, 10)}: tx ${sub.txHash} (nonce ${sub.nonce})${sub.broadcastError ? `; node answered: ${sub.broadcastError}` : ""}`,
  );
  await ctx.hooks?.afterStep?.("sent", p.planId);

  const c = await timed("confirm", () => confirm(ctx, p.planId, sub.txHash));
  if (!c.ok) {
    ctx.journal.failed(p.planId, c.reason);
    return {
      outcome: "failed",
      reason: `plan ${p.planId.slice(0, 10)} tx ${sub.txHash} failed: ${c.reason}; a new plan is made next cycle`,
      txHash: sub.txHash,
    };
  }
  ctx.journal.confirmed(p.planId, c.summary);
  await ctx.hooks?.afterStep?.("confirmed", p.planId);
  return {
    outcome: "confirmed",
    reason: `confirmed plan ${p.planId.slice(0, 10)}: tx ${sub.txHash}, ${c.summary}`,
    txHash: sub.txHash,
    post: c.post,
  };
}

/** NAV in whole base-asset units (for log lines). */
export function navOf(s: VaultState): number {
  return fromUnits(s.navBase, s.base.decimals);
}
