// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BallastVault} from "../BallastVault.sol";
import {RiskParams, Trade} from "../interfaces/IBallastVault.sol";
import {IPositionModule, ModuleReport} from "../interfaces/IPositionModule.sol";
import {MockAggregatorV3} from "../mocks/MockAggregatorV3.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockPositionModule} from "./MockPositionModule.sol";
import {MockSwapAdapter} from "./MockSwapAdapter.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {Assert} from "./Assert.sol";
import {vm} from "./Vm.sol";

/// @title BookHandler — random plans on a vault with a position module (the test stand-in MockPositionModule)
/// @notice Collateral deposits, borrows kept or sold (leverage and short hedges), repayments, swaps, health-factor and
/// short-gamma changes, ETH moves within ±30 %. After every successful rebalance the handler recomputes the book from
/// the outside (balances, the module's report, the feeds) and records any book limit left above its cap AND worse
/// than before; and checks that the vault's NAV equals long − debt at the oracle.
contract BookHandler is Assert {
    uint256 internal constant BPS = 10_000;
    BallastVault internal vault;
    MockSwapAdapter internal dex;
    MockPositionModule internal book;
    MockERC20 internal usdc;
    MockERC20 internal weth;
    MockAggregatorV3 internal usdcFeed;
    MockAggregatorV3 internal ethFeed;
    address internal keeper;
    uint256 internal nonce;

    uint256 public ghost_bookViolations;
    uint256 public ghost_navMismatches;
    uint256 public ghost_rebalances;
    uint256 public ghost_attempts;

    /// @dev The book as the handler measures it: values in USD WAD.
    struct Book {
        uint256 nav;
        uint256 longTotal;
        uint256 wethNetAbs;
        uint256 gamma;
        uint256 hf;
    }

    constructor(
        BallastVault vault_,
        MockSwapAdapter dex_,
        MockPositionModule book_,
        MockERC20 usdc_,
        MockERC20 weth_,
        MockAggregatorV3 usdcFeed_,
        MockAggregatorV3 ethFeed_,
        address keeper_
    ) {
        vault = vault_;
        dex = dex_;
        book = book_;
        usdc = usdc_;
        weth = weth_;
        usdcFeed = usdcFeed_;
        ethFeed = ethFeed_;
        keeper = keeper_;
    }

    function movePrice(uint256 bpsSeed) external {
        int256 bps = int256(bound(bpsSeed, 0, 6_000)) - 3_000;
        ethFeed.setAnswer((3_000e8 * (10_000 + bps)) / 10_000);
    }

    /// @notice One plan of one or two steps, chosen by `kind`.
    function plan(uint256 kind, uint256 amountSeed, uint256 valueSeed) external {
        vm.warp(block.timestamp + vault.riskParams().cooldownSeconds);
        usdcFeed.setAnswer(1e8);
        (, int256 eth, , , ) = ethFeed.latestRoundData();
        ethFeed.setAnswer(eth);
        Trade[] memory steps = _steps(kind % 7, amountSeed, valueSeed, uint256(eth));
        if (steps.length == 0) return;
        Book memory pre = measure();
        ++ghost_attempts;
        vm.prank(keeper);
        try vault.rebalance(steps, keccak256(abi.encode("book-inv", ++nonce)), block.timestamp) {
            ++ghost_rebalances;
            Book memory post = measure();
            if (!_ok(pre, post)) ++ghost_bookViolations;
            uint256 navBase = vault.totalAssets() * 1e12; // USDC (6) at $1 → USD WAD
            uint256 diff = navBase > post.nav ? navBase - post.nav : post.nav - navBase;
            if (diff > 1e14) ++ghost_navMismatches; // more than 0.0001 USD apart: rounding is far below that
        } catch {}
    }

    function _steps(uint256 kind, uint256 a, uint256 v, uint256 ethE8) internal view returns (Trade[] memory s) {
        uint256 idle = usdc.balanceOf(address(vault));
        uint256 nav = vault.totalAssets();
        if (kind == 0) {
            s = new Trade[](1);
            s[0] = _module(address(usdc), bound(a, 1, (idle * 6) / 10 + 1), book.DEPOSIT(), address(0), 0);
        } else if (kind == 1 || kind == 2) {
            uint256 amount = bound(a, 1e12, (nav * 1e12 * 1e8) / ethE8 / 2); // up to half of NAV in WETH
            s = new Trade[](kind == 1 ? 2 : 1);
            s[0] = _module(address(usdc), 0, book.BORROW(), address(weth), amount);
            if (kind == 1) s[1] = _swap(address(weth), address(usdc), amount);
        } else if (kind == 3) {
            s = new Trade[](1);
            s[0] = _module(address(usdc), 0, book.SET_GAMMA(), address(0), bound(v, 0, (nav * 1e12 * 300) / BPS));
        } else if (kind == 4) {
            s = new Trade[](1);
            s[0] = _module(address(usdc), 0, book.SET_HEALTH(), address(0), bound(v, 1e18, 3e18));
        } else if (kind == 5) {
            uint256 owed = book.debt(address(weth));
            uint256 held = weth.balanceOf(address(vault));
            if (owed == 0 || held == 0) return s;
            s = new Trade[](1);
            s[0] = _module(address(weth), bound(a, 1, Math.min(owed, held)), book.REPAY(), address(0), 0);
        } else {
            if (idle < 2) return s;
            s = new Trade[](1);
            s[0] = _swap(address(usdc), address(weth), bound(a, 1, idle / 2));
        }
    }

    function _module(
        address tokenIn,
        uint256 amountIn,
        uint8 op,
        address token,
        uint256 amount
    ) internal view returns (Trade memory) {
        return
            Trade(
                address(book),
                tokenIn,
                token == address(0) ? tokenIn : token,
                amountIn,
                0,
                abi.encode(op, token, amount)
            );
    }

    function _swap(address tokenIn, address tokenOut, uint256 amountIn) internal view returns (Trade memory) {
        uint256 expected = dex.quote(tokenIn, tokenOut, amountIn);
        uint256 floor = (expected * (10_000 - vault.riskParams().maxSlippageBps) + 9_999) / 10_000;
        return Trade(address(dex), tokenIn, tokenOut, amountIn, floor, "");
    }

    /// @notice The book from the outside, USD WAD: spot + module long − debt at the feeds' prices.
    function measure() public view returns (Book memory b) {
        (, int256 ethE8, , , ) = ethFeed.latestRoundData();
        uint256 pEth = uint256(ethE8) * 1e10;
        uint256[] memory prices = new uint256[](2);
        (prices[0], prices[1]) = (1e18, pEth);
        ModuleReport memory r = book.report(prices);
        uint256 wethLong = Math.mulDiv(weth.balanceOf(address(vault)) + r.longAmounts[1], pEth, 1e18);
        uint256 wethDebt = Math.mulDiv(r.debtAmounts[1], pEth, 1e18);
        b.longTotal = (usdc.balanceOf(address(vault)) + r.longAmounts[0]) * 1e12 + wethLong;
        b.nav = b.longTotal - r.debtAmounts[0] * 1e12 - wethDebt;
        b.wethNetAbs = wethLong > wethDebt ? wethLong - wethDebt : wethDebt - wethLong;
        b.gamma = r.shortGammaUsdWad;
        b.hf = r.healthFactorWad;
    }

    /// @dev Each book limit within its cap after the plan or no worse than before (1 bps of slack for rounding).
    function _ok(Book memory pre, Book memory post) internal view returns (bool) {
        RiskParams memory p = vault.riskParams();
        uint256 minHf = uint256(p.minHealthFactorBps) * 1e14;
        if (post.hf < minHf && post.hf < pre.hf) return false;
        if (!_ratioOk(pre.longTotal, post.longTotal, pre.nav, post.nav, p.maxGrossLeverageBps)) return false;
        if (!_ratioOk(pre.wethNetAbs, post.wethNetAbs, pre.nav, post.nav, p.maxNetDeltaBps)) return false;
        return _ratioOk(pre.gamma, post.gamma, pre.nav, post.nav, p.maxShortGammaBps);
    }

    function _ratioOk(
        uint256 preV,
        uint256 postV,
        uint256 preNav,
        uint256 postNav,
        uint256 cap
    ) internal pure returns (bool) {
        if (postNav == 0) return false;
        uint256 postBps = (postV * BPS) / postNav;
        uint256 preBps = preNav == 0 ? 0 : (preV * BPS) / preNav;
        return postBps <= cap + 1 || postBps <= preBps + 1;
    }
}

/// @notice Invariants of the non-linear book under random plans: every successful rebalance leaves health factor,
/// gross leverage, net delta and short gamma within their caps or no worse, and NAV is always long − debt at the oracle.
contract BallastVaultBookInvariantTest is VaultFixture, Assert {
    BookHandler internal handler;
    MockPositionModule internal book;

    function setUp() public override {
        super.setUp();
        address[] memory t = new address[](2);
        t[0] = address(usdc);
        t[1] = address(weth);
        book = new MockPositionModule(address(vault), keccak256("mock-lending"), t);
        RiskParams memory p = vault.riskParams();
        p.maxNetDeltaBps = 4_000;
        p.maxGrossLeverageBps = 15_000;
        p.maxTurnoverBps = 20_000;
        p.maxWindowTurnoverBps = 60_000;
        vm.startPrank(governor);
        vault.setRiskParams(p);
        vault.setAssetCap(address(weth), 10_000);
        vault.addModule(IPositionModule(address(book)));
        vault.setProtocolCap(keccak256("mock-lending"), 10_000);
        vm.stopPrank();
        _deposit(alice, 1_000_000e6);
        handler = new BookHandler(vault, dex, book, usdc, weth, usdcFeed, ethFeed, keeper);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_bookLimitsWithinCapsOrNoWorse() public view {
        assertEq(handler.ghost_bookViolations(), 0, "book limit broken and worsened by a successful rebalance");
    }

    function invariant_navIsLongMinusDebtAtTheOracle() public view {
        assertEq(handler.ghost_navMismatches(), 0, "vault NAV differs from long - debt at the oracle");
    }
}
