// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {ErrorsLib} from "./libraries/ErrorsLib.sol";

/// @title OracleRouter
/// @notice Chainlink-style feeds, one per asset, behind one set of checks: the answer must be > 0, the round complete
/// and no older than the feed's own staleness limit. Decimals (the feed's and the token's) are read once, when the
/// feed is set, and every price leaves the router as USD per whole token in WAD (1e18).
/// @dev The reads themselves are `OracleLib`'s (shared with the linked BookLib): strict reads (`OracleLib.priceWad`)
/// revert with a named error and guard every risk-increasing action; soft reads (`OracleLib.tryPriceWad`) never revert
/// and serve views. Exits that need no price (`redeemInKind`) never read a feed.
abstract contract OracleRouter {
    /// @notice Where an asset's price comes from, with decimals normalised once. Packed into one storage slot.
    struct PriceSource {
        AggregatorV3Interface feed;
        uint32 maxStalenessSeconds;
        uint8 feedDecimals;
        uint8 tokenDecimals;
    }

    mapping(address asset => PriceSource) internal _sources;

    /// @notice The price source of `asset` (feed, staleness limit, decimals).
    function priceSource(address asset) external view returns (PriceSource memory) {
        return _sources[asset];
    }

    function _setSource(address asset, AggregatorV3Interface feed, uint32 maxStalenessSeconds) internal {
        if (address(feed) == address(0) || asset == address(0)) revert ErrorsLib.ZeroAddress();
        if (maxStalenessSeconds == 0) revert ErrorsLib.InvalidParameter("maxStalenessSeconds", 0);
        uint8 feedDecimals = feed.decimals();
        if (feedDecimals > 18) revert ErrorsLib.UnsupportedFeedDecimals(address(feed), feedDecimals);
        _sources[asset] = PriceSource(feed, maxStalenessSeconds, feedDecimals, IERC20Metadata(asset).decimals());
    }
}
