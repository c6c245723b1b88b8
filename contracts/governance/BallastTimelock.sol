// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title BallastTimelock
/// @notice OpenZeppelin's TimelockController, unchanged, under our name so that it has an artifact and typed bindings.
/// It holds the vault's `DEFAULT_ADMIN_ROLE` and `GOVERNOR_ROLE`: every loosening of a limit, new asset, feed or
/// adapter is proposed, waits `minDelay`, then executes.
contract BallastTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
