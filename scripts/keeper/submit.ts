/**
 * submit: refuses when the network's gas price is above the cap; otherwise signs the rebalance locally (nonce, gas
 * limit from the simulation + 25 %, EIP-1559 fees, the plan's deadline inside the calldata), journals the signed
 * transaction (hash, nonce, raw bytes), and only then broadcasts it. A crash between the two is resumed by
 * re-broadcasting the SAME signed bytes: same nonce, same planId, so the plan can execute at most once.
 */
import { Transaction } from "ethers";
import type { KeeperContext, KeeperPlan } from "./types.ts";

export type SubmitResult =
  { sent: true; txHash: string; nonce: number; broadcastError?: string } | { sent: false; reason: string };

const GWEI = 1_000_000_000n;

export async function submit(ctx: KeeperContext, p: KeeperPlan, gasEstimate: bigint): Promise<SubmitResult> {
  const cap = BigInt(Math.round(ctx.config.gasPriceCapGwei * 1e9));
  const fee = await ctx.provider.getFeeData();
  const asked = fee.maxFeePerGas ?? fee.gasPrice ?? 0n;
  const tip = fee.maxPriorityFeePerGas ?? 0n;
  // The base fee must fit under the cap; the max fee we sign is capped, so a spike never makes us pay above it.
  const baseFee = asked > tip ? (asked - tip) / 2n : asked; // ethers: maxFee = 2·baseFee + tip
  if (baseFee + tip > cap) {
    return {
      sent: false,
      reason: `gas price ${Number(baseFee + tip) / 1e9} gwei above the cap of ${ctx.config.gasPriceCapGwei} gwei`,
    };
  }
  const maxFeePerGas = asked > cap ? cap : asked;
  const vault = ctx.vault.connect(ctx.signer as never);
  const unsigned = await vault.rebalance.populateTransaction(p.trades, p.planId, p.deadline);
  const [nonce, network] = await Promise.all([
    ctx.provider.getTransactionCount(ctx.signer.address, "pending"),
    ctx.provider.getNetwork(),
  ]);
  const raw = await ctx.signer.signTransaction({
    ...unsigned,
    from: ctx.signer.address,
    nonce,
    chainId: network.chainId,
    type: 2,
    gasLimit: (gasEstimate * 125n) / 100n,
    maxFeePerGas: maxFeePerGas > 0n ? maxFeePerGas : GWEI,
    maxPriorityFeePerGas: tip <= maxFeePerGas ? tip : maxFeePerGas,
  });
  const txHash = Transaction.from(raw).hash!;
  ctx.journal.signed(p.planId, txHash, nonce, raw);
  await ctx.hooks?.afterStep?.("signed", p.planId);
  const broadcastError = await broadcast(ctx, raw);
  return { sent: true, txHash, nonce, broadcastError };
}

/**
 * eth_sendRawTransaction. An error here does not prove the transaction is not on-chain (an automining node mines a
 * reverting transaction and still answers with an error), so the caller checks the receipt by hash either way.
 */
export async function broadcast(ctx: KeeperContext, raw: string): Promise<string | undefined> {
  try {
    await ctx.provider.send("eth_sendRawTransaction", [raw]);
    return undefined;
  } catch (err) {
    return (err as Error).message.split("\n")[0];
  }
}
