// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RiskParams} from "./interfaces/IBallastVault.sol";
import {ErrorsLib} from "./libraries/ErrorsLib.sol";
import {EventsLib} from "./libraries/EventsLib.sol";
import {WindowLib} from "./libraries/WindowLib.sol";
import {BreakerLib} from "./libraries/BreakerLib.sol";

/// @title RiskBudget
/// @notice The parameters of the risk budget and the bookkeeping they need, nothing else: vault-wide limits
/// (`RiskParams`), per-asset weight caps, per-protocol exposure caps, rolling-window usage and the drawdown breaker's
/// high-water mark. The vault calls the checks; who may change what is decided there (roles).
/// @dev Tightening rule, used by the guardian's instant path: a change is a tightening when every `max*` and cap goes
/// down or stays, and every `min*` (idle buffer, health factor), `cooldownSeconds` and `windowSeconds` goes up or
/// stays.
abstract contract RiskBudget {
    uint256 internal constant BPS = 10_000;

    /// @notice Per-asset limits: the weight cap and the protocol whose failure the asset is exposed to.
    struct AssetRisk {
        uint16 maxWeightBps;
        bytes32 protocolId; // bytes32(0): no protocol risk beyond the token itself (not capped per protocol)
    }

    RiskParams internal _params;
    mapping(address asset => AssetRisk) internal _assetRisk;
    mapping(bytes32 protocolId => uint16 capBps) internal _protocolCapBps;
    WindowLib.Window internal _window;

    BreakerLib.Breaker internal _breaker;

    /// @notice The vault-wide limits.
    function riskParams() external view returns (RiskParams memory) {
        return _params;
    }

    /// @notice The weight cap and protocol of `asset`.
    function assetRisk(address asset) external view returns (AssetRisk memory) {
        return _assetRisk[asset];
    }

    /// @notice The exposure cap of `protocolId`, bps of NAV.
    function protocolCapBps(bytes32 protocolId) external view returns (uint16) {
        return _protocolCapBps[protocolId];
    }

    // ───────────────────────────── parameter changes ─────────────────────────────

    function _setParams(RiskParams memory next, bool mustTighten) internal {
        _validate(next);
        RiskParams memory prev = _params;
        if (mustTighten) _requireTightening(prev, next);
        if (prev.windowSeconds != 0 && prev.windowSeconds != next.windowSeconds) {
            WindowLib.rebase(_window, prev.windowSeconds, next.windowSeconds, block.timestamp);
        }
        _params = next;
        emit EventsLib.RiskParamsUpdated(prev, next, msg.sender);
    }

    function _setAssetCap(address asset, uint16 capBps, bool mustTighten) internal {
        if (capBps > BPS) revert ErrorsLib.InvalidParameter("maxWeightBps", capBps);
        uint16 prev = _assetRisk[asset].maxWeightBps;
        if (mustTighten && capBps > prev) revert ErrorsLib.NotATightening("maxWeightBps", prev, capBps);
        _assetRisk[asset].maxWeightBps = capBps;
        emit EventsLib.AssetCapUpdated(asset, prev, capBps, msg.sender);
    }

    function _setProtocolCap(bytes32 protocolId, uint16 capBps, bool mustTighten) internal {
        if (capBps > BPS) revert ErrorsLib.InvalidParameter("protocolCapBps", capBps);
        uint16 prev = _protocolCapBps[protocolId];
        if (mustTighten && capBps > prev) revert ErrorsLib.NotATightening("protocolCapBps", prev, capBps);
        _protocolCapBps[protocolId] = capBps;
        emit EventsLib.ProtocolCapUpdated(protocolId, prev, capBps, msg.sender);
    }

    function _validate(RiskParams memory p) internal pure {
        if (p.maxSlippageBps >= BPS) revert ErrorsLib.InvalidParameter("maxSlippageBps", p.maxSlippageBps);
        if (p.minIdleBps > BPS) revert ErrorsLib.InvalidParameter("minIdleBps", p.minIdleBps);
        if (p.maxDrawdownBps > BPS) revert ErrorsLib.InvalidParameter("maxDrawdownBps", p.maxDrawdownBps);
        if (p.windowSeconds == 0) revert ErrorsLib.InvalidParameter("windowSeconds", 0);
        if (p.drawdownWindowSeconds == 0) revert ErrorsLib.InvalidParameter("drawdownWindowSeconds", 0);
        // The book limits: a health factor below 1 is liquidation; an unlevered vault has gross exposure = NAV.
        if (p.minHealthFactorBps < BPS) revert ErrorsLib.InvalidParameter("minHealthFactorBps", p.minHealthFactorBps);
        if (p.maxGrossLeverageBps < BPS) {
            revert ErrorsLib.InvalidParameter("maxGrossLeverageBps", p.maxGrossLeverageBps);
        }
        if (p.maxWindowSlippageBps > BPS) {
            revert ErrorsLib.InvalidParameter("maxWindowSlippageBps", p.maxWindowSlippageBps);
        }
    }

    function _requireTightening(RiskParams memory a, RiskParams memory b) private pure {
        _atMost("maxTurnoverBps", a.maxTurnoverBps, b.maxTurnoverBps);
        _atMost("maxWindowTurnoverBps", a.maxWindowTurnoverBps, b.maxWindowTurnoverBps);
        _atMost("maxSlippageBps", a.maxSlippageBps, b.maxSlippageBps);
        _atMost("maxWindowSlippageBps", a.maxWindowSlippageBps, b.maxWindowSlippageBps);
        _atMost("maxDrawdownBps", a.maxDrawdownBps, b.maxDrawdownBps);
        _atMost("depositCap", a.depositCap, b.depositCap);
        _atMost("maxGrossLeverageBps", a.maxGrossLeverageBps, b.maxGrossLeverageBps);
        _atMost("maxNetDeltaBps", a.maxNetDeltaBps, b.maxNetDeltaBps);
        _atMost("maxShortGammaBps", a.maxShortGammaBps, b.maxShortGammaBps);
        _atLeast("minIdleBps", a.minIdleBps, b.minIdleBps);
        _atLeast("minHealthFactorBps", a.minHealthFactorBps, b.minHealthFactorBps);
        _atLeast("cooldownSeconds", a.cooldownSeconds, b.cooldownSeconds);
        _atLeast("windowSeconds", a.windowSeconds, b.windowSeconds);
        _atLeast("drawdownWindowSeconds", a.drawdownWindowSeconds, b.drawdownWindowSeconds);
    }

    function _atMost(bytes32 field, uint256 current, uint256 proposed) private pure {
        if (proposed > current) revert ErrorsLib.NotATightening(field, current, proposed);
    }

    function _atLeast(bytes32 field, uint256 current, uint256 proposed) private pure {
        if (proposed < current) revert ErrorsLib.NotATightening(field, current, proposed);
    }

    // ───────────────────────────── checks used by rebalance ─────────────────────────────

    /// @dev Cooldown between rebalances.
    function _checkCooldown() internal view {
        uint256 last = _breaker.lastRebalanceAt;
        uint256 readyAt = last + _params.cooldownSeconds;
        if (last != 0 && block.timestamp < readyAt) {
            revert ErrorsLib.CooldownActive(readyAt, block.timestamp);
        }
    }

    /// @dev Observes the NAV per share (see `BreakerLib.observe`).
    function _observeSharePrice(uint256 sharePriceWad) internal returns (bool tripped) {
        return BreakerLib.observe(_breaker, sharePriceWad, _params.maxDrawdownBps, _params.drawdownWindowSeconds);
    }

    function _resetBreaker(uint256 sharePriceWad) internal {
        _breaker.tripped = false;
        _breaker.highWaterMarkWad = uint128(sharePriceWad);
        _breaker.highWaterMarkAt = uint64(block.timestamp);
        emit EventsLib.BreakerReset(sharePriceWad, msg.sender);
    }

    function _ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
