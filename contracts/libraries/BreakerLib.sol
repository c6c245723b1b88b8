// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EventsLib} from "./EventsLib.sol";

/// @title BreakerLib
/// @notice The drawdown circuit breaker's state and its one rule, shared by the vault (`pokeBreaker`, `resetBreaker`)
/// and the linked BookLib (which observes NAV per share from the same valuation it checks the plan on).
library BreakerLib {
    uint256 private constant BPS = 10_000;

    /// @dev One storage slot.
    struct Breaker {
        uint128 highWaterMarkWad; // NAV per share, 1e18 fixed point
        uint64 highWaterMarkAt;
        uint64 lastRebalanceAt;
        bool tripped;
    }

    /// @dev Observes the NAV per share: moves the high-water mark (a new high, or a new window when the mark is older
    /// than `windowSeconds`) and trips the breaker when the fall from the mark exceeds `maxDrawdownBps` (exact
    /// comparison; the event reports bps rounded up: a fall of 20.001 % exceeds a 20 % limit).
    /// @return tripped Whether the breaker is tripped after this observation.
    function observe(
        Breaker storage b,
        uint256 sharePriceWad,
        uint256 maxDrawdownBps,
        uint256 windowSeconds
    ) internal returns (bool tripped) {
        uint256 hwm = b.highWaterMarkWad;
        if (hwm == 0 || sharePriceWad >= hwm || block.timestamp > uint256(b.highWaterMarkAt) + windowSeconds) {
            b.highWaterMarkWad = uint128(sharePriceWad);
            b.highWaterMarkAt = uint64(block.timestamp);
            return b.tripped;
        }
        if (b.tripped) return true;
        if ((hwm - sharePriceWad) * BPS > maxDrawdownBps * hwm) {
            b.tripped = true;
            emit EventsLib.BreakerTripped(sharePriceWad, hwm, Math.ceilDiv((hwm - sharePriceWad) * BPS, hwm));
            return true;
        }
        return false;
    }
}
