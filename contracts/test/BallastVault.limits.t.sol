// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RiskParams, Trade} from "../interfaces/IBallastVault.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {vm} from "./Vm.sol";

/// @notice Every risk limit checked in `rebalance`: the trade that just passes and the one that just fails, with the
/// exact error (limit and observed value). Expected values are recomputed here with the vault's documented formulas.
contract BallastVaultLimitsTest is VaultFixture {
    uint256 internal constant NAV0 = 1_000_000e6;

    function setUp() public override {
        super.setUp();
        _deposit(alice, NAV0);
    }

    // ───────────── helpers mirroring the vault's arithmetic ─────────────

    /// @dev Oracle value of `amount` WETH in USDC units, rounded as the vault rounds (`rounding`).
    function _wethValue(uint256 amount, Math.Rounding rounding) internal view returns (uint256) {
        (, int256 p, , , ) = ethFeed.latestRoundData();
        return Math.mulDiv(amount, uint256(p) * 1e10 * 1e6, 1e18 * 1e18, rounding);
    }

    function _wbtcValue(uint256 amount, Math.Rounding rounding) internal view returns (uint256) {
        (, int256 p, , , ) = btcFeed.latestRoundData();
        return Math.mulDiv(amount, uint256(p) * 1e10 * 1e6, 1e18 * 1e8, rounding);
    }

    function _setParams(RiskParams memory p) internal {
        vm.prank(governor);
        vault.setRiskParams(p);
    }

    function _refreshFeeds() internal {
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(3_000e8);
        btcFeed.setAnswer(60_000e8);
    }

    function _afterCooldown() internal {
        vm.warp(block.timestamp + vault.riskParams().cooldownSeconds);
    }

    function _loosenTurnover() internal {
        RiskParams memory p = defaultParams();
        p.maxTurnoverBps = 10_000;
        p.maxWindowTurnoverBps = 60_000;
        _setParams(p);
    }

    // ───────────── WeightAboveCap (per-asset maxWeightBps = 5,000) ─────────────

    /// Buying exactly half of NAV in WETH stays at the 50 % cap (rounding leaves it a hair below).
    function test_maxWeightBps_passesAtCap() public {
        _loosenTurnover();
        _rebalance(_one(_trade(address(usdc), address(weth), 500_000e6)));
        uint256 wethValue = _wethValue(weth.balanceOf(address(vault)), Math.Rounding.Floor);
        require(wethValue * 10_000 <= 5_000 * vault.totalAssets(), "weight above cap");
    }

    /// One USDC more takes WETH to 5,000.01 bps: WeightAboveCap(weth, 5001, 5000).
    function test_maxWeightBps_failsJustAbove() public {
        _loosenTurnover();
        uint256 amountIn = 500_001e6;
        uint256 value = _wethValue(dex.quote(address(usdc), address(weth), amountIn), Math.Rounding.Floor);
        uint256 navAfter = NAV0 - amountIn + value;
        uint256 weightBps = Math.ceilDiv(value * 10_000, navAfter);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), amountIn)),
            abi.encodeWithSelector(ErrorsLib.WeightAboveCap.selector, address(weth), weightBps, 5_000)
        );
    }

    /// A weight already above a (newly tightened) cap may shrink, but not grow.
    function test_maxWeightBps_allowsReducingABreach() public {
        _loosenTurnover();
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
        vm.prank(guardian);
        vault.tightenAssetCap(address(weth), 2_000); // now 40 % against a 20 % cap
        _afterCooldown();
        _rebalance(_one(_trade(address(weth), address(usdc), weth.balanceOf(address(vault)) / 4))); // 30 %: allowed
        _afterCooldown();
        Trade memory grow = _trade(address(usdc), address(weth), 1_000e6);
        bytes32 planId = _nextPlan();
        vm.prank(keeper);
        try vault.rebalance(_one(grow), planId, block.timestamp + 1) {
            revert("growing a breached weight must revert");
        } catch (bytes memory err) {
            require(bytes4(err) == ErrorsLib.WeightAboveCap.selector, "wrong error");
        }
    }

    // ───────────── ProtocolExposureAboveCap (WBTC custody protocol cap = 3,000) ─────────────

    function test_protocolCapBps_passesAtCap() public {
        _rebalance(_one(_trade(address(usdc), address(wbtc), 300_000e6)));
    }

    function test_protocolCapBps_failsJustAbove() public {
        uint256 amountIn = 300_001e6;
        uint256 value = _wbtcValue(dex.quote(address(usdc), address(wbtc), amountIn), Math.Rounding.Floor);
        uint256 navAfter = NAV0 - amountIn + value;
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(wbtc), amountIn)),
            abi.encodeWithSelector(
                ErrorsLib.ProtocolExposureAboveCap.selector,
                WBTC_PROTOCOL,
                Math.ceilDiv(value * 10_000, navAfter),
                3_000
            )
        );
    }

    // ───────────── TurnoverAboveCap (maxTurnoverBps = 5,000 per rebalance) ─────────────

    function _twoLegs(uint256 wethLeg, uint256 wbtcLeg) internal view returns (Trade[] memory trades) {
        trades = new Trade[](2);
        trades[0] = _trade(address(usdc), address(weth), wethLeg);
        trades[1] = _trade(address(usdc), address(wbtc), wbtcLeg);
    }

    function test_maxTurnoverBps_passesAtCap() public {
        _rebalance(_twoLegs(250_000e6, 250_000e6));
    }

    function test_maxTurnoverBps_failsJustAbove() public {
        _rebalanceExpectRevert(
            _twoLegs(250_000e6, 250_000e6 + 1),
            abi.encodeWithSelector(ErrorsLib.TurnoverAboveCap.selector, 5_001, 5_000)
        );
    }

    // ───────────── WindowTurnoverAboveCap (maxWindowTurnoverBps over the rolling window) ─────────────

    function _windowParams() internal {
        RiskParams memory p = defaultParams();
        p.maxWindowTurnoverBps = 7_000; // 700,000 ppm
        _setParams(p);
    }

    /// 400,000 ppm, then a trade worth exactly 300,000 ppm of the NAV before it: the window sits at its cap.
    function test_maxWindowTurnoverBps_passesAtCap() public {
        _windowParams();
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
        _afterCooldown();
        uint256 nav = vault.totalAssets();
        uint256 amountIn = (nav * 300_000) / 1_000_000; // ceil(amountIn * 1e6 / nav) == 300,000
        _rebalance(_one(_trade(address(usdc), address(wbtc), amountIn)));
        (uint256 used, ) = vault.windowUsage();
        require(used == 700_000, "window usage");
    }

    function test_maxWindowTurnoverBps_failsJustAbove() public {
        _windowParams();
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
        _afterCooldown();
        uint256 nav = vault.totalAssets();
        uint256 amountIn = (nav * 300_000) / 1_000_000 + 1;
        uint256 ppm = Math.ceilDiv(amountIn * 1_000_000, nav);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(wbtc), amountIn)),
            abi.encodeWithSelector(ErrorsLib.WindowTurnoverAboveCap.selector, 400_000 + ppm, 700_000)
        );
    }

    /// Usage ages out: a full window later the same trade passes again.
    function test_maxWindowTurnoverBps_rollsOff() public {
        _windowParams();
        _rebalance(_one(_trade(address(usdc), address(weth), 500_000e6)));
        vm.warp(block.timestamp + 1 days + 12_343); // one window plus one bucket width (86,400 / 7)
        _refreshFeeds();
        (uint256 used, ) = vault.windowUsage();
        require(used == 0, "usage should have expired");
        _rebalance(_one(_trade(address(weth), address(usdc), weth.balanceOf(address(vault)) / 2)));
    }

    // ───────────── SlippageAboveCap (maxSlippageBps = 100, per trade, against the oracle) ─────────────

    function test_maxSlippageBps_passesAtOracleFloor() public {
        Trade memory t = _trade(address(usdc), address(weth), 100_000e6); // minAmountOut = oracle floor
        _rebalance(_one(t));
    }

    function test_maxSlippageBps_failsOneUnitBelowFloor() public {
        Trade memory t = _trade(address(usdc), address(weth), 100_000e6);
        t.minAmountOut -= 1;
        uint256 expected = dex.quote(address(usdc), address(weth), 100_000e6);
        uint256 impliedBps = Math.ceilDiv((expected - t.minAmountOut) * 10_000, expected);
        _rebalanceExpectRevert(
            _one(t),
            abi.encodeWithSelector(ErrorsLib.SlippageAboveCap.selector, 0, impliedBps, 100)
        );
    }

    /// A pool that fills below minAmountOut makes the whole rebalance revert (the adapter's own check).
    function test_maxSlippageBps_poolWorseThanMinOutReverts() public {
        dex.setSlippageBps(101);
        Trade memory t = _trade(address(usdc), address(weth), 100_000e6);
        bytes32 planId = _nextPlan();
        vm.prank(keeper);
        try vault.rebalance(_one(t), planId, block.timestamp + 1) {
            revert("must revert");
        } catch {}
        require(weth.balanceOf(address(vault)) == 0, "nothing traded");
    }

    // ───────────── WindowSlippageAboveCap (maxWindowSlippageBps, here 30 = 3,000 ppm) ─────────────

    function _slippageParams() internal {
        RiskParams memory p = defaultParams();
        p.maxWindowSlippageBps = 30;
        _setParams(p);
        dex.setSlippageBps(99);
    }

    /// @dev Slippage (ppm of NAV before) a WETH buy of `amountIn` realises at the dex's current slippage.
    function _slippagePpm(uint256 amountIn, uint256 navBefore) internal view returns (uint256) {
        uint256 expected = dex.quote(address(usdc), address(weth), amountIn);
        uint256 received = (expected * uint256(int256(10_000) - dex.slippageBps())) / 10_000;
        uint256 lostBase = _wethValue(expected - received, Math.Rounding.Ceil);
        return Math.ceilDiv(lostBase * 1_000_000, navBefore);
    }

    /// @dev Largest WETH buy whose realised slippage keeps the window at or under `capPpm` (binary search).
    function _largestWithin(uint256 usedPpm, uint256 capPpm) internal view returns (uint256 lo) {
        uint256 nav = vault.totalAssets();
        lo = 1e6;
        uint256 hi = 500_000e6;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            if (usedPpm + _slippagePpm(mid, nav) <= capPpm) lo = mid;
            else hi = mid;
        }
    }

    function test_maxWindowSlippageBps_passesAtCap() public {
        _slippageParams();
        uint256 amountIn = _largestWithin(0, 3_000);
        uint256 expectedPpm = _slippagePpm(amountIn, vault.totalAssets());
        _rebalance(_one(_trade(address(usdc), address(weth), amountIn)));
        (, uint256 used) = vault.windowUsage();
        require(used == expectedPpm && used <= 3_000 && used > 2_990, "window slippage");
    }

    function test_maxWindowSlippageBps_failsJustAbove() public {
        _slippageParams();
        uint256 amountIn = _largestWithin(0, 3_000) + 1;
        uint256 ppm = _slippagePpm(amountIn, vault.totalAssets());
        require(ppm > 3_000, "search");
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), amountIn)),
            abi.encodeWithSelector(ErrorsLib.WindowSlippageAboveCap.selector, ppm, 3_000)
        );
    }

    // ───────────── PriceDeviationAboveCap (fills better than the oracle by more than maxSlippageBps) ─────────────

    function test_priceDeviation_passesAtCap() public {
        dex.setSlippageBps(-100);
        _rebalance(_one(_trade(address(usdc), address(weth), 10_000e6)));
    }

    /// (-102 bps: the mock's flooring makes the measured deviation 101 bps.)
    function test_priceDeviation_failsJustAbove() public {
        dex.setSlippageBps(-102);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), 10_000e6)),
            abi.encodeWithSelector(ErrorsLib.PriceDeviationAboveCap.selector, 0, 101, 100)
        );
    }

    // ───────────── IdleBelowMin (minIdleBps) ─────────────

    function _idleParams() internal {
        RiskParams memory p = defaultParams();
        p.minIdleBps = 6_000;
        _setParams(p);
    }

    function test_minIdleBps_passesAtFloor() public {
        _idleParams();
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
    }

    function test_minIdleBps_failsJustBelow() public {
        _idleParams();
        uint256 amountIn = 400_001e6;
        uint256 value = _wethValue(dex.quote(address(usdc), address(weth), amountIn), Math.Rounding.Floor);
        uint256 idle = NAV0 - amountIn;
        uint256 idleBps = (idle * 10_000) / (idle + value);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), amountIn)),
            abi.encodeWithSelector(ErrorsLib.IdleBelowMin.selector, idleBps, 6_000)
        );
    }

    // ───────────── CooldownActive (cooldownSeconds = 1 hour) ─────────────

    function test_cooldownSeconds_passesExactlyAtReady() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 10_000e6)));
        vm.warp(block.timestamp + 1 hours);
        _rebalance(_one(_trade(address(usdc), address(weth), 10_000e6)));
    }

    function test_cooldownSeconds_failsOneSecondEarly() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 10_000e6)));
        uint256 readyAt = block.timestamp + 1 hours;
        vm.warp(readyAt - 1);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), 10_000e6)),
            abi.encodeWithSelector(ErrorsLib.CooldownActive.selector, readyAt, readyAt - 1)
        );
    }

    // ───────────── drawdown breaker (maxDrawdownBps = 2,000) in rebalance ─────────────

    /// Half the vault in WETH, then WETH falls to 1,800.01 (-39.9997 %): NAV/share is 19.9998 % down, inside the
    /// limit (at exactly -40 % the purchase's rounding dust already makes the fall exceed 20 %): buying still allowed.
    function test_maxDrawdownBps_atLimitStillTrades() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 500_000e6)));
        ethFeed.setAnswer(1_800_01000000);
        _afterCooldown();
        _rebalance(_one(_trade(address(usdc), address(wbtc), 10_000e6)));
    }

    /// A little further down, the breaker trips inside the rebalance: only sales into USDC pass.
    function test_maxDrawdownBps_beyondLimitOnlyDeRisks() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 500_000e6)));
        ethFeed.setAnswer(1_790e8);
        _afterCooldown();
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(wbtc), 10_000e6)),
            abi.encodeWithSelector(ErrorsLib.OnlyDeRiskingAllowed.selector, 0, address(wbtc))
        );
        _rebalance(_one(_trade(address(weth), address(usdc), weth.balanceOf(address(vault)) / 2)));
        (, , bool tripped, ) = vault.breakerState();
        require(tripped, "breaker persisted by the successful de-risking rebalance");
    }

    // ───────────── plan mechanics ─────────────

    function test_maxTrades_failsAboveTen() public {
        Trade[] memory trades = new Trade[](11);
        for (uint256 i; i < 11; ++i) {
            trades[i] = _trade(address(usdc), address(weth), 1_000e6);
        }
        _rebalanceExpectRevert(trades, abi.encodeWithSelector(ErrorsLib.TooManyTrades.selector, 11, 10));
    }

    function test_maxTrades_passesAtTen() public {
        Trade[] memory trades = new Trade[](10);
        for (uint256 i; i < 10; ++i) {
            trades[i] = _trade(address(usdc), address(weth), 1_000e6);
        }
        _rebalance(trades);
    }

    function test_planId_replayReverts() public {
        bytes32 planId = keccak256("once");
        Trade[] memory trades = _one(_trade(address(usdc), address(weth), 1_000e6));
        vm.prank(keeper);
        vault.rebalance(trades, planId, block.timestamp);
        _afterCooldown();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.PlanAlreadyExecuted.selector, planId));
        vm.prank(keeper);
        vault.rebalance(trades, planId, block.timestamp);
    }

    function test_deadline_expiredReverts() public {
        uint256 deadline = block.timestamp - 1;
        Trade[] memory trades = _one(_trade(address(usdc), address(weth), 1_000e6));
        bytes32 planId = _nextPlan();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DeadlineExpired.selector, deadline, block.timestamp));
        vm.prank(keeper);
        vault.rebalance(trades, planId, deadline);
    }

    function test_adapterNotWhitelisted_reverts() public {
        Trade memory t = _trade(address(usdc), address(weth), 1_000e6);
        t.adapter = address(0xBAD);
        _rebalanceExpectRevert(
            _one(t),
            abi.encodeWithSelector(ErrorsLib.AdapterNotAllowed.selector, 0, address(0xBAD))
        );
    }

    function test_unlistedToken_reverts() public {
        Trade memory t = _trade(address(usdc), address(weth), 1_000e6);
        t.tokenOut = address(0xDEAD);
        _rebalanceExpectRevert(_one(t), abi.encodeWithSelector(ErrorsLib.AssetNotAllowed.selector, 0, address(0xDEAD)));
    }

    function test_lyingAdapter_shortDeliveryReverts() public {
        dex.setShortfallBps(200); // reports the full fill, delivers 2 % less: below the 1 % oracle floor
        Trade memory t = _trade(address(usdc), address(weth), 1_000e6);
        uint256 expected = dex.quote(address(usdc), address(weth), 1_000e6);
        uint256 delivered = expected - (expected * 200) / 10_000;
        _rebalanceExpectRevert(
            _one(t),
            abi.encodeWithSelector(ErrorsLib.InsufficientOutput.selector, 0, delivered, t.minAmountOut)
        );
    }

    /// NAV is unchanged by zero-slippage trades up to rounding dust: at most one unit of each output token
    /// (one satoshi of WBTC is worth 600 USDC units at 60,000 USD) plus one unit per valuation.
    function test_rebalance_keepsNavAtZeroSlippage() public {
        uint256 navBefore = vault.totalAssets();
        _rebalance(_twoLegs(200_000e6, 100_000e6));
        uint256 navAfter = vault.totalAssets();
        require(navAfter <= navBefore && navBefore - navAfter <= 600 + 2, "nav moved more than rounding dust");
    }
}
