/** Revert decoding: the vault's custom errors (ErrorsLib, via vault.interface.parseError), Error(string), Panic. */
import { Interface } from "ethers";
import type { BallastVault } from "../../types/ethers-contracts/index.js";

function revertData(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 6) return undefined;
  const e = err as Record<string, unknown>;
  if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(e.data)) return e.data;
  for (const key of ["data", "error", "info", "cause", "revert"]) {
    const found = revertData(e[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

const STANDARD = new Interface(["error Error(string)", "error Panic(uint256)"]);

/** `Name(arg, ...)` for a revert, or the error's short message when there is no revert data. */
export function decodeRevert(vault: BallastVault, err: unknown): string {
  const data = revertData(err);
  if (data) {
    for (const iface of [vault.interface, STANDARD]) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) {
          return parsed.name === "Error"
            ? `"${parsed.args[0]}"`
            : `${parsed.name}(${parsed.args.map(String).join(", ")})`;
        }
      } catch {
        /* not this interface */
      }
    }
    return `unknown revert ${data.slice(0, 10)}`;
  }
  const e = err as { shortMessage?: string; reason?: string; message?: string };
  return e.reason ? `"${e.reason}"` : (e.shortMessage ?? e.message ?? String(err));
}
