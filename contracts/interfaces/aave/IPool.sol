// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The part of Aave V3's `DataTypes.ReserveData` that `IPool.getReserveData` returns, in Aave V3.0's layout
/// (Aave V3.1+ returns the same layout as `ReserveDataLegacy`). Rates and indexes are in ray (1e27).
struct ReserveData {
    /// @dev Aave's `ReserveConfigurationMap` (a one-word struct): LTV, liquidation threshold, bonus, decimals, flags.
    uint256 configuration;
    uint128 liquidityIndex;
    uint128 currentLiquidityRate;
    uint128 variableBorrowIndex;
    uint128 currentVariableBorrowRate;
    uint128 currentStableBorrowRate;
    uint40 lastUpdateTimestamp;
    uint16 id;
    address aTokenAddress;
    address stableDebtTokenAddress;
    address variableDebtTokenAddress;
    address interestRateStrategyAddress;
    uint128 accruedToTreasury;
    uint128 unbacked;
    uint128 isolationModeTotalDebt;
}

/// @title IPool (Aave V3, the subset Ballast calls)
/// @notice Written from Aave V3's published Pool ABI and documentation, not copied from its sources. Amounts are in
/// the asset's own decimals; "base" values are in the market oracle's base currency (USD with 8 decimals on Aave's
/// Ethereum market and on the local replica).
interface IPool {
    /// @notice Supplies `amount` of `asset` (pulled from the caller) and credits the aTokens to `onBehalfOf`.
    function supply(address asset, uint256 amount, address onBehalfOf, uint16 referralCode) external;

    /// @notice Burns the caller's aTokens and sends `amount` of `asset` to `to` (type(uint256).max = everything).
    /// @return The amount withdrawn.
    function withdraw(address asset, uint256 amount, address to) external returns (uint256);

    /// @notice Borrows `amount` of `asset` against `onBehalfOf`'s collateral and sends it to the caller.
    /// `interestRateMode` 2 = variable.
    function borrow(
        address asset,
        uint256 amount,
        uint256 interestRateMode,
        uint16 referralCode,
        address onBehalfOf
    ) external;

    /// @notice Repays up to `amount` of `onBehalfOf`'s debt in `asset` (pulled from the caller); never more than
    /// the debt (type(uint256).max = all of it).
    /// @return The amount repaid.
    function repay(
        address asset,
        uint256 amount,
        uint256 interestRateMode,
        address onBehalfOf
    ) external returns (uint256);

    /// @notice `user`'s account: collateral, debt and borrowing power in base currency, weighted liquidation
    /// threshold and LTV in bps, health factor in WAD (type(uint256).max when nothing is owed).
    function getUserAccountData(
        address user
    )
        external
        view
        returns (
            uint256 totalCollateralBase,
            uint256 totalDebtBase,
            uint256 availableBorrowsBase,
            uint256 currentLiquidationThreshold,
            uint256 ltv,
            uint256 healthFactor
        );

    /// @notice The state of `asset`'s reserve, including its aToken and debt token addresses (zero if not listed).
    function getReserveData(address asset) external view returns (ReserveData memory);
}
