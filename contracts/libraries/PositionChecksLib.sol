// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RiskBudget} from "../RiskBudget.sol";
import {ErrorsLib} from "./ErrorsLib.sol";

/// @dev Holdings at one set of oracle prices. Index i of the arrays is `_assets[i]`.
struct Valuation {
    uint256 basePriceWad;
    uint256 baseBalance;
    uint256 nav;
    address[] tokens;
    uint8[] decimals;
    uint256[] prices;
    uint256[] balances;
    uint256[] values;
}

/// @title PositionChecksLib
/// @notice The post-trade position limits of the risk budget: per-asset weight caps, per-protocol exposure caps and
/// the idle base-asset buffer, checked on a vault's holdings before and after a rebalance at the same oracle prices.
/// @dev An external library (deployed once, linked into the vault) because the vault is at the 24 KiB code-size limit.
library PositionChecksLib {
    uint256 private constant BPS = 10_000;

    /// @dev Weight caps, protocol caps and the idle buffer on the post-trade state. A limit may be above its cap after
    /// the trades only if the trades did not make it worse (so that de-risking out of a breach is always possible).
    function checkPositions(
        mapping(address asset => RiskBudget.AssetRisk) storage assetRisk,
        mapping(bytes32 protocolId => uint16) storage protocolCapBps,
        uint256 minIdleBps,
        Valuation calldata pre,
        Valuation calldata post
    ) external view {
        uint256 n = post.tokens.length;
        bytes32[] memory ids = new bytes32[](n);
        uint256[] memory preExp = new uint256[](n);
        uint256[] memory postExp = new uint256[](n);
        uint256 distinct;
        for (uint256 i; i < n; ++i) {
            RiskBudget.AssetRisk memory r = assetRisk[post.tokens[i]];
            _checkShare(post.values[i], pre.values[i], post.nav, pre.nav, r.maxWeightBps, post.tokens[i], 0);
            if (r.protocolId == bytes32(0)) continue;
            uint256 k;
            while (k < distinct && ids[k] != r.protocolId) ++k;
            if (k == distinct) ids[distinct++] = r.protocolId;
            preExp[k] += pre.values[i];
            postExp[k] += post.values[i];
        }
        for (uint256 k; k < distinct; ++k) {
            _checkShare(postExp[k], preExp[k], post.nav, pre.nav, protocolCapBps[ids[k]], address(0), ids[k]);
        }
        // Idle buffer: a floor, not a cap.
        if (post.baseBalance * BPS < minIdleBps * post.nav && post.baseBalance * pre.nav < pre.baseBalance * post.nav) {
            revert ErrorsLib.IdleBelowMin((post.baseBalance * BPS) / post.nav, minIdleBps);
        }
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
        if (postValue * BPS <= capBps * postNav) return;
        if (postValue * preNav <= preValue * postNav) return; // not worse than before
        uint256 shareBps = Math.ceilDiv(postValue * BPS, postNav);
        if (asset_ != address(0)) revert ErrorsLib.WeightAboveCap(asset_, shareBps, capBps);
        revert ErrorsLib.ProtocolExposureAboveCap(protocolId, shareBps, capBps);
    }
}
