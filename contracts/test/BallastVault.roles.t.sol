// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {RiskParams, Trade} from "../interfaces/IBallastVault.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {Assert} from "./Assert.sol";
import {vm} from "./Vm.sol";

/// @notice Roles and governance rules: who may call each privileged function (and the exact OpenZeppelin error for
/// everyone else), the guardian's tighten-only path, pause and shutdown semantics, asset listing bounds and parameter
/// validation.
contract BallastVaultRolesTest is VaultFixture, Assert {
    uint256 internal constant NAV0 = 1_000_000e6;
    uint256 internal constant FIELDS = 10; // RiskParams fields
    address internal stranger = address(0xBAD);

    bytes32 internal GOVERNOR;
    bytes32 internal GUARDIAN;
    bytes32 internal KEEPER;

    function setUp() public override {
        super.setUp();
        GOVERNOR = vault.GOVERNOR_ROLE();
        GUARDIAN = vault.GUARDIAN_ROLE();
        KEEPER = vault.KEEPER_ROLE();
        _deposit(alice, NAV0);
    }

    // ───────────── helpers ─────────────

    /// @dev Calls the vault as `caller` and requires a revert with exactly `expected`.
    function _callExpectRevert(address caller, bytes memory data, bytes memory expected, string memory what) internal {
        vm.prank(caller);
        (bool ok, bytes memory ret) = address(vault).call(data);
        assertTrue(!ok, what);
        assertEq(ret, expected, what);
    }

    function _callOk(address caller, bytes memory data, string memory what) internal {
        vm.prank(caller);
        (bool ok, bytes memory ret) = address(vault).call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        assertTrue(ok, what);
    }

    function _unauthorized(address caller, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role);
    }

    /// @dev Every governor-only call, with arguments that would succeed for the governor.
    function _governorCalls() internal returns (bytes[] memory calls) {
        MockERC20 extra = new MockERC20("Extra", "XTR", 18);
        calls = new bytes[](9);
        calls[0] = abi.encodeCall(vault.setRiskParams, (defaultParams()));
        calls[1] = abi.encodeCall(vault.addAsset, (address(extra), ethFeed, 1 days, 1_000, bytes32(0)));
        calls[2] = abi.encodeCall(vault.removeAsset, (address(wbtc)));
        calls[3] = abi.encodeCall(vault.setFeed, (address(weth), ethFeed, 2 days));
        calls[4] = abi.encodeCall(vault.setAssetCap, (address(weth), 4_000));
        calls[5] = abi.encodeCall(vault.setProtocolCap, (WETH_PROTOCOL, 5_000));
        calls[6] = abi.encodeCall(vault.setAdapter, (address(0xDEAD), true));
        calls[7] = abi.encodeCall(vault.unpause, ());
        calls[8] = abi.encodeCall(vault.setRiskParams, (_loosened()));
    }

    function _guardianCalls() internal view returns (bytes[] memory calls) {
        calls = new bytes[](7);
        calls[0] = abi.encodeCall(vault.pause, ());
        calls[1] = abi.encodeCall(vault.shutdown, ());
        calls[2] = abi.encodeCall(vault.tightenRiskParams, (defaultParams()));
        calls[3] = abi.encodeCall(vault.tightenAssetCap, (address(weth), 4_000));
        calls[4] = abi.encodeCall(vault.tightenProtocolCap, (WETH_PROTOCOL, 5_000));
        calls[5] = abi.encodeCall(vault.disableAdapter, (address(dex)));
        calls[6] = abi.encodeCall(vault.resetBreaker, ());
    }

    function _rebalanceCall() internal returns (bytes memory) {
        return
            abi.encodeCall(
                vault.rebalance,
                (_one(_trade(address(usdc), address(weth), 100_000e6)), _nextPlan(), block.timestamp + 1 hours)
            );
    }

    function _loosened() internal pure returns (RiskParams memory p) {
        p = defaultParams();
        p.maxTurnoverBps = 6_000;
        p.depositCap = 20_000_000e6;
    }

    /// @dev `field` of `p` (modified in place: pass a fresh copy) moved by one unit in the looser (`loosen`) or tighter direction; returns the field name and
    /// the current and proposed values.
    function _nudge(
        RiskParams memory p,
        uint256 field,
        bool loosen
    ) internal pure returns (RiskParams memory q, bytes32 name, uint256 cur, uint256 next) {
        q = p;
        // For a max* field loosening is +1; for min*/cooldown/window it is -1.
        if (field == 0) {
            (name, cur) = ("maxTurnoverBps", p.maxTurnoverBps);
            q.maxTurnoverBps = uint16(next = loosen ? cur + 1 : cur - 1);
        } else if (field == 1) {
            (name, cur) = ("maxWindowTurnoverBps", p.maxWindowTurnoverBps);
            q.maxWindowTurnoverBps = uint16(next = loosen ? cur + 1 : cur - 1);
        } else if (field == 2) {
            (name, cur) = ("maxSlippageBps", p.maxSlippageBps);
            q.maxSlippageBps = uint16(next = loosen ? cur + 1 : cur - 1);
        } else if (field == 3) {
            (name, cur) = ("maxWindowSlippageBps", p.maxWindowSlippageBps);
            q.maxWindowSlippageBps = uint16(next = loosen ? cur + 1 : cur - 1);
        } else if (field == 4) {
            (name, cur) = ("maxDrawdownBps", p.maxDrawdownBps);
            q.maxDrawdownBps = uint16(next = loosen ? cur + 1 : cur - 1);
        } else if (field == 5) {
            (name, cur) = ("depositCap", p.depositCap);
            q.depositCap = uint128(next = loosen ? cur + 1 : cur - 1);
        } else if (field == 6) {
            (name, cur) = ("minIdleBps", p.minIdleBps);
            q.minIdleBps = uint16(next = loosen ? cur - 1 : cur + 1);
        } else if (field == 7) {
            (name, cur) = ("cooldownSeconds", p.cooldownSeconds);
            q.cooldownSeconds = uint32(next = loosen ? cur - 1 : cur + 1);
        } else if (field == 8) {
            (name, cur) = ("windowSeconds", p.windowSeconds);
            q.windowSeconds = uint32(next = loosen ? cur - 1 : cur + 1);
        } else {
            (name, cur) = ("drawdownWindowSeconds", p.drawdownWindowSeconds);
            q.drawdownWindowSeconds = uint32(next = loosen ? cur - 1 : cur + 1);
        }
    }

    // ───────────── governor-only ─────────────

    /// Every governor-only function reverts AccessControlUnauthorizedAccount(caller, GOVERNOR_ROLE) for the guardian,
    /// the keeper, a depositor and a stranger.
    function test_governorOnly_revertsForEveryOtherRole() public {
        bytes[] memory calls = _governorCalls();
        address[4] memory others = [guardian, keeper, alice, stranger];
        for (uint256 i; i < calls.length; ++i) {
            for (uint256 j; j < others.length; ++j) {
                _callExpectRevert(others[j], calls[i], _unauthorized(others[j], GOVERNOR), "governor-only");
            }
        }
    }

    /// Every governor-only function succeeds for the governor (the timelock).
    function test_governorOnly_succeedsForGovernor() public {
        bytes[] memory calls = _governorCalls();
        for (uint256 i; i < calls.length; ++i) _callOk(governor, calls[i], "governor call");
        assertEq(vault.listedAssets().length, 2, "one added, one removed");
        assertEq(vault.assetRisk(address(weth)).maxWeightBps, 4_000, "asset cap set");
        assertEq(vault.protocolCapBps(WETH_PROTOCOL), 5_000, "protocol cap set");
        assertEq(vault.priceSource(address(weth)).maxStalenessSeconds, 2 days, "feed set");
        assertTrue(vault.isAdapter(address(0xDEAD)), "adapter set");
        assertEq(vault.riskParams().maxTurnoverBps, 6_000, "governor may loosen");
    }

    /// Granting roles is the admin's (the governor's) alone: the guardian cannot make itself a keeper.
    function test_grantRole_onlyAdmin() public {
        _callExpectRevert(
            guardian,
            abi.encodeCall(vault.grantRole, (KEEPER, guardian)),
            _unauthorized(guardian, bytes32(0)),
            "grantRole"
        );
        _callExpectRevert(
            keeper,
            abi.encodeCall(vault.grantRole, (GOVERNOR, keeper)),
            _unauthorized(keeper, bytes32(0)),
            "grantRole"
        );
    }

    // ───────────── guardian-only ─────────────

    /// Every guardian-only function reverts AccessControlUnauthorizedAccount(caller, GUARDIAN_ROLE) for the keeper, a
    /// depositor and a stranger.
    function test_guardianOnly_revertsForEveryOtherRole() public {
        bytes[] memory calls = _guardianCalls();
        address[3] memory others = [keeper, alice, stranger];
        for (uint256 i; i < calls.length; ++i) {
            for (uint256 j; j < others.length; ++j) {
                _callExpectRevert(others[j], calls[i], _unauthorized(others[j], GUARDIAN), "guardian-only");
            }
        }
    }

    /// Every guardian-only function succeeds for the guardian.
    function test_guardianOnly_succeedsForGuardian() public {
        bytes[] memory calls = _guardianCalls();
        for (uint256 i; i < calls.length; ++i) _callOk(guardian, calls[i], "guardian call");
        assertTrue(vault.paused() && vault.isShutdown(), "paused and shut down");
        assertEq(vault.assetRisk(address(weth)).maxWeightBps, 4_000, "asset cap tightened");
        assertEq(vault.protocolCapBps(WETH_PROTOCOL), 5_000, "protocol cap tightened");
        assertTrue(!vault.isAdapter(address(dex)), "adapter disabled");
    }

    /// The governor (the timelock) also holds GUARDIAN_ROLE by construction: it can pause and reset the breaker too.
    function test_guardianOnly_governorAlsoHoldsGuardianRole() public {
        bytes[] memory calls = _guardianCalls();
        for (uint256 i; i < calls.length; ++i) _callOk(governor, calls[i], "governor as guardian");
    }

    // ───────────── keeper-only ─────────────

    /// rebalance reverts AccessControlUnauthorizedAccount(caller, KEEPER_ROLE) for governor, guardian, depositor, stranger.
    function test_rebalance_keeperOnly_revertsForEveryOtherRole() public {
        address[4] memory others = [governor, guardian, alice, stranger];
        for (uint256 j; j < others.length; ++j) {
            _callExpectRevert(others[j], _rebalanceCall(), _unauthorized(others[j], KEEPER), "keeper-only");
        }
    }

    /// rebalance succeeds for the keeper.
    function test_rebalance_keeperOnly_succeedsForKeeper() public {
        _callOk(keeper, _rebalanceCall(), "keeper rebalance");
        assertTrue(weth.balanceOf(address(vault)) > 0, "bought WETH");
    }

    // ───────────── guardian tightening ─────────────

    /// For each of the ten RiskParams fields, a one-unit loosening through tightenRiskParams reverts
    /// NotATightening(field, current, proposed) — even when the caller is the governor.
    function test_tightenRiskParams_eachFieldLooseningReverts() public {
        for (uint256 f; f < FIELDS; ++f) {
            (RiskParams memory q, bytes32 name, uint256 cur, uint256 next) = _nudge(defaultParams(), f, true);
            bytes memory err = abi.encodeWithSelector(ErrorsLib.NotATightening.selector, name, cur, next);
            _callExpectRevert(guardian, abi.encodeCall(vault.tightenRiskParams, (q)), err, "loosening");
            _callExpectRevert(governor, abi.encodeCall(vault.tightenRiskParams, (q)), err, "loosening (governor)");
        }
    }

    /// For each field, a one-unit tightening through tightenRiskParams succeeds at once and is stored.
    function test_tightenRiskParams_eachFieldTighteningSucceeds() public {
        for (uint256 f; f < FIELDS; ++f) {
            (RiskParams memory q, , , ) = _nudge(vault.riskParams(), f, false);
            vm.prank(guardian);
            vault.tightenRiskParams(q);
            assertEq(keccak256(abi.encode(vault.riskParams())), keccak256(abi.encode(q)), "stored");
        }
    }

    /// tightenAssetCap can lower a weight cap but not raise it: NotATightening("maxWeightBps", 5000, 5001).
    function test_tightenAssetCap_upwardReverts() public {
        _callExpectRevert(
            guardian,
            abi.encodeCall(vault.tightenAssetCap, (address(weth), 5_001)),
            abi.encodeWithSelector(ErrorsLib.NotATightening.selector, bytes32("maxWeightBps"), 5_000, 5_001),
            "asset cap up"
        );
        vm.prank(guardian);
        vault.tightenAssetCap(address(weth), 4_999);
        assertEq(vault.assetRisk(address(weth)).maxWeightBps, 4_999, "lowered");
    }

    /// tightenProtocolCap can lower a protocol cap but not raise it: NotATightening("protocolCapBps", 3000, 3001).
    function test_tightenProtocolCap_upwardReverts() public {
        _callExpectRevert(
            guardian,
            abi.encodeCall(vault.tightenProtocolCap, (WBTC_PROTOCOL, 3_001)),
            abi.encodeWithSelector(ErrorsLib.NotATightening.selector, bytes32("protocolCapBps"), 3_000, 3_001),
            "protocol cap up"
        );
        vm.prank(guardian);
        vault.tightenProtocolCap(WBTC_PROTOCOL, 2_999);
        assertEq(vault.protocolCapBps(WBTC_PROTOCOL), 2_999, "lowered");
    }

    /// tightenAssetCap on the base asset or an unlisted token reverts AssetNotListed.
    function test_tightenAssetCap_unlistedReverts() public {
        _callExpectRevert(
            guardian,
            abi.encodeCall(vault.tightenAssetCap, (address(usdc), 0)),
            abi.encodeWithSelector(ErrorsLib.AssetNotListed.selector, address(usdc)),
            "base asset"
        );
        _callExpectRevert(
            guardian,
            abi.encodeCall(vault.tightenAssetCap, (address(0x1234), 0)),
            abi.encodeWithSelector(ErrorsLib.AssetNotListed.selector, address(0x1234)),
            "unlisted"
        );
    }

    // ───────────── pause ─────────────

    /// While paused, deposit, mint and rebalance revert EnforcedPause().
    function test_pause_blocksDepositMintRebalance() public {
        vm.prank(guardian);
        vault.pause();
        usdc.mint(bob, 1_000e6);
        vm.prank(bob);
        usdc.approve(address(vault), type(uint256).max);
        bytes memory err = abi.encodeWithSelector(ErrorsLib.EnforcedPause.selector);
        _callExpectRevert(bob, abi.encodeCall(vault.deposit, (1_000e6, bob)), err, "deposit");
        _callExpectRevert(bob, abi.encodeCall(vault.mint, (1e12, bob)), err, "mint");
        _callExpectRevert(keeper, _rebalanceCall(), err, "rebalance");
    }

    /// While paused, withdraw, redeem and redeemInKind all still pay out.
    function test_pause_exitsStayOpen() public {
        vm.prank(guardian);
        vault.pause();
        uint256 shares = vault.balanceOf(alice);
        vm.startPrank(alice);
        vault.withdraw(100_000e6, alice, alice);
        vault.redeem(shares / 4, alice, alice);
        vault.redeemInKind(shares / 4, alice, alice);
        vm.stopPrank();
        assertGe(usdc.balanceOf(alice), 100_000e6 + 2 * 249_000e6, "paid");
    }

    /// unpause (governor) re-opens deposits.
    function test_unpause_reopensDeposits() public {
        vm.prank(guardian);
        vault.pause();
        vm.prank(governor);
        vault.unpause();
        _deposit(bob, 1_000e6);
        assertTrue(vault.balanceOf(bob) > 0, "deposited");
    }

    // ───────────── shutdown ─────────────

    /// After shutdown, deposit and mint revert VaultShutdown().
    function test_shutdown_blocksDeposits() public {
        vm.prank(guardian);
        vault.shutdown();
        usdc.mint(bob, 1_000e6);
        vm.prank(bob);
        usdc.approve(address(vault), type(uint256).max);
        bytes memory err = abi.encodeWithSelector(ErrorsLib.VaultShutdown.selector);
        _callExpectRevert(bob, abi.encodeCall(vault.deposit, (1_000e6, bob)), err, "deposit");
        _callExpectRevert(bob, abi.encodeCall(vault.mint, (1e12, bob)), err, "mint");
        assertEq(vault.maxDeposit(bob), 0, "maxDeposit");
    }

    /// After shutdown, a rebalance buying WETH reverts OnlyDeRiskingAllowed(0, weth); selling WETH into USDC passes.
    function test_shutdown_onlyDeRiskingTrades() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 300_000e6)));
        vm.prank(guardian);
        vault.shutdown();
        vm.warp(block.timestamp + 1 hours);
        _rebalanceExpectRevert(
            _one(_trade(address(usdc), address(weth), 10_000e6)),
            abi.encodeWithSelector(ErrorsLib.OnlyDeRiskingAllowed.selector, 0, address(weth))
        );
        _rebalanceExpectRevert(
            _one(_trade(address(weth), address(wbtc), 1e18)),
            abi.encodeWithSelector(ErrorsLib.OnlyDeRiskingAllowed.selector, 0, address(wbtc))
        );
        uint256 held = weth.balanceOf(address(vault));
        _rebalance(_one(_trade(address(weth), address(usdc), held)));
        assertEq(weth.balanceOf(address(vault)), 0, "sold out");
    }

    /// After shutdown, withdraw, redeem and redeemInKind still pay out.
    function test_shutdown_exitsStayOpen() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 300_000e6)));
        vm.prank(guardian);
        vault.shutdown();
        uint256 shares = vault.balanceOf(alice);
        vm.startPrank(alice);
        vault.withdraw(100_000e6, alice, alice);
        vault.redeem(shares / 4, alice, alice);
        vault.redeemInKind(shares / 4, alice, alice);
        vm.stopPrank();
        assertTrue(weth.balanceOf(alice) > 0, "in-kind WETH");
    }

    // ───────────── listing ─────────────

    /// removeAsset of a held asset reverts AssetHasBalance(asset, balance).
    function test_removeAsset_withBalanceReverts() public {
        _rebalance(_one(_trade(address(usdc), address(weth), 100_000e6)));
        uint256 bal = weth.balanceOf(address(vault));
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.removeAsset, (address(weth))),
            abi.encodeWithSelector(ErrorsLib.AssetHasBalance.selector, address(weth), bal),
            "remove held"
        );
    }

    /// removeAsset of an unlisted token reverts AssetNotListed; delisting then re-listing works.
    function test_removeAsset_unlistedReverts_andRelistWorks() public {
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.removeAsset, (address(usdc))),
            abi.encodeWithSelector(ErrorsLib.AssetNotListed.selector, address(usdc)),
            "remove base"
        );
        vm.startPrank(governor);
        vault.removeAsset(address(wbtc));
        vault.addAsset(address(wbtc), btcFeed, 1 days, 2_000, WBTC_PROTOCOL);
        vm.stopPrank();
        assertEq(vault.assetRisk(address(wbtc)).maxWeightBps, 2_000, "relisted");
    }

    /// addAsset of a listed asset (or of the base asset) reverts AssetAlreadyListed.
    function test_addAsset_twiceReverts() public {
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.addAsset, (address(weth), ethFeed, 1 days, 5_000, WETH_PROTOCOL)),
            abi.encodeWithSelector(ErrorsLib.AssetAlreadyListed.selector, address(weth)),
            "twice"
        );
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.addAsset, (address(usdc), usdcFeed, 1 days, 5_000, bytes32(0))),
            abi.encodeWithSelector(ErrorsLib.AssetAlreadyListed.selector, address(usdc)),
            "base"
        );
    }

    /// At most MAX_ASSETS (16) non-base assets: the 16th listing passes, the 17th reverts TooManyAssets(16).
    function test_addAsset_maxAssetsBound() public {
        vm.startPrank(governor);
        for (uint256 i = 2; i < vault.MAX_ASSETS(); ++i) {
            vault.addAsset(address(new MockERC20("T", "T", 18)), ethFeed, 1 days, 100, bytes32(0));
        }
        vm.stopPrank();
        assertEq(vault.listedAssets().length, 16, "16 listed");
        address extra = address(new MockERC20("T", "T", 18));
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.addAsset, (extra, ethFeed, 1 days, 100, bytes32(0))),
            abi.encodeWithSelector(ErrorsLib.TooManyAssets.selector, 16),
            "17th"
        );
    }

    // ───────────── parameter validation ─────────────

    function _expectInvalidParams(RiskParams memory p, bytes32 field, uint256 value) internal {
        bytes memory err = abi.encodeWithSelector(ErrorsLib.InvalidParameter.selector, field, value);
        _callExpectRevert(governor, abi.encodeCall(vault.setRiskParams, (p)), err, "setRiskParams");
        _callExpectRevert(guardian, abi.encodeCall(vault.tightenRiskParams, (p)), err, "tightenRiskParams");
    }

    /// maxSlippageBps >= 10,000 is refused: InvalidParameter("maxSlippageBps", 10000); 9,999 is accepted.
    function test_setRiskParams_invalidSlippage() public {
        RiskParams memory p = defaultParams();
        p.maxSlippageBps = 10_000;
        _expectInvalidParams(p, "maxSlippageBps", 10_000);
        p.maxSlippageBps = 9_999;
        vm.prank(governor);
        vault.setRiskParams(p);
    }

    /// windowSeconds 0, drawdownWindowSeconds 0, and minIdleBps / maxDrawdownBps / maxWindowSlippageBps above 10,000 are refused with
    /// InvalidParameter(field, value).
    function test_setRiskParams_invalidRanges() public {
        RiskParams memory p = defaultParams();
        p.windowSeconds = 0;
        _expectInvalidParams(p, "windowSeconds", 0);
        p = defaultParams();
        p.drawdownWindowSeconds = 0;
        _expectInvalidParams(p, "drawdownWindowSeconds", 0);
        p = defaultParams();
        p.minIdleBps = 10_001;
        _expectInvalidParams(p, "minIdleBps", 10_001);
        p = defaultParams();
        p.maxDrawdownBps = 10_001;
        _expectInvalidParams(p, "maxDrawdownBps", 10_001);
        p = defaultParams();
        p.maxWindowSlippageBps = 10_001;
        _expectInvalidParams(p, "maxWindowSlippageBps", 10_001);
    }

    /// Caps above 10,000 bps, a zero staleness limit and zero addresses are refused.
    function test_governance_invalidCapsAndAddresses() public {
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.setAssetCap, (address(weth), 10_001)),
            abi.encodeWithSelector(ErrorsLib.InvalidParameter.selector, bytes32("maxWeightBps"), 10_001),
            "asset cap"
        );
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.setProtocolCap, (WETH_PROTOCOL, 10_001)),
            abi.encodeWithSelector(ErrorsLib.InvalidParameter.selector, bytes32("protocolCapBps"), 10_001),
            "protocol cap"
        );
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.setFeed, (address(weth), ethFeed, 0)),
            abi.encodeWithSelector(ErrorsLib.InvalidParameter.selector, bytes32("maxStalenessSeconds"), 0),
            "staleness"
        );
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.setFeed, (address(weth), AggregatorV3Interface(address(0)), 1 days)),
            abi.encodeWithSelector(ErrorsLib.ZeroAddress.selector),
            "zero feed"
        );
        _callExpectRevert(
            governor,
            abi.encodeCall(vault.setAdapter, (address(0), true)),
            abi.encodeWithSelector(ErrorsLib.ZeroAddress.selector),
            "zero adapter"
        );
    }

    /// A disabled adapter cannot be used: AdapterNotAllowed(0, adapter).
    function test_disableAdapter_blocksTrades() public {
        vm.prank(guardian);
        vault.disableAdapter(address(dex));
        Trade memory t = _trade(address(usdc), address(weth), 1_000e6);
        _rebalanceExpectRevert(_one(t), abi.encodeWithSelector(ErrorsLib.AdapterNotAllowed.selector, 0, address(dex)));
    }
}
