// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title MockAggregatorV3 — a STAND-IN for a Chainlink price feed
/// @notice Real Chainlink aggregators are updated by an off-chain oracle network that cannot run here, so the local
/// chain uses this feed instead. It keeps every round (answer and timestamps) so that keepers and tests can read a
/// price *history* through the same `getRoundData` calls they would make against Chainlink. It is a mock: anyone can
/// push a round, including invalid ones (zero, negative, stale, incomplete), which is exactly what tests need.
contract MockAggregatorV3 is AggregatorV3Interface {
    /// @dev One round in one slot, like Chainlink's OCR aggregator (`Transmission {int192 answer; uint64 timestamp}`),
    /// so that gas measured against this mock is close to a real feed's (which adds a proxy hop on top).
    struct Round {
        int192 answer;
        uint56 updatedAt;
        bool incomplete; // answeredInRound lags roundId: Chainlink's sign of an incomplete round
    }

    uint8 public immutable override decimals;
    string public override description;
    // solhint-disable-next-line const-name-snakecase
    uint256 public constant override version = 4;

    uint80 public latestRound;
    mapping(uint80 roundId => Round) private _rounds;

    error NoDataPresent(uint80 roundId);

    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) {
        decimals = decimals_;
        description = description_;
        _push(initialAnswer, block.timestamp, false);
    }

    /// @notice Pushes a complete round with `answer` at the current block time.
    function setAnswer(int256 answer) external {
        _push(answer, block.timestamp, false);
    }

    /// @notice Pushes a complete round with `answer` that was last updated at `updatedAt` (to replay history).
    function setAnswerAt(int256 answer, uint256 updatedAt) external {
        _push(answer, updatedAt, false);
    }

    /// @notice Pushes a round whose `answeredInRound` lags its id: Chainlink's sign of an incomplete round.
    function setIncompleteAnswer(int256 answer) external {
        _push(answer, block.timestamp, true);
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId) public view override returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _rounds[roundId];
        if (r.updatedAt == 0 && r.answer == 0) revert NoDataPresent(roundId);
        return (roundId, r.answer, r.updatedAt, r.updatedAt, r.incomplete ? roundId - 1 : roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view override returns (uint80, int256, uint256, uint256, uint80) {
        return getRoundData(latestRound);
    }

    /// @notice The latest round's answer, through Chainlink's legacy `AggregatorInterface` (deprecated by Chainlink
    /// but still what Aave V3's `AaveOracle.getAssetPrice` calls), so that Aave prices from the very feeds the vault
    /// reads. Like a real aggregator it returns the stored answer as is, with no staleness or completeness check.
    function latestAnswer() external view returns (int256) {
        return _rounds[latestRound].answer;
    }

    /// @notice When the latest round was last updated (legacy `AggregatorInterface`, like `latestAnswer`).
    function latestTimestamp() external view returns (uint256) {
        return _rounds[latestRound].updatedAt;
    }

    function _push(int256 answer, uint256 updatedAt, bool incomplete) private {
        uint80 id = latestRound + 1;
        latestRound = id;
        _rounds[id] = Round(int192(answer), uint56(updatedAt), incomplete);
    }
}
