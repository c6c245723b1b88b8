// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";
import {IAdapter, ISwapAdapter} from "../interfaces/IAdapter.sol";
import {PathLib} from "../libraries/PathLib.sol";

/// @title UniswapV3SwapAdapter
/// @notice Swaps through Uniswap V3's `SwapRouter.exactInput` along a caller-chosen path (one or more pools).
/// It is stateless: it pulls exactly `amountIn` from the caller, approves the router for exactly that amount, has the
/// router send the output straight to the caller, and clears the approval. Between calls it holds no tokens and no
/// allowance, so a whitelisted adapter cannot become a place where vault funds sit.
/// @dev The router enforces `minAmountOut` ("Too little received") and `deadline` ("Transaction too old"). The adapter
/// checks that the path really trades `tokenIn` for `tokenOut`, so that the caller's accounting (which names the
/// tokens) and the route (which moves them) cannot disagree.
contract UniswapV3SwapAdapter is ISwapAdapter {
    using SafeERC20 for IERC20;
    using PathLib for bytes;

    /// @notice `keccak256("uniswap-v3")`: the protocol whose smart-contract risk this adapter carries.
    bytes32 public constant PROTOCOL_ID = keccak256("uniswap-v3");

    /// @notice The Uniswap V3 `SwapRouter` (periphery v1) every swap goes through.
    ISwapRouter public immutable router;

    /// @notice The router address given to the constructor is zero.
    error ZeroAddress();
    /// @notice `amountIn` is zero: nothing to swap.
    error ZeroAmount();
    /// @notice The path's length (`length` bytes) is not `20 + 23 * hops` with `hops >= 1`.
    error MalformedPath(uint256 length);
    /// @notice The path trades `pathTokenIn` for `pathTokenOut`, but the caller named `expectedTokenIn` for
    /// `expectedTokenOut`.
    error PathMismatch(address expectedTokenIn, address expectedTokenOut, address pathTokenIn, address pathTokenOut);
    /// @notice After the swap the adapter holds `balanceAfter` of `tokenIn`, not the `balanceBefore` it started with:
    /// the router did not spend exactly `amountIn`.
    error InputNotFullySpent(address tokenIn, uint256 balanceBefore, uint256 balanceAfter);

    /// @param router_ The Uniswap V3 `SwapRouter` to trade through.
    constructor(ISwapRouter router_) {
        if (address(router_) == address(0)) revert ZeroAddress();
        router = router_;
    }

    /// @inheritdoc ISwapAdapter
    /// @dev `data` is the Uniswap V3 packed path `tokenIn | fee | (token | fee)* | tokenOut` (see `PathLib`).
    /// The caller must have approved this adapter for `amountIn` of `tokenIn`. The output goes from the last pool
    /// directly to the caller; the return value is the router's `amountOut` (the caller should still measure its
    /// own balance delta).
    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        uint256 deadline,
        bytes calldata data
    ) external returns (uint256 amountOut) {
        if (amountIn == 0) revert ZeroAmount();
        if (!data.isWellFormed()) revert MalformedPath(data.length);
        address pathTokenIn = data.firstToken();
        address pathTokenOut = data.lastToken();
        if (pathTokenIn != tokenIn || pathTokenOut != tokenOut) {
            revert PathMismatch(tokenIn, tokenOut, pathTokenIn, pathTokenOut);
        }

        IERC20 input = IERC20(tokenIn);
        uint256 balanceBefore = input.balanceOf(address(this));
        input.safeTransferFrom(msg.sender, address(this), amountIn);
        input.forceApprove(address(router), amountIn);

        amountOut = router.exactInput(
            ISwapRouter.ExactInputParams({
                path: data,
                recipient: msg.sender,
                deadline: deadline,
                amountIn: amountIn,
                amountOutMinimum: minAmountOut
            })
        );

        // exactInput has no price limit, so it always spends all of amountIn; clear the allowance anyway, so that
        // no approval ever outlives the call.
        input.forceApprove(address(router), 0);
        uint256 balanceAfter = input.balanceOf(address(this));
        if (balanceAfter != balanceBefore) revert InputNotFullySpent(tokenIn, balanceBefore, balanceAfter);
    }

    /// @inheritdoc IAdapter
    function protocolId() external pure returns (bytes32) {
        return PROTOCOL_ID;
    }
}
