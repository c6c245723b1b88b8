/** The keeper end to end on the replica: one cycle reads, optimizes, plans, simulates, sends, confirms, records. */
import { expect } from "chai";
import { network } from "hardhat";
import { runCycle } from "../../../scripts/keeper/cycle.ts";
import { deployKeeperFixture, keeperFor, type KeeperFixture } from "./harness.ts";

const { ethers, networkHelpers } = await network.create();

describe("keeper end to end on the replica", function () {
  let f: KeeperFixture;
  beforeEach(async function () {
    f = await deployKeeperFixture(ethers);
  });

  it("runs one full cycle and journals every step", async function () {
    const { ctx, lines } = await keeperFor(ethers, f);
    const nonce0 = await ethers.provider.getTransactionCount(f.s.keeper.address);
    const r = await runCycle(ctx);
    expect(r.outcome, lines.join("\n")).to.equal("confirmed");
    if (process.env.KEEPER_DEBUG) console.log(lines.join("\n"));
    expect(await ethers.provider.getTransactionCount(f.s.keeper.address)).to.equal(nonce0 + 1);
    expect(await f.s.vault.planExecuted(r.plan!.planId)).to.equal(true);
    expect(ctx.journal.steps(r.plan!.planId).map((x) => x.step)).to.deep.equal([
      "planned",
      "simulated",
      "signed",
      "sent",
      "confirmed",
    ]);
    expect(lines.some((l) => l.startsWith(`sent plan ${r.plan!.planId.slice(0, 10)}: tx ${r.txHash}`))).to.equal(true);
    // Weights moved toward the targets and stay within the caps.
    const w = r.post!.assets.map((a) => Number((a.valueBase * 10_000n) / r.post!.navBase));
    expect(w[0]).to.be.greaterThan(1_000);
    // A second cycle right after: cooldown, nothing sent.
    const again = await runCycle(ctx);
    expect(again.outcome).to.equal("skipped");
    expect(again.reason).to.match(/^cooldown active until \d+ \(now \d+\): nothing sent$/);
    expect(await ethers.provider.getTransactionCount(f.s.keeper.address)).to.equal(nonce0 + 1);
  });

  it("--dry-run prints the plan and sends nothing", async function () {
    const { ctx, lines } = await keeperFor(ethers, f, { dryRun: true });
    const r = await runCycle(ctx);
    expect(r.outcome).to.equal("dryRun");
    expect(r.plan!.trades.length).to.be.greaterThan(0);
    expect(lines.at(-1)).to.match(/^dry run: plan 0x[0-9a-f]{8} with \d trade\(s\) not sent$/);
    expect(ctx.journal.plans()).to.have.length(0);
    await networkHelpers.mine();
  });
});
