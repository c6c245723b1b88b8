/**
 * The Ignition module (ignition/modules/Ballast.ts) end to end on the canonical-address replica: deploy with the real
 * base asset / feed / router addresses from the address book, list the assets through a timelock batch (the deployer
 * never holds the governor role), record deployments/<network>/deployment.json from the Ignition result with
 * writeDeployment, read it back, deposit, and run one keeper cycle against the record.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import BallastModule from "../../../ignition/modules/Ballast.ts";
import {
  BallastTimelock__factory,
  BallastVault__factory,
  MockERC20__factory,
} from "../../../types/ethers-contracts/index.js";
import { MAINNET } from "../../../scripts/lib/addressBook.ts";
import { deploymentPath, readDeployment, writeDeployment } from "../../../scripts/lib/deployments.ts";
import { describeIgnitionDeployment } from "../../../scripts/lib/ignitionDeployment.ts";
import { toUnits } from "../../../scripts/lib/units.ts";
import { parseKeeperConfig } from "../../../scripts/keeper/config.ts";
import { createKeeperContext } from "../../../scripts/keeper/context.ts";
import { runCycle } from "../../../scripts/keeper/cycle.ts";
import { deployCanonicalReplica } from "../../../scripts/replica/canonical.ts";
import { devWallet } from "../keeper/harness.ts";

const { ethers, ignition, networkHelpers } = await network.create();

describe("Ignition module on the canonical-address replica", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "ballast-ignition-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the checked-in mainnet parameters use the address book's addresses", function () {
    const file = join(import.meta.dirname, "..", "..", "..", "ignition", "parameters", "example-mainnet.json");
    const p = JSON.parse(readFileSync(file, "utf8")).Ballast;
    expect([p.baseAsset, p.baseFeed, p.swapRouter]).to.deep.equal([
      MAINNET.tokens.USDC,
      MAINNET.feeds.USDC_USD,
      MAINNET.uniswapV3.router,
    ]);
  });

  it("deploys, lists assets through the timelock, records deployment.json, and the keeper runs on the record", async function () {
    const [deployer, guardian, keeper, proposer, depositor] = await ethers.getSigners();
    const replica = await deployCanonicalReplica(
      { provider: ethers.provider, getSigner: (a) => ethers.getSigner(a) },
      deployer,
    );
    const book = MAINNET;
    const delay = 3_600;
    const {
      vault: v,
      lens,
      timelock: t,
      adapter,
      bookLib,
    } = await ignition.deploy(BallastModule, {
      parameters: {
        Ballast: {
          baseAsset: book.tokens.USDC,
          baseFeed: book.feeds.USDC_USD,
          swapRouter: book.uniswapV3.router,
          guardian: guardian.address,
          proposers: [proposer.address],
          executors: [proposer.address],
          minDelaySeconds: delay,
        },
      },
    });
    const contracts = {
      vault: await v.getAddress(),
      lens: await lens.getAddress(),
      timelock: await t.getAddress(),
      adapter: await adapter.getAddress(),
      bookLib: await bookLib.getAddress(),
    };
    const vault = BallastVault__factory.connect(contracts.vault, deployer);
    const timelock = BallastTimelock__factory.connect(contracts.timelock, proposer);
    expect(await vault.hasRole(await vault.GOVERNOR_ROLE(), contracts.timelock)).to.equal(true);
    expect(await vault.hasRole(await vault.GOVERNOR_ROLE(), deployer.address)).to.equal(false);

    // Listing is governance: one timelock batch, too early reverts, after the delay it executes.
    const ids = { WETH: ethers.id("weth9"), WBTC: ethers.id("wbtc-custody") };
    const i = vault.interface;
    const calls = [
      i.encodeFunctionData("addAsset", [book.tokens.WETH, book.feeds.ETH_USD, 86_400, 6_000, ids.WETH]),
      i.encodeFunctionData("addAsset", [book.tokens.WBTC, book.feeds.BTC_USD, 86_400, 4_000, ids.WBTC]),
      i.encodeFunctionData("setProtocolCap", [ids.WETH, 6_000]),
      i.encodeFunctionData("setProtocolCap", [ids.WBTC, 4_000]),
      i.encodeFunctionData("setAdapter", [contracts.adapter, true]),
      i.encodeFunctionData("grantRole", [await vault.KEEPER_ROLE(), keeper.address]),
    ];
    const targets = calls.map(() => contracts.vault);
    const values = calls.map(() => 0n);
    const salt = ethers.id("list assets");
    await (await timelock.scheduleBatch(targets, values, calls, ZeroHash, salt, delay)).wait();
    await expect(timelock.executeBatch(targets, values, calls, ZeroHash, salt)).to.be.revertedWithCustomError(
      timelock,
      "TimelockUnexpectedOperationState",
    );
    await networkHelpers.time.increase(delay);
    await (await timelock.executeBatch(targets, values, calls, ZeroHash, salt)).wait();

    const record = await describeIgnitionDeployment(ethers.provider, {
      network: "replica-ignition",
      contracts,
      uniswap: {
        factory: book.uniswapV3.factory,
        router: book.uniswapV3.router,
        quoter: book.uniswapV3.quoterV2,
        positionManager: book.uniswapV3.positionManager,
        weth: book.tokens.WETH,
      },
      poolFees: { WETH: book.poolFees.WETH, WBTC: book.poolFees.WBTC },
      guardian: guardian.address,
      keepers: [keeper.address],
      proposers: [proposer.address],
      executors: [proposer.address],
      standIns: replica.standIns,
    });
    const file = writeDeployment(record, deploymentPath("replica-ignition", dir));
    expect(file).to.equal(join(dir, "replica-ignition", "deployment.json"));
    const deployment = readDeployment(file);
    expect(deployment.baseAsset).to.include({ symbol: "USDC", address: book.tokens.USDC, feed: book.feeds.USDC_USD });
    expect(deployment.assets.map((a) => [a.symbol, a.address, a.feed, a.poolFee])).to.deep.equal([
      ["WETH", book.tokens.WETH, book.feeds.ETH_USD, 500],
      ["WBTC", book.tokens.WBTC, book.feeds.BTC_USD, 3000],
    ]);
    expect(deployment.roles.timelockDelaySeconds).to.equal(delay);

    // The record drives the keeper: deposit, then one confirmed cycle.
    const usdc = MockERC20__factory.connect(book.tokens.USDC, depositor);
    await (await usdc.mint(depositor.address, toUnits(500_000, 6))).wait();
    await (await usdc.approve(contracts.vault, toUnits(500_000, 6))).wait();
    await (await vault.connect(depositor).deposit(toUnits(500_000, 6), depositor.address)).wait();
    const lines: string[] = [];
    const ctx = await createKeeperContext({
      config: parseKeeperConfig({ targets: { USDC: 0.4, WETH: 0.35, WBTC: 0.25 }, journalPath: ":memory:" }),
      deployment,
      provider: ethers.provider as never,
      signer: devWallet(2).connect(ethers.provider as never) as never,
      log: (l) => lines.push(l),
    });
    const r = await runCycle(ctx);
    expect(r.outcome, lines.join("\n")).to.equal("confirmed");
    expect(await vault.planExecuted(r.plan!.planId)).to.equal(true);
  });
});
