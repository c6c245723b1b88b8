/**
 * Risk of a non-linear book (spot, Uniswap V3 ranges, Aave-style lending) computed the way the vault checks it after
 * every rebalance, from its position modules' reports at oracle prices:
 *
 *   long_a   = spot_a + LP token amounts_a + collateral_a          (whole tokens; uncollected LP fees: pass as spot)
 *   NAV      = Σ_a long_a·P_a − Σ_a debt_a·P_a                      (USD)
 *   netDelta = (long_a − debt_a)·P_a / NAV                          (bps, per non-base asset; limit |·| ≤ maxNetDeltaBps)
 *   gross    = Σ_a long_a·P_a / NAV                                 (bps, base asset included; 10000 = unlevered)
 *   Γshort   = Σ_LP in range L·√P/4 (token1) · P_1                  (USD; ½·|∂²V/∂P²|·P²; bps of NAV)
 *   HF       = Σ collateral·P·LT / Σ debt·P                         (per lending account; +∞ without debt)
 *
 * and, under a set of stress shocks, the same book revalued in full (LP amounts recomputed at the shocked pool
 * price, lending legs at the shocked prices): NAV, P&L and every account's health factor.
 */
import { ValidationError } from "../errors.ts";
import {
  MAX_TICK,
  MIN_TICK,
  amountsForLiquidity,
  portfolioGreeks,
  toHumanRange,
  type CollateralLeg,
  type DebtLeg,
  type MarketState,
  type Position,
} from "../instruments/index.ts";
import { STABLECOINS, stressLibrary, type StressLibraryOptions, type StressShock } from "../scenarios/stress.ts";
import {
  DEFAULT_MIN_STRESSED_HEALTH_FACTOR,
  type AssetExposure,
  type BookBreach,
  type BookLimits,
  type BookPosition,
  type BookRisk,
  type BookStress,
  type LendingRisk,
  type LpRisk,
  type StressOutcome,
} from "./types.ts";

const EPS_BPS = 1e-9;
const EPS_HF = 1e-12;

function invalid(field: string, problem: string, value?: unknown): ValidationError {
  return new ValidationError(problem, value === undefined ? { field } : { field, value });
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function checkAmount(x: unknown, field: string): void {
  if (!isFiniteNumber(x) || x < 0) throw invalid(field, "must be a finite number ≥ 0", x);
}

function checkAsset(x: unknown, field: string): void {
  if (typeof x !== "string" || x === "") throw invalid(field, "must be a non-empty asset symbol", x);
}

/** Validates the positions of a book (spot, uniswapV3, lending only: the vault holds no options). */
export function validateBookPositions(positions: readonly Position[]): asserts positions is readonly BookPosition[] {
  if (!Array.isArray(positions)) throw invalid("positions", "must be an array", positions);
  positions.forEach((p, i) => {
    const f = `positions[${i}]`;
    if (p === null || typeof p !== "object") throw invalid(f, "must be an object", p);
    switch (p.kind) {
      case "spot":
        checkAsset(p.asset, `${f}.asset`);
        checkAmount(p.amountToken, `${f}.amountToken`);
        break;
      case "uniswapV3": {
        checkAsset(p.token0, `${f}.token0`);
        checkAsset(p.token1, `${f}.token1`);
        if (p.token0 === p.token1) throw invalid(`${f}.token1`, "must differ from token0", p.token1);
        for (const k of ["decimals0", "decimals1"] as const) {
          if (!Number.isInteger(p[k]) || p[k] < 0 || p[k] > 36) throw invalid(`${f}.${k}`, "must be 0..36", p[k]);
        }
        for (const k of ["tickLower", "tickUpper"] as const) {
          if (!Number.isInteger(p[k]) || p[k] < MIN_TICK || p[k] > MAX_TICK) {
            throw invalid(`${f}.${k}`, `must be an integer tick in [${MIN_TICK}, ${MAX_TICK}]`, p[k]);
          }
        }
        if (p.tickLower >= p.tickUpper) throw invalid(`${f}.tickUpper`, "must be above tickLower", p.tickUpper);
        checkAmount(p.liquidityRaw, `${f}.liquidityRaw`);
        break;
      }
      case "lending":
        if (!Array.isArray(p.collateral)) throw invalid(`${f}.collateral`, "must be an array", p.collateral);
        if (!Array.isArray(p.debt)) throw invalid(`${f}.debt`, "must be an array", p.debt);
        p.collateral.forEach((c: CollateralLeg, j: number) => {
          checkAsset(c.asset, `${f}.collateral[${j}].asset`);
          checkAmount(c.amountToken, `${f}.collateral[${j}].amountToken`);
          const lt = c.liquidationThresholdBps;
          if (!isFiniteNumber(lt) || lt < 0 || lt > 1e4) {
            throw invalid(`${f}.collateral[${j}].liquidationThresholdBps`, "must be in [0, 10000]", lt);
          }
        });
        p.debt.forEach((d: DebtLeg, j: number) => {
          checkAsset(d.asset, `${f}.debt[${j}].asset`);
          checkAmount(d.amountToken, `${f}.debt[${j}].amountToken`);
        });
        break;
      case "option":
        throw invalid(`${f}.kind`, "the vault holds no options: a book holds spot, uniswapV3 and lending", p.kind);
      default:
        throw invalid(`${f}.kind`, "unknown position kind", (p as { kind: unknown }).kind);
    }
  });
}

/** Assets a book's value depends on, sorted. */
export function bookAssets(positions: readonly Position[]): string[] {
  const s = new Set<string>();
  for (const p of positions) {
    if (p.kind === "spot") s.add(p.asset);
    else if (p.kind === "uniswapV3") s.add(p.token0).add(p.token1);
    else if (p.kind === "lending") {
      for (const c of p.collateral) s.add(c.asset);
      for (const d of p.debt) s.add(d.asset);
    } else s.add(p.underlying);
  }
  return [...s].sort();
}

function validatePrices(market: MarketState, assets: readonly string[]): void {
  if (market === null || typeof market !== "object" || typeof market.pricesUsd !== "object") {
    throw invalid("market.pricesUsd", "must be a record of USD prices", market);
  }
  for (const a of assets) {
    const p = market.pricesUsd[a];
    if (!isFiniteNumber(p) || !(p > 0)) throw invalid(`market.pricesUsd.${a}`, "missing or non-positive price", p);
  }
}

/** Validates limits (bps ≥ 0, health factors > 0). */
export function validateBookLimits(limits: BookLimits, market: MarketState): void {
  checkAsset(limits.baseAsset, "limits.baseAsset");
  validatePrices(market, [limits.baseAsset]);
  for (const k of ["maxNetDeltaBps", "maxGrossLeverageBps", "maxShortGammaBps", "minHealthFactorBps"] as const) {
    const v = limits[k];
    if (!isFiniteNumber(v) || v < 0) throw invalid(`limits.${k}`, "must be a finite number ≥ 0 (bps)", v);
  }
  const s = limits.minStressedHealthFactor;
  if (s !== undefined && (!isFiniteNumber(s) || !(s > 0))) {
    throw invalid("limits.minStressedHealthFactor", "must be a finite ratio > 0 (1 = liquidation line)", s);
  }
}

/** Validates a stress set against the book's assets (other assets may be named and are ignored). */
export function validateStress(stress: readonly StressShock[], assets: readonly string[]): void {
  if (!Array.isArray(stress)) throw invalid("stress", "must be an array of shocks", stress);
  stress.forEach((s, k) => {
    if (typeof s?.name !== "string") throw invalid(`stress[${k}].name`, "must be a string", s?.name);
    if (s.returns === null || typeof s.returns !== "object") {
      throw invalid(`stress[${k}].returns`, "must be a record of simple returns", s.returns);
    }
    for (const a of assets) {
      const r = s.returns[a];
      if (r !== undefined && (!isFiniteNumber(r) || r < -1)) {
        throw invalid(`stress[${k}].returns.${a}`, "must be a finite return ≥ -1", r);
      }
    }
  });
}

/**
 * The stress set for liquidation checks: the stress library's price shocks (crash, crash with vol spike, cascade,
 * stablecoin depegs, crash with depeg) less its protocol failures, plus a rally of risky assets as large as the crash.
 * Why: a short hedge (borrowed WETH) is hurt by a rally, which the library has no scenario for; and a protocol
 * failure is a jump to loss where the collateral is gone whether or not it is liquidated, so it belongs in NAV stress,
 * not in the health-factor floor (with it every account holding that asset as collateral would fail the floor).
 */
export function bookStressLibrary(assets: readonly string[], o: StressLibraryOptions = {}): StressShock[] {
  const crash = o.crash ?? 0.4;
  const risky = assets.filter((a) => !STABLECOINS.test(a));
  const lib = stressLibrary(assets, o).filter((s) => !/protocol failure/.test(s.name));
  if (risky.length > 0) {
    lib.push({
      name: `market rally +${Math.round(crash * 100)} %`,
      returns: Object.fromEntries(risky.map((a) => [a, crash])),
    });
  }
  return lib;
}

/** LP token amounts (whole tokens) and short gamma (USD) at USD prices p0, p1; tolerates zero prices (stress). */
export function lpExposure(
  p: Extract<Position, { kind: "uniswapV3" }>,
  price0Usd: number,
  price1Usd: number,
): { amount0Token: number; amount1Token: number; inRange: boolean; shortGammaUsd: number } {
  const h = toHumanRange(p);
  // √(token1 per token0); a worthless token1 puts the pool at the top of any range, a worthless token0 at the bottom.
  const s = price1Usd > 0 ? Math.sqrt(price0Usd / price1Usd) : price0Usd > 0 ? Number.POSITIVE_INFINITY : h.sqrtLower;
  const a = amountsForLiquidity(s, h.sqrtLower, h.sqrtUpper, h.liquidity);
  const inRange = s > h.sqrtLower && s < h.sqrtUpper;
  // ½·|V''|·P² of the token1 value V(P) = 2L√P − LP/√b − L√a is L·√P/4 token1.
  const shortGammaUsd = inRange ? ((h.liquidity * s) / 4) * price1Usd : 0;
  return { amount0Token: a.amount0, amount1Token: a.amount1, inRange, shortGammaUsd };
}

interface Valuation {
  readonly byAsset: Map<string, { spot: number; lp: number; collateral: number; debt: number }>;
  readonly longUsd: number;
  readonly debtUsd: number;
  readonly navUsd: number;
  readonly shortGammaUsd: number;
  readonly lps: LpRisk[];
  readonly lending: LendingRisk[];
}

function priceAt(pricesUsd: Readonly<Record<string, number>>, asset: string): number {
  return pricesUsd[asset] ?? 0;
}

/**
 * Values a validated book at `pricesUsd` (USD per whole token; zero allowed, for stress). A building block of
 * `bookRisk` and the planner's inner loops: no validation, so call `bookRisk` from outside.
 */
export function valueBook(positions: readonly BookPosition[], pricesUsd: Readonly<Record<string, number>>): Valuation {
  const byAsset = new Map<string, { spot: number; lp: number; collateral: number; debt: number }>();
  const row = (a: string) => {
    let r = byAsset.get(a);
    if (!r) byAsset.set(a, (r = { spot: 0, lp: 0, collateral: 0, debt: 0 }));
    return r;
  };
  let shortGammaUsd = 0;
  const lps: LpRisk[] = [];
  const lending: LendingRisk[] = [];
  positions.forEach((p, i) => {
    switch (p.kind) {
      case "spot":
        row(p.asset).spot += p.amountToken;
        break;
      case "uniswapV3": {
        const p0 = priceAt(pricesUsd, p.token0);
        const p1 = priceAt(pricesUsd, p.token1);
        const e = lpExposure(p, p0, p1);
        row(p.token0).lp += e.amount0Token;
        row(p.token1).lp += e.amount1Token;
        shortGammaUsd += e.shortGammaUsd;
        lps.push({ positionIndex: i, id: p.id, valueUsd: e.amount0Token * p0 + e.amount1Token * p1, ...e });
        break;
      }
      case "lending": {
        let collateralUsd = 0;
        let thresholdCollateralUsd = 0;
        let debtUsd = 0;
        for (const c of p.collateral) {
          row(c.asset).collateral += c.amountToken;
          const v = c.amountToken * priceAt(pricesUsd, c.asset);
          collateralUsd += v;
          thresholdCollateralUsd += (v * c.liquidationThresholdBps) / 1e4;
        }
        for (const d of p.debt) {
          row(d.asset).debt += d.amountToken;
          debtUsd += d.amountToken * priceAt(pricesUsd, d.asset);
        }
        const healthFactor = debtUsd > 0 ? thresholdCollateralUsd / debtUsd : Number.POSITIVE_INFINITY;
        lending.push({ positionIndex: i, id: p.id, collateralUsd, thresholdCollateralUsd, debtUsd, healthFactor });
        break;
      }
    }
  });
  let longUsd = 0;
  let debtUsd = 0;
  for (const [a, r] of byAsset) {
    const px = priceAt(pricesUsd, a);
    longUsd += (r.spot + r.lp + r.collateral) * px;
    debtUsd += r.debt * px;
  }
  return { byAsset, longUsd, debtUsd, navUsd: longUsd - debtUsd, shortGammaUsd, lps, lending };
}

/** Prices after a shock: P·(1 + r), assets the shock does not name unchanged. */
export function shockedPrices(
  pricesUsd: Readonly<Record<string, number>>,
  shock: StressShock,
  assets: readonly string[],
): Record<string, number> {
  const out: Record<string, number> = { ...pricesUsd };
  for (const a of assets) out[a] = pricesUsd[a] * (1 + (shock.returns[a] ?? 0));
  return out;
}

function minHf(lending: readonly LendingRisk[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const l of lending) m = Math.min(m, l.healthFactor);
  return m;
}

/** Full revaluation of a validated book under each shock. */
export function stressBook(
  positions: readonly BookPosition[],
  market: MarketState,
  stress: readonly StressShock[],
  baseNavUsd: number,
): BookStress {
  const assets = bookAssets(positions);
  let minHealthFactor = Number.POSITIVE_INFINITY;
  let worstScenario: string | null = null;
  const scenarios: StressOutcome[] = stress.map((s) => {
    const v = valueBook(positions, shockedPrices(market.pricesUsd, s, assets));
    const healthFactors = v.lending.map((l) => l.healthFactor);
    const m = minHf(v.lending);
    if (m < minHealthFactor) {
      minHealthFactor = m;
      worstScenario = s.name;
    }
    const pnlUsd = v.navUsd - baseNavUsd;
    return {
      name: s.name,
      navUsd: v.navUsd,
      pnlUsd,
      pnlBps: (pnlUsd / baseNavUsd) * 1e4,
      healthFactors,
      minHealthFactor: m,
      liquidatable: m < 1,
    };
  });
  return { scenarios, minHealthFactor, worstScenario, anyLiquidatable: scenarios.some((s) => s.liquidatable) };
}

const fmtHf = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : "∞");

/**
 * The book's risk at `market`'s oracle prices, as the vault checks it; with `limits`, the broken ones (named like the
 * on-chain errors); with `stress`, the book revalued in full under each shock and the stressed health factors, checked
 * against `limits.minStressedHealthFactor` (default 1.05). Throws ValidationError naming the field on bad input and
 * when NAV ≤ 0 (on-chain `NegativeNav`; every ratio of NAV would be meaningless).
 *
 * Breaches are absolute (value vs limit). The vault's checks also let a limit stay broken when a rebalance does not
 * make it worse; compare two `bookRisk` results for that.
 */
export function bookRisk(
  positions: readonly Position[],
  market: MarketState,
  limits?: BookLimits,
  stress?: readonly StressShock[],
): BookRisk {
  validateBookPositions(positions);
  const assets = bookAssets(positions);
  validatePrices(market, assets);
  if (limits !== undefined) validateBookLimits(limits, market);
  if (stress !== undefined) validateStress(stress, assets);
  return bookRiskUnchecked(positions, market, limits, stress);
}

/** `bookRisk` without the validation (for inner loops over books built from validated ones). */
export function bookRiskUnchecked(
  positions: readonly BookPosition[],
  market: MarketState,
  limits?: BookLimits,
  stress?: readonly StressShock[],
): BookRisk {
  const v = valueBook(positions, market.pricesUsd);
  if (!(v.navUsd > 0)) {
    throw new ValidationError("NAV must be positive: debt exceeds every long position", {
      field: "positions",
      longUsd: v.longUsd,
      debtUsd: v.debtUsd,
    });
  }
  const nav = v.navUsd;
  const exposures: AssetExposure[] = [...v.byAsset.keys()].sort().map((asset) => {
    const r = v.byAsset.get(asset)!;
    const priceUsd = market.pricesUsd[asset];
    const longToken = r.spot + r.lp + r.collateral;
    const netToken = longToken - r.debt;
    return {
      asset,
      priceUsd,
      spotToken: r.spot,
      lpToken: r.lp,
      collateralToken: r.collateral,
      longToken,
      debtToken: r.debt,
      netToken,
      longUsd: longToken * priceUsd,
      debtUsd: r.debt * priceUsd,
      netUsd: netToken * priceUsd,
    };
  });
  const netDeltaBps: Record<string, number> = {};
  for (const e of exposures) if (e.asset !== limits?.baseAsset) netDeltaBps[e.asset] = (e.netUsd / nav) * 1e4;
  const grossLeverageBps = (v.longUsd / nav) * 1e4;
  const shortGammaBps = (v.shortGammaUsd / nav) * 1e4;
  const healthFactor = minHf(v.lending);
  const stressed = stress === undefined ? undefined : stressBook(positions, market, stress, nav);
  const breaches: BookBreach[] = [];
  if (limits) {
    const minHfRatio = limits.minHealthFactorBps / 1e4;
    for (const l of v.lending) {
      if (l.healthFactor < minHfRatio - EPS_HF) {
        breaches.push({
          name: "HealthFactorBelowMin",
          observed: l.healthFactor,
          limit: minHfRatio,
          unit: "ratio",
          positionIndex: l.positionIndex,
          message: `lending account #${l.positionIndex} health factor ${fmtHf(l.healthFactor)} is below ${minHfRatio}`,
        });
      }
    }
    if (grossLeverageBps > limits.maxGrossLeverageBps + EPS_BPS) {
      breaches.push({
        name: "GrossLeverageAboveCap",
        observed: grossLeverageBps,
        limit: limits.maxGrossLeverageBps,
        unit: "bps",
        message: `gross leverage ${grossLeverageBps.toFixed(1)} bps of NAV is above the cap of ${limits.maxGrossLeverageBps} bps`,
      });
    }
    for (const [asset, bps] of Object.entries(netDeltaBps)) {
      if (Math.abs(bps) > limits.maxNetDeltaBps + EPS_BPS) {
        breaches.push({
          name: "NetDeltaAboveCap",
          observed: bps,
          limit: limits.maxNetDeltaBps,
          unit: "bps",
          asset,
          message: `net delta of ${asset} is ${bps.toFixed(1)} bps of NAV, above the cap of ±${limits.maxNetDeltaBps} bps`,
        });
      }
    }
    if (shortGammaBps > limits.maxShortGammaBps + EPS_BPS) {
      breaches.push({
        name: "ShortGammaAboveCap",
        observed: shortGammaBps,
        limit: limits.maxShortGammaBps,
        unit: "bps",
        message: `short gamma ${shortGammaBps.toFixed(1)} bps of NAV is above the cap of ${limits.maxShortGammaBps} bps`,
      });
    }
    if (stressed) {
      const floor = limits.minStressedHealthFactor ?? DEFAULT_MIN_STRESSED_HEALTH_FACTOR;
      v.lending.forEach((l, k) => {
        let worst = Number.POSITIVE_INFINITY;
        let scenario = "";
        for (const s of stressed.scenarios) {
          if (s.healthFactors[k] < worst) {
            worst = s.healthFactors[k];
            scenario = s.name;
          }
        }
        if (worst < floor - EPS_HF) {
          breaches.push({
            name: "StressedHealthFactorBelowMin",
            observed: worst,
            limit: floor,
            unit: "ratio",
            positionIndex: l.positionIndex,
            scenario,
            message: `lending account #${l.positionIndex} health factor falls to ${fmtHf(worst)} under "${scenario}", below ${floor}`,
          });
        }
      });
    }
  }
  return {
    navUsd: nav,
    longUsd: v.longUsd,
    debtUsd: v.debtUsd,
    assets: exposures,
    netDeltaBps,
    grossLeverageBps,
    shortGammaUsd: v.shortGammaUsd,
    shortGammaBps,
    healthFactor,
    lending: v.lending,
    lps: v.lps,
    greeks: portfolioGreeks(positions, market),
    stress: stressed,
    breaches,
  };
}
