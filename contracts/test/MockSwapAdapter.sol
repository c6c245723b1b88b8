// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ISwapAdapter} from "../interfaces/IAdapter.sol";
import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {MockERC20} from "../mocks/MockERC20.sol";

/// @title MockSwapAdapter — a STAND-IN exchange for Solidity unit, fuzz and invariant tests
/// @notice Fills every swap at the feeds' price, worsened by `slippageBps` (or improved when negative), by minting
/// the output MockERC20. Solidity tests cannot load Uniswap's 0.7 bytecode from npm artifacts; the Mocha integration
/// tests run the same vault against the real Uniswap V3 SwapRouter and pools.
contract MockSwapAdapter is ISwapAdapter {
    mapping(address token => AggregatorV3Interface) public feedOf;
    int256 public slippageBps;
    /// @notice When set, the adapter reports `minAmountOut` but delivers `shortfallBps` less (a lying adapter).
    uint256 public shortfallBps;

    error TooLittleReceived(uint256 amountOut, uint256 minAmountOut);
    error Expired(uint256 deadline);

    function setFeed(address token, AggregatorV3Interface feed) external {
        feedOf[token] = feed;
    }

    function setSlippageBps(int256 bps) external {
        slippageBps = bps;
    }

    function setShortfallBps(uint256 bps) external {
        shortfallBps = bps;
    }

    /// @notice The protocol this mock stands for.
    function protocolId() external pure returns (bytes32) {
        return keccak256("mock-dex");
    }

    /// @notice Oracle-price output of `amountIn`, before slippage.
    function quote(address tokenIn, address tokenOut, uint256 amountIn) public view returns (uint256) {
        (, int256 pIn, , , ) = feedOf[tokenIn].latestRoundData();
        (, int256 pOut, , , ) = feedOf[tokenOut].latestRoundData();
        uint256 dIn = IERC20Metadata(tokenIn).decimals();
        uint256 dOut = IERC20Metadata(tokenOut).decimals();
        return (amountIn * uint256(pIn) * 10 ** dOut) / (uint256(pOut) * 10 ** dIn);
    }

    /// @inheritdoc ISwapAdapter
    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        uint256 deadline,
        bytes calldata
    ) external returns (uint256 amountOut) {
        if (block.timestamp > deadline) revert Expired(deadline);
        IERC20(tokenIn).transferFrom(msg.sender, address(this), amountIn);
        amountOut = (quote(tokenIn, tokenOut, amountIn) * uint256(int256(10_000) - slippageBps)) / 10_000;
        if (amountOut < minAmountOut) revert TooLittleReceived(amountOut, minAmountOut);
        uint256 delivered = amountOut - (amountOut * shortfallBps) / 10_000;
        MockERC20(tokenOut).mint(msg.sender, delivered);
    }
}
