/**
 * Test harness for the keeper: the local stack with a 1,000,000 USDC deposit, its deployment record, and a keeper
 * context whose signer is the keeper account's own key (Hardhat's default mnemonic, account #2) so that the keeper
 * signs locally and journals the tx hash before broadcast, as in production.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { HDNodeWallet, Mnemonic } from "ethers";
import { parseKeeperConfig, type KeeperConfigInput } from "../../../scripts/keeper/config.ts";
import { createKeeperContext } from "../../../scripts/keeper/context.ts";
import type { KeeperContext } from "../../../scripts/keeper/types.ts";
import { describeLocalStack } from "../../../scripts/lib/localDeployment.ts";
import { deployLocalStack, type LocalStack, type LocalStackOptions } from "../../../scripts/lib/localStack.ts";
import { toUnits } from "../../../scripts/lib/units.ts";
import type { Deployment } from "../../../scripts/lib/deployments.ts";

export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The key of Hardhat's default account #index. */
export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

export interface KeeperFixture {
  s: LocalStack;
  deployment: Deployment;
}

export async function deployKeeperFixture(
  ethers: HardhatEthers,
  options: LocalStackOptions = {},
): Promise<KeeperFixture> {
  const s = await deployLocalStack(ethers, options);
  const [, , , , depositor] = await ethers.getSigners();
  const vault = await s.vault.getAddress();
  await (await s.usdc.mint(depositor.address, toUnits(1_000_000, 6))).wait();
  await (await s.usdc.connect(depositor).approve(vault, toUnits(1_000_000, 6))).wait();
  await (await s.vault.connect(depositor).deposit(toUnits(1_000_000, 6), depositor.address)).wait();
  return { s, deployment: await describeLocalStack(ethers, s, "hardhat") };
}

export async function keeperFor(
  ethers: HardhatEthers,
  f: KeeperFixture,
  config: Partial<KeeperConfigInput> = {},
  extra: { journalPath?: string; hooks?: KeeperContext["hooks"] } = {},
): Promise<{ ctx: KeeperContext; lines: string[] }> {
  const lines: string[] = [];
  const signer = devWallet(2).connect(ethers.provider as never);
  if (signer.address !== f.s.keeper.address) throw new Error("keeper key does not match the stack's keeper account");
  const ctx = await createKeeperContext({
    config: parseKeeperConfig({
      targets: { USDC: 0.4, WETH: 0.35, WBTC: 0.25 },
      journalPath: extra.journalPath ?? ":memory:",
      confirmTimeoutSeconds: 30,
      ...config,
    }),
    deployment: f.deployment,
    provider: ethers.provider as never,
    signer: signer as never,
    log: (line) => lines.push(line),
    hooks: extra.hooks,
  });
  return { ctx, lines };
}
