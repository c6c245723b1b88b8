/**
 * Aave-style collateralised debt: health factor, its value under a price shock, and the shock that liquidates.
 *
 * Health factor HF = Σ collateral_i · price_i · LT_i / Σ debt_j · price_j, LT = liquidation threshold (a fraction,
 * `liquidationThresholdBps` / 1e4 as Aave stores it). The position can be liquidated when HF < 1.
 */
import { ValidationError } from "../errors.ts";

/** One collateral deposit. */
export interface CollateralLeg {
  readonly asset: string;
  /** Whole tokens deposited. */
  readonly amountToken: number;
  /** Liquidation threshold in bps (Aave V3 WETH: 8250 = 82.5 %). */
  readonly liquidationThresholdBps: number;
}

/** One borrowed asset. */
export interface DebtLeg {
  readonly asset: string;
  /** Whole tokens owed (principal plus accrued interest). */
  readonly amountToken: number;
}

/** A lending account: collateral and debt together (Aave aggregates them per account). */
export interface LendingAccount {
  readonly collateral: readonly CollateralLeg[];
  readonly debt: readonly DebtLeg[];
}

function price(pricesUsd: Readonly<Record<string, number>>, asset: string): number {
  const p = pricesUsd[asset];
  if (p === undefined || !(p >= 0)) throw new ValidationError("missing or negative price", { asset, price: p });
  return p;
}

/** Collateral value weighted by liquidation thresholds, USD: Σ amount · price · LT. */
export function thresholdCollateralUsd(a: LendingAccount, pricesUsd: Readonly<Record<string, number>>): number {
  let s = 0;
  for (const c of a.collateral) s += c.amountToken * price(pricesUsd, c.asset) * (c.liquidationThresholdBps / 1e4);
  return s;
}

/** Debt value, USD: Σ amount · price. */
export function debtUsd(a: LendingAccount, pricesUsd: Readonly<Record<string, number>>): number {
  let s = 0;
  for (const d of a.debt) s += d.amountToken * price(pricesUsd, d.asset);
  return s;
}

/** Net value (collateral minus debt at market), USD: what the account is worth to its owner before liquidation. */
export function lendingNetValueUsd(a: LendingAccount, pricesUsd: Readonly<Record<string, number>>): number {
  let s = 0;
  for (const c of a.collateral) s += c.amountToken * price(pricesUsd, c.asset);
  return s - debtUsd(a, pricesUsd);
}

/** Health factor Σ collateral·price·LT / Σ debt·price; +Infinity without debt. Liquidatable below 1. */
export function healthFactor(a: LendingAccount, pricesUsd: Readonly<Record<string, number>>): number {
  const d = debtUsd(a, pricesUsd);
  const c = thresholdCollateralUsd(a, pricesUsd);
  return d > 0 ? c / d : Number.POSITIVE_INFINITY;
}

/** Health factor after multiplying the price of `asset` by (1 + `shock`), e.g. shock = -0.3 for a 30 % fall. */
export function healthFactorAfterShock(
  a: LendingAccount,
  pricesUsd: Readonly<Record<string, number>>,
  asset: string,
  shock: number,
): number {
  return healthFactor(a, { ...pricesUsd, [asset]: price(pricesUsd, asset) * (1 + shock) });
}

/**
 * The relative move of `asset`'s price (e.g. -0.42) at which the health factor reaches exactly 1, all other prices
 * fixed; null when no move of that asset can liquidate (or the account is liquidatable at any price).
 * HF(m) = (m·Cₐ + C₀)/(m·Dₐ + D₀) is a ratio of affine functions of the price multiplier m, so HF = 1 solves in closed
 * form: m = (D₀ - C₀)/(Cₐ - Dₐ). Why: the distance to liquidation in one number, for limits and stress reports.
 */
export function liquidationShock(
  a: LendingAccount,
  pricesUsd: Readonly<Record<string, number>>,
  asset: string,
): number | null {
  let cA = 0;
  let c0 = 0;
  let dA = 0;
  let d0 = 0;
  for (const c of a.collateral) {
    const v = c.amountToken * price(pricesUsd, c.asset) * (c.liquidationThresholdBps / 1e4);
    if (c.asset === asset) cA += v;
    else c0 += v;
  }
  for (const d of a.debt) {
    const v = d.amountToken * price(pricesUsd, d.asset);
    if (d.asset === asset) dA += v;
    else d0 += v;
  }
  const slope = cA - dA;
  if (slope === 0) return null;
  const m = (d0 - c0) / slope;
  if (!(m >= 0) || !Number.isFinite(m)) return null;
  return m - 1;
}
