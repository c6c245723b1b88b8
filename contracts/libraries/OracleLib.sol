// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {OracleRouter} from "../OracleRouter.sol";
import {ErrorsLib} from "./ErrorsLib.sol";

/// @title OracleLib
/// @notice The oracle checks and the one price conversion of Ballast, as internal functions shared by the vault
/// (through `OracleRouter`) and by the linked `BookLib`, so that both read prices by exactly the same rules.
library OracleLib {
    using Math for uint256;

    /// @dev Strict read: reverts with the named error of the first check the round fails.
    function priceWad(address asset, OracleRouter.PriceSource memory src) internal view returns (uint256) {
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = src.feed.latestRoundData();
        if (answer <= 0) revert ErrorsLib.InvalidPrice(asset, answer);
        if (updatedAt == 0 || answeredInRound < roundId) {
            revert ErrorsLib.IncompleteRound(asset, roundId, answeredInRound);
        }
        // A timestamp in the future is as untrustworthy as an old one.
        if (updatedAt > block.timestamp || block.timestamp - updatedAt > src.maxStalenessSeconds) {
            revert ErrorsLib.StalePrice(asset, updatedAt, src.maxStalenessSeconds);
        }
        return uint256(answer) * 10 ** (18 - src.feedDecimals);
    }

    /// @dev Soft read for views: (false, 0) instead of a revert, including when the feed itself reverts.
    function tryPriceWad(OracleRouter.PriceSource memory src) internal view returns (bool ok, uint256 price) {
        try src.feed.latestRoundData() returns (
            uint80 roundId,
            int256 answer,
            uint256,
            uint256 updatedAt,
            uint80 answeredInRound
        ) {
            if (answer <= 0 || updatedAt == 0 || answeredInRound < roundId) return (false, 0);
            if (updatedAt > block.timestamp || block.timestamp - updatedAt > src.maxStalenessSeconds) return (false, 0);
            return (true, uint256(answer) * 10 ** (18 - src.feedDecimals));
        } catch {
            return (false, 0);
        }
    }

    /// @dev Strict or soft read, as the caller asks.
    function read(
        address asset,
        OracleRouter.PriceSource memory src,
        bool strict
    ) internal view returns (bool, uint256) {
        if (strict) return (true, priceWad(asset, src));
        return tryPriceWad(src);
    }

    /// @dev Value of `amount` of a token (price `priceWad_`, `tokenDecimals`) in units of the base asset
    /// (price `basePriceWad`, `baseDecimals`): amount * p / 10^dec * 10^baseDec / pBase.
    function toBase(
        uint256 amount,
        uint256 priceWad_,
        uint8 tokenDecimals,
        uint256 basePriceWad,
        uint8 baseDecimals,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        return amount.mulDiv(priceWad_ * 10 ** baseDecimals, basePriceWad * 10 ** tokenDecimals, rounding);
    }
}
