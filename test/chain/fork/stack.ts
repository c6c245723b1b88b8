/**
 * The Ballast stack on a fork, wired to the address book only: base asset USDC and its Chainlink USDC/USD feed, WETH
 * and WBTC with the ETH/USD and BTC/USD feeds, the UniswapV3SwapAdapter on the canonical SwapRouter, a
 * BallastTimelock as governor. Nothing here knows whether the fork's upstream is mainnet or the replica.
 * Deployed through the generated typechain factories; the deployer hands every admin role to the timelock.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  BallastTimelock__factory,
  BallastVault__factory,
  BudgetLens__factory,
  BookLib__factory,
  UniswapV3SwapAdapter__factory,
  type BallastTimelock,
  type BallastVault,
  type BudgetLens,
} from "../../../types/ethers-contracts/index.js";
import { MAINNET, type AddressBook } from "../../../scripts/lib/addressBook.ts";
import { defaultRiskParams } from "../../../scripts/lib/deployVault.ts";
import type { Deployment } from "../../../scripts/lib/deployments.ts";

export interface ForkStack {
  book: AddressBook;
  deployer: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  proposer: HardhatEthersSigner;
  vault: BallastVault;
  lens: BudgetLens;
  timelock: BallastTimelock;
  deployment: Deployment;
}

export const FORK_TIMELOCK_DELAY = 2 * 86_400;
const STALENESS = 86_400;
/** USDC/USD on mainnet updates on a 24 h heartbeat: a day plus an hour of margin, so a pinned block never starts stale. */
const BASE_STALENESS = 90_000;

export async function deployForkStack(ethers: HardhatEthers, book: AddressBook = MAINNET): Promise<ForkStack> {
  const [deployer, guardian, keeper, proposer] = await ethers.getSigners();
  const params = defaultRiskParams();
  const timelock = await new BallastTimelock__factory(deployer).deploy(
    FORK_TIMELOCK_DELAY,
    [proposer.address],
    [proposer.address],
    ethers.ZeroAddress,
  );
  const lib = await new BookLib__factory(deployer).deploy();
  const vault = await new BallastVault__factory(
    { "project/contracts/libraries/BookLib.sol:BookLib": await lib.getAddress() },
    deployer,
  ).deploy(
    book.tokens.USDC,
    "Ballast USDC",
    "bUSDC",
    book.feeds.USDC_USD,
    BASE_STALENESS,
    params,
    deployer.address,
    guardian.address,
  );
  const lens = await new BudgetLens__factory(deployer).deploy();
  const adapter = await new UniswapV3SwapAdapter__factory(deployer).deploy(book.uniswapV3.router);
  await Promise.all([timelock, lib, vault, lens, adapter].map((c) => c.waitForDeployment()));

  const protocolIds = { WETH: ethers.id("weth9"), WBTC: ethers.id("wbtc-custody") };
  const caps = { WETH: 6_000, WBTC: 4_000 };
  await (await vault.addAsset(book.tokens.WETH, book.feeds.ETH_USD, STALENESS, caps.WETH, protocolIds.WETH)).wait();
  await (await vault.addAsset(book.tokens.WBTC, book.feeds.BTC_USD, STALENESS, caps.WBTC, protocolIds.WBTC)).wait();
  await (await vault.setProtocolCap(protocolIds.WETH, caps.WETH)).wait();
  await (await vault.setProtocolCap(protocolIds.WBTC, caps.WBTC)).wait();
  await (await vault.setAdapter(await adapter.getAddress(), true)).wait();
  await (await vault.grantRole(await vault.KEEPER_ROLE(), keeper.address)).wait();
  const timelockAddress = await timelock.getAddress();
  for (const role of [await vault.DEFAULT_ADMIN_ROLE(), await vault.GOVERNOR_ROLE(), await vault.GUARDIAN_ROLE()]) {
    await (await vault.grantRole(role, timelockAddress)).wait();
  }
  for (const role of [await vault.GOVERNOR_ROLE(), await vault.DEFAULT_ADMIN_ROLE()]) {
    await (await vault.renounceRole(role, deployer.address)).wait();
  }

  const net = await ethers.provider.getNetwork();
  const block = (await ethers.provider.getBlock("latest"))!;
  const deployment: Deployment = {
    network: "fork",
    chainId: Number(net.chainId),
    deployedAt: new Date(block.timestamp * 1_000).toISOString(),
    blockNumber: block.number,
    contracts: {
      vault: await vault.getAddress(),
      lens: await lens.getAddress(),
      timelock: timelockAddress,
      adapter: await adapter.getAddress(),
      bookLib: await lib.getAddress(),
    },
    uniswap: {
      factory: book.uniswapV3.factory,
      router: book.uniswapV3.router,
      quoter: book.uniswapV3.quoterV2,
      positionManager: book.uniswapV3.positionManager,
      weth: book.tokens.WETH,
    },
    baseAsset: {
      symbol: "USDC",
      address: book.tokens.USDC,
      decimals: 6,
      feed: book.feeds.USDC_USD,
      maxStalenessSeconds: BASE_STALENESS,
    },
    assets: (["WETH", "WBTC"] as const).map((symbol) => ({
      symbol,
      address: book.tokens[symbol],
      decimals: book.decimals[symbol],
      feed: symbol === "WETH" ? book.feeds.ETH_USD : book.feeds.BTC_USD,
      maxStalenessSeconds: STALENESS,
      maxWeightBps: caps[symbol],
      protocolId: protocolIds[symbol],
      protocolCapBps: caps[symbol],
      poolFee: book.poolFees[symbol],
    })),
    riskParams: {
      ...params,
      depositCap: params.depositCap.toString(),
    },
    roles: {
      governor: timelockAddress,
      guardian: guardian.address,
      keepers: [keeper.address],
      proposers: [proposer.address],
      executors: [proposer.address],
      timelockDelaySeconds: FORK_TIMELOCK_DELAY,
    },
    standIns: [],
  };
  return { book, deployer, guardian, keeper, proposer, vault, lens, timelock, deployment };
}
