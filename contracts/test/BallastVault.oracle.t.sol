// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BudgetView, Trade} from "../interfaces/IBallastVault.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {MockAggregatorV3} from "../mocks/MockAggregatorV3.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {Assert} from "./Assert.sol";
import {vm} from "./Vm.sol";

/// @notice Oracle checks (staleness, zero/negative answers, incomplete rounds, future timestamps, reverting feeds):
/// each blocks deposits and rebalances with its named error while `redeemInKind` keeps paying and the lens reports the
/// bad price without reverting. Then the drawdown breaker: at the limit, beyond it, de-risk-only mode and reset.
contract BallastVaultOracleTest is VaultFixture, Assert {
    uint256 internal constant NAV0 = 1_000_000e6;
    uint256 internal constant STALENESS = 1 days;

    /// @dev Alice deposits 1M, 300k buy exactly 100 WETH; then the cooldown passes and every feed is refreshed.
    /// NAV = 700,000e6 + (ETH price in 1e-8 USD), exactly, while USDC is at 1.
    function setUp() public override {
        super.setUp();
        _deposit(alice, NAV0);
        _rebalance(_one(_trade(address(usdc), address(weth), 300_000e6)));
        vm.warp(block.timestamp + 2 hours);
        _refreshFeeds();
        usdc.mint(bob, 1_000_000e6);
        vm.prank(bob);
        usdc.approve(address(vault), type(uint256).max);
    }

    // ───────────── helpers ─────────────

    function _refreshFeeds() internal {
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(3_000e8);
        btcFeed.setAnswer(60_000e8);
    }

    /// @dev A rebalance that neither sells nor buys WETH: it still needs every listed price.
    function _btcTrade() internal view returns (bytes memory) {
        return abi.encode(_one(_trade(address(usdc), address(wbtc), 10_000e6)));
    }

    /// @dev The bad WETH price `err` blocks deposit and rebalance with exactly `err`; redeemInKind pays; the lens
    /// reports WETH priceOk=false, pricesOk=false and nav=0 without reverting.
    function _assertBlockedButExitable(bytes memory err) internal {
        vm.prank(bob);
        vm.expectRevert(err);
        vault.deposit(1_000e6, bob);
        vm.prank(bob);
        vm.expectRevert(err);
        vault.mint(1e12, bob);
        _rebalanceExpectRevert(_one(_trade(address(usdc), address(wbtc), 10_000e6)), err);
        assertEq(vault.maxDeposit(bob), 0, "maxDeposit soft-fails to 0");

        BudgetView memory b = lens.budget(vault);
        assertTrue(b.base.priceOk, "base price ok");
        assertTrue(!b.assets[0].priceOk, "weth price flagged");
        assertEq(b.assets[0].valueBase, 0, "weth unvalued");
        assertTrue(!b.pricesOk, "pricesOk false");
        assertEq(b.nav, 0, "nav 0");
        assertEq(b.sharePriceWad, 0, "share price 0");

        uint256 shares = vault.balanceOf(alice) / 2;
        uint256 wethOut = (weth.balanceOf(address(vault)) * shares) / (vault.totalSupply() + 1e6);
        vm.prank(alice);
        vault.redeemInKind(shares, alice, alice);
        assertEq(weth.balanceOf(alice), wethOut, "in-kind WETH paid");
    }

    // ───────────── staleness ─────────────

    /// updatedAt exactly maxStalenessSeconds old is still usable: deposit and rebalance pass.
    function test_stale_passesExactlyAtLimit() public {
        ethFeed.setAnswerAt(3_000e8, block.timestamp - STALENESS);
        vm.prank(bob);
        vault.deposit(1_000e6, bob);
        _rebalance(_one(_trade(address(usdc), address(wbtc), 10_000e6)));
        assertTrue(lens.budget(vault).pricesOk, "lens ok at limit");
    }

    /// One second later the same round is stale: StalePrice(weth, updatedAt, maxStaleness) on deposit and rebalance.
    function test_stale_failsOneSecondBeyondLimit() public {
        uint256 updatedAt = block.timestamp - STALENESS;
        ethFeed.setAnswerAt(3_000e8, updatedAt);
        vm.warp(block.timestamp + 1);
        usdcFeed.setAnswer(1e8);
        btcFeed.setAnswer(60_000e8);
        _assertBlockedButExitable(
            abi.encodeWithSelector(ErrorsLib.StalePrice.selector, address(weth), updatedAt, STALENESS)
        );
    }

    /// A round timestamped in the future is refused like a stale one: StalePrice(weth, future, maxStaleness).
    function test_futureTimestamp_reverts() public {
        uint256 future = block.timestamp + 1;
        ethFeed.setAnswerAt(3_000e8, future);
        _assertBlockedButExitable(
            abi.encodeWithSelector(ErrorsLib.StalePrice.selector, address(weth), future, STALENESS)
        );
    }

    /// A stale base-asset feed blocks as well (the base price converts every other asset): StalePrice(usdc, ...).
    function test_stale_baseFeedBlocksDepositWhileAssetsHeld() public {
        (, , , uint256 updatedAt, ) = usdcFeed.latestRoundData();
        vm.warp(updatedAt + STALENESS + 1);
        ethFeed.setAnswer(3_000e8);
        btcFeed.setAnswer(60_000e8);
        bytes memory err = abi.encodeWithSelector(ErrorsLib.StalePrice.selector, address(usdc), updatedAt, STALENESS);
        vm.prank(bob);
        vm.expectRevert(err);
        vault.deposit(1_000e6, bob);
        _rebalanceExpectRevert(_one(_trade(address(usdc), address(wbtc), 10_000e6)), err);
        assertTrue(!lens.budget(vault).pricesOk, "lens flags base");
    }

    // ───────────── invalid answers ─────────────

    /// A zero answer: InvalidPrice(weth, 0).
    function test_zeroPrice_reverts() public {
        ethFeed.setAnswer(0);
        _assertBlockedButExitable(abi.encodeWithSelector(ErrorsLib.InvalidPrice.selector, address(weth), int256(0)));
    }

    /// A negative answer: InvalidPrice(weth, -1).
    function test_negativePrice_reverts() public {
        ethFeed.setAnswer(-1);
        _assertBlockedButExitable(abi.encodeWithSelector(ErrorsLib.InvalidPrice.selector, address(weth), int256(-1)));
    }

    /// answeredInRound < roundId: IncompleteRound(weth, roundId, answeredInRound).
    function test_incompleteRound_reverts() public {
        ethFeed.setIncompleteAnswer(3_000e8);
        uint80 id = ethFeed.latestRound();
        _assertBlockedButExitable(
            abi.encodeWithSelector(ErrorsLib.IncompleteRound.selector, address(weth), id, id - 1)
        );
    }

    /// A round without a timestamp (updatedAt == 0) is incomplete: IncompleteRound(weth, roundId, answeredInRound).
    function test_zeroUpdatedAt_incompleteRound() public {
        ethFeed.setAnswerAt(3_000e8, 0);
        uint80 id = ethFeed.latestRound();
        _assertBlockedButExitable(abi.encodeWithSelector(ErrorsLib.IncompleteRound.selector, address(weth), id, id));
    }

    /// A feed whose latestRoundData itself reverts: its error bubbles out of deposit and rebalance; redeemInKind and
    /// the lens (try/catch) still work.
    function test_revertingFeed_bubblesAndExitsWork() public {
        ethFeed.setAnswerAt(0, 0); // an empty round: the mock reverts NoDataPresent
        _assertBlockedButExitable(
            abi.encodeWithSelector(MockAggregatorV3.NoDataPresent.selector, ethFeed.latestRound())
        );
    }

    /// A broken feed of a listed asset the vault does NOT hold blocks neither deposits (NAV reads only held assets)
    /// nor rebalances that do not touch it (only held or traded assets are priced); a trade INTO that asset is refused
    /// with the oracle's error. (Found by this suite: the rebalance used to price every listed asset, so one dead feed
    /// of an unheld asset blocked even de-risking sales.)
    function test_brokenFeedOfUnheldAsset_blocksOnlyTradesInIt() public {
        btcFeed.setAnswer(0);
        vm.prank(bob);
        vault.deposit(1_000e6, bob);
        BudgetView memory b = lens.budget(vault);
        assertTrue(b.pricesOk && b.nav > 0, "lens: unheld asset does not poison nav");
        assertTrue(!b.assets[1].priceOk, "lens: wbtc flagged");
        _rebalance(_one(_trade(address(weth), address(usdc), 1e18)));
        vm.warp(block.timestamp + 1 hours);
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(3_000e8);
        Trade[] memory buyWbtc = _one(Trade(address(dex), address(usdc), address(wbtc), 1_000e6, 1, ""));
        _rebalanceExpectRevert(
            buyWbtc,
            abi.encodeWithSelector(ErrorsLib.InvalidPrice.selector, address(wbtc), int256(0))
        );
    }

    // ───────────── drawdown breaker (maxDrawdownBps = 2,000) ─────────────

    /// @dev NAV at ETH price `p` (8 decimals): 700,000e6 + p exactly.
    function _navAt(uint256 p) internal pure returns (uint256) {
        return 700_000e6 + p;
    }

    /// @dev Smallest ETH price whose NAV/share drawdown from `hwm` is at most `bps`/10,000 exactly, or (floorBps) whose
    /// floor((hwm - sp) * 1e4 / hwm) is at most `bps`.
    function _lowestPriceWithin(uint256 hwm, uint256 bps, bool floorBps) internal view returns (uint256 lo) {
        lo = 1;
        uint256 hi = 3_000e8;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            uint256 sp = vault.sharePriceWad(_navAt(mid));
            bool within =
                sp >= hwm || (floorBps ? ((hwm - sp) * 10_000) / hwm <= bps : (hwm - sp) * 10_000 <= bps * hwm);
            if (within) hi = mid;
            else lo = mid + 1;
        }
    }

    function _hwm() internal returns (uint256 hwm) {
        vault.pokeBreaker();
        (hwm, , , ) = vault.breakerState();
    }

    /// A drawdown of exactly 20 % (the largest fall not above maxDrawdownBps) does not trip the breaker.
    function test_breaker_doesNotTripAtExactLimit() public {
        uint256 hwm = _hwm();
        uint256 p = _lowestPriceWithin(hwm, 2_000, false);
        ethFeed.setAnswer(int256(p));
        assertTrue(!vault.pokeBreaker(), "not tripped at the limit");
        (, , bool tripped, ) = vault.breakerState();
        assertTrue(!tripped, "state");
        _rebalance(_one(_trade(address(usdc), address(wbtc), 10_000e6))); // risk-on still allowed
    }

    /// One bps beyond (floor drawdown 2,001 bps) pokeBreaker trips; then buying reverts OnlyDeRiskingAllowed and selling
    /// into USDC passes; the trip persists.
    function test_breaker_tripsOneBpsBeyond_thenOnlyDeRisking() public {
        uint256 hwm = _hwm();
        uint256 p = _lowestPriceWithin(hwm, 2_000, true) - 1; // floor drawdown = 2,001
        ethFeed.setAnswer(int256(p));
        assertTrue(vault.pokeBreaker(), "tripped");
        vm.warp(block.timestamp + 1 hours);
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(int256(p));
        btcFeed.setAnswer(60_000e8);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), 1_000e6)),
            abi.encodeWithSelector(ErrorsLib.OnlyDeRiskingAllowed.selector, 0, address(weth))
        );
        _rebalanceExpectRevert(
            _one(_trade(address(weth), address(wbtc), 1e18)),
            abi.encodeWithSelector(ErrorsLib.OnlyDeRiskingAllowed.selector, 0, address(wbtc))
        );
        _rebalance(_one(_trade(address(weth), address(usdc), 10e18)));
        (, , bool tripped, ) = vault.breakerState();
        assertTrue(tripped, "still tripped");
        // Even a recovery of the price does not clear it: only the guardian does.
        ethFeed.setAnswer(3_000e8);
        assertTrue(vault.pokeBreaker(), "sticky");
    }

    /// resetBreaker (guardian) clears the trip and restarts the high-water mark at today's NAV/share: buying works again.
    function test_resetBreaker_clearsTripAndRestartsMark() public {
        uint256 hwm = _hwm();
        uint256 p = _lowestPriceWithin(hwm, 2_000, true) - 1;
        ethFeed.setAnswer(int256(p));
        assertTrue(vault.pokeBreaker(), "tripped");
        vm.prank(guardian);
        vault.resetBreaker();
        (uint256 mark, uint256 at, bool tripped, ) = vault.breakerState();
        assertTrue(!tripped, "cleared");
        assertEq(mark, vault.sharePriceWad(vault.totalAssets()), "mark at today's NAV/share");
        assertEq(at, block.timestamp, "mark time");
        vm.warp(block.timestamp + 1 hours);
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(int256(p));
        btcFeed.setAnswer(60_000e8);
        _rebalance(_one(_trade(address(usdc), address(wbtc), 10_000e6)));
    }

    /// A mark older than drawdownWindowSeconds is replaced by the next observation (a slow decline over more than one
    /// drawdown window does not trip): documents the rolling high-water mark.
    function test_breaker_markRollsAfterDrawdownWindow() public {
        _hwm();
        vm.warp(block.timestamp + vault.riskParams().drawdownWindowSeconds + 1);
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(1_000e8); // NAV/share -20 % vs the old mark
        assertTrue(!vault.pokeBreaker(), "old mark expired");
        (uint256 mark, , , ) = vault.breakerState();
        assertEq(mark, vault.sharePriceWad(_navAt(1_000e8)), "new mark");
    }

    /// Within the drawdown window the mark stands: the same fall one second earlier (beyond 20 %) trips.
    function test_breaker_markStandsWithinDrawdownWindow() public {
        _hwm();
        vm.warp(block.timestamp + vault.riskParams().drawdownWindowSeconds);
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(900e8); // NAV/share -21 %
        assertTrue(vault.pokeBreaker(), "tripped at the window's last second");
    }

    /// Regression (found by this suite): the breaker used to compare floor((hwm - sp) * 10,000 / hwm) with
    /// maxDrawdownBps, so a fall just above 20 % did not trip. It now compares exactly, like every other limit.
    function test_breaker_tripsOnAFallJustAboveMaxDrawdown_exactComparison() public {
        uint256 hwm = _hwm();
        uint256 p = _lowestPriceWithin(hwm, 2_000, false) - 1; // exact fall > 20 %
        uint256 sp = vault.sharePriceWad(_navAt(p));
        assertTrue((hwm - sp) * 10_000 > 2_000 * hwm, "fall exceeds 20 % exactly");
        ethFeed.setAnswer(int256(p));
        assertTrue(vault.pokeBreaker(), "breaker should trip when the fall exceeds maxDrawdownBps");
    }
}
