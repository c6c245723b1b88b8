/**
 * deployments/<network>/deployment.json: the addresses, risk parameters and roles of one deployed vault stack, written
 * by every deploy path (local stack, Ignition) and read back by the keeper, the governance scripts and the UI.
 * One zod schema for both directions, so a file that does not match is refused with the field that is wrong.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address (0x + 40 hex digits)");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "bytes32 (0x + 64 hex digits)");
const uintString = z.string().regex(/^\d+$/, "an unsigned integer as a decimal string");
const bps = z.number().int().min(0).max(10_000);

export const tokenSchema = z.object({
  symbol: z.string().min(1),
  address,
  decimals: z.number().int().min(0).max(36),
  /** Chainlink-style USD feed. */
  feed: address,
  maxStalenessSeconds: z.number().int().positive(),
});

export const assetSchema = tokenSchema.extend({
  maxWeightBps: bps,
  protocolId: bytes32,
  protocolCapBps: bps,
  /** Uniswap V3 fee tier of the asset/base pool the keeper trades through (500, 3000, 10000). */
  poolFee: z.number().int().positive(),
});

/** Same names and units as the Solidity struct `RiskParams`; depositCap in base units as a decimal string. */
export const riskParamsSchema = z.object({
  maxTurnoverBps: bps,
  maxWindowTurnoverBps: z.number().int().min(0).max(65_535),
  maxSlippageBps: bps,
  maxWindowSlippageBps: bps,
  minIdleBps: bps,
  maxDrawdownBps: bps,
  minHealthFactorBps: z.number().int().min(10_000).max(65_535),
  maxGrossLeverageBps: z.number().int().min(10_000).max(65_535),
  maxNetDeltaBps: bps,
  maxShortGammaBps: bps,
  cooldownSeconds: z.number().int().min(0),
  windowSeconds: z.number().int().min(0),
  drawdownWindowSeconds: z.number().int().min(0),
  depositCap: uintString,
});

export const deploymentSchema = z.object({
  network: z.string().min(1),
  chainId: z.number().int().positive(),
  deployedAt: z.string(),
  blockNumber: z.number().int().min(0),
  /** JSON-RPC endpoint the deployment was made through (local only; never a key-bearing URL). */
  rpcUrl: z.string().optional(),
  contracts: z.object({
    vault: address,
    lens: address,
    timelock: address,
    adapter: address,
    bookLib: address,
  }),
  uniswap: z.object({ factory: address, router: address, quoter: address, positionManager: address, weth: address }),
  baseAsset: tokenSchema,
  assets: z.array(assetSchema).min(1),
  riskParams: riskParamsSchema,
  roles: z.object({
    governor: address,
    guardian: address,
    keepers: z.array(address),
    proposers: z.array(address),
    executors: z.array(address),
    timelockDelaySeconds: z.number().int().min(0),
  }),
  /** Which contracts are real production bytecode and which are stand-ins (docs/replica.md). */
  standIns: z.array(z.string()).default([]),
});

export type Deployment = z.infer<typeof deploymentSchema>;
export type DeployedAsset = z.infer<typeof assetSchema>;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** deployments/<network>/deployment.json under the project root (or `dir` when given). */
export function deploymentPath(networkName: string, dir = join(ROOT, "deployments")): string {
  return join(dir, networkName, "deployment.json");
}

export class DeploymentFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly issues: string[],
  ) {
    super(`${file}: ${issues.join("; ")}`);
    this.name = "DeploymentFileError";
  }
}

function describeIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
}

/** Validates and writes the deployment file; returns its path. */
export function writeDeployment(d: Deployment, file = deploymentPath(d.network)): string {
  const parsed = deploymentSchema.safeParse(d);
  if (!parsed.success) throw new DeploymentFileError(file, describeIssues(parsed.error));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(parsed.data, null, 2) + "\n");
  return file;
}

/** Reads and validates a deployment file, naming the field that is wrong. */
export function readDeployment(fileOrNetwork: string): Deployment {
  const file = fileOrNetwork.endsWith(".json") ? fileOrNetwork : deploymentPath(fileOrNetwork);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new DeploymentFileError(file, [(err as Error).message]);
  }
  const parsed = deploymentSchema.safeParse(raw);
  if (!parsed.success) throw new DeploymentFileError(file, describeIssues(parsed.error));
  return parsed.data;
}
