/** Shared by the governance CLIs: --network/--rpc/--deployment, the signing key, printing. */
import { parseArgs } from "node:util";
import { connect, loadSigner } from "../lib/connect.ts";
import { bind, type Bound } from "./ops.ts";

export const log = (line: string) => console.log(line);

/**
 * Parses the common options and binds the vault and timelock to the signer from `envVar` (on the local chain,
 * Hardhat's dev account `defaultAccount`: 3 = the timelock proposer/executor, 1 = the guardian).
 */
export async function setup(
  envVar: string,
  defaultAccount: number,
  extra: Record<string, { type: "string" | "boolean" }> = {},
) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      network: { type: "string", default: "localhost" },
      rpc: { type: "string" },
      deployment: { type: "string" },
      account: { type: "string" },
      ...extra,
    },
  });
  const c = await connect({
    network: values.network as string,
    deployment: values.deployment as string | undefined,
    rpc: values.rpc as string | undefined,
  });
  const signer = loadSigner(c, envVar, values.account === undefined ? defaultAccount : Number(values.account));
  const b: Bound = bind(c.deployment, signer as never);
  log(
    `${c.deployment.network} (chain ${c.deployment.chainId}) vault ${c.deployment.contracts.vault} timelock ${c.deployment.contracts.timelock}; signer ${signer.address}`,
  );
  return { b, values, positionals, close: () => c.provider.destroy() };
}

export function run(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`error: ${(err as Error).message.split("\n")[0]} — nothing (further) sent`);
    process.exitCode = 1;
  });
}
