/**
 * One book cycle of the keeper (issue #7), the same data flow as the spot cycle: resume → read (vault state, the
 * book: spot, LP NFTs, Aave collateral and debt) → risk (the optimizer's full revaluation of the book now and under
 * the stress library: net delta, short gamma, gross leverage, health factor) → hedge plan (borrow-and-sell to cut
 * delta, range changes to cut gamma, keeping every stressed health factor above its floor) → plan steps → the shared
 * send path (`sendPlan`: journal, simulate, sign, broadcast, confirm; never sent twice).
 */
import { AbiCoder, keccak256, randomBytes } from "ethers";
import type { BookAction, BookLimits, BookRisk, LendingAction } from "../../optimizer/book/types.ts";
import type { RiskParams } from "../lib/deployVault.ts";
import {
  bookRisk,
  bookStressLibrary,
  describeBook,
  hedgeSteps,
  planBookHedge,
  readBook,
  type BookEnv,
  type PlanStep,
} from "./book.ts";
import { sendPlan, type CycleOutcome } from "./cycle.ts";
import { readState } from "./readState.ts";
import { resume } from "./resume.ts";
import type { KeeperConfig } from "./config.ts";
import type { KeeperContext, KeeperPlan } from "./types.ts";

/** How the keeper manages the book, on top of the vault's own limits. */
export interface BookPolicy {
  /** The keeper's book budget: the vault's limits, possibly tighter (e.g. a net-delta band). */
  limits: BookLimits;
  /** Net delta to hedge to when a non-base asset is above `limits.maxNetDeltaBps`, bps of NAV (signed). */
  targetNetDeltaBps: number;
  /** Fee + slippage assumed per swap, bps. */
  swapCostBps: number;
  /** Idle base asset the hedge leaves untouched, fraction of NAV (the withdrawal buffer and room for spot trades). */
  reserveIdleFraction: number;
  /** Liquidation thresholds (bps) of assets the hedge may newly supply on Aave. */
  liquidationThresholdBps: Record<string, number>;
}

/** The book policy of a keeper config (`book` section) on top of the vault's on-chain limits. */
export function bookPolicyFromConfig(params: RiskParams, baseSymbol: string, c: KeeperConfig["book"]): BookPolicy {
  const p = defaultBookPolicy(params, baseSymbol, {
    swapCostBps: c.swapCostBps,
    ...(c.reserveIdleFraction !== undefined ? { reserveIdleFraction: c.reserveIdleFraction } : {}),
  });
  const band = c.maxNetDeltaBps ?? p.limits.maxNetDeltaBps;
  return {
    ...p,
    limits: { ...p.limits, maxNetDeltaBps: band, minStressedHealthFactor: c.minStressedHealthFactor },
    targetNetDeltaBps: c.targetNetDeltaBps ?? Math.round(band * 0.8),
  };
}

/** How far inside the vault's limits the keeper plans: +0.02 health factor, −0.02x leverage, 95 % of the gamma cap. */
export const PLAN_MARGIN = { healthFactorBps: 200, leverageBps: 200, gammaFraction: 0.95 } as const;

/** The vault's own book limits (with `PLAN_MARGIN`), a net-delta band of `maxNetDeltaBps` (default the vault's cap) and a 1.05 stress floor. */
export function defaultBookPolicy(params: RiskParams, baseSymbol: string, over: Partial<BookPolicy> = {}): BookPolicy {
  // A hedge bound by a limit lands exactly on it in the optimizer's floats; on chain, swap slippage and integer
  // rounding move it a hair, to the wrong side half the time (the demo once hit HealthFactorBelowMin at HF 1.4999999978
  // against 1.5). The keeper therefore plans against limits a little inside the vault's.
  const limits: BookLimits = {
    baseAsset: baseSymbol,
    maxNetDeltaBps: params.maxNetDeltaBps,
    maxGrossLeverageBps: Math.max(10_000, params.maxGrossLeverageBps - PLAN_MARGIN.leverageBps),
    maxShortGammaBps: Math.floor(params.maxShortGammaBps * PLAN_MARGIN.gammaFraction),
    minHealthFactorBps: params.minHealthFactorBps + PLAN_MARGIN.healthFactorBps,
    minStressedHealthFactor: 1.05,
  };
  return {
    limits,
    targetNetDeltaBps: Math.round(limits.maxNetDeltaBps * 0.8),
    swapCostBps: 30,
    reserveIdleFraction: (params.minIdleBps / 1e4) * 1.5,
    liquidationThresholdBps: { USDC: 8_000, WETH: 8_250, WBTC: 7_800 },
    ...over,
  };
}

export interface BookCycleResult {
  outcome: CycleOutcome;
  reason: string;
  risk?: BookRisk;
  riskAfter?: BookRisk;
  plan?: KeeperPlan;
  txHash?: string;
}

const BREACHES = new Set([
  "NetDeltaAboveCap",
  "ShortGammaAboveCap",
  "HealthFactorBelowMin",
  "GrossLeverageAboveCap",
  "StressedHealthFactorBelowMin",
]);

/** One readable line per hedge action. */
export function describeAction(a: BookAction): string {
  if (a.kind === "swap") return `swap ${a.amountInToken.toPrecision(6)} ${a.assetIn} -> ${a.assetOut} (${a.reason})`;
  if (a.kind === "lpBurn" || a.kind === "lpMint") {
    return `${a.kind} ${a.token0}/${a.token1} ticks ${a.tickLower}..${a.tickUpper} (${a.reason})`;
  }
  const l = a as LendingAction;
  return `${l.kind} ${l.amountToken.toPrecision(6)} ${l.asset} (${l.reason})`;
}

export async function runBookCycle(ctx: KeeperContext, env: BookEnv, policy: BookPolicy): Promise<BookCycleResult> {
  const done = (outcome: CycleOutcome, reason: string, extra: Partial<BookCycleResult> = {}): BookCycleResult => {
    ctx.log(`book: ${reason}`);
    return { outcome, reason, ...extra };
  };
  await resume(ctx);
  const state = await readState(ctx);
  if (state.paused) return done("skipped", "vault is paused: nothing sent");
  if (!state.pricesOk) return done("skipped", "an oracle price is unusable: nothing sent");

  const b = await readBook(env);
  const stress = bookStressLibrary(Object.keys(env.tokens));
  const risk = bookRisk(b.positions, b.market, policy.limits, stress);
  for (const line of describeBook(b, risk, policy.limits)) ctx.log(`book: ${line}`);
  const breaches = risk.breaches.filter((x) => BREACHES.has(x.name));
  if (breaches.length === 0) return done("noTrade", "inside the book budget: no hedge", { risk });
  for (const x of breaches) ctx.log(`book: breach ${x.message}`);
  if (state.timestamp < state.nextRebalanceAt) {
    return done("skipped", `cooldown active until ${state.nextRebalanceAt}: the hedge waits`, { risk });
  }

  const hedge = planBookHedge(b.positions, b.market, policy.limits, {
    stress,
    targetNetDeltaBps: policy.targetNetDeltaBps,
    swapCostBps: policy.swapCostBps,
    liquidationThresholdBps: policy.liquidationThresholdBps,
    reserveBaseToken: risk.navUsd * policy.reserveIdleFraction,
    tickSpacing: 10,
  });
  for (const d of hedge.delta) {
    ctx.log(
      `book: hedge ${d.asset}: net delta ${(d.netDeltaBpsBefore / 100).toFixed(2)} % -> ${(d.netDeltaBpsAfter / 100).toFixed(2)} % (target ${(d.targetNetDeltaBps / 100).toFixed(2)} %, bound by ${d.binding})`,
    );
  }
  for (const g of hedge.gamma) {
    ctx.log(
      `book: range ${g.tickLowerBefore}..${g.tickUpperBefore} -> ${g.tickLowerAfter}..${g.tickUpperAfter}: short gamma ${Math.round(g.shortGammaUsdBefore)} -> ${Math.round(g.shortGammaUsdAfter)} USD (${g.binding})`,
    );
  }
  if (hedge.actions.length === 0) return done("noTrade", "the optimizer found no hedge that helps", { risk });
  let steps: PlanStep[];
  let actions = hedge.actions;
  try {
    steps = await hedgeSteps(env, actions, state.params.maxSlippageBps, b.lpByIndex);
    const maxSteps = Number(await ctx.vault.MAX_TRADES());
    if (steps.length > maxSteps) {
      // The vault takes at most MAX_TRADES steps per rebalance: send the range changes (gamma) now; the delta hedge
      // is planned again next cycle on the book they leave.
      const lastLp = actions.map((a) => a.kind === "lpBurn" || a.kind === "lpMint").lastIndexOf(true);
      const lpOnly = actions.slice(0, lastLp + 1);
      const lpSteps = lastLp < 0 ? [] : await hedgeSteps(env, lpOnly, state.params.maxSlippageBps, b.lpByIndex);
      if (lpSteps.length === 0 || lpSteps.length > maxSteps) {
        return done(
          "refused",
          `the hedge needs ${steps.length} steps and the vault takes at most ${maxSteps} per rebalance; nothing sent`,
          { risk },
        );
      }
      ctx.log(
        `book: the hedge needs ${steps.length} steps (max ${maxSteps} per rebalance): range changes now, the delta hedge next cycle`,
      );
      steps = lpSteps;
      actions = lpOnly;
    }
  } catch (e) {
    return done("refused", `hedge not translatable: ${(e as Error).message}; nothing sent`, { risk });
  }
  const p: KeeperPlan = {
    planId: keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["address", "string", "uint256", "tuple(address,address,address,uint256,uint256,bytes)[]", "bytes16"],
        [
          ctx.deployment.contracts.vault,
          "book",
          state.blockNumber,
          steps.map((t) => [t.adapter, t.tokenIn, t.tokenOut, t.amountIn, t.minAmountOut, t.data]),
          randomBytes(16),
        ],
      ),
    ),
    deadline: BigInt(state.timestamp + ctx.config.deadlineSeconds),
    trades: steps,
    lines: actions.map(describeAction),
    guards: [],
    skipped: [],
    violations: [],
  };
  for (const line of p.lines) ctx.log(`book plan ${p.planId.slice(0, 10)}: ${line}`);
  if (ctx.config.dryRun) {
    return done("dryRun", `dry run: book plan ${p.planId.slice(0, 10)} with ${steps.length} step(s) not sent`, {
      risk,
      plan: p,
    });
  }
  const sent = await sendPlan(ctx, p, JSON.stringify({ book: hedge.after.risk.netDeltaBps }));
  if (sent.outcome !== "confirmed") return done(sent.outcome, sent.reason, { risk, plan: p, txHash: sent.txHash });
  const after = await readBook(env);
  const riskAfter = bookRisk(after.positions, after.market, policy.limits, stress);
  for (const line of describeBook(after, riskAfter, policy.limits)) ctx.log(`book (hedged): ${line}`);
  return done("confirmed", sent.reason, { risk, riskAfter, plan: p, txHash: sent.txHash });
}
