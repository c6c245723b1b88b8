/** Governance scripts' operations through the timelock (round trip, too-early execute, cancel) and the guardian. */
import { expect } from "chai";
import { network } from "hardhat";
import {
  bind,
  cancel,
  execute,
  guardian,
  listOperations,
  parseChange,
  propose,
} from "../../../scripts/governance/ops.ts";
import { deployKeeperFixture, type KeeperFixture } from "./harness.ts";

const { ethers, networkHelpers } = await network.create();

describe("governance scripts through the timelock", function () {
  let f: KeeperFixture;
  const fixture = () => deployKeeperFixture(ethers);
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(fixture);
  });

  it("propose → list → too-early execute fails → wait → execute; old → new printed", async function () {
    const lines: string[] = [];
    const gov = bind(f.deployment, f.s.proposer);
    const { opId, readyAt } = await propose(
      gov,
      parseChange("maxTurnoverBps=6000"),
      (l) => lines.push(l),
      "round-trip",
    );
    expect(lines[0]).to.equal("propose: RiskParams.maxTurnoverBps: 5000 → 6000 (executable after 172800 s)");
    const ops = await listOperations(gov);
    expect(ops).to.have.length(1);
    expect(ops[0]).to.include({ opId, state: "pending", description: "setRiskParams(maxTurnoverBps: 5000 → 6000)" });

    await expect(execute(gov, opId, (l) => lines.push(l))).to.be.revertedWithCustomError(
      f.s.timelock,
      "TimelockUnexpectedOperationState",
    );
    expect((await f.s.vault.riskParams()).maxTurnoverBps).to.equal(5_000n);

    await networkHelpers.time.increaseTo(readyAt);
    expect((await listOperations(gov))[0].state).to.equal("ready");
    await execute(gov, opId, (l) => lines.push(l));
    expect((await f.s.vault.riskParams()).maxTurnoverBps).to.equal(6_000n);
    expect((await listOperations(gov))[0].state).to.equal("done");
  });

  it("cancel: a cancelled operation can never execute", async function () {
    const gov = bind(f.deployment, f.s.proposer);
    const { opId, readyAt } = await propose(gov, parseChange("cap:WETH=7000"), () => {}, "cancel-me");
    const lines: string[] = [];
    await cancel(gov, opId, (l) => lines.push(l));
    expect(lines[0]).to.equal(`cancel ${opId} (pending): setAssetCap(WETH: 6000 → 7000) will NOT happen`);
    await networkHelpers.time.increaseTo(readyAt);
    expect((await listOperations(gov))[0].state).to.equal("cancelled");
    await expect(execute(gov, opId, () => {})).to.be.revertedWithCustomError(
      f.s.timelock,
      "TimelockUnexpectedOperationState",
    );
  });

  it("guardian: tighten prints old → new and is instant; a loosening is refused", async function () {
    const g = bind(f.deployment, f.s.guardian);
    const lines: string[] = [];
    await guardian(g, { tighten: parseChange("maxTurnoverBps=3000") }, (l) => lines.push(l));
    expect(lines[0]).to.equal("guardian: tighten RiskParams.maxTurnoverBps: 5000 → 3000");
    expect((await f.s.vault.riskParams()).maxTurnoverBps).to.equal(3_000n);
    await expect(guardian(g, { tighten: parseChange("maxTurnoverBps=4000") }, () => {})).to.be.revertedWithCustomError(
      f.s.vault,
      "NotATightening",
    );
    await guardian(g, "pause", (l) => lines.push(l));
    expect(lines.at(-2)).to.equal("guardian: paused: false → true (deposits and rebalances stop; exits stay open)");
    expect(await f.s.vault.paused()).to.equal(true);
  });

  it("modules: addModule/removeModule go through the timelock, printed as old → new module lists", async function () {
    const b = await deployKeeperFixture(ethers, { book: true });
    const gov = bind(b.deployment, b.s.proposer);
    const extra = await ethers.deployContract("AaveV3LendingModule", [
      await b.s.vault.getAddress(),
      b.s.book!.aave.addresses.pool,
      [await b.s.usdc.getAddress()],
    ]);
    const address = await extra.getAddress();
    const lines: string[] = [];
    const before = await b.s.vault.modules();
    const added = await propose(gov, parseChange(`addModule:${address}`), (l) => lines.push(l), "add");
    expect(lines[0]).to.equal(
      `propose: modules: [${before.join(", ")}] → [${[...before, address].join(", ")}] (executable after 172800 s)`,
    );
    await networkHelpers.time.increaseTo(added.readyAt);
    await execute(gov, added.opId, (l) => lines.push(l));
    expect(await b.s.vault.modules()).to.deep.equal([...before, address]);

    const removed = await propose(gov, parseChange(`removeModule:${address}`), (l) => lines.push(l), "remove");
    await networkHelpers.time.increaseTo(removed.readyAt);
    await execute(gov, removed.opId, (l) => lines.push(l));
    expect(await b.s.vault.modules()).to.deep.equal([...before]);
    expect(() => parseChange("addModule:0x123")).to.throw(/cannot read change/);
  });
});
