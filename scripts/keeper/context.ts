/** Builds the keeper's context: typed bindings at the deployment's addresses, the journal, the signer, the log. */
import { BallastVault__factory, BudgetLens__factory } from "../../types/ethers-contracts/index.js";
import type { Deployment } from "../lib/deployments.ts";
import type { KeeperConfig } from "./config.ts";
import { Journal } from "./journal.ts";
import { consoleLog } from "./log.ts";
import type { KeeperContext } from "./types.ts";

export async function createKeeperContext(args: {
  config: KeeperConfig;
  deployment: Deployment;
  provider: KeeperContext["provider"];
  signer: KeeperContext["signer"];
  log?: (line: string) => void;
  hooks?: KeeperContext["hooks"];
}): Promise<KeeperContext> {
  const runner = args.signer as never;
  return {
    config: args.config,
    deployment: args.deployment,
    provider: args.provider,
    signer: args.signer,
    vault: BallastVault__factory.connect(args.deployment.contracts.vault, runner),
    lens: BudgetLens__factory.connect(args.deployment.contracts.lens, runner),
    journal: await Journal.open(args.config.journalPath),
    log: args.log ?? consoleLog,
    hooks: args.hooks,
  };
}
