/**
 * confirm: waits for the receipt by hash, then verifies the post-state on-chain: the plan id is spent, prices are
 * usable, every weight is within its cap and the idle buffer is at or above its floor (the vault checked these too;
 * the keeper verifies it got what it asked for, at oracle prices, before it records success).
 */
import type { TransactionReceipt } from "ethers";
import { fromUnits } from "../lib/units.ts";
import { decodeRevert } from "./errors.ts";
import { readState } from "./readState.ts";
import type { KeeperContext, VaultState } from "./types.ts";

export type ConfirmResult =
  | { ok: true; receipt: TransactionReceipt; post: VaultState; summary: string }
  | { ok: false; reason: string; receipt?: TransactionReceipt | null };

export async function confirm(ctx: KeeperContext, planId: string, txHash: string): Promise<ConfirmResult> {
  let receipt: TransactionReceipt | null;
  try {
    receipt = await ctx.provider.waitForTransaction(
      txHash,
      ctx.config.confirmations,
      ctx.config.confirmTimeoutSeconds * 1_000,
    );
  } catch (err) {
    return {
      ok: false,
      reason: `no receipt for ${txHash} within ${ctx.config.confirmTimeoutSeconds} s (${(err as Error).message})`,
    };
  }
  if (!receipt) return { ok: false, reason: `no receipt for ${txHash}` };
  if (receipt.status !== 1) {
    return {
      ok: false,
      receipt,
      reason: `reverted on-chain in block ${receipt.blockNumber}${await replayReason(ctx, txHash, receipt)}`,
    };
  }
  const post = await readState(ctx);
  const problems = verifyPostState(post);
  if (!(await ctx.vault.planExecuted(planId)))
    problems.push(`planExecuted(${planId}) is false after a successful receipt`);
  if (problems.length > 0) return { ok: false, receipt, reason: `post-state check failed: ${problems.join("; ")}` };
  const nav = fromUnits(post.navBase, post.base.decimals);
  return {
    ok: true,
    receipt,
    post,
    summary: `block ${receipt.blockNumber}, gas ${receipt.gasUsed}, NAV ${nav.toFixed(2)} ${post.base.symbol}, weights within caps`,
  };
}

/** Post-trade limits as the vault defines them (weights ≤ caps, idle ≥ floor), at oracle prices. */
export function verifyPostState(s: VaultState): string[] {
  const problems: string[] = [];
  if (!s.pricesOk || s.navBase === 0n) return ["prices unusable or NAV 0 after the rebalance"];
  for (const a of s.assets) {
    if (a.valueBase * 10_000n > BigInt(a.maxWeightBps) * s.navBase) {
      problems.push(
        `${a.symbol} weight ${Number((a.valueBase * 10_000n) / s.navBase)} bps above its cap ${a.maxWeightBps}`,
      );
    }
  }
  if (s.base.balance * 10_000n < BigInt(s.params.minIdleBps) * s.navBase) {
    problems.push(`idle ${Number((s.base.balance * 10_000n) / s.navBase)} bps below minIdleBps ${s.params.minIdleBps}`);
  }
  return problems;
}

/** Replays a reverted transaction as a call at its block's parent to name the error. */
async function replayReason(ctx: KeeperContext, txHash: string, receipt: TransactionReceipt): Promise<string> {
  try {
    const tx = await ctx.provider.getTransaction(txHash);
    if (!tx) return "";
    await ctx.provider.call({ to: tx.to, from: tx.from, data: tx.data, blockTag: receipt.blockNumber - 1 });
    return "";
  } catch (err) {
    return `: ${decodeRevert(ctx.vault, err)}`;
  }
}
