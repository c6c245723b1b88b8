// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PathLib
/// @notice Reads a Uniswap V3 encoded swap path without copying it.
/// @dev Layout (packed, no padding), the same as `abi.encodePacked` in Uniswap's `Path.sol`:
///
///     token0 (20 bytes) | fee0 (3 bytes, uint24) | token1 (20 bytes) | fee1 | token2 | ... | tokenN (20 bytes)
///
/// A well-formed path of `hops` pools is `ADDR_SIZE + hops * (FEE_SIZE + ADDR_SIZE)` bytes, `hops >= 1`, i.e.
/// `length >= 43` and `(length - 20) % 23 == 0`. The first token is the input, the last one the output.
library PathLib {
    uint256 internal constant ADDR_SIZE = 20;
    uint256 internal constant FEE_SIZE = 3;
    /// @dev One hop: a fee followed by the next token.
    uint256 internal constant HOP_SIZE = FEE_SIZE + ADDR_SIZE;

    /// @notice True when `path` has the length of a path through one or more pools.
    function isWellFormed(bytes calldata path) internal pure returns (bool) {
        // length > 20 and (length - 20) a multiple of 23  <=>  length = 20 + 23 * hops with hops >= 1 (>= 43 bytes)
        return path.length > ADDR_SIZE && (path.length - ADDR_SIZE) % HOP_SIZE == 0;
    }

    /// @notice Number of pools the path goes through. Assumes `isWellFormed(path)`.
    function numPools(bytes calldata path) internal pure returns (uint256) {
        return (path.length - ADDR_SIZE) / HOP_SIZE;
    }

    /// @notice First token of the path (the input). Assumes `path.length >= 20`.
    function firstToken(bytes calldata path) internal pure returns (address) {
        return address(bytes20(path[:ADDR_SIZE]));
    }

    /// @notice Last token of the path (the output). Assumes `path.length >= 20`.
    function lastToken(bytes calldata path) internal pure returns (address) {
        return address(bytes20(path[path.length - ADDR_SIZE:]));
    }
}
