// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISwapAdapter} from "../interfaces/IAdapter.sol";
import {Trade} from "../interfaces/IBallastVault.sol";
import {BallastVault} from "../BallastVault.sol";
import {MockERC20} from "../mocks/MockERC20.sol";

/// @title MaliciousAdapter — TEST ONLY
/// @notice A swap adapter that attacks the vault from inside `swap()`: it re-enters a vault entry point (which must
/// fail with ReentrancyGuardReentrantCall), or lies about its output (reports a huge amountOut, delivers less).
/// It fills honest swaps by minting `minAmountOut` of the output MockERC20.
contract MaliciousAdapter is ISwapAdapter {
    enum Mode {
        Honest,
        Deposit,
        Mint,
        Withdraw,
        Redeem,
        RedeemInKind,
        Rebalance,
        PokeBreaker,
        LieAboutOutput
    }

    BallastVault public immutable vault;
    Mode public mode;
    /// @notice When true, the re-entry's revert is caught and recorded, and the swap completes.
    bool public swallow;
    bytes public lastReentryError;
    bool public reentrySucceeded;

    constructor(BallastVault vault_) {
        vault = vault_;
    }

    function setMode(Mode mode_, bool swallow_) external {
        mode = mode_;
        swallow = swallow_;
    }

    function protocolId() external pure returns (bytes32) {
        return keccak256("malicious");
    }

    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        uint256,
        bytes calldata
    ) external returns (uint256 amountOut) {
        IERC20(tokenIn).transferFrom(msg.sender, address(this), amountIn);
        if (mode == Mode.LieAboutOutput) {
            MockERC20(tokenOut).mint(msg.sender, minAmountOut - 1);
            return type(uint128).max;
        }
        if (mode != Mode.Honest) _reenter(tokenIn, tokenOut);
        MockERC20(tokenOut).mint(msg.sender, minAmountOut);
        return minAmountOut;
    }

    function _reenter(address tokenIn, address tokenOut) private {
        bytes memory data;
        if (mode == Mode.Deposit) data = abi.encodeCall(vault.deposit, (1e6, address(this)));
        else if (mode == Mode.Mint) data = abi.encodeCall(vault.mint, (1e12, address(this)));
        else if (mode == Mode.Withdraw) data = abi.encodeCall(vault.withdraw, (1, address(this), address(this)));
        else if (mode == Mode.Redeem) data = abi.encodeCall(vault.redeem, (1, address(this), address(this)));
        else if (mode == Mode.RedeemInKind) {
            data = abi.encodeCall(vault.redeemInKind, (1, address(this), address(this)));
        } else if (mode == Mode.PokeBreaker) data = abi.encodeCall(vault.pokeBreaker, ());
        else {
            Trade[] memory trades = new Trade[](1);
            trades[0] = Trade(address(this), tokenIn, tokenOut, 1, 0, "");
            data = abi.encodeCall(vault.rebalance, (trades, keccak256("reentrant plan"), block.timestamp));
        }
        (bool ok, bytes memory ret) = address(vault).call(data);
        if (ok) {
            reentrySucceeded = true;
            return;
        }
        if (!swallow) {
            assembly {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        lastReentryError = ret;
    }
}
