// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BallastVault} from "../BallastVault.sol";
import {BudgetLens} from "../BudgetLens.sol";
import {RiskParams, Trade} from "../interfaces/IBallastVault.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockAggregatorV3} from "../mocks/MockAggregatorV3.sol";
import {MockSwapAdapter} from "./MockSwapAdapter.sol";
import {vm} from "./Vm.sol";

/// @notice Shared set-up for the vault's Solidity tests: USDC (6 dec, base), WETH (18) and WBTC (8) with USD feeds
/// (8 dec) at 1 / 3,000 / 60,000, the vault governed by `governor` (standing in for the timelock), a guardian, a keeper,
/// the oracle-priced MockSwapAdapter, and two depositors.
abstract contract VaultFixture {
    uint256 internal constant T0 = 1_700_000_000;
    bytes32 internal constant WBTC_PROTOCOL = keccak256("wbtc-custody");
    bytes32 internal constant WETH_PROTOCOL = keccak256("weth");

    address internal governor = address(0x60F);
    address internal guardian = address(0x6A4D);
    address internal keeper = address(0x4EE9);
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);

    MockERC20 internal usdc;
    MockERC20 internal weth;
    MockERC20 internal wbtc;
    MockAggregatorV3 internal usdcFeed;
    MockAggregatorV3 internal ethFeed;
    MockAggregatorV3 internal btcFeed;
    BallastVault internal vault;
    BudgetLens internal lens;
    MockSwapAdapter internal dex;
    uint256 internal planNonce;

    function defaultParams() internal pure returns (RiskParams memory) {
        return
            RiskParams({
                maxTurnoverBps: 5_000,
                maxWindowTurnoverBps: 15_000,
                maxSlippageBps: 100,
                maxWindowSlippageBps: 50,
                minIdleBps: 1_000,
                maxDrawdownBps: 2_000,
                minHealthFactorBps: 15_000,
                maxGrossLeverageBps: 20_000,
                maxNetDeltaBps: 10_000,
                maxShortGammaBps: 100,
                cooldownSeconds: 1 hours,
                windowSeconds: 1 days,
                drawdownWindowSeconds: 30 days,
                depositCap: 10_000_000e6
            });
    }

    function setUp() public virtual {
        vm.warp(T0);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        weth = new MockERC20("Wrapped Ether", "WETH", 18);
        wbtc = new MockERC20("Wrapped BTC", "WBTC", 8);
        usdcFeed = new MockAggregatorV3(8, "USDC / USD", 1e8);
        ethFeed = new MockAggregatorV3(8, "ETH / USD", 3_000e8);
        btcFeed = new MockAggregatorV3(8, "BTC / USD", 60_000e8);
        vault = new BallastVault(
            IERC20(address(usdc)),
            "Ballast USDC",
            "bUSDC",
            usdcFeed,
            1 days,
            defaultParams(),
            governor,
            guardian
        );
        lens = new BudgetLens();
        dex = new MockSwapAdapter();
        dex.setFeed(address(usdc), usdcFeed);
        dex.setFeed(address(weth), ethFeed);
        dex.setFeed(address(wbtc), btcFeed);

        vm.startPrank(governor);
        vault.addAsset(address(weth), ethFeed, 1 days, 5_000, WETH_PROTOCOL);
        vault.addAsset(address(wbtc), btcFeed, 1 days, 5_000, WBTC_PROTOCOL);
        vault.setProtocolCap(WETH_PROTOCOL, 10_000);
        vault.setProtocolCap(WBTC_PROTOCOL, 3_000);
        vault.setAdapter(address(dex), true);
        vault.grantRole(vault.KEEPER_ROLE(), keeper);
        vm.stopPrank();
    }

    // ───────────── helpers ─────────────

    function _deposit(address who, uint256 assets) internal returns (uint256 shares) {
        usdc.mint(who, assets);
        vm.startPrank(who);
        usdc.approve(address(vault), assets);
        shares = vault.deposit(assets, who);
        vm.stopPrank();
    }

    /// @dev A trade whose minAmountOut sits exactly at the vault's oracle floor (maxSlippageBps below the oracle).
    function _trade(address tokenIn, address tokenOut, uint256 amountIn) internal view returns (Trade memory t) {
        uint256 expected = dex.quote(tokenIn, tokenOut, amountIn);
        uint256 floor = (expected * (10_000 - vault.riskParams().maxSlippageBps) + 9_999) / 10_000;
        t = Trade(address(dex), tokenIn, tokenOut, amountIn, floor, "");
    }

    function _one(Trade memory t) internal pure returns (Trade[] memory trades) {
        trades = new Trade[](1);
        trades[0] = t;
    }

    function _nextPlan() internal returns (bytes32) {
        return keccak256(abi.encode("plan", ++planNonce));
    }

    function _rebalance(Trade[] memory trades) internal {
        vm.prank(keeper);
        vault.rebalance(trades, _nextPlan(), block.timestamp + 1 hours);
    }

    /// @dev Expects the next rebalance to revert with exactly `err`.
    function _rebalanceExpectRevert(Trade[] memory trades, bytes memory err) internal {
        bytes32 planId = _nextPlan();
        vm.expectRevert(err);
        vm.prank(keeper);
        vault.rebalance(trades, planId, block.timestamp + 1 hours);
    }

    /// @dev USDC amount worth `bps` of NAV.
    function _navBps(uint256 bps) internal view returns (uint256) {
        return (vault.totalAssets() * bps) / 10_000;
    }
}
