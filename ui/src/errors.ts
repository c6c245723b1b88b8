/**
 * THE error module: every failure the UI shows (a simulation that reverts, a mined transaction that fails, a wallet
 * that refuses, a broken RPC) is turned into one human sentence here. Custom errors are decoded with the vault's own
 * ABI (the typechain bindings shared with the rest of the repo), so each risk-limit error shows its limit and the
 * observed value in token units, e.g. "Deposit cap reached: 10,000,000 USDC. …".
 */
import { Interface, isHexString, type ErrorDescription } from "ethers";
import { BallastVault__factory } from "../../types/ethers-contracts/factories/BallastVault__factory.ts";
import { ErrorsLib__factory } from "../../types/ethers-contracts/factories/libraries/ErrorsLib__factory.ts";
import { MockERC20__factory } from "../../types/ethers-contracts/factories/mocks/MockERC20__factory.ts";
import {
  formatAmount,
  formatBps,
  formatDuration,
  formatPpm,
  formatTimestamp,
  shortAddress,
  type TokenInfo,
} from "./format.ts";

/** What the error module needs to put numbers into words. */
export interface ErrorContext {
  /** The vault's base asset (deposit cap, idle, NAV amounts are in its units). */
  base: Pick<TokenInfo, "symbol" | "decimals">;
  /** The vault share token (for ERC-4626 and share-balance errors). */
  share?: Pick<TokenInfo, "symbol" | "decimals">;
  /** Every known token by lower-cased address (for errors that name an asset). */
  tokens?: Record<string, TokenInfo>;
  /** Which token an ERC-20 balance/allowance error is about (defaults to the base asset). */
  erc20?: Pick<TokenInfo, "symbol" | "decimals">;
}

export interface DescribedError {
  /** One sentence (or two) for the user. */
  message: string;
  /** The Solidity error name when one was decoded, e.g. "DepositCapExceeded". */
  errorName?: string;
  /** The user refused in the wallet: not a failure to alarm about. */
  rejected?: boolean;
}

// The vault's ABI lists every Ballast error (it inherits ErrorsLib), OpenZeppelin's ERC-20/4626/AccessControl errors
// come with it, and MockERC20's cover the stand-in tokens. One interface, each selector once.
const errorInterface = new Interface(
  [...BallastVault__factory.abi, ...ErrorsLib__factory.abi, ...MockERC20__factory.abi].filter(
    (f, i, all) => f.type === "error" && all.findIndex((g) => g.type === "error" && g.name === f.name) === i,
  ),
);

const PANIC: Record<number, string> = {
  0x01: "assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division by zero",
  0x32: "array index out of bounds",
};

/** Finds revert data (0x + selector …) anywhere in the nested error objects ethers and wallets produce. */
export function findRevertData(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || err === null || err === undefined) return undefined;
  if (typeof err === "string") return isHexString(err) && err.length >= 10 ? err : undefined;
  if (typeof err !== "object") return undefined;
  const e = err as Record<string, unknown>;
  for (const key of ["data", "error", "info", "cause", "revert", "payload"]) {
    if (!(key in e)) continue;
    const v = e[key];
    if (typeof v === "string") {
      if (isHexString(v) && v.length >= 10) return v;
    } else {
      const found = findRevertData(v, depth + 1);
      if (found) return found;
    }
  }
  // Some nodes only put the data in the message: "... reverted with custom error data 0x...".
  const msg = typeof e.message === "string" ? e.message : undefined;
  const m = msg?.match(/0x[0-9a-fA-F]{8,}/);
  return m && m[0].length >= 10 && (m[0].length - 2) % 2 === 0 && m[0].length !== 42 ? m[0] : undefined;
}

/** Decodes revert data with the vault's ABI; undefined when the selector is unknown. */
export function decodeRevert(data: string): ErrorDescription | undefined {
  try {
    return errorInterface.parseError(data) ?? undefined;
  } catch {
    return undefined;
  }
}

function tokenName(address: string, ctx: ErrorContext): string {
  return ctx.tokens?.[address.toLowerCase()]?.symbol ?? shortAddress(address);
}

function amountOfAsset(units: bigint, address: string, ctx: ErrorContext): string {
  const t = ctx.tokens?.[address.toLowerCase()];
  return t ? formatAmount(units, t) : `${units} base units`;
}

/** One decoded custom error in words. */
export function messageFor(e: ErrorDescription, ctx: ErrorContext): string {
  const base = (x: bigint) => formatAmount(x, ctx.base);
  const share = ctx.share ?? { symbol: "shares", decimals: ctx.base.decimals };
  const erc20 = ctx.erc20 ?? ctx.base;
  const a = e.args;
  switch (e.name) {
    case "DepositCapExceeded":
      return a[1] === 0n
        ? `Deposit cap reached: ${base(a[2])}. The vault takes no new deposits until its NAV is below the cap.`
        : `Deposit cap reached: ${base(a[2])}. Only ${base(a[1])} more fits; you asked to deposit ${base(a[0])}.`;
    case "InsufficientIdle":
      return `Not enough idle ${ctx.base.symbol} in the vault: ${base(a[0])} asked, ${base(a[1])} available. Use "Exit in kind" to leave with your share of every holding.`;
    case "EnforcedPause":
      return "The vault is paused by its guardian: deposits and rebalances are stopped. Withdrawals stay open.";
    case "VaultShutdown":
      return "The vault is shut down: it takes no new deposits. Withdrawals stay open.";
    case "ZeroAmount":
      return "The amount is zero, or too small to be worth a single unit.";
    case "StalePrice":
      return `The price feed of ${tokenName(a[0], ctx)} is stale: last updated ${formatTimestamp(a[1])}, older than its ${formatDuration(a[2])} limit. Deposits and base-asset withdrawals need fresh prices; "Exit in kind" does not.`;
    case "InvalidPrice":
      return `The price feed of ${tokenName(a[0], ctx)} answered ${a[1]}, which is not a usable price. "Exit in kind" still works.`;
    case "IncompleteRound":
      return `The price feed of ${tokenName(a[0], ctx)} returned an incomplete round (${a[1]}). "Exit in kind" still works.`;
    case "ERC20InsufficientAllowance":
      return `Allowance too low: the vault may spend ${formatAmount(a[1], erc20)}, ${formatAmount(a[2], erc20)} needed. Approve first.`;
    case "ERC20InsufficientBalance":
      return `Balance too low: ${formatAmount(a[1], erc20)} held, ${formatAmount(a[2], erc20)} needed.`;
    case "ERC4626ExceededMaxDeposit":
      return `More than the vault accepts now: at most ${base(a[2])} can be deposited.`;
    case "ERC4626ExceededMaxMint":
      return `More than the vault accepts now: at most ${formatAmount(a[2], share)} can be minted.`;
    case "ERC4626ExceededMaxWithdraw":
      return `More than you can withdraw now: at most ${base(a[2])}.`;
    case "ERC4626ExceededMaxRedeem":
      return `More than you can redeem now: at most ${formatAmount(a[2], share)}.`;
    case "WeightAboveCap":
      return `${tokenName(a[0], ctx)} would weigh ${formatBps(a[1])} of NAV, above its ${formatBps(a[2])} cap.`;
    case "ProtocolExposureAboveCap":
      return `Exposure to protocol ${shortAddress(a[0])} would be ${formatBps(a[1])} of NAV, above its ${formatBps(a[2])} cap.`;
    case "TurnoverAboveCap":
      return `Turnover of ${formatBps(a[0])} of NAV is above the per-rebalance cap of ${formatBps(a[1])}.`;
    case "WindowTurnoverAboveCap":
      return `Turnover in the rolling window would reach ${formatPpm(a[0])} of NAV, above its ${formatPpm(a[1])} budget.`;
    case "SlippageAboveCap":
      return `Trade ${a[0]} accepts ${formatBps(a[1])} slippage against the oracle, above the ${formatBps(a[2])} cap.`;
    case "WindowSlippageAboveCap":
      return `Slippage in the rolling window would reach ${formatPpm(a[0], 3)} of NAV, above its ${formatPpm(a[1], 3)} budget.`;
    case "PriceDeviationAboveCap":
      return `Trade ${a[0]} executed ${formatBps(a[1])} away from the oracle price, above the ${formatBps(a[2])} limit.`;
    case "IdleBelowMin":
      return `Idle ${ctx.base.symbol} would fall to ${formatBps(a[0])} of NAV, below the ${formatBps(a[1])} kept for withdrawals.`;
    case "CooldownActive":
      return `Rebalance cooldown: the next one is allowed at ${formatTimestamp(a[0])} (in ${formatDuration(a[0] - a[1])}).`;
    case "OnlyDeRiskingAllowed":
      return `Only de-risking is allowed (breaker tripped or shutdown): trade ${a[0]} must sell into ${ctx.base.symbol}, not ${tokenName(a[1], ctx)}.`;
    case "TooManyTrades":
      return `The plan holds ${a[0]} trades; at most ${a[1]} fit in one rebalance.`;
    case "PlanAlreadyExecuted":
      return "This rebalance plan was executed already.";
    case "DeadlineExpired":
      return `The transaction was mined after its deadline (${formatTimestamp(a[0])}).`;
    case "InsufficientOutput":
      return `Trade ${a[0]} received ${amountOfAsset(a[1], "", ctx)}, less than its minimum ${amountOfAsset(a[2], "", ctx)}.`;
    case "AccessControlUnauthorizedAccount":
      return `Account ${shortAddress(a[0])} is not allowed to do this (role ${shortAddress(a[1])}).`;
    case "SafeERC20FailedOperation":
      return `A token transfer of ${tokenName(a[0], ctx)} failed.`;
    default: {
      const args = e.fragment.inputs.map((input, i) => `${input.name || i} ${String(a[i])}`).join(", ");
      return `The vault refused: ${e.name}${args ? ` (${args})` : ""}.`;
    }
  }
}

/** Any error in words. The one function the components call. */
export function describeError(err: unknown, ctx: ErrorContext): DescribedError {
  const e = (err ?? {}) as Record<string, unknown> & { info?: { error?: { code?: number } } };
  if (e.code === "ACTION_REJECTED" || e.code === 4001 || e.info?.error?.code === 4001) {
    return { message: "You rejected the request in your wallet. Nothing was sent.", rejected: true };
  }
  const data = findRevertData(err);
  if (data) {
    const decoded = decodeRevert(data);
    if (decoded) {
      if (decoded.name === "Error")
        return { message: `The transaction reverted: ${decoded.args[0]}`, errorName: "Error" };
      if (decoded.name === "Panic") {
        const code = Number(decoded.args[0]);
        return {
          message: `The contract panicked: ${PANIC[code] ?? `code 0x${code.toString(16)}`}.`,
          errorName: "Panic",
        };
      }
      return { message: messageFor(decoded, ctx), errorName: decoded.name };
    }
    return { message: `The transaction reverted with an error the UI does not know (selector ${data.slice(0, 10)}).` };
  }
  if (e.code === "CALL_EXCEPTION") return { message: "The transaction reverted without a reason." };
  if (e.code === "NETWORK_ERROR" || e.code === "SERVER_ERROR" || e.code === "TIMEOUT") {
    return { message: "Cannot reach the network. Check your wallet's connection and try again." };
  }
  const text =
    (typeof e.shortMessage === "string" && e.shortMessage) || (err instanceof Error ? err.message : String(err));
  return { message: text.length > 300 ? `${text.slice(0, 300)}…` : text };
}
