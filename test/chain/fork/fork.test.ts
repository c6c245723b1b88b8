/**
 * The fork suite: deposit, one full keeper rebalance and a governance change through the timelock, on a Hardhat network
 * FORKED from an upstream at the canonical mainnet addresses (scripts/lib/addressBook.ts), through the generated
 * typechain bindings.
 *
 *   MAINNET_RPC_URL=https://… npx hardhat test mocha test/chain/fork/fork.test.ts   # mainnet at PINNED_BLOCK
 *   npx hardhat test mocha test/chain/fork/fork.test.ts                              # the local replica (CI)
 *
 * Without MAINNET_RPC_URL the before() hook starts a `hardhat node` on 127.0.0.1, deploys the canonical replica on it
 * and forks that node; after() stops the node whatever the tests did. See docs/fork.md.
 */
import { expect } from "chai";
import { getAddress } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AggregatorV3Interface__factory,
  MockERC20__factory,
  type MockERC20,
} from "../../../types/ethers-contracts/index.js";
import { MAINNET, WHALES } from "../../../scripts/lib/addressBook.ts";
import { toUnits } from "../../../scripts/lib/units.ts";
import { parseKeeperConfig } from "../../../scripts/keeper/config.ts";
import { createKeeperContext } from "../../../scripts/keeper/context.ts";
import { runCycle } from "../../../scripts/keeper/cycle.ts";
import { bind, execute, listOperations, parseChange, propose } from "../../../scripts/governance/ops.ts";
import { devWallet } from "../keeper/harness.ts";
import { openFork, openUpstream, type Upstream } from "./harness.ts";
import { deployForkStack, FORK_TIMELOCK_DELAY, type ForkStack } from "./stack.ts";

const DEPOSIT_USDC = 200_000;

describe(`fork suite (${process.env.MAINNET_RPC_URL ? "mainnet" : "local replica"} upstream)`, function () {
  this.timeout(180_000);
  let up: Upstream | undefined;
  let conn: Awaited<ReturnType<typeof openFork>>;
  let ethers: HardhatEthers;
  let s: ForkStack;
  let depositor: HardhatEthersSigner;
  let usdc: MockERC20; // the ERC-20 surface of MockERC20 binds any ERC-20 (real USDC on mainnet)

  /** Impersonates `whale`, gives it gas money, and transfers `amount` of `token` to `to`. */
  async function fromWhale(token: string, whale: string, to: string, amount: bigint) {
    await ethers.provider.send("hardhat_impersonateAccount", [whale]);
    await ethers.provider.send("hardhat_setBalance", [whale, "0x56BC75E2D63100000"]); // 100 ETH for gas
    const erc20 = MockERC20__factory.connect(token, await ethers.getSigner(whale));
    const held = await erc20.balanceOf(whale);
    if (held < amount) throw new Error(`whale ${whale} holds ${held} of ${token}, the suite needs ${amount}`);
    await (await erc20.transfer(to, amount)).wait();
    await ethers.provider.send("hardhat_stopImpersonatingAccount", [whale]);
  }

  before(async function () {
    up = await openUpstream();
    conn = await openFork(up);
    ethers = conn.ethers;
    s = await deployForkStack(ethers);
    depositor = (await ethers.getSigners())[4];
    usdc = MockERC20__factory.connect(MAINNET.tokens.USDC, depositor);
  });

  after(async function () {
    await conn?.close();
    await up?.stop();
  });

  it("sees the canonical contracts: tokens' decimals, pools at their CREATE2 addresses, live feeds", async function () {
    for (const symbol of ["USDC", "WETH", "WBTC"] as const) {
      const token = MockERC20__factory.connect(MAINNET.tokens[symbol], ethers.provider);
      expect(Number(await token.decimals())).to.equal(MAINNET.decimals[symbol]);
    }
    const factory = new ethers.Contract(
      MAINNET.uniswapV3.factory,
      ["function getPool(address,address,uint24) view returns (address)"],
      ethers.provider,
    );
    expect(getAddress(await factory.getPool(MAINNET.tokens.WETH, MAINNET.tokens.USDC, 500))).to.equal(
      MAINNET.pools.WETH_USDC_500,
    );
    expect(getAddress(await factory.getPool(MAINNET.tokens.WBTC, MAINNET.tokens.USDC, 3000))).to.equal(
      MAINNET.pools.WBTC_USDC_3000,
    );
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    for (const feed of Object.values(MAINNET.feeds)) {
      const agg = AggregatorV3Interface__factory.connect(feed, ethers.provider);
      expect(Number(await agg.decimals())).to.equal(8);
      const r = await agg.latestRoundData();
      expect(r.answer > 0n).to.equal(true);
      expect(now - Number(r.updatedAt)).to.be.lessThan(90_000); // within the heartbeat (+1 h)
    }
    const budget = await s.lens.budget(await s.vault.getAddress());
    expect(budget.assets.map((a) => getAddress(a.asset))).to.deep.equal([MAINNET.tokens.WETH, MAINNET.tokens.WBTC]);
  });

  it("funds from impersonated whales and deposits USDC", async function () {
    const amount = toUnits(DEPOSIT_USDC, 6);
    await fromWhale(MAINNET.tokens.USDC, WHALES.USDC, depositor.address, amount);
    await fromWhale(MAINNET.tokens.WETH, WHALES.WETH, depositor.address, toUnits(1, 18));
    await fromWhale(MAINNET.tokens.WBTC, WHALES.WBTC, depositor.address, toUnits(0.1, 8));
    const vault = s.vault.connect(depositor);
    await (await usdc.approve(await vault.getAddress(), amount)).wait();
    const shares = await vault.previewDeposit(amount);
    await (await vault.deposit(amount, depositor.address)).wait();
    expect(await vault.balanceOf(depositor.address)).to.equal(shares);
    expect(await vault.totalAssets()).to.be.closeTo(amount, amount / 1_000n);
  });

  it("runs one full keeper cycle (read → optimize → plan → simulate → send → confirm) through the real router", async function () {
    const lines: string[] = [];
    const signer = devWallet(2).connect(ethers.provider as never);
    expect(signer.address).to.equal(s.keeper.address);
    const ctx = await createKeeperContext({
      config: parseKeeperConfig({
        targets: { USDC: 0.4, WETH: 0.35, WBTC: 0.25 },
        journalPath: ":memory:",
        confirmTimeoutSeconds: 30,
      }),
      deployment: s.deployment,
      provider: ethers.provider as never,
      signer: signer as never,
      log: (line) => lines.push(line),
    });
    const r = await runCycle(ctx);
    expect(r.outcome, lines.join("\n")).to.equal("confirmed");
    expect(await s.vault.planExecuted(r.plan!.planId)).to.equal(true);
    expect(ctx.journal.steps(r.plan!.planId).map((x) => x.step)).to.deep.equal([
      "planned",
      "simulated",
      "signed",
      "sent",
      "confirmed",
    ]);
    const weth = MockERC20__factory.connect(MAINNET.tokens.WETH, ethers.provider);
    const wbtc = MockERC20__factory.connect(MAINNET.tokens.WBTC, ethers.provider);
    const vault = await s.vault.getAddress();
    expect(await weth.balanceOf(vault)).to.be.greaterThan(0n);
    expect(await wbtc.balanceOf(vault)).to.be.greaterThan(0n);
    const post = r.post!;
    for (const a of post.assets) {
      expect(Number((a.valueBase * 10_000n) / post.navBase)).to.be.at.most(a.maxWeightBps);
    }
    if (process.env.KEEPER_DEBUG) console.log(lines.join("\n"));
  });

  it("changes a risk parameter through the timelock (too early fails, after the delay succeeds)", async function () {
    const gov = bind(s.deployment, s.proposer);
    const lines: string[] = [];
    const { opId, readyAt } = await propose(gov, parseChange("maxTurnoverBps=6000"), (l) => lines.push(l), "fork");
    expect(lines[0]).to.equal(
      `propose: RiskParams.maxTurnoverBps: 5000 → 6000 (executable after ${FORK_TIMELOCK_DELAY} s)`,
    );
    await expect(execute(gov, opId, () => {})).to.be.revertedWithCustomError(
      s.timelock,
      "TimelockUnexpectedOperationState",
    );
    await conn.networkHelpers.time.increaseTo(readyAt);
    await execute(gov, opId, (l) => lines.push(l));
    expect((await s.vault.riskParams()).maxTurnoverBps).to.equal(6_000n);
    expect((await listOperations(gov)).find((o) => o.opId === opId)?.state).to.equal("done");
  });
});
