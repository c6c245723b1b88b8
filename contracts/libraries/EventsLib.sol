// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RiskParams} from "../interfaces/IBallastVault.sol";

/// @title EventsLib
/// @notice Every event of the Ballast vault beyond ERC-4626's own: one for each state change a UI or auditor must see.
library EventsLib {
    /// @notice One rebalance: NAV before and after (base-asset units), turnover in bps of NAV before, realised slippage
    /// against oracle prices in base-asset units.
    event Rebalanced(
        bytes32 indexed planId,
        address indexed keeper,
        uint256 navBefore,
        uint256 navAfter,
        uint256 turnoverBps,
        uint256 slippageBase,
        uint256 tradeCount
    );
    /// @notice A depositor left with a pro-rata share of every holding (`tokens[i]` paid `amounts[i]`).
    event RedeemedInKind(
        address indexed caller,
        address indexed receiver,
        address indexed owner,
        uint256 shares,
        address[] tokens,
        uint256[] amounts
    );
    event RiskParamsUpdated(RiskParams previous, RiskParams next, address indexed by);
    event AssetAdded(
        address indexed asset,
        address feed,
        uint32 maxStalenessSeconds,
        uint16 maxWeightBps,
        bytes32 protocolId
    );
    event AssetRemoved(address indexed asset);
    event FeedUpdated(address indexed asset, address feed, uint32 maxStalenessSeconds);
    event AssetCapUpdated(address indexed asset, uint256 previousBps, uint256 nextBps, address indexed by);
    event ProtocolCapUpdated(bytes32 indexed protocolId, uint256 previousBps, uint256 nextBps, address indexed by);
    event AdapterUpdated(address indexed adapter, bool allowed, address indexed by);
    event ModuleAdded(address indexed module, bytes32 indexed protocolId, address[] tokens, address indexed by);
    event ModuleRemoved(address indexed module, address indexed by);
    event BreakerTripped(uint256 sharePriceWad, uint256 highWaterMarkWad, uint256 drawdownBps);
    event BreakerReset(uint256 highWaterMarkWad, address indexed by);
    event ShutdownStarted(address indexed by);
    event Paused(address indexed by);
    event Unpaused(address indexed by);
}
