/**
 * Vocabulary of the non-linear book: the vault's position limits for LP and lending positions, the risk figures the
 * vault computes from its position modules (contracts/interfaces/IPositionModule.sol `ModuleReport`), and the hedge
 * actions that bring a book back inside them. Names mirror the on-chain ones word for word (`maxNetDeltaBps`,
 * `NetDeltaAboveCap`, ...).
 *
 * Units: token amounts are whole tokens (floats), values USD at oracle prices, ratios of NAV in bps (1e4 = 100 %),
 * health factors as plain ratios (1 = liquidation line; Aave's 1e18 WAD divided by 1e18).
 */
import type { Greeks, Position } from "../instruments/index.ts";

/** The book's limits, as the vault's risk budget holds them (bps of NAV unless stated). */
export interface BookLimits {
  /** The vault's base asset (e.g. "USDC"): it has no net-delta limit and funds collateral top-ups. */
  readonly baseAsset: string;
  /** |net delta| of each non-base asset, bps of NAV (on-chain `NetDeltaAboveCap`). */
  readonly maxNetDeltaBps: number;
  /** Σ long values (base asset included) / NAV, bps; 10000 = unlevered (on-chain `GrossLeverageAboveCap`). */
  readonly maxGrossLeverageBps: number;
  /** Σ short gamma of the LP positions, bps of NAV (on-chain `ShortGammaAboveCap`). */
  readonly maxShortGammaBps: number;
  /** Health factor floor of every lending account, bps (15000 = 1.5; on-chain `HealthFactorBelowMin`). */
  readonly minHealthFactorBps: number;
  /**
   * Health-factor floor under every stress scenario, a plain ratio (default 1.05). Off-chain only: the vault cannot
   * see scenarios, so the optimizer keeps liquidation out of reach of the stress library on its own.
   */
  readonly minStressedHealthFactor?: number;
}

/** Default of `BookLimits.minStressedHealthFactor`: 5 % above the liquidation line after the worst stress. */
export const DEFAULT_MIN_STRESSED_HEALTH_FACTOR = 1.05;

/** Long and debt exposure to one asset. Long = spot + LP token amounts + collateral supplied. */
export interface AssetExposure {
  readonly asset: string;
  readonly priceUsd: number;
  readonly spotToken: number;
  readonly lpToken: number;
  readonly collateralToken: number;
  /** spot + LP + collateral. */
  readonly longToken: number;
  readonly debtToken: number;
  /** long − debt: what the net delta is made of. */
  readonly netToken: number;
  readonly longUsd: number;
  readonly debtUsd: number;
  readonly netUsd: number;
}

/** One lending account (one `LendingPosition`: one Aave account, one module's `healthFactorWad`). */
export interface LendingRisk {
  /** Index in the positions array. */
  readonly positionIndex: number;
  readonly id?: string;
  readonly collateralUsd: number;
  /** Σ collateral · price · liquidation threshold. */
  readonly thresholdCollateralUsd: number;
  readonly debtUsd: number;
  /** thresholdCollateralUsd / debtUsd; +Infinity without debt. */
  readonly healthFactor: number;
}

/** One Uniswap V3 position. */
export interface LpRisk {
  readonly positionIndex: number;
  readonly id?: string;
  readonly valueUsd: number;
  readonly amount0Token: number;
  readonly amount1Token: number;
  readonly inRange: boolean;
  /** ½·|∂²V/∂P²|·P² in USD = L·√P/4 (token1) · price1; 0 out of range. Loss for a relative move r ≈ shortGamma·r². */
  readonly shortGammaUsd: number;
}

/** The book revalued after one stress shock (full revaluation: LP amounts recomputed at the shocked prices). */
export interface StressOutcome {
  readonly name: string;
  readonly navUsd: number;
  readonly pnlUsd: number;
  /** pnlUsd / base NAV, bps. */
  readonly pnlBps: number;
  /** Health factor of each lending account after the shock, in `BookRisk.lending` order. */
  readonly healthFactors: readonly number[];
  /** The lowest of `healthFactors` (+Infinity when no account owes anything). */
  readonly minHealthFactor: number;
  /** Some account's health factor is below 1 after the shock: it could be liquidated. */
  readonly liquidatable: boolean;
}

/** Outcome of a stress set. */
export interface BookStress {
  readonly scenarios: readonly StressOutcome[];
  /** Lowest health factor over every scenario and account (+Infinity without debt or scenarios). */
  readonly minHealthFactor: number;
  /** The scenario that produces `minHealthFactor` (the first one on ties; null when no scenario has debt). */
  readonly worstScenario: string | null;
  readonly anyLiquidatable: boolean;
}

/** Names of the broken limits: the on-chain custom errors, plus the off-chain stressed-health-factor floor. */
export type BookBreachName =
  | "HealthFactorBelowMin"
  | "GrossLeverageAboveCap"
  | "NetDeltaAboveCap"
  | "ShortGammaAboveCap"
  | "StressedHealthFactorBelowMin";

/** One broken limit with the observed value and the limit. */
export interface BookBreach {
  readonly name: BookBreachName;
  readonly observed: number;
  readonly limit: number;
  /** "bps" of NAV, or "ratio" for health factors. */
  readonly unit: "bps" | "ratio";
  readonly asset?: string;
  /** Lending account the health-factor breaches are about. */
  readonly positionIndex?: number;
  /** Stress scenario of a StressedHealthFactorBelowMin breach. */
  readonly scenario?: string;
  readonly message: string;
}

/** Risk of a book at the oracle prices, as the vault computes it after a rebalance. */
export interface BookRisk {
  /** Σ long − Σ debt, USD. */
  readonly navUsd: number;
  /** Σ long values over every asset (base included), USD. */
  readonly longUsd: number;
  readonly debtUsd: number;
  /** Per asset, sorted by name. */
  readonly assets: readonly AssetExposure[];
  /** netUsd / NAV in bps, per non-base asset (per asset when no base asset is known). Signed. */
  readonly netDeltaBps: Readonly<Record<string, number>>;
  /** longUsd / NAV, bps. */
  readonly grossLeverageBps: number;
  readonly shortGammaUsd: number;
  readonly shortGammaBps: number;
  /** Lowest health factor of the lending accounts (+Infinity without debt). */
  readonly healthFactor: number;
  readonly lending: readonly LendingRisk[];
  readonly lps: readonly LpRisk[];
  /** From instruments' portfolioGreeks (delta in tokens, gamma d²V/dP² per asset). */
  readonly greeks: Greeks;
  /** Present when a stress set was given. */
  readonly stress?: BookStress;
  /** Empty when no limits were given or every limit holds. */
  readonly breaches: readonly BookBreach[];
}

/** A lending action on the account at `positionIndex` (index into the post-hedge positions). */
export interface LendingAction {
  readonly kind: "supply" | "withdraw" | "borrow" | "repay";
  readonly positionIndex: number;
  readonly asset: string;
  readonly amountToken: number;
  readonly reason: string;
}

/** A swap at the oracle price less `swapCostBps`. */
export interface SwapAction {
  readonly kind: "swap";
  readonly assetIn: string;
  readonly amountInToken: number;
  readonly assetOut: string;
  readonly amountOutToken: number;
  readonly reason: string;
}

/** Burning or minting Uniswap V3 liquidity: a range change is a burn then a mint at `positionIndex`. */
export interface LpAction {
  readonly kind: "lpBurn" | "lpMint";
  readonly positionIndex: number;
  readonly token0: string;
  readonly token1: string;
  readonly tickLower: number;
  readonly tickUpper: number;
  readonly liquidityRaw: number;
  readonly amount0Token: number;
  readonly amount1Token: number;
  readonly reason: string;
}

/** One step of a hedge, in execution order. */
export type BookAction = LendingAction | SwapAction | LpAction;

/** What stopped a hedge short of its target ("target" when nothing did). */
export type HedgeBinding =
  | "target"
  | "HealthFactorBelowMin"
  | "StressedHealthFactorBelowMin"
  | "GrossLeverageAboveCap"
  | "ShortGammaAboveCap"
  | "fullRange"
  | "idleBase";

/** The delta hedge of one non-base asset. */
export interface DeltaHedgeReport {
  readonly asset: string;
  /** Net delta when this step starts: after the gamma step (a re-minted LP holds different amounts). */
  readonly netDeltaBpsBefore: number;
  readonly targetNetDeltaBps: number;
  readonly netDeltaBpsAfter: number;
  /** Tokens of the asset sold (> 0) or bought (< 0) in all, and the part that was needed to reach the target. */
  readonly tradedToken: number;
  readonly neededToken: number;
  /** Of `tradedToken`: collateral withdrawn to repay base-asset debt (deleveraging). */
  readonly deleveragedToken: number;
  /** Of `tradedToken`: collateral withdrawn, sold and supplied back as base-asset collateral. */
  readonly collateralSwappedToken: number;
  /** Of `tradedToken`: borrowed and sold against base-asset collateral. */
  readonly borrowedToken: number;
  /** Of a buy: debt of the asset repaid. */
  readonly repaidToken: number;
  /** Idle base asset supplied as extra collateral, whole tokens. */
  readonly extraCollateralToken: number;
  readonly binding: HedgeBinding;
  /** false when even the best size leaves a health-factor or leverage limit broken. */
  readonly feasible: boolean;
}

/** The range change of one LP position. */
export interface GammaHedgeReport {
  readonly positionIndex: number;
  readonly tickLowerBefore: number;
  readonly tickUpperBefore: number;
  readonly tickLowerAfter: number;
  readonly tickUpperAfter: number;
  readonly shortGammaUsdBefore: number;
  readonly shortGammaUsdAfter: number;
  readonly valueUsdBefore: number;
  readonly valueUsdAfter: number;
  /** "ShortGammaAboveCap": narrowest range under the cap; "fullRange": even the full range is above it. */
  readonly binding: "ShortGammaAboveCap" | "fullRange";
}

/** Idle base asset supplied to an account whose (stressed) health factor was below its floor. */
export interface CollateralTopUpReport {
  readonly positionIndex: number;
  readonly suppliedToken: number;
  readonly binding: "target" | "idleBase";
}

/** A book and its risk. */
export interface BookState {
  readonly positions: readonly Position[];
  readonly risk: BookRisk;
}

/** Result of `planBookHedge`. */
export interface BookHedgePlan {
  readonly actions: readonly BookAction[];
  readonly gamma: readonly GammaHedgeReport[];
  readonly delta: readonly DeltaHedgeReport[];
  readonly collateral: readonly CollateralTopUpReport[];
  readonly before: BookState;
  /** bookRisk of the post-hedge book, with the same limits and stress set; `risk.breaches` is what is left. */
  readonly after: BookState;
}

/** Positions a book may hold: what the vault can hold through its modules (no options). */
export type BookPosition = Exclude<Position, { kind: "option" }>;
