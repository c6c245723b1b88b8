// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RiskParams} from "../interfaces/IBallastVault.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {Assert} from "./Assert.sol";
import {vm} from "./Vm.sol";

/// @notice ERC-4626 entry and exit paths: previews equal results and round for the vault, the idle-asset limit on
/// base-asset exits, `redeemInKind` (exact pro-rata amounts, always open, allowance path), the first-depositor
/// inflation attack and the deposit cap.
contract BallastVaultExitsTest is VaultFixture, Assert {
    uint256 internal constant NAV0 = 1_000_000e6;
    uint256 internal constant VIRTUAL = 1e6;
    address internal attacker = address(0xA77AC);

    // ───────────── helpers ─────────────

    function _approve(address who, uint256 amount) internal {
        usdc.mint(who, amount);
        vm.prank(who);
        usdc.approve(address(vault), type(uint256).max);
    }

    /// @dev Alice deposits 1M, 300k go into 100 WETH, then ETH moves to an odd price: NAV is not a round number and
    /// every conversion rounds.
    function _oddNav() internal {
        _deposit(alice, NAV0);
        _rebalance(_one(_trade(address(usdc), address(weth), 300_000e6)));
        ethFeed.setAnswer(3_123_45678901);
    }

    function _setCap(uint128 cap) internal {
        RiskParams memory p = defaultParams();
        p.depositCap = cap;
        vm.prank(governor);
        vault.setRiskParams(p);
    }

    // ───────────── deposit / mint / withdraw / redeem ─────────────

    /// The first deposit mints assets * 10^6 shares (virtual offset) and equals previewDeposit.
    function test_deposit_firstDepositMintsWithOffset() public {
        assertEq(vault.previewDeposit(1_000e6), 1_000e6 * VIRTUAL, "preview");
        uint256 shares = _deposit(alice, 1_000e6);
        assertEq(shares, 1_000e6 * VIRTUAL, "shares");
        assertEq(vault.balanceOf(alice), shares, "balance");
    }

    /// deposit mints exactly previewDeposit, which is assets*(supply+1e6)/(navCeil+1) rounded down, and never more than
    /// convertToShares (the vault's favour).
    function test_deposit_equalsPreview_roundsDown() public {
        _oddNav();
        uint256 x = 12_345_678_901;
        uint256 preview = vault.previewDeposit(x);
        uint256 navCeil = 700_000e6 + Math.mulDiv(100e18, 3_123_45678901 * 1e16, 1e36, Math.Rounding.Ceil);
        assertEq(preview, Math.mulDiv(x, vault.totalSupply() + VIRTUAL, navCeil + 1), "formula");
        assertLe(preview, vault.convertToShares(x), "no more than fair");
        uint256 shares = _deposit(bob, x);
        assertEq(shares, preview, "deposit == preview");
        assertLe(vault.previewRedeem(shares), x, "cannot redeem more than paid");
    }

    /// mint pulls exactly previewMint, rounded up (at least convertToAssets).
    function test_mint_pullsPreview_roundsUp() public {
        _oddNav();
        uint256 shares = 7_777_777_777_777_777;
        uint256 preview = vault.previewMint(shares);
        assertGe(preview, vault.convertToAssets(shares), "no less than fair");
        _approve(bob, preview);
        uint256 before = usdc.balanceOf(bob);
        vm.prank(bob);
        uint256 assets = vault.mint(shares, bob);
        assertEq(assets, preview, "mint == preview");
        assertEq(before - usdc.balanceOf(bob), preview, "pulled");
        assertEq(vault.balanceOf(bob), shares, "minted");
    }

    /// withdraw burns exactly previewWithdraw, rounded up (at least convertToShares).
    function test_withdraw_burnsPreview_roundsUp() public {
        _oddNav();
        uint256 assets = 54_321_987_654;
        uint256 preview = vault.previewWithdraw(assets);
        assertGe(preview, vault.convertToShares(assets), "no less than fair");
        uint256 before = vault.balanceOf(alice);
        vm.prank(alice);
        uint256 burned = vault.withdraw(assets, bob, alice);
        assertEq(burned, preview, "withdraw == preview");
        assertEq(before - vault.balanceOf(alice), preview, "burned");
        assertEq(usdc.balanceOf(bob), assets, "paid");
    }

    /// redeem pays exactly previewRedeem, rounded down (at most convertToAssets).
    function test_redeem_paysPreview_roundsDown() public {
        _oddNav();
        uint256 shares = vault.balanceOf(alice) / 3;
        uint256 preview = vault.previewRedeem(shares);
        assertLe(preview, vault.convertToAssets(shares), "no more than fair");
        vm.prank(alice);
        uint256 assets = vault.redeem(shares, bob, alice);
        assertEq(assets, preview, "redeem == preview");
        assertEq(usdc.balanceOf(bob), preview, "paid");
    }

    /// deposit/mint/withdraw/redeem/redeemInKind of zero revert ZeroAmount().
    function test_zeroAmounts_revert() public {
        _deposit(alice, 1_000e6);
        bytes memory err = abi.encodeWithSelector(ErrorsLib.ZeroAmount.selector);
        vm.startPrank(alice);
        vm.expectRevert(err);
        vault.deposit(0, alice);
        vm.expectRevert(err);
        vault.mint(0, alice);
        vm.expectRevert(err);
        vault.withdraw(0, alice, alice);
        vm.expectRevert(err);
        vault.redeem(0, alice, alice);
        vm.expectRevert(err);
        vault.redeemInKind(0, alice, alice);
        vm.stopPrank();
    }

    /// A third party withdrawing for the owner spends the owner's share allowance (ERC-4626 semantics).
    function test_withdraw_byOperatorSpendsAllowance() public {
        _deposit(alice, 1_000e6);
        uint256 shares = vault.previewWithdraw(100e6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, shares));
        vault.withdraw(100e6, bob, alice);
        vm.prank(alice);
        vault.approve(bob, shares);
        vm.prank(bob);
        vault.withdraw(100e6, bob, alice);
        assertEq(vault.allowance(alice, bob), 0, "allowance spent");
        assertEq(usdc.balanceOf(bob), 100e6, "paid");
    }

    // ───────────── idle limit ─────────────

    /// maxWithdraw is the owner's assets capped at idle USDC; maxRedeem follows it.
    function test_maxWithdraw_limitedByIdle() public {
        _deposit(alice, NAV0);
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
        uint256 idle = usdc.balanceOf(address(vault));
        assertEq(idle, 600_000e6, "idle");
        assertEq(vault.maxWithdraw(alice), idle, "capped at idle");
        assertEq(vault.maxRedeem(alice), vault.previewWithdraw(idle), "maxRedeem");
        assertLe(vault.maxRedeem(alice), vault.balanceOf(alice), "within balance");
        vm.prank(alice);
        vault.withdraw(idle, alice, alice); // exactly maxWithdraw passes
        assertEq(usdc.balanceOf(address(vault)), 0, "drained idle");
    }

    /// redeem(maxRedeem) is accepted (ERC-4626: max* never overstates), at an odd NAV with idle as the binding limit.
    function test_redeem_maxRedeemIsAccepted() public {
        _oddNav();
        vm.warp(block.timestamp + 1 hours);
        ethFeed.setAnswer(3_123_45678901);
        usdcFeed.setAnswer(1e8);
        btcFeed.setAnswer(60_000e8);
        _rebalance(_one(_trade(address(usdc), address(wbtc), 250_000e6)));
        uint256 shares = vault.maxRedeem(alice);
        assertTrue(shares < vault.balanceOf(alice), "idle binds");
        vm.prank(alice);
        uint256 assets = vault.redeem(shares, alice, alice);
        assertLe(assets, 450_000e6, "within idle");
    }

    /// withdraw of one unit more than idle reverts InsufficientIdle(assets, idle).
    function test_withdraw_revertsBeyondIdle_byOneUnit() public {
        _deposit(alice, NAV0);
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
        uint256 idle = usdc.balanceOf(address(vault));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InsufficientIdle.selector, idle + 1, idle));
        vault.withdraw(idle + 1, alice, alice);
    }

    /// redeem of shares worth more than idle reverts InsufficientIdle(assets, idle); redeemInKind of the same shares passes.
    function test_redeem_revertsBeyondIdle_redeemInKindPasses() public {
        _deposit(alice, NAV0);
        _rebalance(_one(_trade(address(usdc), address(weth), 400_000e6)));
        uint256 shares = vault.balanceOf(alice);
        uint256 assets = vault.previewRedeem(shares);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InsufficientIdle.selector, assets, 600_000e6));
        vault.redeem(shares, alice, alice);
        vm.prank(alice);
        vault.redeemInKind(shares, alice, alice);
        assertEq(vault.totalSupply(), 0, "all burned");
    }

    // ───────────── redeemInKind ─────────────

    /// @dev Checks one redeemInKind: every holding pays balance*shares/(supply+1e6) rounded down, shares burn.
    function _checkRedeemInKind(address caller, address owner, uint256 shares) internal {
        uint256 supply = vault.totalSupply() + VIRTUAL;
        uint256[3] memory expected = [
            Math.mulDiv(usdc.balanceOf(address(vault)), shares, supply),
            Math.mulDiv(weth.balanceOf(address(vault)), shares, supply),
            Math.mulDiv(wbtc.balanceOf(address(vault)), shares, supply)
        ];
        address receiver = address(0x5EC);
        uint256 ownerBefore = vault.balanceOf(owner);
        vm.prank(caller);
        (address[] memory tokens, uint256[] memory amounts) = vault.redeemInKind(shares, receiver, owner);
        assertEq(tokens.length, 3, "tokens");
        assertEq(tokens[0], address(usdc), "base first");
        assertEq(tokens[1], address(weth), "listing order");
        assertEq(tokens[2], address(wbtc), "listing order");
        for (uint256 i; i < 3; ++i) assertEq(amounts[i], expected[i], "pro-rata amount");
        assertEq(usdc.balanceOf(receiver), expected[0], "usdc paid");
        assertEq(weth.balanceOf(receiver), expected[1], "weth paid");
        assertEq(wbtc.balanceOf(receiver), expected[2], "wbtc paid");
        assertEq(ownerBefore - vault.balanceOf(owner), shares, "burned");
    }

    function _holdAll() internal {
        _deposit(alice, NAV0);
        _deposit(bob, 333_333_333_333);
        _rebalance(_one(_trade(address(usdc), address(weth), 300_000e6)));
        vm.warp(block.timestamp + 1 hours);
        _rebalance(_one(_trade(address(usdc), address(wbtc), 200_000e6)));
    }

    /// redeemInKind pays exactly balance*shares/(totalSupply+1e6), rounded down, of every holding and burns the shares.
    function test_redeemInKind_paysExactProRata() public {
        _holdAll();
        _checkRedeemInKind(alice, alice, vault.balanceOf(alice) / 7);
    }

    /// redeemInKind works while paused.
    function test_redeemInKind_worksWhenPaused() public {
        _holdAll();
        vm.prank(guardian);
        vault.pause();
        _checkRedeemInKind(alice, alice, vault.balanceOf(alice) / 3);
    }

    /// redeemInKind works after shutdown.
    function test_redeemInKind_worksWhenShutdown() public {
        _holdAll();
        vm.prank(guardian);
        vault.shutdown();
        _checkRedeemInKind(bob, bob, vault.balanceOf(bob));
    }

    /// With a stale WETH feed, withdraw and redeem revert StalePrice(weth, updatedAt, 1 day); redeemInKind still pays.
    function test_redeemInKind_worksWithStaleFeed_whileWithdrawReverts() public {
        _holdAll();
        (, , , uint256 updatedAt, ) = ethFeed.latestRoundData();
        vm.warp(updatedAt + 1 days + 1);
        usdcFeed.setAnswer(1e8);
        btcFeed.setAnswer(60_000e8);
        bytes memory err = abi.encodeWithSelector(ErrorsLib.StalePrice.selector, address(weth), updatedAt, 1 days);
        vm.startPrank(alice);
        vm.expectRevert(err);
        vault.withdraw(1e6, alice, alice);
        vm.expectRevert(err);
        vault.redeem(1e12, alice, alice);
        vm.stopPrank();
        assertEq(vault.maxWithdraw(alice), 0, "maxWithdraw soft-fails to 0");
        _checkRedeemInKind(alice, alice, vault.balanceOf(alice) / 2);
    }

    /// With a zero WETH price, withdraw and redeem revert InvalidPrice(weth, 0); redeemInKind still pays.
    function test_redeemInKind_worksWithZeroPrice_whileRedeemReverts() public {
        _holdAll();
        ethFeed.setAnswer(0);
        bytes memory err = abi.encodeWithSelector(ErrorsLib.InvalidPrice.selector, address(weth), int256(0));
        vm.startPrank(alice);
        vm.expectRevert(err);
        vault.withdraw(1e6, alice, alice);
        vm.expectRevert(err);
        vault.redeem(1e12, alice, alice);
        vm.stopPrank();
        _checkRedeemInKind(alice, alice, vault.balanceOf(alice));
    }

    /// A caller other than the owner needs a share allowance: ERC20InsufficientAllowance without it; with it the
    /// allowance is spent by exactly `shares`.
    function test_redeemInKind_operatorSpendsAllowance() public {
        _holdAll();
        uint256 shares = vault.balanceOf(alice) / 5;
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, shares));
        vault.redeemInKind(shares, bob, alice);
        vm.prank(alice);
        vault.approve(bob, shares + 5);
        _checkRedeemInKind(bob, alice, shares);
        assertEq(vault.allowance(alice, bob), 5, "allowance spent by shares");
    }

    /// Redeeming more shares than owned reverts ERC20InsufficientBalance.
    function test_redeemInKind_moreThanBalanceReverts() public {
        _holdAll();
        uint256 bal = vault.balanceOf(bob);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, bal, bal + 1));
        vault.redeemInKind(bal + 1, bob, bob);
    }

    // ───────────── first-depositor inflation attack ─────────────

    /// @dev Attacker deposits 1 unit, donates `donation` USDC straight to the vault, victim deposits `victimAssets`.
    /// Returns the victim's loss (assets in minus assets redeemable) and the attacker's result (out minus in, signed).
    function _inflationAttack(uint256 donation, uint256 victimAssets) internal returns (uint256 loss, int256 pnl) {
        _deposit(attacker, 1);
        usdc.mint(attacker, donation);
        vm.prank(attacker);
        usdc.transfer(address(vault), donation);
        if (vault.previewDeposit(victimAssets) == 0) {
            // The victim's deposit is refused (ZeroAmount) rather than minting nothing: no loss.
            _approve(bob, victimAssets);
            vm.prank(bob);
            vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ZeroAmount.selector));
            vault.deposit(victimAssets, bob);
            return (0, -int256(donation));
        }
        uint256 victimShares = _deposit(bob, victimAssets);
        uint256 oneShare = Math.ceilDiv(vault.totalAssets() + 1, vault.totalSupply() + VIRTUAL);
        vm.prank(bob);
        uint256 victimOut = vault.redeem(victimShares, bob, bob);
        loss = victimAssets - victimOut;
        // Bound: the victim loses at most the value of one share (~ donation / 2e6) plus one unit of rounding.
        assertLe(loss, oneShare + 1, "victim loses at most one share");
        uint256 attackerShares = vault.balanceOf(attacker);
        vm.prank(attacker);
        uint256 attackerOut = vault.redeem(attackerShares, attacker, attacker);
        pnl = int256(attackerOut) - int256(donation + 1);
    }

    /// Donating 1M USDC after a 1-unit deposit costs the attacker about half the donation (the virtual shares take it)
    /// while a 10k USDC victim loses under 0.5 USDC (< 0.5 bps): the attack does not pay.
    function test_inflationAttack_failsAndVictimLossIsTiny() public {
        (uint256 loss, int256 pnl) = _inflationAttack(1_000_000e6, 10_000e6);
        assertLe(loss, 0.5e6, "victim loses < 0.5 USDC");
        assertTrue(pnl < -499_000e6, "attacker loses ~half the donation");
    }

    /// For any donation and victim deposit, the victim loses at most one share's value and the attacker never profits.
    function testFuzz_inflationAttack_neverProfits(uint256 donation, uint256 victimAssets) public {
        donation = bound(donation, 1, 5_000_000e6);
        victimAssets = bound(victimAssets, 1, 4_000_000e6);
        (, int256 pnl) = _inflationAttack(donation, victimAssets);
        assertTrue(pnl <= 0, "attacker profits");
    }

    // ───────────── deposit cap ─────────────

    /// maxDeposit is the remaining room under the cap; a deposit that reaches the cap exactly passes; one more unit
    /// reverts DepositCapExceeded(1, 0, cap).
    function test_deposit_exactlyAtCapPasses_oneMoreReverts() public {
        uint128 cap = 1_000_000e6;
        _setCap(cap);
        _deposit(alice, 400_000e6);
        assertEq(vault.maxDeposit(bob), 600_000e6, "remaining");
        _deposit(bob, 600_000e6);
        assertEq(vault.totalAssets(), cap, "at cap");
        assertEq(vault.maxDeposit(bob), 0, "no room");
        assertEq(vault.maxMint(bob), 0, "no mint room");
        _approve(bob, 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DepositCapExceeded.selector, 1, 0, cap));
        vault.deposit(1, bob);
    }

    /// A deposit one unit above the remaining room reverts DepositCapExceeded(assets, remaining, cap).
    function test_deposit_revertsAboveCap_byOneUnit() public {
        uint128 cap = 1_000_000e6;
        _setCap(cap);
        _deposit(alice, 400_000e6);
        _approve(bob, 600_000e6 + 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DepositCapExceeded.selector, 600_000e6 + 1, 600_000e6, cap));
        vault.deposit(600_000e6 + 1, bob);
    }

    /// mint is held to the same cap: minting shares that cost more than the room reverts DepositCapExceeded.
    function test_mint_revertsAboveCap() public {
        uint128 cap = 1_000_000e6;
        _setCap(cap);
        _deposit(alice, 400_000e6);
        uint256 shares = vault.previewDeposit(600_000e6) + 1;
        uint256 assets = vault.previewMint(shares);
        _approve(bob, assets);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DepositCapExceeded.selector, assets, 600_000e6, cap));
        vault.mint(shares, bob);
        assertEq(vault.maxMint(bob), shares - 1, "maxMint");
    }

    /// maxDeposit and maxMint are 0 when paused or shut down.
    function test_maxDeposit_zeroWhenPausedOrShutdown() public {
        _deposit(alice, 1_000e6);
        assertTrue(vault.maxDeposit(bob) > 0, "room");
        vm.prank(guardian);
        vault.pause();
        assertEq(vault.maxDeposit(bob), 0, "paused");
        assertEq(vault.maxMint(bob), 0, "paused mint");
        vm.prank(governor);
        vault.unpause();
        vm.prank(guardian);
        vault.shutdown();
        assertEq(vault.maxDeposit(bob), 0, "shutdown");
        assertEq(vault.maxMint(bob), 0, "shutdown mint");
    }

    /// When prices lift NAV above the cap, there is no room: maxDeposit 0 and DepositCapExceeded(x, 0, cap).
    function test_deposit_navAboveCapAfterPriceRise() public {
        uint128 cap = 1_000_000e6;
        _setCap(cap);
        _deposit(alice, 1_000_000e6);
        _rebalance(_one(_trade(address(usdc), address(weth), 300_000e6)));
        ethFeed.setAnswer(4_000e8);
        assertEq(vault.maxDeposit(bob), 0, "no room");
        _approve(bob, 1e6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DepositCapExceeded.selector, 1e6, 0, cap));
        vault.deposit(1e6, bob);
    }
}
