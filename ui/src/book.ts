/**
 * The non-linear book (position modules: Uniswap V3 liquidity, Aave V3) in figures the dashboard and the exit form
 * show. Pure functions on what chain.ts read; the limits are checked exactly as contracts/libraries/
 * PositionChecksLib.sol does (gross leverage, net delta per asset, short gamma in bps of NAV; health factor in WAD).
 */
import type { Budget } from "./chain.ts";
import { formatAmount, type TokenInfo } from "./format.ts";

export type ModuleKind = "uniswap-v3" | "aave-v3" | "unknown";

/** What a module reported at the lens's oracle prices (IPositionModule.report; index i is `tokens[i]`). */
export interface ModuleReport {
  longAmounts: bigint[];
  debtAmounts: bigint[];
  shortGammaUsdWad: bigint;
  /** type(uint256).max when nothing is owed. */
  healthFactorWad: bigint;
}

export interface ModuleView {
  address: string;
  kind: ModuleKind;
  protocolId: string;
  /** The vault's cap on this protocol, bps of NAV (undefined when it could not be read). */
  protocolCapBps?: bigint;
  tokens: string[];
  /** Undefined when the report could not be read (`error` says why): the page shows "unavailable". */
  report?: ModuleReport;
  error?: string;
}

export const WAD = 10n ** 18n;
export const MAX_UINT256 = (1n << 256n) - 1n;

/** `amount` of a token at `priceWad` (USD per whole token) as USD in WAD, rounded down. */
export function usdWad(amount: bigint, priceWad: bigint, decimals: number): bigint {
  return (amount * priceWad) / 10n ** BigInt(decimals);
}

/** USD (WAD) as base-asset units at the base asset's price, rounded down. */
export function usdToBase(usd: bigint, basePriceWad: bigint, baseDecimals: number): bigint {
  return basePriceWad > 0n ? (usd * 10n ** BigInt(baseDecimals)) / basePriceWad : 0n;
}

/** USD per whole token (WAD) by lower-cased address, from the lens (0 = price unusable). */
export function pricesOf(budget: Budget): Map<string, bigint> {
  const m = new Map<string, bigint>();
  m.set(budget.base.asset.toLowerCase(), budget.base.priceOk ? budget.base.priceWad : 0n);
  for (const a of budget.assets) m.set(a.asset.toLowerCase(), a.priceOk ? a.priceWad : 0n);
  return m;
}

/** ceil(a / b) for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/**
 * What an in-kind exit of `shares` repays of a module's `debt` (AaveV3LendingModule.exitProRata):
 * ceil(debt · shares / supply), with supply = totalSupply + the vault's virtual shares.
 */
export function owedForExit(debt: bigint, shares: bigint, supply: bigint): bigint {
  if (supply <= 0n) return 0n;
  return ceilDiv(debt * shares, supply);
}

/** The allowance to grant for an `owed` slice: interest accrues every second, so 0.1 % (rounded up) + 1 unit more. */
export function approvalFor(owed: bigint): bigint {
  return owed === 0n ? 0n : owed + ceilDiv(owed, 1_000n) + 1n;
}

export interface ModuleFigures {
  module: ModuleView;
  /** USD (WAD) of long amounts, of debts, long − debt; undefined without a report or a usable price. */
  longUsd?: bigint;
  debtUsd?: bigint;
  /** Per token (in `tokens` order) USD of long and debt. */
  longUsdByToken?: bigint[];
  debtUsdByToken?: bigint[];
  /** Short gamma as a fraction of NAV (USD / USD). */
  gammaOfNav?: number;
  /** Health factor as a float; Infinity without debt. */
  healthFactor?: number;
  hasDebt: boolean;
}

export interface BookFigures {
  modules: ModuleFigures[];
  /** Σ long (spot + modules) / NAV, as PositionChecksLib's gross leverage; undefined when not computable. */
  grossLeverage?: number;
  /** The largest |spot + module long − debt| of one non-base asset / NAV, and which asset. */
  netDelta?: { asset: string; fraction: number; short: boolean };
  /** Σ short gamma / NAV. */
  shortGamma?: number;
  /** The lowest module health factor (Infinity without debt). */
  minHealthFactor?: number;
}

function ratio(a: bigint, b: bigint): number {
  return b > 0n ? Number((a * 1_000_000_000n) / b) / 1e9 : 0;
}

/** A WAD health factor as a float (Infinity for type(uint256).max). */
export function healthFactorNumber(wad: bigint): number {
  return wad === MAX_UINT256 ? Infinity : Number((wad * 10_000n) / WAD) / 10_000;
}

/** Every figure of the book the dashboard shows. Modules without a report are listed, their figures undefined. */
export function bookFigures(budget: Budget, modules: ModuleView[], decimalsOf: (token: string) => number | undefined) {
  const prices = pricesOf(budget);
  const baseKey = budget.base.asset.toLowerCase();
  const baseDecimals = decimalsOf(baseKey) ?? 6;
  const basePrice = prices.get(baseKey) ?? 0n;
  const navUsd = usdWad(budget.nav, basePrice, baseDecimals);
  const usable = budget.pricesOk && budget.nav > 0n && basePrice > 0n;
  // Per non-base asset: long and debt in USD (spot included), for net delta; Σ long for gross leverage.
  const longByAsset = new Map<string, bigint>();
  const debtByAsset = new Map<string, bigint>();
  let longTotal = usdWad(budget.base.balance, basePrice, baseDecimals);
  for (const a of budget.assets) {
    const key = a.asset.toLowerCase();
    const v = usdWad(a.balance, prices.get(key) ?? 0n, decimalsOf(key) ?? 18);
    longByAsset.set(key, v);
    longTotal += v;
  }
  let gammaUsd = 0n;
  let complete = true;
  let minHf = Infinity;
  const figures: ModuleFigures[] = modules.map((m) => {
    const r = m.report;
    if (!r) {
      complete = false;
      return { module: m, hasDebt: false };
    }
    const hasDebt = r.debtAmounts.some((d) => d > 0n);
    const hf = healthFactorNumber(r.healthFactorWad);
    if (hf < minHf) minHf = hf;
    const longUsdByToken: bigint[] = [];
    const debtUsdByToken: bigint[] = [];
    let priced = true;
    m.tokens.forEach((t, i) => {
      const key = t.toLowerCase();
      const price = prices.get(key) ?? 0n;
      const dec = decimalsOf(key);
      const long = r.longAmounts[i] ?? 0n;
      const debt = r.debtAmounts[i] ?? 0n;
      if ((price === 0n || dec === undefined) && (long > 0n || debt > 0n)) priced = false;
      const lu = usdWad(long, price, dec ?? 18);
      const du = usdWad(debt, price, dec ?? 18);
      longUsdByToken.push(lu);
      debtUsdByToken.push(du);
      longTotal += lu;
      if (key !== baseKey) {
        longByAsset.set(key, (longByAsset.get(key) ?? 0n) + lu);
        debtByAsset.set(key, (debtByAsset.get(key) ?? 0n) + du);
      }
    });
    gammaUsd += r.shortGammaUsdWad;
    if (!priced) complete = false;
    return {
      module: m,
      hasDebt,
      healthFactor: hf,
      longUsdByToken: priced ? longUsdByToken : undefined,
      debtUsdByToken: priced ? debtUsdByToken : undefined,
      longUsd: priced ? longUsdByToken.reduce((s, x) => s + x, 0n) : undefined,
      debtUsd: priced ? debtUsdByToken.reduce((s, x) => s + x, 0n) : undefined,
      gammaOfNav: usable ? ratio(r.shortGammaUsdWad, navUsd) : undefined,
    };
  });
  const out: BookFigures = { modules: figures };
  if (modules.some((m) => m.report)) out.minHealthFactor = minHf;
  if (usable && complete) {
    out.grossLeverage = ratio(longTotal, navUsd);
    out.shortGamma = ratio(gammaUsd, navUsd);
    for (const [asset, long] of longByAsset) {
      const debt = debtByAsset.get(asset) ?? 0n;
      const abs = long >= debt ? long - debt : debt - long;
      const fraction = ratio(abs, navUsd);
      if (!out.netDelta || fraction > out.netDelta.fraction) out.netDelta = { asset, fraction, short: debt > long };
    }
  }
  return out;
}

/** One debt an in-kind exit repays: `owed` of `token` pulled by `module` from the caller, who approves `approve`. */
export interface ExitDebt {
  module: string;
  kind: ModuleKind;
  token: string;
  /** The module's whole debt in `token`. */
  debt: bigint;
  /** The exiting holder's slice: ceil(debt · shares / supply). */
  owed: bigint;
  /** The allowance to grant: `owed` plus the margin (approvalFor). */
  approve: bigint;
}

/** Every debt slice an in-kind exit of `shares` repays (supply = totalSupply + the vault's virtual shares). */
export function exitDebts(modules: ModuleView[], shares: bigint, supply: bigint): ExitDebt[] {
  const out: ExitDebt[] = [];
  for (const m of modules) {
    m.report?.debtAmounts.forEach((debt, i) => {
      if (debt === 0n || m.tokens[i] === undefined) return;
      const owed = owedForExit(debt, shares, supply);
      if (owed === 0n) return;
      out.push({ module: m.address, kind: m.kind, token: m.tokens[i], debt, owed, approve: approvalFor(owed) });
    });
  }
  return out;
}

export const PROTOCOL_NAME: Record<ModuleKind, string> = {
  "uniswap-v3": "Uniswap V3",
  "aave-v3": "Aave",
  unknown: "a position module",
};

/**
 * Why an in-kind exit cannot repay its debt slices from the caller's balances (`held`, by lower-cased token), or
 * undefined when it can: "The vault owes 2 WETH on Aave; your slice is 1 WETH and you hold 0.5 WETH: get WETH or use
 * Withdraw." Slices of the same token owed to several modules are summed.
 */
export function exitShortfall(
  debts: ExitDebt[],
  held: Map<string, bigint>,
  tokens: Record<string, TokenInfo>,
): string | undefined {
  const byToken = new Map<string, ExitDebt[]>();
  for (const o of debts) byToken.set(o.token.toLowerCase(), [...(byToken.get(o.token.toLowerCase()) ?? []), o]);
  for (const [token, list] of byToken) {
    const need = list.reduce((sum, o) => sum + o.owed, 0n);
    const have = held.get(token) ?? 0n;
    if (have >= need) continue;
    const info = tokens[token];
    const text = (units: bigint) => (info ? formatAmount(units, info, 6) : `${units} units`);
    const debt = list.reduce((sum, o) => sum + o.debt, 0n);
    return `The vault owes ${text(debt)} on ${PROTOCOL_NAME[list[0].kind]}; your slice is ${text(need)} and you hold ${text(have)}: get ${info?.symbol ?? "that token"} or use Withdraw.`;
  }
  return undefined;
}
