// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IUniswapV3PoolFeeState (minimal)
/// @notice The state of a Uniswap V3 pool (core 1.0) needed to compute a position's fees accrued since its last poke,
/// exactly as the pool does (`Tick.getFeeGrowthInside`). Tuple getters are returned as structs of the same static
/// words, which encode identically.
interface IUniswapV3PoolFeeState {
    /// @notice `slot0()`: the pool's current price and tick, and oracle/protocol-fee bookkeeping.
    struct Slot0 {
        uint160 sqrtPriceX96;
        int24 tick;
        uint16 observationIndex;
        uint16 observationCardinality;
        uint16 observationCardinalityNext;
        uint8 feeProtocol;
        bool unlocked;
    }

    /// @notice `ticks(tick)`: an initialised tick's liquidity and the fee growth on its far side.
    struct TickInfo {
        uint128 liquidityGross;
        int128 liquidityNet;
        uint256 feeGrowthOutside0X128;
        uint256 feeGrowthOutside1X128;
        int56 tickCumulativeOutside;
        uint160 secondsPerLiquidityOutsideX128;
        uint32 secondsOutside;
        bool initialized;
    }

    /// @notice The pool's current sqrt price, tick and bookkeeping. Spot state: movable by a swap.
    function slot0() external view returns (Slot0 memory);

    /// @notice All fees of token0 ever earned per unit of liquidity, Q128.128, wrapping modulo 2^256.
    function feeGrowthGlobal0X128() external view returns (uint256);

    /// @notice All fees of token1 ever earned per unit of liquidity, Q128.128, wrapping modulo 2^256.
    function feeGrowthGlobal1X128() external view returns (uint256);

    /// @notice The state of `tick` (all zero if uninitialised).
    function ticks(int24 tick) external view returns (TickInfo memory);
}
