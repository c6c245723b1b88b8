/**
 * resume: settles every plan the journal holds as unfinished before a new plan is made.
 *  - planned / simulated: never signed, so never sent → abandoned.
 *  - signed / sent: looked up on-chain by tx hash; a receipt settles it (confirmed or failed); a pending transaction
 *    is waited for; `vault.planExecuted(planId)` true settles it as confirmed; a nonce already used by another
 *    transaction means it can never be mined → failed; otherwise the SAME signed bytes are re-broadcast (same nonce,
 *    same planId), or abandoned when the deadline has passed. A plan is never signed twice.
 */
import { confirm } from "./confirm.ts";
import { broadcast } from "./submit.ts";
import type { KeeperContext } from "./types.ts";

export async function resume(ctx: KeeperContext): Promise<void> {
  for (const row of ctx.journal.unsettled()) {
    const id = row.plan_id;
    const short = id.slice(0, 10);
    if (row.status === "planned" || row.status === "simulated") {
      ctx.journal.abandoned(id, `found ${row.status} on restart; never signed`);
      ctx.log(`resume: plan ${short} was ${row.status} but never signed: abandoned, nothing was sent`);
      continue;
    }
    const txHash = row.tx_hash!;
    const receipt = await ctx.provider.getTransactionReceipt(txHash);
    if (!receipt && !(await ctx.provider.getTransaction(txHash))) {
      if (await ctx.vault.planExecuted(id)) {
        ctx.journal.confirmed(id, "planExecuted on-chain (found on restart)");
        ctx.log(`resume: plan ${short} already executed on-chain: confirmed, not re-sent`);
        continue;
      }
      const used = await ctx.provider.getTransactionCount(ctx.signer.address, "latest");
      if (used > row.nonce!) {
        ctx.journal.failed(id, `nonce ${row.nonce} used by another transaction; plan not executed`);
        ctx.log(
          `resume: plan ${short}: nonce ${row.nonce} was used by another transaction and the plan is not executed: failed, not re-sent`,
        );
        continue;
      }
      const now = (await ctx.provider.getBlock("latest"))!.timestamp;
      if (BigInt(now) > BigInt(row.deadline)) {
        ctx.journal.abandoned(id, "not on-chain and past its deadline");
        ctx.log(`resume: plan ${short} never reached the chain and its deadline passed: abandoned, nothing sent`);
        continue;
      }
      ctx.log(
        `resume: plan ${short} was signed but is not on-chain: re-broadcasting the same signed tx ${txHash} (nonce ${row.nonce})`,
      );
      const err = await broadcast(ctx, row.raw_tx!);
      if (err) ctx.log(`resume: broadcast answered: ${err}`);
      if (row.status === "signed") ctx.journal.sent(id, txHash);
    } else {
      ctx.log(`resume: plan ${short} was ${row.status} as ${txHash}: checking its receipt, not re-sending`);
    }
    const c = await confirm(ctx, id, txHash);
    if (c.ok) {
      ctx.journal.confirmed(id, c.summary);
      ctx.log(`resume: plan ${short} confirmed: ${c.summary}`);
    } else {
      ctx.journal.failed(id, c.reason);
      ctx.log(`resume: plan ${short} failed: ${c.reason}`);
    }
  }
}
