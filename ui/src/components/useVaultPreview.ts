import { useEffect, useState } from "react";
import { vaultAt } from "../chain.ts";
import type { VaultCtx } from "../context.ts";

/**
 * The vault's own ERC-4626 preview (`previewDeposit` or `previewWithdraw`) of `units`, read 150 ms after the input
 * settles and again on every new block; `undefined` while there is no amount, while it loads, or when the call fails.
 */
export function useVaultPreview(
  ctx: VaultCtx,
  method: "previewDeposit" | "previewWithdraw",
  units: bigint | undefined,
): bigint | undefined {
  const [preview, setPreview] = useState<bigint | undefined>();
  const block = ctx.snapshot.block;
  useEffect(() => {
    let live = true;
    setPreview(undefined);
    if (units === undefined) return;
    const t = setTimeout(() => {
      const vault = vaultAt(ctx.d, ctx.readProvider);
      vault[method](units)
        .then((s) => live && setPreview(s))
        .catch(() => live && setPreview(undefined));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [method, units, ctx.d, ctx.readProvider, block]);
  return preview;
}
