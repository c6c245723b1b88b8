/**
 * Vocabulary of trade planning. Names mirror the on-chain risk budget (contracts/interfaces/IBallastVault.sol
 * `RiskParams`, `AssetView`, `BudgetView`) word for word, so that `maxTurnoverBps` here is `maxTurnoverBps` there.
 * Amounts are floats in whole-token units; every trade carries its tokens' `decimals` for the chain boundary.
 */

/** At most this many trades fit in one rebalance (on-chain `TooManyTrades(count, max)`). */
export const MAX_TRADES = 10;

/** One whitelisted asset as the budget sees it (on-chain `AssetView`). */
export interface AssetInfo {
  readonly asset: string;
  readonly decimals: number;
  /** Protocol the asset's smart-contract risk belongs to (on-chain bytes32 `protocolId`). */
  readonly protocolId: string;
  /** Cap on the asset's weight, bps of NAV (on-chain `maxWeightBps`). */
  readonly maxWeightBps: number;
  /** Cap on the summed weight of all assets of `protocolId`, bps of NAV (on-chain `protocolCapBps`). */
  readonly protocolCapBps: number;
}

/** The vault-wide limits (on-chain `RiskParams`). Ratios in bps of NAV. */
export interface RiskBudget {
  /** Σ oracle value of the trades' inputs per rebalance, bps of NAV before. */
  readonly maxTurnoverBps: number;
  /** The same summed over the rolling window. */
  readonly maxWindowTurnoverBps: number;
  /** Per trade: minAmountOut may sit at most this far below the oracle-implied output. */
  readonly maxSlippageBps: number;
  /** Realised slippage (oracle value lost) summed over the rolling window, bps of NAV. */
  readonly maxWindowSlippageBps: number;
  /** Idle base asset kept for withdrawals, bps of NAV. */
  readonly minIdleBps: number;
  /** NAV-per-share fall from the window's high-water mark that trips the breaker (not checked by the planner). */
  readonly maxDrawdownBps: number;
  /** Minimum time between two rebalances (checked by the keeper, not the planner). */
  readonly cooldownSeconds: number;
  /** Length of the rolling window. */
  readonly windowSeconds: number;
  /** How long a high-water mark of NAV per share stands (drawdown breaker; not checked by the planner). */
  readonly drawdownWindowSeconds?: number;
  /** NAV ceiling for deposits, base-asset units (not a rebalance limit). */
  readonly depositCap: number;
}

/** What the rolling window has used already (on-chain `BudgetView.windowTurnoverPpm` / `windowSlippagePpm`). */
export interface WindowUsage {
  readonly windowTurnoverPpm: number;
  readonly windowSlippagePpm: number;
}

/** Gas price parameters: cost of a swap = gasUnits · gasPriceGwei · 1e-9 · ethPriceUsd. */
export interface GasModel {
  /** Gas units one swap through an adapter costs (measured by the gas bench; ~150k for a V3 single hop). */
  readonly gasUnitsPerSwap: number;
  readonly gasPriceGwei: number;
  readonly ethPriceUsd: number;
}

/** A constant-product (x·y = k) pool of the asset against the base asset. */
export interface ConstantProductPool {
  readonly kind: "constantProduct";
  readonly reserveAssetToken: number;
  readonly reserveBaseToken: number;
  /** Fee in hundredths of a bip (3000 = 0.3 %). */
  readonly feePips: number;
}

/**
 * A concentrated-liquidity pool seen as one range around the current price: active liquidity L at the current
 * √price, valid until the price leaves [priceLowerBase, priceUpperBase]. Prices are base-asset units per asset and
 * L is in human units √(asset · base) (on-chain L · 10^-(decimals0+decimals1)/2).
 */
export interface ConcentratedPool {
  readonly kind: "concentrated";
  readonly liquidity: number;
  readonly priceBase: number;
  readonly priceLowerBase: number;
  readonly priceUpperBase: number;
  readonly feePips: number;
}

/** How a trade's price impact is modelled. */
export type PoolModel = ConstantProductPool | ConcentratedPool;

/** One executable trade, in execution order. */
export interface PlannedTrade {
  /** Position in the plan (execution order, 0-based): the `tradeIndex` of on-chain errors. */
  readonly index: number;
  readonly side: "sell" | "buy";
  readonly tokenIn: string;
  readonly tokenOut: string;
  /** Route through the base asset: [tokenIn, tokenOut] when one side is the base, [tokenIn, base, tokenOut] otherwise. */
  readonly path: readonly string[];
  readonly decimalsIn: number;
  readonly decimalsOut: number;
  /** Whole tokens of `tokenIn`. */
  readonly amountIn: number;
  /** Expected output under the pool model, whole tokens of `tokenOut`. */
  readonly expectedAmountOut: number;
  /** amountIn · oraclePriceIn/oraclePriceOut · (1 - maxSlippageBps/1e4): from oracle prices, never pool prices. */
  readonly minAmountOut: number;
  /** Oracle value of the input, USD (counts toward turnover). */
  readonly valueInUsd: number;
  /** Expected oracle value lost (input value - output value at oracle prices), USD; fee + impact + pool/oracle gap. */
  readonly slippageUsd: number;
  /** slippageUsd / valueInUsd · 1e4. */
  readonly expectedSlippageBps: number;
  /** Pure price impact of the pool curve (fee excluded), bps. */
  readonly priceImpactBps: number;
  /** Pool fee paid, USD. */
  readonly feeUsd: number;
  /** Gas, USD (paid by the keeper, not by the vault). */
  readonly gasCostUsd: number;
  /** slippageUsd + gasCostUsd. */
  readonly costUsd: number;
  /** Estimated benefit of the trade, USD (what it must beat). */
  readonly benefitUsd: number;
}

/** Why an asset got no trade. */
export type SkipReason = "insideBand" | "costAboveBenefit" | "tooManyTrades" | "noBalance" | "noCash";

/** An asset left alone by the planner, and why. */
export interface SkippedTrade {
  readonly asset: string;
  readonly reason: SkipReason;
  readonly driftBps: number;
  readonly detail?: string;
}

/** Names of the on-chain risk-limit errors a plan can break (ErrorsLib.sol). */
export type ViolationName =
  | "WeightAboveCap"
  | "ProtocolExposureAboveCap"
  | "TurnoverAboveCap"
  | "WindowTurnoverAboveCap"
  | "SlippageAboveCap"
  | "WindowSlippageAboveCap"
  | "IdleBelowMin"
  | "TooManyTrades";

/** One broken limit, named like the on-chain custom error, with the observed value and the cap. */
export interface BudgetViolation {
  readonly name: ViolationName;
  readonly observed: number;
  readonly cap: number;
  readonly unit: "bps" | "ppm" | "count";
  readonly asset?: string;
  readonly protocolId?: string;
  readonly tradeIndex?: number;
  readonly message: string;
}
