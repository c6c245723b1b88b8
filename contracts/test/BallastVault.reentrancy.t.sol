// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Trade} from "../interfaces/IBallastVault.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {Assert} from "./Assert.sol";
import {MaliciousAdapter} from "./MaliciousAdapter.sol";
import {MaliciousToken} from "./MaliciousToken.sol";
import {vm} from "./Vm.sol";

/// @notice Re-entrancy and lying counterparties: a whitelisted adapter that re-enters every vault entry point from
/// inside `swap()`, an adapter that over-reports its output, and a listed token that re-enters from its `transfer`.
/// Every re-entry must fail with OpenZeppelin's ReentrancyGuardReentrantCall(), whoever holds which role.
contract BallastVaultReentrancyTest is VaultFixture, Assert {
    uint256 internal constant NAV0 = 1_000_000e6;
    MaliciousAdapter internal bad;
    MaliciousToken internal evil;

    function setUp() public override {
        super.setUp();
        _deposit(alice, NAV0);
        bad = new MaliciousAdapter(vault);
        evil = new MaliciousToken();
        dex.setFeed(address(evil), ethFeed);
        vm.startPrank(governor);
        vault.setAdapter(address(bad), true);
        // The adapter is even a keeper: only the reentrancy guard can stop its nested rebalance.
        vault.grantRole(vault.KEEPER_ROLE(), address(bad));
        vm.stopPrank();
    }

    function _reentrancyError() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    /// @dev usdc -> weth through the malicious adapter, minAmountOut at the vault's oracle floor.
    function _badTrade() internal view returns (Trade[] memory) {
        Trade memory t = _trade(address(usdc), address(weth), 10_000e6);
        t.adapter = address(bad);
        return _one(t);
    }

    function _expectAdapterReentryFails(MaliciousAdapter.Mode mode) internal {
        bad.setMode(mode, false);
        _rebalanceExpectRevert(_badTrade(), _reentrancyError());
    }

    // ───────────── adapter re-entering from swap() ─────────────

    /// An adapter re-entering deposit from swap() reverts the rebalance with ReentrancyGuardReentrantCall().
    function test_adapterReentry_deposit_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.Deposit);
    }

    /// ... mint.
    function test_adapterReentry_mint_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.Mint);
    }

    /// ... withdraw.
    function test_adapterReentry_withdraw_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.Withdraw);
    }

    /// ... redeem.
    function test_adapterReentry_redeem_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.Redeem);
    }

    /// ... redeemInKind.
    function test_adapterReentry_redeemInKind_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.RedeemInKind);
    }

    /// ... rebalance (the adapter holds KEEPER_ROLE, so the guard, not the role check, stops it).
    function test_adapterReentry_rebalance_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.Rebalance);
    }

    /// ... pokeBreaker (it writes the high-water mark).
    function test_adapterReentry_pokeBreaker_reverts() public {
        _expectAdapterReentryFails(MaliciousAdapter.Mode.PokeBreaker);
    }

    /// If the adapter swallows the failed re-entry, the rebalance completes but the re-entry had no effect: the error
    /// recorded is ReentrancyGuardReentrantCall() and the adapter got no shares.
    function test_adapterReentry_swallowed_hasNoEffect() public {
        bad.setMode(MaliciousAdapter.Mode.Deposit, true);
        usdc.mint(address(bad), 1e6);
        uint256 supply = vault.totalSupply();
        _rebalance(_badTrade());
        assertTrue(!bad.reentrySucceeded(), "re-entry failed");
        assertEq(bad.lastReentryError(), _reentrancyError(), "guard error");
        assertEq(vault.balanceOf(address(bad)), 0, "no shares");
        assertEq(vault.totalSupply(), supply, "supply unchanged");
    }

    /// An adapter that reports a huge amountOut but delivers minAmountOut - 1 is caught by the balance delta:
    /// InsufficientOutput(0, received, minAmountOut).
    function test_adapterLiesAboutOutput_insufficientOutput() public {
        bad.setMode(MaliciousAdapter.Mode.LieAboutOutput, false);
        Trade[] memory trades = _badTrade();
        uint256 minOut = trades[0].minAmountOut;
        _rebalanceExpectRevert(
            trades,
            abi.encodeWithSelector(ErrorsLib.InsufficientOutput.selector, 0, minOut - 1, minOut)
        );
    }

    // ───────────── listed token re-entering from transfer() ─────────────

    /// @dev Lists EVIL (priced like ETH, no protocol) and buys 100k USDC of it.
    function _holdEvil() internal {
        vm.prank(governor);
        vault.addAsset(address(evil), ethFeed, 1 days, 5_000, bytes32(0));
        _rebalance(_one(_trade(address(usdc), address(evil), 100_000e6)));
        assertTrue(evil.balanceOf(address(vault)) > 0, "holds EVIL");
    }

    /// A listed token whose transfer re-enters redeemInKind while the vault pays it out: the whole redeemInKind
    /// reverts ReentrancyGuardReentrantCall().
    function test_tokenReentry_redeemInKind_reverts() public {
        _holdEvil();
        evil.arm(
            address(vault),
            MaliciousToken.Mode.Reenter,
            abi.encodeCall(vault.redeemInKind, (1, address(evil), address(evil))),
            false
        );
        uint256 shares = vault.balanceOf(alice) / 2;
        vm.prank(alice);
        vm.expectRevert(_reentrancyError());
        vault.redeemInKind(shares, alice, alice);
    }

    /// The same token re-entering deposit during redeemInKind also fails.
    function test_tokenReentry_depositDuringRedeemInKind_reverts() public {
        _holdEvil();
        evil.arm(
            address(vault),
            MaliciousToken.Mode.Reenter,
            abi.encodeCall(vault.deposit, (1e6, address(evil))),
            false
        );
        vm.prank(alice);
        vm.expectRevert(_reentrancyError());
        vault.redeemInKind(1e12, alice, alice);
    }

    /// Swallowed, the re-entry changes nothing: redeemInKind completes, the token recorded the guard error, and the
    /// payout is still exactly pro-rata.
    function test_tokenReentry_swallowed_hasNoEffect() public {
        _holdEvil();
        evil.arm(
            address(vault),
            MaliciousToken.Mode.Reenter,
            abi.encodeCall(vault.redeemInKind, (1, address(evil), address(evil))),
            true
        );
        uint256 shares = vault.balanceOf(alice) / 2;
        uint256 expected = (evil.balanceOf(address(vault)) * shares) / (vault.totalSupply() + 1e6);
        vm.prank(alice);
        vault.redeemInKind(shares, alice, alice);
        assertTrue(!evil.reentrySucceeded(), "re-entry failed");
        assertEq(evil.lastReentryError(), _reentrancyError(), "guard error");
        assertEq(evil.balanceOf(alice), expected, "pro-rata EVIL");
    }

    /// A token re-entering when the adapter pulls it from the vault (selling EVIL) reverts the rebalance.
    function test_tokenReentry_duringRebalancePull_reverts() public {
        _holdEvil();
        vm.warp(block.timestamp + 1 hours);
        evil.arm(address(vault), MaliciousToken.Mode.Reenter, abi.encodeCall(vault.pokeBreaker, ()), false);
        _rebalanceExpectRevert(_one(_trade(address(evil), address(usdc), 1e18)), _reentrancyError());
    }

    /// Surprising (liveness): redeemInKind pays every holding, so ONE listed token whose transfers revert (paused,
    /// blacklisting, malicious) blocks redeemInKind for everyone; redeem of idle USDC still works. "The exit that always
    /// works" depends on every listed token being transferable.
    function test_blockingToken_blocksRedeemInKindForEveryone() public {
        _holdEvil();
        evil.arm(address(vault), MaliciousToken.Mode.Block, "", false);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MaliciousToken.TransfersBlocked.selector));
        vault.redeemInKind(1e12, alice, alice);
        vm.prank(alice);
        vault.redeem(1e12, alice, alice);
    }
}
