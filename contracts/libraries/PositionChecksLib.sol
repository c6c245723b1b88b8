// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RiskBudget} from "../RiskBudget.sol";
import {ErrorsLib} from "./ErrorsLib.sol";
import {RiskParams} from "../interfaces/IBallastVault.sol";
import {ModuleReport} from "../interfaces/IPositionModule.sol";

/// @dev Holdings at one set of oracle prices, in base-asset units. Index i of the per-asset arrays is `_assets[i]`.
/// Long values are rounded down and debts up, so that NAV never flatters the book.
struct Valuation {
    uint256 basePriceWad;
    uint256 baseBalance; // idle base asset (spot): the withdrawal buffer
    uint256 nav; // Σ long − Σ debt
    address[] tokens;
    uint8[] decimals;
    uint256[] prices;
    uint256[] balances; // spot balances, token units
    uint256[] values; // long value per asset: spot + amounts held long in modules
    uint256[] debtValues; // debt per asset owed by modules
    uint256 baseInModules; // base asset held long in modules (collateral, LP side)
    uint256 baseDebt; // base asset owed by modules
    uint256 longTotal; // Σ long value, base asset included (gross exposure)
    uint256 shortGammaBase; // Σ modules' short gamma (½·|Γ|·P²)
    uint256 minHealthFactorWad; // lowest module health factor (type(uint256).max without debt)
    address minHealthModule;
    bytes32[] moduleProtocols; // per registered module
    uint256[] moduleNetValues; // per module: long − debt, floored at 0 (what a protocol failure can take)
    ModuleReport[] reports; // per module, as reported at these prices
    uint256 reuseMask; // bit k: reuse reports[k] instead of asking module k again (a module no step touched)
}

/// @title PositionChecksLib
/// @notice The post-trade position limits of the risk budget, checked on a vault's book before and after a rebalance
/// at the same oracle prices: per-asset weight caps, per-protocol exposure caps, the idle base-asset buffer, and for
/// the non-linear book (position modules) the minimum health factor, gross leverage, net delta per asset and short
/// gamma.
/// @dev Internal functions, compiled into the linked BookLib (the vault is at the 24 KiB code-size limit).
/// Every limit but the health factor may be above its cap after the trades only if the trades did not make it worse
/// (so that de-risking out of a breach is always possible); the health factor may be below its minimum only if the
/// trades raised it. Comparisons are exact integer cross-multiplications; errors report bps rounded up.
library PositionChecksLib {
    uint256 private constant BPS = 10_000;

    /// @dev Every position limit on the post-trade state.
    function checkPositions(
        mapping(address asset => RiskBudget.AssetRisk) storage assetRisk,
        mapping(bytes32 protocolId => uint16) storage protocolCapBps,
        RiskParams memory p,
        Valuation memory pre,
        Valuation memory post
    ) internal view {
        _checkWeightsAndProtocols(assetRisk, protocolCapBps, pre, post);
        // Idle buffer: a floor, not a cap.
        if (
            post.baseBalance * BPS < p.minIdleBps * post.nav && post.baseBalance * pre.nav < pre.baseBalance * post.nav
        ) {
            revert ErrorsLib.IdleBelowMin((post.baseBalance * BPS) / post.nav, p.minIdleBps);
        }
        _checkBook(p, pre, post);
    }

    function _checkWeightsAndProtocols(
        mapping(address asset => RiskBudget.AssetRisk) storage assetRisk,
        mapping(bytes32 protocolId => uint16) storage protocolCapBps,
        Valuation memory pre,
        Valuation memory post
    ) private view {
        uint256 n = post.tokens.length;
        uint256 m = post.moduleProtocols.length;
        bytes32[] memory ids = new bytes32[](n + m);
        uint256[] memory preExp = new uint256[](n + m);
        uint256[] memory postExp = new uint256[](n + m);
        uint256 distinct;
        for (uint256 i; i < n + m; ++i) {
            bytes32 id;
            if (i < n) {
                RiskBudget.AssetRisk memory r = assetRisk[post.tokens[i]];
                _checkShare(post.values[i], pre.values[i], post.nav, pre.nav, r.maxWeightBps, post.tokens[i], 0);
                id = r.protocolId;
            } else {
                id = post.moduleProtocols[i - n];
            }
            if (id == bytes32(0)) continue;
            uint256 k;
            while (k < distinct && ids[k] != id) ++k;
            if (k == distinct) ids[distinct++] = id;
            preExp[k] += i < n ? pre.values[i] : pre.moduleNetValues[i - n];
            postExp[k] += i < n ? post.values[i] : post.moduleNetValues[i - n];
        }
        for (uint256 k; k < distinct; ++k) {
            _checkShare(postExp[k], preExp[k], post.nav, pre.nav, protocolCapBps[ids[k]], address(0), ids[k]);
        }
    }

    /// @dev The non-linear book: health factor, gross leverage, net delta per asset, short gamma.
    function _checkBook(RiskParams memory p, Valuation memory pre, Valuation memory post) private pure {
        uint256 minHf = uint256(p.minHealthFactorBps) * 1e14; // bps → WAD
        if (post.minHealthFactorWad < minHf && post.minHealthFactorWad < pre.minHealthFactorWad) {
            revert ErrorsLib.HealthFactorBelowMin(post.minHealthModule, post.minHealthFactorWad, minHf);
        }
        if (_worseAbove(post.longTotal, pre.longTotal, post.nav, pre.nav, p.maxGrossLeverageBps)) {
            revert ErrorsLib.GrossLeverageAboveCap(Math.ceilDiv(post.longTotal * BPS, post.nav), p.maxGrossLeverageBps);
        }
        for (uint256 i; i < post.tokens.length; ++i) {
            (uint256 postAbs, bool postShort) = _absDiff(post.values[i], post.debtValues[i]);
            (uint256 preAbs, ) = _absDiff(pre.values[i], pre.debtValues[i]);
            if (_worseAbove(postAbs, preAbs, post.nav, pre.nav, p.maxNetDeltaBps)) {
                int256 bps = int256(Math.ceilDiv(postAbs * BPS, post.nav));
                revert ErrorsLib.NetDeltaAboveCap(post.tokens[i], postShort ? -bps : bps, p.maxNetDeltaBps);
            }
        }
        if (_worseAbove(post.shortGammaBase, pre.shortGammaBase, post.nav, pre.nav, p.maxShortGammaBps)) {
            revert ErrorsLib.ShortGammaAboveCap(Math.ceilDiv(post.shortGammaBase * BPS, post.nav), p.maxShortGammaBps);
        }
    }

    /// @dev True when `postValue / postNav` is above `capBps` and above `preValue / preNav`.
    function _worseAbove(
        uint256 postValue,
        uint256 preValue,
        uint256 postNav,
        uint256 preNav,
        uint256 capBps
    ) private pure returns (bool) {
        return postValue * BPS > capBps * postNav && postValue * preNav > preValue * postNav;
    }

    function _absDiff(uint256 a, uint256 b) private pure returns (uint256, bool negative) {
        return a >= b ? (a - b, false) : (b - a, true);
    }

    /// @dev Reverts when `postValue / postNav` is above `capBps` and above `preValue / preNav` (exact integer math).
    function _checkShare(
        uint256 postValue,
        uint256 preValue,
        uint256 postNav,
        uint256 preNav,
        uint256 capBps,
        address asset_,
        bytes32 protocolId
    ) private pure {
        if (!_worseAbove(postValue, preValue, postNav, preNav, capBps)) return;
        uint256 shareBps = Math.ceilDiv(postValue * BPS, postNav);
        if (asset_ != address(0)) revert ErrorsLib.WeightAboveCap(asset_, shareBps, capBps);
        revert ErrorsLib.ProtocolExposureAboveCap(protocolId, shareBps, capBps);
    }
}
