// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Tiny assertion helpers: each failure reverts with a custom error carrying both values and a label.
abstract contract Assert {
    error AssertEq(string what, uint256 actual, uint256 expected);
    error AssertEqInt(string what, int256 actual, int256 expected);
    error AssertEqAddress(string what, address actual, address expected);
    error AssertEqBytes(string what, bytes actual, bytes expected);
    error AssertLe(string what, uint256 actual, uint256 max);
    error AssertGe(string what, uint256 actual, uint256 min);
    error AssertTrue(string what);

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert AssertEq(what, a, b);
    }

    function assertEq(int256 a, int256 b, string memory what) internal pure {
        if (a != b) revert AssertEqInt(what, a, b);
    }

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert AssertEqAddress(what, a, b);
    }

    function assertEq(bytes32 a, bytes32 b, string memory what) internal pure {
        if (a != b) revert AssertEq(what, uint256(a), uint256(b));
    }

    function assertEq(bytes memory a, bytes memory b, string memory what) internal pure {
        if (keccak256(a) != keccak256(b)) revert AssertEqBytes(what, a, b);
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        if (a > b) revert AssertLe(what, a, b);
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        if (a < b) revert AssertGe(what, a, b);
    }

    function assertTrue(bool c, string memory what) internal pure {
        if (!c) revert AssertTrue(what);
    }

    /// @dev Foundry-style bound: maps `x` into [lo, hi] without rejecting inputs.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        if (hi <= lo) return lo;
        return lo + (x % (hi - lo + 1));
    }
}
