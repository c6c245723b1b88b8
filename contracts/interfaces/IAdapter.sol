// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IAdapter
/// @notice The only way a Ballast vault touches another protocol. Each adapter is whitelisted by governance and names
/// the protocol whose smart-contract risk it carries, so that the vault can cap what one protocol failure can take.
interface IAdapter {
    /// @notice Identifier of the protocol this adapter exposes the vault to (e.g. keccak256("uniswap-v3")).
    function protocolId() external view returns (bytes32);
}

/// @title ISwapAdapter
/// @notice A stateless spot-swap adapter. The vault approves exactly `amountIn` of `tokenIn`; the adapter pulls it
/// from `msg.sender`, swaps, and sends every unit of `tokenOut` it received back to `msg.sender`. It keeps nothing.
/// The vault measures what actually arrived (balance deltas), so a lying return value cannot fool it.
interface ISwapAdapter is IAdapter {
    /// @notice Swaps `amountIn` of `tokenIn` for at least `minAmountOut` of `tokenOut`, sent to the caller.
    /// @param data Adapter-specific route (Uniswap V3: the encoded path, from `tokenIn` to `tokenOut`).
    /// @param deadline Unix time after which the swap must revert.
    /// @return amountOut The amount of `tokenOut` sent to the caller.
    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        uint256 deadline,
        bytes calldata data
    ) external returns (uint256 amountOut);
}
