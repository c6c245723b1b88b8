import { expect } from "chai";
import { network } from "hardhat";

describe("MockAggregatorV3 (stand-in for a Chainlink feed)", () => {
  it("keeps every round so that history can be read back", async () => {
    const { ethers } = await network.create();
    const feed = await ethers.deployContract("MockAggregatorV3", [8, "ETH / USD", 2000_00000000n]);
    await feed.setAnswer(2100_00000000n);
    const [roundId, answer] = await feed.latestRoundData();
    expect(roundId).to.equal(2n);
    expect(answer).to.equal(2100_00000000n);
    const [, first] = await feed.getRoundData(1n);
    expect(first).to.equal(2000_00000000n);
    await expect(feed.getRoundData(3n)).to.be.revertedWithCustomError(feed, "NoDataPresent").withArgs(3n);
  });
});
