/**
 * The keeper's book cycle on the replica (real Uniswap V3 and Aave V3 bytecode): a vault long ETH through spot and a
 * Uniswap V3 LP position is hedged by borrowing WETH on Aave and selling it, planned by the optimizer with every
 * stressed health factor kept above its floor; the plan goes through the journaled send path, so a crash right after
 * signing is resumed without sending twice; a dry run sends nothing; a book inside its budget is left alone.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { bookEnvFromDeployment, lpStepsAround, readBook } from "../../../scripts/keeper/book.ts";
import {
  PLAN_MARGIN,
  bookPolicyFromConfig,
  defaultBookPolicy,
  runBookCycle,
  type BookPolicy,
} from "../../../scripts/keeper/bookCycle.ts";
import { KeeperConfigError, parseKeeperConfig } from "../../../scripts/keeper/config.ts";
import { sendPlan } from "../../../scripts/keeper/cycle.ts";
import { currentWeights, readState } from "../../../scripts/keeper/readState.ts";
import type { KeeperContext } from "../../../scripts/keeper/types.ts";
import { defaultRiskParams, riskParamsFromChain } from "../../../scripts/lib/deployVault.ts";
import { feedAnswer, oracleMinOut, toUnits } from "../../../scripts/lib/units.ts";
import { book as bookNs } from "../../../optimizer/index.ts";
import { deployKeeperFixture, keeperFor, type KeeperFixture } from "./harness.ts";

const { ethers, networkHelpers } = await network.create();

class SimulatedCrash extends Error {}

/**
 * Through the keeper's send path: buy `buyUsd` of WETH and open an LP position of `lpUsd` (half in each token) on the
 * WETH/USDC 0.05 % pool, ±`halfWidth` around 3,000 USD. Throws unless the plan is confirmed.
 */
async function buildLongBook(fx: KeeperFixture, ctx: KeeperContext, buyUsd: number, lpUsd: number, halfWidth: number) {
  const s = fx.s;
  const [usdc, weth] = [await s.usdc.getAddress(), await s.weth.getAddress()];
  const [pu, pw] = [await s.vault.tryPriceWad(usdc), await s.vault.tryPriceWad(weth)];
  const buy = toUnits(buyUsd, 6);
  const { minAmountOut } = oracleMinOut(buy, pu.priceWad_, 6, pw.priceWad_, 18, 100);
  const env = await bookEnvFromDeployment(s.vault, fx.deployment, ethers.provider, s.keeper);
  const lp = await lpStepsAround(env, {
    asset: "WETH",
    priceUsd: 3_000,
    halfWidth,
    usdEach: lpUsd / 2,
    fee: s.fees.WETH,
    tickSpacing: 10,
  });
  const st = await readState(ctx);
  const swap = { adapter: await s.adapter.getAddress(), tokenIn: usdc, tokenOut: weth, amountIn: buy, minAmountOut };
  const r = await sendPlan(
    ctx,
    {
      planId: ethers.id(`build the long book ${buyUsd} ${lpUsd} ${halfWidth}`),
      deadline: BigInt(st.timestamp + 600),
      trades: [{ ...swap, data: s.paths.usdcToWeth }, ...lp.steps],
      lines: [],
      guards: [],
      skipped: [],
      violations: [],
    },
    "fixture",
  );
  if (r.outcome !== "confirmed") throw new Error(`fixture plan: ${r.reason}`);
  return env;
}

describe("keeper: the book cycle (LP + Aave hedge)", function () {
  let f: KeeperFixture;
  const fixture = async () => {
    const fx = await deployKeeperFixture(ethers, {
      params: { ...defaultRiskParams(), maxTurnoverBps: 10_000 },
      book: true,
    });
    // The keeper's account builds a long-ETH book: 300,000 USD of spot WETH and an LP position of 50,000 USD.
    const { ctx } = await keeperFor(ethers, fx);
    await buildLongBook(fx, ctx, 300_000, 50_000, 0.3);
    ctx.journal.close();
    return fx;
  };
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(fixture);
    await networkHelpers.time.increase(3_600);
    await (await f.s.feeds.USDC.setAnswer(feedAnswer(1))).wait();
    await (await f.s.feeds.ETH.setAnswer(feedAnswer(3_000))).wait();
    await (await f.s.feeds.BTC.setAnswer(feedAnswer(60_000))).wait();
  });

  async function policyOf(ctx: KeeperContext): Promise<BookPolicy> {
    const params = riskParamsFromChain(await ctx.vault.riskParams());
    const p = defaultBookPolicy(params, "USDC", { targetNetDeltaBps: 1_500, reserveIdleFraction: 0.15 });
    return { ...p, limits: { ...p.limits, maxNetDeltaBps: 2_000 } };
  }
  const env = (ctx: KeeperContext) =>
    bookEnvFromDeployment(f.s.vault, f.deployment, ethers.provider, ctx.signer as never);
  const keeperNonce = () => ethers.provider.getTransactionCount(f.s.keeper.address);

  it("hedges the LP + spot ETH delta by borrowing WETH and selling it: net delta on target, HF ≥ 1.5, stressed HF ≥ 1.05", async function () {
    const { ctx, lines } = await keeperFor(ethers, f);
    const e = await env(ctx);
    const before = await readBook(e);
    expect(before.lpIds).to.have.length(1);
    const r = await runBookCycle(ctx, e, await policyOf(ctx));
    const log = lines.join("\n");
    expect(r.outcome, log).to.equal("confirmed");
    expect(r.risk!.netDeltaBps.WETH, log).to.be.greaterThan(2_000); // it was above the band
    // After, measured on chain: the book as read back, at the vault's oracle.
    const after = await readBook(e);
    const risk = bookNs.bookRisk(
      after.positions,
      after.market,
      (await policyOf(ctx)).limits,
      bookNs.bookStressLibrary(["USDC", "WETH", "WBTC"]),
    );
    // Target 15 %, within swap cost and rounding (Hardhat's chai matchers redefine closeTo for bigints: plain compare).
    expect(Math.abs(risk.netDeltaBps.WETH - 1_500), log).to.be.lessThan(60);
    expect(after.aaveHealthFactor, log).to.be.greaterThanOrEqual(1.5 - 1e-9);
    expect(risk.stress!.minHealthFactor, log).to.be.greaterThanOrEqual(1.05 - 1e-9);
    expect(Math.abs(risk.healthFactor - after.aaveHealthFactor)).to.be.lessThan(0.01); // the optimizer's HF = Aave's
    const debt = after.positions.find((p) => p.kind === "lending");
    expect(debt && debt.kind === "lending" && debt.debt.map((d) => d.asset)).to.deep.equal(["WETH"]);
    expect(ctx.journal.plans().filter((p) => p.status === "confirmed")).to.have.length(1);
  });

  it("a crash right after signing the hedge: the restarted keeper re-broadcasts the same tx, sending exactly one", async function () {
    const journalPath = join(mkdtempSync(join(tmpdir(), "ballast-book-journal-")), "journal.sqlite");
    const nonce0 = await keeperNonce();
    const first = await keeperFor(
      ethers,
      f,
      {},
      {
        journalPath,
        hooks: {
          afterStep: (step) => {
            if (step === "signed") throw new SimulatedCrash("crash after signed");
          },
        },
      },
    );
    await expect(runBookCycle(first.ctx, await env(first.ctx), await policyOf(first.ctx))).to.be.rejectedWith(
      SimulatedCrash,
    );
    first.ctx.journal.close();
    const second = await keeperFor(ethers, f, {}, { journalPath });
    const r = await runBookCycle(second.ctx, await env(second.ctx), await policyOf(second.ctx));
    const log = [...first.lines, "--- restart ---", ...second.lines].join("\n");
    expect(second.lines[0], log).to.match(
      /^resume: plan 0x[0-9a-f]{8} was signed but is not on-chain: re-broadcasting/,
    );
    expect(await keeperNonce(), log).to.equal(nonce0 + 1);
    // The resumed hedge landed: the restarted cycle finds the book inside its budget and sends nothing more.
    expect(r.outcome, log).to.equal("noTrade");
  });

  it("--dry-run plans the hedge and sends nothing; a book inside its budget is left alone", async function () {
    const dry = await keeperFor(ethers, f, { dryRun: true });
    const nonce0 = await keeperNonce();
    const r = await runBookCycle(dry.ctx, await env(dry.ctx), await policyOf(dry.ctx));
    expect(r.outcome).to.equal("dryRun");
    expect(r.plan!.trades.length).to.be.greaterThan(0);
    expect(await keeperNonce()).to.equal(nonce0);

    const { ctx, lines } = await keeperFor(ethers, f);
    const loose = await policyOf(ctx);
    const r2 = await runBookCycle(ctx, await env(ctx), {
      ...loose,
      limits: { ...loose.limits, maxNetDeltaBps: 8_000 },
    });
    expect(r2.outcome, lines.join("\n")).to.equal("noTrade");
    expect(await keeperNonce()).to.equal(nonce0);
  });

  it("the spot cycle's weights are of its own sleeve: they sum to 1 while NAV also holds the LP position", async function () {
    const { ctx } = await keeperFor(ethers, f);
    const st = await readState(ctx);
    const spot = st.assets.reduce((sum, a) => sum + a.valueBase, st.base.valueBase);
    expect(st.navBase).to.be.greaterThan(spot); // the LP module's value is in NAV, not in the spot balances
    const w = currentWeights(st);
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 1)).to.be.lessThan(1e-9); // the optimizer refuses weights that do not sum to 1
  });

  it("config: the book section is validated (a target outside the band is refused by name) and maps onto the policy", async function () {
    const base = { targets: { USDC: 0.5, WETH: 0.5 }, journalPath: ":memory:" };
    expect(() => parseKeeperConfig({ ...base, book: { maxNetDeltaBps: 2_000, targetNetDeltaBps: 2_500 } })).to.throw(
      KeeperConfigError,
      /book\.targetNetDeltaBps/,
    );
    expect(() => parseKeeperConfig({ ...base, book: { minStressedHealthFactor: 0.9 } })).to.throw(
      KeeperConfigError,
      /book\.minStressedHealthFactor/,
    );
    const config = parseKeeperConfig({ ...base, book: { maxNetDeltaBps: 3_000, minStressedHealthFactor: 1.2 } });
    const params = riskParamsFromChain(await f.s.vault.riskParams());
    const policy = bookPolicyFromConfig(params, "USDC", config.book);
    expect(policy.limits.maxNetDeltaBps).to.equal(3_000);
    expect(policy.targetNetDeltaBps).to.equal(2_400);
    expect(policy.limits.minStressedHealthFactor).to.equal(1.2);
    // The keeper plans a little inside the vault's limits (a plan bound by a limit must not miss it by rounding).
    expect(policy.limits.minHealthFactorBps).to.equal(params.minHealthFactorBps + PLAN_MARGIN.healthFactorBps);
    expect(policy.limits.maxShortGammaBps).to.be.lessThan(params.maxShortGammaBps);
  });
});

describe("keeper: the book cycle widens a too-narrow LP range (gamma above its cap)", function () {
  it("after the guardian tightens the gamma cap, burns the ±4 % position and re-mints a wider one: gamma under the cap", async function () {
    const fx = await deployKeeperFixture(ethers, {
      params: { ...defaultRiskParams(), maxTurnoverBps: 10_000, maxShortGammaBps: 3_000 },
      book: true,
    });
    const s = fx.s;
    const { ctx, lines } = await keeperFor(ethers, fx);
    const env = await buildLongBook(fx, ctx, 20_000, 30_000, 0.04);
    const [oldId] = await env.book.liquidity.positionIds();
    // The guardian tightens the gamma cap at once (5 %): the position is now above it.
    const tighter = { ...riskParamsFromChain(await s.vault.riskParams()), maxShortGammaBps: 500 };
    await (await s.vault.connect(s.guardian).tightenRiskParams(tighter)).wait();
    await networkHelpers.time.increase(3_600);
    await (await s.feeds.USDC.setAnswer(feedAnswer(1))).wait();
    await (await s.feeds.ETH.setAnswer(feedAnswer(3_000))).wait();
    await (await s.feeds.BTC.setAnswer(feedAnswer(60_000))).wait();

    const params = riskParamsFromChain(await s.vault.riskParams());
    const policy = defaultBookPolicy(params, "USDC");
    const r = await runBookCycle(ctx, env, policy);
    const log = lines.join("\n");
    expect(r.risk!.shortGammaBps, log).to.be.greaterThan(params.maxShortGammaBps); // it was above the cap
    expect(r.outcome, log).to.equal("confirmed");
    const kinds = r.plan!.lines.map((l) => l.split(" ")[0]);
    expect(kinds, log).to.include.members(["lpBurn", "lpMint"]);
    const ids = await env.book.liquidity.positionIds();
    expect(ids).to.have.length(1);
    expect(ids[0]).to.not.equal(oldId); // re-minted
    expect(r.riskAfter!.shortGammaBps, log).to.be.at.most(params.maxShortGammaBps);
    expect(r.riskAfter!.lps[0].valueUsd, log).to.be.greaterThan(r.risk!.lps[0].valueUsd * 0.98); // value kept
  });
});
