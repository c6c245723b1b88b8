import { useState } from "react";
import { exitDebts, exitShortfall } from "../book.ts";
import { erc20At, readModules, vaultAt } from "../chain.ts";
import { errorContext, type VaultCtx } from "../context.ts";
import { describeError } from "../errors.ts";
import { formatAmount, parseAmount, unitsToInput } from "../format.ts";
import { AmountField } from "./AmountField.tsx";
import { useVaultPreview } from "./useVaultPreview.ts";
import { TxStatus, type TxState } from "./TxStatus.tsx";

const VIRTUAL_SHARES = 10n ** 6n; // BallastVault.DECIMALS_OFFSET = 6: redeemInKind divides by totalSupply + 10^6

/** Withdraw base asset (preview of shares burned), or exit in kind with a pro-rata share of every holding. */
export function WithdrawForm({ ctx }: { ctx: VaultCtx }) {
  const { meta, snapshot, position } = ctx;
  const idle = snapshot.budget.base.balance;
  const [input, setInput] = useState("");
  const [useMax, setUseMax] = useState(false);
  const [tx, setTx] = useState<TxState>({ kind: "idle" });
  const parsed = input.trim() === "" ? undefined : parseAmount(input, meta.base.decimals);
  const units = parsed?.ok ? parsed.units : undefined;
  const busy = tx.kind === "working";
  const idleShort = units !== undefined && units > idle;

  const preview = useVaultPreview(ctx, "previewWithdraw", units);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!ctx.getSigner || !ctx.account || units === undefined || !position) return;
    const ectx = errorContext(meta, "share");
    try {
      const signer = await ctx.getSigner();
      const vault = vaultAt(ctx.d, signer);
      const all = useMax && position.shares > 0n;
      setTx({ kind: "working", message: "Checking the withdrawal with the vault…" });
      if (all) await vault.redeem.staticCall(position.shares, ctx.account, ctx.account);
      else await vault.withdraw.staticCall(units, ctx.account, ctx.account);
      setTx({
        kind: "working",
        message: `Confirm the withdrawal of ${formatAmount(units, meta.base)} in your wallet…`,
      });
      const sent = all
        ? await vault.redeem(position.shares, ctx.account, ctx.account)
        : await vault.withdraw(units, ctx.account, ctx.account);
      setTx({ kind: "working", message: "Withdrawal pending…", hash: sent.hash });
      const receipt = await sent.wait();
      const paid = receipt?.logs
        .map((l) => {
          try {
            return vault.interface.parseLog(l);
          } catch {
            return null;
          }
        })
        .find((l) => l?.name === "Withdraw")?.args.assets as bigint | undefined;
      setTx({ kind: "done", message: `Withdrew ${formatAmount(paid ?? units, meta.base)}.`, hash: sent.hash });
      setInput("");
      setUseMax(false);
      ctx.refresh();
    } catch (err) {
      const d = describeError(err, ectx);
      setTx({ kind: "failed", message: d.message, errorName: d.errorName });
      ctx.refresh();
    }
  }

  return (
    <div className="panel">
      <form aria-labelledby="withdraw-title" onSubmit={submit}>
        <h2 id="withdraw-title">Withdraw</h2>
        <AmountField
          label={`Amount to withdraw (${meta.base.symbol})`}
          testId="withdraw-amount"
          value={input}
          onChange={(v) => {
            setInput(v);
            setUseMax(false);
            if (tx.kind !== "working") setTx({ kind: "idle" });
          }}
          onMax={
            position
              ? () => {
                  setInput(unitsToInput(position.value, meta.base.decimals));
                  setUseMax(true);
                }
              : undefined
          }
          error={parsed && !parsed.ok ? parsed.error : undefined}
          hint={
            position
              ? `Your position: ${formatAmount(position.value, meta.base)} (${formatAmount(position.shares, meta.share, 4)}). Idle in the vault: ${formatAmount(idle, meta.base)}.`
              : undefined
          }
          disabled={busy}
        />
        <p className="preview" data-testid="withdraw-preview" aria-live="polite">
          {units !== undefined && preview !== undefined
            ? `Burns about ${formatAmount(preview, meta.share, 4)}; you receive ${formatAmount(units, meta.base)}.`
            : "Paid from the vault's idle liquidity at oracle NAV."}
        </p>
        {idleShort && (
          <p className="notice" role="note">
            Only {formatAmount(idle, meta.base)} is idle in the vault. Withdraw less, or use "Exit in kind" below.
          </p>
        )}
        <button type="submit" disabled={!ctx.getSigner || units === undefined || busy || !position?.shares}>
          Withdraw
        </button>
        <TxStatus id="withdraw-status" state={tx} />
      </form>
      <InKindExit ctx={ctx} highlight={idleShort} />
    </div>
  );
}

/**
 * redeemInKind: burns shares and pays the same fraction of every holding; reads no price, works when paused. Position
 * modules unwind the same fraction straight to the exiting holder, who repays the same fraction of their debt: the
 * lending module pulls it from the caller, so the form approves the module for each debt slice first.
 */
function InKindExit({ ctx, highlight }: { ctx: VaultCtx; highlight: boolean }) {
  const { meta, snapshot, position } = ctx;
  const [input, setInput] = useState("");
  const [tx, setTx] = useState<TxState>({ kind: "idle" });
  const parsed = input.trim() === "" ? undefined : parseAmount(input, meta.share.decimals);
  const shares = parsed?.ok ? parsed.units : undefined;
  const busy = tx.kind === "working";
  const supply = snapshot.totalSupply + VIRTUAL_SHARES;
  const modules = snapshot.modules ?? [];
  // Spot holdings, plus what the modules hold long (collateral, LP amounts), per token.
  const receive = new Map<string, bigint>();
  receive.set(meta.base.address.toLowerCase(), snapshot.budget.base.balance);
  for (const a of snapshot.budget.assets) receive.set(a.asset.toLowerCase(), a.balance);
  for (const m of modules) {
    m.report?.longAmounts.forEach((amount, i) => {
      const key = m.tokens[i]?.toLowerCase();
      if (key) receive.set(key, (receive.get(key) ?? 0n) + amount);
    });
  }
  const holdings = [...receive.entries()]
    .map(([address, balance]) => ({ token: meta.tokens[address], balance }))
    .filter((h) => h.token !== undefined);
  const debts = shares !== undefined ? exitDebts(modules, shares, supply) : [];
  const unreadable = modules.filter((m) => !m.report);

  const tokenOf = (address: string) => meta.tokens[address.toLowerCase()];
  const amountText = (units: bigint, address: string) => {
    const t = tokenOf(address);
    return t ? formatAmount(units, t, 6) : `${units} units`;
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!ctx.getSigner || !ctx.account || shares === undefined) return;
    const account = ctx.account;
    const ectx = errorContext(meta, "share");
    try {
      const signer = await ctx.getSigner();
      const vault = vaultAt(ctx.d, signer);
      setTx({ kind: "working", message: "Checking the exit with the vault…" });
      // The debt slices at the latest block: debt accrues every second and the supply moves with every deposit.
      const reader = vaultAt(ctx.d, ctx.readProvider);
      const [totalSupply, fresh] = await Promise.all([
        reader.totalSupply(),
        modules.length > 0 ? readModules(ctx.d, ctx.readProvider, snapshot.budget) : Promise.resolve([]),
      ]);
      const missing = fresh.find((m) => !m.report && modules.some((x) => x.address === m.address));
      if (missing)
        throw new Error(`Cannot read the position module ${missing.address}: ${missing.error ?? "no report"}.`);
      const owed = exitDebts(fresh, shares, totalSupply + VIRTUAL_SHARES);
      // Enough of each debt token? Summed per token (two modules may owe the same one). Nothing is sent otherwise.
      const held = new Map<string, bigint>();
      for (const o of owed) {
        const key = o.token.toLowerCase();
        if (!held.has(key)) held.set(key, await erc20At(o.token, ctx.readProvider).balanceOf(account));
      }
      const short = exitShortfall(owed, held, meta.tokens);
      if (short) {
        setTx({ kind: "failed", errorName: "InsufficientDebtToken", message: short });
        return;
      }
      for (const o of owed) {
        const token = erc20At(o.token, signer);
        const allowance = await erc20At(o.token, ctx.readProvider).allowance(account, o.module);
        if (allowance >= o.approve) continue;
        setTx({
          kind: "working",
          message: `Approve ${amountText(o.approve, o.token)} for the lending module in your wallet…`,
        });
        const approval = await token.approve(o.module, o.approve);
        setTx({ kind: "working", message: "Approval pending…", hash: approval.hash });
        await approval.wait();
      }
      setTx({ kind: "working", message: "Checking the exit with the vault…" });
      await vault.redeemInKind.staticCall(shares, account, account);
      setTx({ kind: "working", message: "Confirm the exit in kind in your wallet…" });
      const sent = await vault.redeemInKind(shares, account, account);
      setTx({ kind: "working", message: "Exit pending…", hash: sent.hash });
      await sent.wait();
      const repaid = owed.length
        ? ` Repaid ${owed.map((o) => amountText(o.owed, o.token)).join(" + ")} of the vault's debt.`
        : "";
      setTx({
        kind: "done",
        message: `Redeemed ${formatAmount(shares, meta.share, 4)} in kind.${repaid}`,
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

  return (
    <form aria-labelledby="inkind-title" onSubmit={submit} className={highlight ? "inkind highlight" : "inkind"}>
      <h3 id="inkind-title">Exit in kind</h3>
      <p className="field-hint">
        Always open, even when idle {meta.base.symbol} is short, prices are stale or the vault is paused: you receive
        your share of every holding
        {modules.length > 0 ? ", and repay your share of what the vault owes on its lending positions" : ""}.
      </p>
      <AmountField
        label={`Shares to redeem (${meta.share.symbol})`}
        testId="inkind-shares"
        value={input}
        onChange={(v) => {
          setInput(v);
          if (tx.kind !== "working") setTx({ kind: "idle" });
        }}
        onMax={position ? () => setInput(unitsToInput(position.shares, meta.share.decimals)) : undefined}
        error={parsed && !parsed.ok ? parsed.error : undefined}
        disabled={busy}
      />
      {shares !== undefined && (
        <ul className="preview" aria-label="You receive about" data-testid="inkind-receive">
          {holdings.map((h) => (
            <li key={h.token.address}>{formatAmount((h.balance * shares) / supply, h.token, 6)}</li>
          ))}
        </ul>
      )}
      {debts.length > 0 && (
        <ul className="preview" aria-label="You repay" data-testid="inkind-repay">
          {debts.map((o) => (
            <li key={`${o.module}-${o.token}`}>
              You repay about {amountText(o.owed, o.token)} (approved to the lending module)
            </li>
          ))}
        </ul>
      )}
      {shares !== undefined && unreadable.length > 0 && (
        <p className="notice" role="note">
          A position module could not be read: what you repay is checked again when you submit.
        </p>
      )}
      <button type="submit" className="secondary" disabled={!ctx.getSigner || shares === undefined || busy}>
        Exit in kind
      </button>
      <TxStatus id="inkind-status" state={tx} />
    </form>
  );
}
