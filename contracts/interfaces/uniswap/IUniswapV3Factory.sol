// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IUniswapV3Factory (minimal)
/// @notice Pool lookup on the Uniswap V3 factory (core 1.0).
interface IUniswapV3Factory {
    /// @notice The pool of (`tokenA`, `tokenB`, `fee`) in either token order; the zero address if none.
    function getPool(address tokenA, address tokenB, uint24 fee) external view returns (address pool);
}
