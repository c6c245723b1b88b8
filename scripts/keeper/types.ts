/**
 * What flows between the keeper's steps: readState → optimize → plan → simulate → submit → confirm → record.
 * Floats (whole tokens, USD, fractions of NAV) until `plan` converts at scripts/lib/units.ts; bigint after.
 */
import type { JsonRpcApiProvider, Signer } from "ethers";
import type { BallastVault, BudgetLens } from "../../types/ethers-contracts/index.js";
import type { Deployment } from "../lib/deployments.ts";
import type { RiskParams } from "../lib/deployVault.ts";
import type { KeeperConfig } from "./config.ts";
import type { Journal, JournalStep } from "./journal.ts";

/** Trade as the vault takes it (`Trade` in IBallastVault.sol). */
export interface ChainTrade {
  adapter: string;
  tokenIn: string;
  tokenOut: string;
  amountIn: bigint;
  minAmountOut: bigint;
  data: string;
}

/** Injected at each journal step; tests throw from here to simulate a crash right after the step was recorded. */
export type StepHook = (step: JournalStep, planId: string) => void | Promise<void>;

export interface KeeperContext {
  config: KeeperConfig;
  deployment: Deployment;
  /** Any ethers JSON-RPC provider (JsonRpcProvider, or Hardhat's in-process provider in tests). */
  provider: Pick<
    JsonRpcApiProvider,
    | "send"
    | "getTransactionReceipt"
    | "getTransaction"
    | "getTransactionCount"
    | "getFeeData"
    | "getBlock"
    | "getNetwork"
    | "call"
    | "estimateGas"
    | "waitForTransaction"
  >;
  /** The keeper's key: signs locally so the tx hash is journaled before it is broadcast. */
  signer: Signer & { address: string; signTransaction: Signer["signTransaction"] };
  vault: BallastVault;
  lens: BudgetLens;
  journal: Journal;
  log: (line: string) => void;
  hooks?: { afterStep?: StepHook; beforeSubmit?: (planId: string) => void | Promise<void> };
}

/** One asset as the keeper sees it after readState. */
export interface AssetState {
  symbol: string;
  address: string;
  decimals: number;
  balance: bigint;
  priceWad: bigint;
  priceOk: boolean;
  valueBase: bigint;
  maxWeightBps: number;
  protocolId: string;
  protocolCapBps: number;
  poolFee: number;
  /** Pool against the base asset: price (base per asset) and full-range reserves (whole tokens). */
  pool?: { priceBase: number; reserveAsset: number; reserveBase: number };
}

export interface VaultState {
  blockNumber: number;
  timestamp: number;
  base: AssetState;
  assets: AssetState[];
  navBase: bigint;
  pricesOk: boolean;
  params: RiskParams;
  windowTurnoverPpm: number;
  windowSlippagePpm: number;
  breakerTripped: boolean;
  nextRebalanceAt: number;
  paused: boolean;
  shutdown: boolean;
  /** Oracle history: USD prices per symbol, oldest first (feed rounds, or the --prices CSV). */
  history: Record<string, number[]>;
  historySource: string;
}

export interface Targets {
  weights: Record<string, number>;
  method: "minCvar" | "static";
  note: string;
}

export interface KeeperPlan {
  planId: string;
  deadline: bigint;
  trades: ChainTrade[];
  /** One readable line per trade. */
  lines: string[];
  /** Assets left alone because their pool is too far from the oracle, one line each. */
  guards: string[];
  skipped: string[];
  violations: string[];
}
