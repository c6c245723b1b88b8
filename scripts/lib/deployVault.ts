/**
 * Deploys a Ballast vault (with its linked BookLib) and the BudgetLens. Used by the demo, the gas
 * benchmark and the Mocha tests, so that every path deploys the vault the same way.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { BallastVault, BudgetLens } from "../../types/ethers-contracts/index.js";

/** Vault-wide limits, same names and units as the Solidity struct `RiskParams` (bps of NAV, seconds, base units). */
export interface RiskParams {
  maxTurnoverBps: number;
  maxWindowTurnoverBps: number;
  maxSlippageBps: number;
  maxWindowSlippageBps: number;
  minIdleBps: number;
  maxDrawdownBps: number;
  /** Every position module's protocol health factor stays at or above this (15_000 = 1.5). */
  minHealthFactorBps: number;
  /** Σ long positions at oracle value / NAV (10_000 = unlevered). */
  maxGrossLeverageBps: number;
  /** |spot + LP + collateral − debt| of each non-base asset at oracle value, bps of NAV. */
  maxNetDeltaBps: number;
  /** LP short gamma ½·|Γ|·P² in USD, bps of NAV (the loss for a relative move r is about shortGamma·r²). */
  maxShortGammaBps: number;
  cooldownSeconds: number;
  windowSeconds: number;
  drawdownWindowSeconds: number;
  depositCap: bigint;
}

/** The on-chain `RiskParams` struct as read through the bindings (uint fields as bigint) in the script's units. */
export function riskParamsFromChain(p: Record<keyof RiskParams, bigint | number>): RiskParams {
  return {
    maxTurnoverBps: Number(p.maxTurnoverBps),
    maxWindowTurnoverBps: Number(p.maxWindowTurnoverBps),
    maxSlippageBps: Number(p.maxSlippageBps),
    maxWindowSlippageBps: Number(p.maxWindowSlippageBps),
    minIdleBps: Number(p.minIdleBps),
    maxDrawdownBps: Number(p.maxDrawdownBps),
    minHealthFactorBps: Number(p.minHealthFactorBps),
    maxGrossLeverageBps: Number(p.maxGrossLeverageBps),
    maxNetDeltaBps: Number(p.maxNetDeltaBps),
    maxShortGammaBps: Number(p.maxShortGammaBps),
    cooldownSeconds: Number(p.cooldownSeconds),
    windowSeconds: Number(p.windowSeconds),
    drawdownWindowSeconds: Number(p.drawdownWindowSeconds),
    depositCap: BigInt(p.depositCap),
  };
}

/** A sane default budget for a USDC vault (6 decimals): caps that a demo and tests can work inside. */
export function defaultRiskParams(depositCapUsdc = 10_000_000n): RiskParams {
  return {
    maxTurnoverBps: 5_000,
    maxWindowTurnoverBps: 15_000,
    maxSlippageBps: 100,
    maxWindowSlippageBps: 50,
    minIdleBps: 1_000,
    maxDrawdownBps: 2_000,
    minHealthFactorBps: 15_000,
    maxGrossLeverageBps: 20_000,
    maxNetDeltaBps: 8_000,
    maxShortGammaBps: 500,
    cooldownSeconds: 3_600,
    windowSeconds: 86_400,
    drawdownWindowSeconds: 30 * 86_400,
    depositCap: depositCapUsdc * 10n ** 6n,
  };
}

export interface DeployVaultArgs {
  baseAsset: string;
  baseFeed: string;
  baseMaxStalenessSeconds?: number;
  params: RiskParams;
  /** The TimelockController (or, in benchmarks, an EOA standing in for it). */
  governor: string;
  guardian: string;
  name?: string;
  symbol?: string;
}

export async function deployVault(
  ethers: HardhatEthers,
  args: DeployVaultArgs,
): Promise<{ vault: BallastVault; lens: BudgetLens; bookLib: string }> {
  const lib = await ethers.deployContract("BookLib");
  await lib.waitForDeployment();
  const bookLib = await lib.getAddress();
  const factory = await ethers.getContractFactory("BallastVault", { libraries: { BookLib: bookLib } });
  const vault = (await factory.deploy(
    args.baseAsset,
    args.name ?? "Ballast USDC",
    args.symbol ?? "bUSDC",
    args.baseFeed,
    args.baseMaxStalenessSeconds ?? 86_400,
    args.params,
    args.governor,
    args.guardian,
  )) as unknown as BallastVault;
  await vault.waitForDeployment();
  const lens = (await ethers.deployContract("BudgetLens")) as unknown as BudgetLens;
  await lens.waitForDeployment();
  return { vault, lens, bookLib };
}
