// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RiskParams, Trade} from "../interfaces/IBallastVault.sol";
import {IPositionModule} from "../interfaces/IPositionModule.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {MockPositionModule} from "./MockPositionModule.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {vm} from "./Vm.sol";

/// @notice The non-linear book's limits (issue #7): minimum health factor, gross leverage, net delta per asset, short
/// gamma, protocol exposure through modules and the value-loss check, each with the step that just passes and the one
/// that just fails (exact error), plus the module registry and the in-kind exit through a module. The module is the
/// test stand-in `MockPositionModule`; the real Uniswap V3 and Aave V3 modules are tested on the replica (Mocha).
contract BallastVaultBookTest is VaultFixture {
    uint256 internal constant NAV0 = 1_000_000e6;
    bytes32 internal constant LENDING = keccak256("mock-lending");
    MockPositionModule internal book;

    function setUp() public override {
        super.setUp();
        address[] memory t = new address[](2);
        t[0] = address(usdc);
        t[1] = address(weth);
        book = new MockPositionModule(address(vault), LENDING, t);
        vm.startPrank(governor);
        vault.addModule(IPositionModule(address(book)));
        vault.setProtocolCap(LENDING, 10_000);
        vm.stopPrank();
        _deposit(alice, NAV0);
    }

    // ───────────── helpers ─────────────

    function _step(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint8 op,
        address token,
        uint256 amount
    ) internal view returns (Trade memory) {
        return Trade(address(book), tokenIn, tokenOut, amountIn, 0, abi.encode(op, token, amount));
    }

    function _set(uint8 op, uint256 value) internal view returns (Trade memory) {
        return _step(address(usdc), address(usdc), 0, op, address(0), value);
    }

    function _two(Trade memory a, Trade memory b) internal pure returns (Trade[] memory trades) {
        trades = new Trade[](2);
        trades[0] = a;
        trades[1] = b;
    }

    function _params(function(RiskParams memory) internal pure edit) internal {
        RiskParams memory p = vault.riskParams();
        edit(p);
        vm.prank(governor);
        vault.setRiskParams(p);
    }

    function _next() internal {
        vm.warp(block.timestamp + vault.riskParams().cooldownSeconds);
        usdcFeed.setAnswer(1e8);
        ethFeed.setAnswer(3_000e8);
        btcFeed.setAnswer(60_000e8);
    }

    function _wethValue(uint256 amount, Math.Rounding rounding) internal pure returns (uint256) {
        return Math.mulDiv(amount, 3_000e8 * 1e10 * 1e6, 1e18 * 1e18, rounding);
    }

    /// @dev Runs a plan and returns its revert data (empty when it succeeded).
    function _tryRebalance(Trade[] memory trades) internal returns (bytes memory) {
        vm.prank(keeper);
        (bool ok, bytes memory err) = address(vault).call(
            abi.encodeCall(vault.rebalance, (trades, _nextPlan(), block.timestamp + 1 hours))
        );
        return ok ? bytes("") : err;
    }

    // ───────────── NAV ─────────────

    /// Collateral in a module and debt are both in NAV: depositing into the module or borrowing changes nothing.
    function test_nav_countsModuleLongAndDebt() public {
        _rebalance(_one(_step(address(usdc), address(usdc), 300_000e6, book.DEPOSIT(), address(0), 0)));
        require(vault.totalAssets() == NAV0, "deposit into module changed NAV");
        _next();
        _rebalance(_one(_step(address(usdc), address(weth), 0, book.BORROW(), address(weth), 10e18)));
        require(weth.balanceOf(address(vault)) == 10e18, "borrowed WETH not at the vault");
        // WETH long 10 (spot) and owed 10: NAV is unchanged up to the rounding of the debt (up) and the long (down).
        require(vault.totalAssets() + 1 >= NAV0 && vault.totalAssets() <= NAV0, "borrow changed NAV");
    }

    // ───────────── minimum health factor ─────────────

    function test_minHealthFactor_passesAtMin() public {
        _rebalance(_one(_set(book.SET_HEALTH(), 1.5e18)));
    }

    function test_minHealthFactor_failsJustBelow() public {
        _rebalanceExpectRevert(
            _one(_set(book.SET_HEALTH(), 1.5e18 - 1)),
            abi.encodeWithSelector(ErrorsLib.HealthFactorBelowMin.selector, address(book), 1.5e18 - 1, 1.5e18)
        );
    }

    /// Below the minimum (after governance raised it) the health factor may rise, not fall.
    function test_minHealthFactor_mayImproveFromBelowButNotWorsen() public {
        _params(_lowerMinHealth);
        _rebalance(_one(_set(book.SET_HEALTH(), 1.2e18)));
        _params(_raiseMinHealth);
        _next();
        _rebalance(_one(_set(book.SET_HEALTH(), 1.3e18)));
        _next();
        _rebalanceExpectRevert(
            _one(_set(book.SET_HEALTH(), 1.25e18)),
            abi.encodeWithSelector(ErrorsLib.HealthFactorBelowMin.selector, address(book), 1.25e18, 1.6e18)
        );
    }

    function _lowerMinHealth(RiskParams memory p) internal pure {
        p.minHealthFactorBps = 11_000;
    }

    function _raiseMinHealth(RiskParams memory p) internal pure {
        p.minHealthFactorBps = 16_000;
    }

    // ───────────── gross leverage ─────────────

    function _leverage120(RiskParams memory p) internal pure {
        p.maxGrossLeverageBps = 12_000;
    }

    /// Borrowing base asset worth 20 % of NAV and keeping it: long 120 %, NAV 100 %: exactly at a 1.2x cap.
    function test_maxGrossLeverage_passesAtCap() public {
        _params(_leverage120);
        _rebalance(_one(_step(address(usdc), address(usdc), 0, book.BORROW(), address(usdc), NAV0 / 5)));
    }

    function test_maxGrossLeverage_failsJustAbove() public {
        _params(_leverage120);
        uint256 b = NAV0 / 5 + 1;
        _rebalanceExpectRevert(
            _one(_step(address(usdc), address(usdc), 0, book.BORROW(), address(usdc), b)),
            abi.encodeWithSelector(
                ErrorsLib.GrossLeverageAboveCap.selector,
                Math.ceilDiv((NAV0 + b) * 10_000, NAV0),
                12_000
            )
        );
    }

    // ───────────── net delta ─────────────

    function _netDelta20(RiskParams memory p) internal pure {
        p.maxNetDeltaBps = 2_000;
    }

    /// Buying WETH worth 20 % of NAV: net delta at the cap.
    function test_maxNetDelta_passesAtCapLong() public {
        _params(_netDelta20);
        _rebalance(_one(_trade(address(usdc), address(weth), 200_000e6)));
        uint256 value = _wethValue(weth.balanceOf(address(vault)), Math.Rounding.Floor);
        require(value * 10_000 <= 2_000 * vault.totalAssets(), "net delta above cap");
    }

    function test_maxNetDelta_failsJustAboveLong() public {
        _params(_netDelta20);
        uint256 amountIn = 200_001e6;
        uint256 value = _wethValue(dex.quote(address(usdc), address(weth), amountIn), Math.Rounding.Floor);
        uint256 navAfter = NAV0 - amountIn + value;
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), amountIn)),
            abi.encodeWithSelector(
                ErrorsLib.NetDeltaAboveCap.selector,
                address(weth),
                int256(Math.ceilDiv(value * 10_000, navAfter)),
                2_000
            )
        );
    }

    /// Borrow-and-sell makes the delta negative: the cap binds on |net delta| and the error carries the sign.
    function test_maxNetDelta_bindsShortSideWithSign() public {
        _params(_netDelta20);
        uint256 b = 60e18; // $180,000: 18 % of NAV short
        _rebalance(
            _two(
                _step(address(usdc), address(weth), 0, book.BORROW(), address(weth), b),
                _trade(address(weth), address(usdc), b)
            )
        );
        require(weth.balanceOf(address(vault)) == 0, "hedge kept WETH");
        _next();
        uint256 more = 10e18; // to 23 % short
        bytes memory err = _tryRebalance(
            _two(
                _step(address(usdc), address(weth), 0, book.BORROW(), address(weth), more),
                _trade(address(weth), address(usdc), more)
            )
        );
        require(bytes4(err) == ErrorsLib.NetDeltaAboveCap.selector, "expected NetDeltaAboveCap");
        (address asset, int256 bps, uint256 cap) = abi.decode(_args(err), (address, int256, uint256));
        uint256 debtValue = _wethValue(b + more, Math.Rounding.Ceil);
        require(asset == address(weth) && cap == 2_000, "wrong asset or cap");
        require(bps == -int256(Math.ceilDiv(debtValue * 10_000, vault.totalAssets())), "wrong signed bps");
    }

    function _args(bytes memory err) internal pure returns (bytes memory out) {
        out = new bytes(err.length - 4);
        for (uint256 i; i < out.length; ++i) out[i] = err[i + 4];
    }

    // ───────────── short gamma ─────────────

    /// Short gamma in USD (WAD) at exactly maxShortGammaBps (100) of NAV passes; one more base unit fails.
    function test_maxShortGamma_passesAtCap() public {
        uint256 atCapBase = (NAV0 * 100) / 10_000;
        _rebalance(_one(_set(book.SET_GAMMA(), atCapBase * 1e12)));
    }

    function test_maxShortGamma_failsJustAbove() public {
        uint256 gammaBase = (NAV0 * 100) / 10_000 + 1;
        _rebalanceExpectRevert(
            _one(_set(book.SET_GAMMA(), gammaBase * 1e12)),
            abi.encodeWithSelector(ErrorsLib.ShortGammaAboveCap.selector, Math.ceilDiv(gammaBase * 10_000, NAV0), 100)
        );
    }

    // ───────────── protocol exposure through a module ─────────────

    function test_protocolCap_countsModuleNetValue_passesAtCap() public {
        vm.prank(governor);
        vault.setProtocolCap(LENDING, 3_000);
        _rebalance(_one(_step(address(usdc), address(usdc), 300_000e6, book.DEPOSIT(), address(0), 0)));
    }

    function test_protocolCap_countsModuleNetValue_failsJustAbove() public {
        vm.prank(governor);
        vault.setProtocolCap(LENDING, 3_000);
        uint256 amount = 300_000e6 + 1;
        _rebalanceExpectRevert(
            _one(_step(address(usdc), address(usdc), amount, book.DEPOSIT(), address(0), 0)),
            abi.encodeWithSelector(
                ErrorsLib.ProtocolExposureAboveCap.selector,
                LENDING,
                Math.ceilDiv(amount * 10_000, NAV0),
                3_000
            )
        );
    }

    // ───────────── value lost to a module ─────────────

    /// A module step may lose at most maxSlippageBps (1 %) of its turnover (plus one unit per token for rounding).
    function test_valueLoss_withinAllowancePasses_beyondReverts() public {
        _rebalance(_one(_step(address(usdc), address(usdc), 100_000e6, book.DEPOSIT(), address(0), 0)));
        _next();
        // Withdraw 50,000 and lose 500 (1 % of 50,000): allowed. Turnover 50,000 ⇒ allowance 500 + 2 units.
        _rebalance(
            _two(
                _step(address(usdc), address(usdc), 0, book.WITHDRAW(), address(usdc), 50_000e6),
                _step(address(usdc), address(usdc), 0, book.LOSE(), address(usdc), 500e6)
            )
        );
        _next();
        uint256 nav = vault.totalAssets();
        _rebalanceExpectRevert(
            _two(
                _step(address(usdc), address(usdc), 0, book.WITHDRAW(), address(usdc), 10_000e6),
                _step(address(usdc), address(usdc), 0, book.LOSE(), address(usdc), 101e6)
            ),
            abi.encodeWithSelector(ErrorsLib.ValueLossAboveCap.selector, 101e6, 100e6 + 2 + 2 + 1 + 2)
        );
        require(vault.totalAssets() == nav, "a reverted plan changed NAV");
    }

    // ───────────── registry ─────────────

    function test_addModule_onlyGovernor() public {
        MockPositionModule other = new MockPositionModule(address(vault), LENDING, new address[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                guardian,
                vault.GOVERNOR_ROLE()
            )
        );
        vm.prank(guardian);
        vault.addModule(IPositionModule(address(other)));
    }

    function test_addModule_refusesForeignUnlistedDuplicateAndFifth() public {
        MockPositionModule foreign = new MockPositionModule(address(0xBEEF), LENDING, new address[](0));
        vm.startPrank(governor);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.ModuleVaultMismatch.selector, address(foreign), address(0xBEEF))
        );
        vault.addModule(IPositionModule(address(foreign)));

        address[] memory odd = new address[](1);
        odd[0] = address(0xCAFE);
        MockPositionModule unlisted = new MockPositionModule(address(vault), LENDING, odd);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.ModuleTokenNotListed.selector, address(unlisted), address(0xCAFE))
        );
        vault.addModule(IPositionModule(address(unlisted)));

        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleAlreadyAdded.selector, address(book)));
        vault.addModule(IPositionModule(address(book)));

        for (uint256 i; i < 3; ++i) {
            vault.addModule(
                IPositionModule(address(new MockPositionModule(address(vault), LENDING, new address[](0))))
            );
        }
        MockPositionModule fifth = new MockPositionModule(address(vault), LENDING, new address[](0));
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TooManyModules.selector, 4));
        vault.addModule(IPositionModule(address(fifth)));
        vm.stopPrank();
    }

    function test_removeModule_refusesWhileHoldingThenSucceeds() public {
        _rebalance(_one(_step(address(usdc), address(usdc), 1_000e6, book.DEPOSIT(), address(0), 0)));
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleNotEmpty.selector, address(book), 1_000e6));
        vm.prank(governor);
        vault.removeModule(IPositionModule(address(book)));
        _next();
        _rebalance(_one(_step(address(usdc), address(usdc), 0, book.WITHDRAW(), address(usdc), 1_000e6)));
        vm.prank(governor);
        vault.removeModule(IPositionModule(address(book)));
        require(vault.modules().length == 0, "module still registered");
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleNotAdded.selector, address(book)));
        vm.prank(governor);
        vault.removeModule(IPositionModule(address(book)));
    }

    function test_removeAsset_refusedWhileAModuleReportsOnIt() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleTokenNotListed.selector, address(book), address(weth)));
        vm.prank(governor);
        vault.removeAsset(address(weth));
    }

    // ───────────── de-risk only ─────────────

    function test_shutdown_moduleRefusesRiskAddingOps() public {
        vm.prank(guardian);
        vault.shutdown();
        _rebalanceExpectRevert(
            _one(_step(address(usdc), address(weth), 0, book.BORROW(), address(weth), 1e18)),
            abi.encodeWithSelector(ErrorsLib.ModuleDeRiskOnly.selector, book.BORROW())
        );
    }

    // ───────────── in-kind exit ─────────────

    /// Half the shares take half the module's collateral and repay half its debt from the caller.
    function test_redeemInKind_unwindsModuleProRata_callerRepaysDebtSlice() public {
        _rebalance(_one(_step(address(usdc), address(usdc), 400_000e6, book.DEPOSIT(), address(0), 0)));
        _next();
        _rebalance(_one(_step(address(usdc), address(weth), 0, book.BORROW(), address(weth), 10e18)));
        uint256 shares = vault.balanceOf(alice) / 2;
        uint256 supply = vault.totalSupply() + 1e6;
        uint256 owed = Math.mulDiv(10e18, shares, supply, Math.Rounding.Ceil);
        uint256 collateralOut = Math.mulDiv(400_000e6, shares, supply);
        uint256 idleOut = Math.mulDiv(usdc.balanceOf(address(vault)), shares, supply);
        uint256 wethOut = Math.mulDiv(10e18, shares, supply);
        weth.mint(alice, owed); // the caller brings the debt slice (here: more than its WETH slice, rounded down)
        vm.startPrank(alice);
        weth.approve(address(book), owed);
        vault.redeemInKind(shares, alice, alice);
        vm.stopPrank();
        require(usdc.balanceOf(alice) == idleOut + collateralOut, "wrong USDC paid");
        // Alice received her WETH slice (rounded down) and paid her slice of the debt (rounded up).
        require(weth.balanceOf(alice) == wethOut, "wrong WETH flow");
        require(owed >= wethOut && owed - wethOut <= 1, "debt slice and WETH slice differ by more than rounding");
        require(book.debt(address(weth)) == 10e18 - owed, "debt not repaid pro rata");
    }

    function test_redeemInKind_withDebt_revertsWithoutApproval_losesNothing() public {
        _rebalance(_one(_step(address(usdc), address(weth), 0, book.BORROW(), address(weth), 10e18)));
        uint256 shares = vault.balanceOf(alice) / 2;
        vm.prank(alice);
        vm.expectRevert();
        vault.redeemInKind(shares, alice, alice);
        require(vault.balanceOf(alice) == shares * 2, "shares burned by a failed exit");
    }

    // ───────────── NAV below zero ─────────────

    function _wideTurnover(RiskParams memory p) internal pure {
        p.maxTurnoverBps = 20_000;
        p.maxWindowTurnoverBps = 40_000;
    }

    /// Short 300 WETH against the USDC held: ETH ×7 makes debt exceed every long. Strict reads name it; soft views
    /// (maxDeposit, maxWithdraw) answer 0 instead of reverting, and in-kind exit still works (it reads no price).
    function test_negativeNav_strictReadsRevertNamed_softViewsZero() public {
        _params(_wideTurnover);
        _rebalance(
            _two(
                _step(address(usdc), address(weth), 0, book.BORROW(), address(weth), 300e18),
                _trade(address(weth), address(usdc), 300e18)
            )
        );
        ethFeed.setAnswer(21_000e8);
        uint256 longBase = usdc.balanceOf(address(vault));
        uint256 debtBase = Math.mulDiv(300e18, 21_000e8 * 1e10 * 1e6, 1e18 * 1e18, Math.Rounding.Ceil);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NegativeNav.selector, longBase, debtBase));
        vault.totalAssets();
        require(vault.maxDeposit(alice) == 0 && vault.maxWithdraw(alice) == 0, "soft views must answer 0");
    }
}
