/**
 * simulate: the whole rebalance as `staticCall` from the keeper's address on the live chain, then a gas estimate. A
 * plan that fails here is refused: the log line names the vault's custom error and its arguments, nothing is sent.
 */
import { decodeRevert } from "./errors.ts";
import type { KeeperContext, KeeperPlan } from "./types.ts";

export type SimulationResult = { ok: true; gasEstimate: bigint } | { ok: false; reason: string };

export async function simulate(ctx: KeeperContext, p: KeeperPlan): Promise<SimulationResult> {
  const vault = ctx.vault.connect(ctx.signer as never);
  try {
    await vault.rebalance.staticCall(p.trades, p.planId, p.deadline);
    const gasEstimate = await vault.rebalance.estimateGas(p.trades, p.planId, p.deadline);
    return { ok: true, gasEstimate };
  } catch (err) {
    return { ok: false, reason: decodeRevert(ctx.vault, err) };
  }
}
