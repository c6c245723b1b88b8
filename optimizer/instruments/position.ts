/**
 * The `Position` union, full revaluation of one position against a market state, and per-position and portfolio
 * Greeks. Values are in USD; deltas are in units of the asset whose price moves (dV/dP), gammas are the diagonal
 * second derivatives d²V/dP² (asset units per USD), vegas are dV/dσ per 1.00 of a parallel shift of the underlying's
 * smile, theta is dV/dt in USD per year. Sums over positions give the portfolio Greeks.
 */
import { bsGreeks, forwardUsd, smileVol, type OptionType, type VolSmile } from "./blackScholes.ts";
import { lpValueUsd, toHumanRange, amountsForLiquidity } from "./uniswapV3.ts";
import { lendingNetValueUsd, type CollateralLeg, type DebtLeg } from "./lending.ts";
import { ValidationError } from "../errors.ts";

/** Tokens held outright (negative = short through a borrow elsewhere, rarely used). */
export interface SpotPosition {
  readonly kind: "spot";
  readonly id?: string;
  readonly asset: string;
  readonly amountToken: number;
}

/** A European option on `underlying`; `quantity` in units of underlying, negative when written (short). */
export interface OptionPosition {
  readonly kind: "option";
  readonly id?: string;
  readonly underlying: string;
  readonly optionType: OptionType;
  readonly strikeUsd: number;
  readonly expiryYears: number;
  readonly quantity: number;
}

/** A Uniswap V3 range position in the token0/token1 pool. */
export interface UniswapV3Position {
  readonly kind: "uniswapV3";
  readonly id?: string;
  readonly token0: string;
  readonly token1: string;
  readonly decimals0: number;
  readonly decimals1: number;
  readonly tickLower: number;
  readonly tickUpper: number;
  /** On-chain liquidity L (raw units). */
  readonly liquidityRaw: number;
}

/** An Aave-style lending account: collateral with liquidation thresholds, and debt. */
export interface LendingPosition {
  readonly kind: "lending";
  readonly id?: string;
  readonly collateral: readonly CollateralLeg[];
  readonly debt: readonly DebtLeg[];
}

/** Anything the book can hold. Discriminated by `kind`. */
export type Position = SpotPosition | OptionPosition | UniswapV3Position | LendingPosition;

/** Prices and volatilities to value a book at. */
export interface MarketState {
  /** USD per whole token, oracle prices. */
  readonly pricesUsd: Readonly<Record<string, number>>;
  /** Volatility smile per underlying (required for options on that underlying). */
  readonly smiles?: Readonly<Record<string, VolSmile>>;
  /** Risk-free (USD funding) rate, continuously compounded, per year. */
  readonly rateAnnual: number;
  /** Carry (staking yield) per underlying, per year (default 0). */
  readonly yieldsAnnual?: Readonly<Record<string, number>>;
}

/** Greeks of a position or a portfolio. Records are keyed by asset; absent keys are zero. */
export interface Greeks {
  readonly valueUsd: number;
  readonly delta: Record<string, number>;
  readonly gamma: Record<string, number>;
  readonly vega: Record<string, number>;
  /** USD per year. */
  readonly theta: number;
  /** Σ delta·price: USD gained per +100 % move of every price together (the book's net directional exposure). */
  readonly dollarDeltaUsd: number;
}

/** The price of `asset` in `market`, or a ValidationError naming the asset. */
export function priceOf(market: MarketState, asset: string): number {
  const p = market.pricesUsd[asset];
  if (p === undefined || !(p > 0) || !Number.isFinite(p)) {
    throw new ValidationError("missing or non-positive price", { asset, priceUsd: p });
  }
  return p;
}

/** The smile of `underlying`, or a ValidationError naming it. */
export function smileOf(market: MarketState, underlying: string): VolSmile {
  const s = market.smiles?.[underlying];
  if (!s) throw new ValidationError("missing volatility smile", { underlying });
  return s;
}

/** Volatility an option position is valued at: its strike's point on the underlying's smile at today's forward. */
export function optionVol(p: OptionPosition, market: MarketState): number {
  const spot = priceOf(market, p.underlying);
  const q = market.yieldsAnnual?.[p.underlying] ?? 0;
  return smileVol(smileOf(market, p.underlying), p.strikeUsd, forwardUsd(spot, p.expiryYears, market.rateAnnual, q));
}

/** Full revaluation of one position, USD (options by Black-Scholes on the smile, LPs by the V3 formulas). */
export function revalue(p: Position, market: MarketState): number {
  return positionGreeks(p, market).valueUsd;
}

function add(rec: Record<string, number>, k: string, v: number): void {
  rec[k] = (rec[k] ?? 0) + v;
}

function dollarDelta(delta: Record<string, number>, market: MarketState): number {
  let s = 0;
  for (const [k, v] of Object.entries(delta)) s += v * priceOf(market, k);
  return s;
}

/** Value and Greeks of one position at `market` (closed form; options sticky-strike). */
export function positionGreeks(p: Position, market: MarketState): Greeks {
  const delta: Record<string, number> = {};
  const gamma: Record<string, number> = {};
  const vega: Record<string, number> = {};
  let valueUsd: number;
  let theta = 0;
  switch (p.kind) {
    case "spot": {
      valueUsd = p.amountToken * priceOf(market, p.asset);
      add(delta, p.asset, p.amountToken);
      break;
    }
    case "option": {
      const g = bsGreeks({
        type: p.optionType,
        spotUsd: priceOf(market, p.underlying),
        strikeUsd: p.strikeUsd,
        expiryYears: p.expiryYears,
        volAnnual: optionVol(p, market),
        rateAnnual: market.rateAnnual,
        yieldAnnual: market.yieldsAnnual?.[p.underlying] ?? 0,
      });
      valueUsd = p.quantity * g.priceUsd;
      add(delta, p.underlying, p.quantity * g.delta);
      add(gamma, p.underlying, p.quantity * g.gamma);
      add(vega, p.underlying, p.quantity * g.vega);
      theta = p.quantity * g.theta;
      break;
    }
    case "uniswapV3": {
      const h = toHumanRange(p);
      const p0 = priceOf(market, p.token0);
      const p1 = priceOf(market, p.token1);
      valueUsd = lpValueUsd(h, p0, p1);
      const s = Math.sqrt(p0 / p1);
      const a = amountsForLiquidity(s, h.sqrtLower, h.sqrtUpper, h.liquidity);
      // Envelope property: dV/dP0 = amount0, dV/dP1 = amount1.
      add(delta, p.token0, a.amount0);
      add(delta, p.token1, a.amount1);
      // V is homogeneous of degree 1 in (P0, P1): V00 = -L/(2 p^{3/2})/P1 in range, V11 = V00·P0²/P1².
      const inRange = s > h.sqrtLower && s < h.sqrtUpper;
      const g00 = inRange ? -h.liquidity / (2 * (p0 / p1) * s) / p1 : 0;
      add(gamma, p.token0, g00);
      add(gamma, p.token1, (g00 * p0 * p0) / (p1 * p1));
      break;
    }
    case "lending": {
      valueUsd = lendingNetValueUsd(p, market.pricesUsd);
      for (const c of p.collateral) add(delta, c.asset, c.amountToken);
      for (const d of p.debt) add(delta, d.asset, -d.amountToken);
      break;
    }
    default: {
      const never: never = p;
      throw new ValidationError("unknown position kind", { position: never });
    }
  }
  return { valueUsd, delta, gamma, vega, theta, dollarDeltaUsd: dollarDelta(delta, market) };
}

/** Portfolio Greeks: the sum of the positions' Greeks (per asset for delta, gamma and vega). */
export function portfolioGreeks(book: readonly Position[], market: MarketState): Greeks {
  const delta: Record<string, number> = {};
  const gamma: Record<string, number> = {};
  const vega: Record<string, number> = {};
  let valueUsd = 0;
  let theta = 0;
  for (const p of book) {
    const g = positionGreeks(p, market);
    valueUsd += g.valueUsd;
    theta += g.theta;
    for (const [k, v] of Object.entries(g.delta)) add(delta, k, v);
    for (const [k, v] of Object.entries(g.gamma)) add(gamma, k, v);
    for (const [k, v] of Object.entries(g.vega)) add(vega, k, v);
  }
  return { valueUsd, delta, gamma, vega, theta, dollarDeltaUsd: dollarDelta(delta, market) };
}

/** Assets whose prices a position depends on (to check a scenario covers the book). */
export function positionAssets(p: Position): string[] {
  switch (p.kind) {
    case "spot":
      return [p.asset];
    case "option":
      return [p.underlying];
    case "uniswapV3":
      return [p.token0, p.token1];
    case "lending":
      return [...new Set([...p.collateral.map((c) => c.asset), ...p.debt.map((d) => d.asset)])];
  }
}
