// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title WindowLib
/// @notice Usage inside a rolling window, in O(1) storage: 8 buckets of uint32 packed in one slot per metric.
/// @dev The window of `windowSeconds` is cut into 7 bucket widths (`w = ceil(windowSeconds / 7)`, at least 1 s);
/// the 8 buckets kept are indices `b-7 .. b` where `b = timestamp / w`. They cover between `7w` and `8w` of history,
/// so the sum never misses usage from inside the window (it may count up to one extra bucket width): conservative by
/// construction.
/// Amounts saturate at type(uint32).max ppm (4,294x NAV), far above any sane cap.
library WindowLib {
    uint256 internal constant BUCKETS = 8;
    uint256 internal constant WIDTHS_PER_WINDOW = 7;

    struct Window {
        uint256 turnover; // 8 x uint32 ppm of NAV
        uint256 slippage; // 8 x uint32 ppm of NAV
        uint64 lastBucket; // bucket index of the latest write
    }

    /// @notice Bucket width in seconds for a window length: rounded UP, so that 7 widths always span the whole
    /// window (rounding down dropped up to 6 s of usage from the end of the window).
    function width(uint256 windowSeconds) internal pure returns (uint256) {
        uint256 w = (windowSeconds + WIDTHS_PER_WINDOW - 1) / WIDTHS_PER_WINDOW;
        return w == 0 ? 1 : w;
    }

    /// @notice Sums of both metrics over the window as of `nowTs`, without writing.
    function usage(
        Window storage self,
        uint256 windowSeconds,
        uint256 nowTs
    ) internal view returns (uint256 turnoverPpm, uint256 slippagePpm) {
        (uint256 t, uint256 s) = _expired(self, nowTs / width(windowSeconds));
        return (_sum(t), _sum(s));
    }

    /// @notice Adds this rebalance's use to the current bucket and returns the new window sums.
    function add(
        Window storage self,
        uint256 windowSeconds,
        uint256 nowTs,
        uint256 turnoverPpm,
        uint256 slippagePpm
    ) internal returns (uint256 turnoverSumPpm, uint256 slippageSumPpm) {
        uint256 bucket = nowTs / width(windowSeconds);
        (uint256 t, uint256 s) = _expired(self, bucket);
        uint256 shift = (bucket % BUCKETS) * 32;
        t = _addAt(t, shift, turnoverPpm);
        s = _addAt(s, shift, slippagePpm);
        self.turnover = t;
        self.slippage = s;
        self.lastBucket = uint64(bucket);
        return (_sum(t), _sum(s));
    }

    /// @notice When the window length changes, bucket indices change meaning: fold all usage into the current bucket,
    /// so nothing is forgotten early (it then ages out one full new window later).
    function rebase(Window storage self, uint256 oldWindowSeconds, uint256 newWindowSeconds, uint256 nowTs) internal {
        (uint256 t, uint256 s) = usage(self, oldWindowSeconds, nowTs);
        uint256 bucket = nowTs / width(newWindowSeconds);
        uint256 shift = (bucket % BUCKETS) * 32;
        self.turnover = _addAt(0, shift, t);
        self.slippage = _addAt(0, shift, s);
        self.lastBucket = uint64(bucket);
    }

    /// @dev The packed words with every bucket older than `bucket - 7` cleared.
    function _expired(Window storage self, uint256 bucket) private view returns (uint256 t, uint256 s) {
        t = self.turnover;
        s = self.slippage;
        uint256 last = self.lastBucket;
        if (bucket <= last) return (t, s);
        if (bucket - last >= BUCKETS) return (0, 0);
        for (uint256 i = last + 1; i <= bucket; ++i) {
            uint256 mask = ~(uint256(type(uint32).max) << ((i % BUCKETS) * 32));
            t &= mask;
            s &= mask;
        }
    }

    function _addAt(uint256 word, uint256 shift, uint256 amount) private pure returns (uint256) {
        uint256 current = (word >> shift) & type(uint32).max;
        uint256 next = current + amount;
        if (next > type(uint32).max) next = type(uint32).max;
        return (word & ~(uint256(type(uint32).max) << shift)) | (next << shift);
    }

    function _sum(uint256 word) private pure returns (uint256 total) {
        for (uint256 i; i < BUCKETS; ++i) {
            total += (word >> (i * 32)) & type(uint32).max;
        }
    }
}
