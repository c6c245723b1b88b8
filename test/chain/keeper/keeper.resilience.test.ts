/**
 * The keeper under failure: a crash right after each journal step (resumed without sending twice), a stale feed, a
 * sandwiched pool, a transaction that reverts on-chain, and a plan that breaks the budget. Each ends with no
 * transaction or one safe transaction, and a log line that says what was (not) sent.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { runCycle } from "../../../scripts/keeper/cycle.ts";
import type { JournalStep } from "../../../scripts/keeper/journal.ts";
import { toUnits } from "../../../scripts/lib/units.ts";
import { swapExactInput } from "../../../scripts/replica/uniswapV3.ts";
import { deployKeeperFixture, keeperFor, type KeeperFixture } from "./harness.ts";

const { ethers, networkHelpers } = await network.create();

class SimulatedCrash extends Error {}

describe("keeper resilience", function () {
  let f: KeeperFixture;
  const fixture = () => deployKeeperFixture(ethers);
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(fixture);
  });
  const keeperNonce = () => ethers.provider.getTransactionCount(f.s.keeper.address);
  const rebalances = async () => (await f.s.vault.queryFilter(f.s.vault.filters.Rebalanced())).length;

  for (const crashAfter of ["planned", "simulated", "signed", "sent", "confirmed"] as JournalStep[]) {
    it(`crash right after "${crashAfter}": the restarted keeper sends exactly one transaction`, async function () {
      const journalPath = join(mkdtempSync(join(tmpdir(), "ballast-journal-")), "journal.sqlite");
      const nonce0 = await keeperNonce();
      const events0 = await rebalances();
      const first = await keeperFor(
        ethers,
        f,
        {},
        {
          journalPath,
          hooks: {
            afterStep: (step) => {
              if (step === crashAfter) throw new SimulatedCrash(`crash after ${step}`);
            },
          },
        },
      );
      await expect(runCycle(first.ctx)).to.be.rejectedWith(SimulatedCrash);
      first.ctx.journal.close();

      const second = await keeperFor(ethers, f, {}, { journalPath });
      const r = await runCycle(second.ctx);
      const log = [...first.lines, "--- restart ---", ...second.lines].join("\n");
      expect(await keeperNonce(), log).to.equal(nonce0 + 1);
      expect(await rebalances(), log).to.equal(events0 + 1);
      const plans = second.ctx.journal.plans();
      expect(
        plans.filter((p) => p.status === "confirmed"),
        log,
      ).to.have.length(1);
      if (crashAfter === "planned" || crashAfter === "simulated") {
        expect(second.lines[0]).to.match(
          new RegExp(`^resume: plan 0x[0-9a-f]{8} was ${crashAfter} but never signed: abandoned, nothing was sent$`),
        );
        expect(r.outcome).to.equal("confirmed");
      } else if (crashAfter === "signed") {
        expect(second.lines[0]).to.match(
          /^resume: plan 0x[0-9a-f]{8} was signed but is not on-chain: re-broadcasting the same signed tx 0x[0-9a-f]{64}/,
        );
        expect(r.outcome).to.equal("skipped"); // the resumed plan used this cycle's cooldown
      } else if (crashAfter === "sent") {
        expect(second.lines[0]).to.match(
          /^resume: plan 0x[0-9a-f]{8} was sent as 0x[0-9a-f]{64}: checking its receipt, not re-sending$/,
        );
        expect(r.outcome).to.equal("skipped");
      } else {
        expect(r.outcome).to.equal("skipped");
        expect(r.reason).to.match(/^cooldown active until/);
      }
      second.ctx.journal.close();
    });
  }

  it("a stale feed: nothing sent, and the log names the stale assets", async function () {
    await networkHelpers.time.increase(86_401);
    await (await f.s.feeds.USDC.setAnswer(100_000_000n)).wait();
    const { ctx } = await keeperFor(ethers, f);
    const nonce0 = await keeperNonce();
    const r = await runCycle(ctx);
    expect(r.outcome).to.equal("skipped");
    expect(r.reason).to.equal(
      "stale or invalid oracle price for WETH, WBTC (BudgetLens priceOk = false): nothing sent",
    );
    expect(await keeperNonce()).to.equal(nonce0);
  });

  it("a sandwiched pool: the keeper does not buy into it, and says so", async function () {
    const [, , , , , attacker] = await ethers.getSigners();
    await (await f.s.usdc.mint(attacker.address, toUnits(20_000_000, 6))).wait();
    await swapExactInput(f.s.uniswap, f.s.paths.usdcToWeth, toUnits(20_000_000, 6), { signer: attacker });
    const { ctx, lines } = await keeperFor(ethers, f);
    const r = await runCycle(ctx);
    expect(lines).to.satisfy((ls: string[]) =>
      ls.some((l) =>
        /^pool guard: pool WETH\/USDC at [\d.]+ is \d+ bps from the oracle 3000\.00 \(maxSlippageBps 100\): WETH not traded this cycle$/.test(
          l,
        ),
      ),
    );
    expect(r.plan!.trades.every((t) => t.tokenOut !== f.deployment.uniswap.weth)).to.equal(true);
    expect(await f.s.weth.balanceOf(await f.s.vault.getAddress())).to.equal(0n);
  });

  it("a plan the vault would refuse (paused after planning): the simulation names the error, nothing sent", async function () {
    const { ctx } = await keeperFor(
      ethers,
      f,
      {},
      {
        hooks: {
          afterStep: async (step) => {
            if (step === "planned") await (await f.s.vault.connect(f.s.guardian).pause()).wait();
          },
        },
      },
    );
    const nonce0 = await keeperNonce();
    const r = await runCycle(ctx);
    expect(r.outcome).to.equal("refused");
    expect(r.reason).to.match(/^simulation refused plan 0x[0-9a-f]{8}: EnforcedPause\(\); nothing sent$/);
    expect(await keeperNonce()).to.equal(nonce0);
    expect(ctx.journal.plans()[0].status).to.equal("failed");
  });

  it("a transaction that reverts on-chain is recorded as failed; the retry is simulated again and not sent blind", async function () {
    const [, , , , , attacker] = await ethers.getSigners();
    await (await f.s.usdc.mint(attacker.address, toUnits(20_000_000, 6))).wait();
    const { ctx, lines } = await keeperFor(
      ethers,
      f,
      {},
      {
        hooks: {
          // Front-run between the simulation and the broadcast.
          beforeSubmit: async () => {
            await swapExactInput(f.s.uniswap, f.s.paths.usdcToWeth, toUnits(20_000_000, 6), { signer: attacker });
          },
        },
      },
    );
    const nonce0 = await keeperNonce();
    const r = await runCycle(ctx);
    expect(r.outcome, lines.join("\n")).to.equal("failed");
    expect(r.reason).to.match(/^plan 0x[0-9a-f]{8} tx 0x[0-9a-f]{64} failed: reverted on-chain in block \d+/);
    expect(await keeperNonce()).to.equal(nonce0 + 1); // the reverted transaction, once
    expect(await f.s.vault.planExecuted(r.plan!.planId)).to.equal(false);
    ctx.hooks = undefined;
    const retry = await runCycle(ctx); // a fresh plan, simulated again: the moved pool is left alone
    expect(retry.plan!.trades.every((t) => t.tokenOut !== f.deployment.uniswap.weth)).to.equal(true);
    expect(retry.plan!.planId).to.not.equal(r.plan!.planId);
  });

  it("a plan that breaks the budget (guardian tightened a protocol cap): nothing sent", async function () {
    await (await f.s.vault.connect(f.s.guardian).tightenProtocolCap(f.s.protocolIds.WETH, 2_000)).wait();
    const { ctx } = await keeperFor(ethers, f, { optimizer: { method: "static" } });
    const nonce0 = await keeperNonce();
    const r = await runCycle(ctx);
    expect(r.outcome).to.equal("refused");
    expect(r.reason).to.match(/^plan breaks the risk budget \(ProtocolExposureAboveCap: .+\): nothing sent$/);
    expect(await keeperNonce()).to.equal(nonce0);
  });

  it("a gas price above the cap: nothing sent", async function () {
    const { ctx } = await keeperFor(ethers, f, { gasPriceCapGwei: 0.000001 });
    const nonce0 = await keeperNonce();
    const r = await runCycle(ctx);
    expect(r.outcome).to.equal("refused");
    expect(r.reason).to.match(/^plan 0x[0-9a-f]{8} not sent: gas price .+ gwei above the cap of 0.000001 gwei$/);
    expect(await keeperNonce()).to.equal(nonce0);
  });
});
