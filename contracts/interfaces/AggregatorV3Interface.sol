// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Chainlink's AggregatorV3Interface
/// @notice The read interface of a Chainlink price feed, as published by Chainlink (`@chainlink/contracts`,
/// `shared/interfaces/AggregatorV3Interface.sol`). Copied rather than imported because the npm package's current
/// release pulls a GitHub tarball at install time, which this project's machines cannot fetch.
interface AggregatorV3Interface {
    function decimals() external view returns (uint8);

    function description() external view returns (string memory);

    function version() external view returns (uint256);

    function getRoundData(
        uint80 roundId
    )
        external
        view
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
