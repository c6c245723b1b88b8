// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The vault-wide limits, one struct, checked after every rebalance. Ratios in bps of NAV (1e4 = 100 %).
/// Tightening = a `max*` going down, `minIdleBps`, `cooldownSeconds`, `windowSeconds` or `drawdownWindowSeconds` going
/// up, `depositCap` going down.
struct RiskParams {
    uint16 maxTurnoverBps; // sum of the trades' input value (oracle) per rebalance, bps of NAV before
    uint16 maxWindowTurnoverBps; // the same, summed over the rolling window
    uint16 maxSlippageBps; // per trade: minAmountOut may sit at most this far below the oracle-implied output
    uint16 maxWindowSlippageBps; // realised slippage (oracle value lost) summed over the rolling window, bps of NAV
    uint16 minIdleBps; // idle base asset kept for withdrawals, bps of NAV
    uint16 maxDrawdownBps; // NAV-per-share fall from the window's high-water mark that trips the breaker
    uint16 minHealthFactorBps; // every module's protocol health factor stays at or above this (15000 = 1.5)
    uint16 maxGrossLeverageBps; // Σ long positions at oracle value / NAV (10000 = unlevered)
    uint16 maxNetDeltaBps; // |spot + LP + collateral − debt| of each non-base asset at oracle value, bps of NAV
    uint16 maxShortGammaBps; // LP short gamma ½·|Γ|·P² in USD, bps of NAV (loss ≈ shortGamma · r² for a move r)
    uint32 cooldownSeconds; // minimum time between two rebalances
    uint32 windowSeconds; // length of the rolling window of turnover and slippage
    uint32 drawdownWindowSeconds; // how long a high-water mark of NAV per share stands (drawdown breaker)
    uint128 depositCap; // NAV ceiling for deposits, in base-asset units
}

/// @notice One trade of a rebalance plan, executed through a whitelisted swap adapter.
struct Trade {
    address adapter;
    address tokenIn;
    address tokenOut;
    uint256 amountIn; // token-in decimals
    uint256 minAmountOut; // token-out decimals; must be >= the vault's own oracle floor
    bytes data; // adapter route (Uniswap V3: encoded path)
}

/// @notice One whitelisted asset as the budget sees it. Values in base-asset units; 0 where the price is unusable.
struct AssetView {
    address asset;
    address feed;
    uint32 maxStalenessSeconds;
    uint16 maxWeightBps;
    bytes32 protocolId;
    uint16 protocolCapBps;
    uint256 balance;
    uint256 priceWad; // USD per whole token, 1e18 fixed point (0 when the feed is unusable)
    uint256 valueBase;
    bool priceOk;
}

/// @notice The whole risk budget and its current use, in one call (for the optimizer, the keeper and the UI).
struct BudgetView {
    RiskParams params;
    address baseAsset;
    AssetView base;
    AssetView[] assets;
    uint256 nav; // base-asset units, oracle prices (0 when a price is unusable)
    bool pricesOk;
    uint256 windowTurnoverPpm;
    uint256 windowSlippagePpm;
    uint256 sharePriceWad;
    uint256 highWaterMarkWad;
    uint256 highWaterMarkAt;
    bool breakerTripped;
    uint256 lastRebalanceAt;
    uint256 nextRebalanceAt;
    bool paused;
    bool shutdown;
}

/// @title IBallastVault
/// @notice The Ballast-specific surface of the vault beyond ERC-4626.
interface IBallastVault {
    /// @notice One step of a rebalance: a swap (`expectedOut` = the oracle-implied output) or an action on a position
    /// module (`expectedOut` 0). Emitted by the linked BookLib in the vault's context; declared here, in the vault's
    /// ABI.
    event TradeExecuted(
        bytes32 indexed planId,
        uint256 index,
        address indexed adapter,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 expectedOut
    );

    /// @notice Keeper only: executes `trades` through whitelisted adapters, then checks the whole risk budget on the
    /// result at oracle prices; reverts with the first limit broken. `planId` is usable once; `deadline` bounds when.
    function rebalance(Trade[] calldata trades, bytes32 planId, uint256 deadline) external;

    /// @notice Burns `shares` of `owner` and pays `receiver` the same fraction of every holding. Reads no price and
    /// stays open when paused or shut down: the exit that always works.
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner
    ) external returns (address[] memory tokens, uint256[] memory amounts);

    /// @notice Anyone: observes NAV per share and trips the drawdown breaker when the fall from the high-water mark
    /// exceeds `maxDrawdownBps`. It can only make the vault safer.
    function pokeBreaker() external returns (bool tripped);
}
