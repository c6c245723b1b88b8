// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @title PlainERC4626 — the gas baseline
/// @notice OpenZeppelin's ERC-4626 with nothing added (same decimals offset as the Ballast vault), so that
/// `npm run bench:gas` can print Ballast's deposit and withdrawal next to the plain ones, measured in the same run.
contract PlainERC4626 is ERC4626 {
    constructor(IERC20 asset_) ERC4626(asset_) ERC20("Plain vault", "PLAIN") {}

    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }
}
