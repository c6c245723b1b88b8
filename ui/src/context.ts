import type { Provider, Signer } from "ethers";
import type { Position, Snapshot, VaultMeta } from "./chain.ts";
import type { Deployment } from "./deployment.ts";
import type { ErrorContext } from "./errors.ts";

/** What the action panels need: where the vault is, what it holds, who is connected and how to sign. */
export interface VaultCtx {
  d: Deployment;
  meta: VaultMeta;
  snapshot: Snapshot;
  readProvider: Provider;
  account?: string;
  position?: Position;
  /** A signer on the right chain, or undefined (not connected / wrong network). */
  getSigner?: () => Promise<Signer>;
  /** Re-read everything after a transaction. */
  refresh: () => void;
}

export function errorContext(meta: VaultMeta, erc20: "base" | "share" = "base"): ErrorContext {
  return { base: meta.base, share: meta.share, tokens: meta.tokens, erc20: erc20 === "base" ? meta.base : meta.share };
}
