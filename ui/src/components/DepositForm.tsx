import { useState } from "react";
import { vaultAt, erc20At } from "../chain.ts";
import { errorContext, type VaultCtx } from "../context.ts";
import { describeError } from "../errors.ts";
import { formatAmount, parseAmount, unitsToInput } from "../format.ts";
import { AmountField } from "./AmountField.tsx";
import { useVaultPreview } from "./useVaultPreview.ts";
import { TxStatus, type TxState } from "./TxStatus.tsx";

/** Approve + deposit, with a preview of the shares and the room left under the deposit cap. */
export function DepositForm({ ctx }: { ctx: VaultCtx }) {
  const { meta, snapshot, position } = ctx;
  const [input, setInput] = useState("");
  const [tx, setTx] = useState<TxState>({ kind: "idle" });
  const parsed = input.trim() === "" ? undefined : parseAmount(input, meta.base.decimals);
  const units = parsed?.ok ? parsed.units : undefined;
  const busy = tx.kind === "working";
  const closed = snapshot.budget.paused || snapshot.budget.shutdown;

  const preview = useVaultPreview(ctx, "previewDeposit", units);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!ctx.getSigner || !ctx.account || units === undefined) return;
    const ectx = errorContext(meta);
    try {
      const signer = await ctx.getSigner();
      const vault = vaultAt(ctx.d, signer);
      const base = erc20At(meta.base.address, signer);
      setTx({ kind: "working", message: "Checking the deposit with the vault…" });
      // Simulate first: a deposit the vault refuses (cap, pause, stale price) fails here, before any approval.
      let needsApproval = false;
      try {
        await vault.deposit.staticCall(units, ctx.account);
      } catch (err) {
        const d = describeError(err, ectx);
        if (d.errorName !== "ERC20InsufficientAllowance") throw err;
        needsApproval = true;
      }
      if (needsApproval) {
        setTx({ kind: "working", message: `Approve ${formatAmount(units, meta.base)} in your wallet…` });
        const approval = await base.approve(ctx.d.contracts.vault, units);
        setTx({ kind: "working", message: "Approval pending…", hash: approval.hash });
        await approval.wait();
        await vault.deposit.staticCall(units, ctx.account);
      }
      setTx({ kind: "working", message: `Confirm the deposit of ${formatAmount(units, meta.base)} in your wallet…` });
      const sent = await vault.deposit(units, ctx.account);
      setTx({ kind: "working", message: "Deposit pending…", hash: sent.hash });
      const receipt = await sent.wait();
      const minted = receipt?.logs
        .map((l) => {
          try {
            return vault.interface.parseLog(l);
          } catch {
            return null;
          }
        })
        .find((l) => l?.name === "Deposit")?.args.shares as bigint | undefined;
      setTx({
        kind: "done",
        message: `Deposited ${formatAmount(units, meta.base)}${minted !== undefined ? ` for ${formatAmount(minted, meta.share, 4)}` : ""}.`,
        hash: sent.hash,
      });
      setInput("");
      ctx.refresh();
    } catch (err) {
      const d = describeError(err, ectx);
      setTx({ kind: "failed", message: d.message, errorName: d.errorName });
      ctx.refresh();
    }
  }

  const hint = [
    position ? `Wallet: ${formatAmount(position.baseBalance, meta.base)}.` : "",
    `Room under the cap: ${formatAmount(snapshot.maxDeposit, meta.base)}.`,
  ]
    .filter(Boolean)
    .join(" ");

  return (
    <form className="panel" aria-labelledby="deposit-title" onSubmit={submit}>
      <h2 id="deposit-title">Deposit</h2>
      <AmountField
        label={`Amount to deposit (${meta.base.symbol})`}
        testId="deposit-amount"
        value={input}
        onChange={(v) => {
          setInput(v);
          if (tx.kind !== "working") setTx({ kind: "idle" });
        }}
        onMax={position ? () => setInput(unitsToInput(position.baseBalance, meta.base.decimals)) : undefined}
        error={parsed && !parsed.ok ? parsed.error : undefined}
        hint={hint}
        disabled={busy}
      />
      <p className="preview" data-testid="deposit-preview" aria-live="polite">
        {units !== undefined && preview !== undefined
          ? `You receive about ${formatAmount(preview, meta.share, 4)}.`
          : "Shares are priced at the vault's oracle NAV."}
      </p>
      <button type="submit" disabled={!ctx.getSigner || units === undefined || busy || closed}>
        {closed
          ? "Deposits closed"
          : position && units !== undefined && position.allowance < units
            ? "Approve and deposit"
            : "Deposit"}
      </button>
      <TxStatus id="deposit-status" state={tx} />
    </form>
  );
}
