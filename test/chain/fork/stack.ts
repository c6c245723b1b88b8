/**
 * The Ballast stack on a fork, wired to the address book only: base asset USDC and its Chainlink USDC/USD feed, WETH
 * and WBTC with the ETH/USD and BTC/USD feeds, the UniswapV3SwapAdapter on the canonical SwapRouter, the two position
 * modules (AaveV3LendingModule on the given Aave V3 Pool for USDC, WETH, WBTC; UniswapV3LiquidityModule on the
 * canonical NonfungiblePositionManager for WETH/USDC), a BallastTimelock as governor. Nothing here knows whether the
 * fork's upstream is mainnet or the replica; the one address the book cannot give for both, the Aave Pool (the
 * replica deploys Aave at its own addresses), is an argument. Deployed through the generated typechain factories; the
 * deployer registers the modules and their protocol caps, then hands every admin role to the timelock.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AaveV3LendingModule__factory,
  BallastTimelock__factory,
  BallastVault__factory,
  BudgetLens__factory,
  BookLib__factory,
  UniswapV3LiquidityModule__factory,
  UniswapV3SwapAdapter__factory,
  type AaveV3LendingModule,
  type BallastTimelock,
  type BallastVault,
  type BudgetLens,
  type UniswapV3LiquidityModule,
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
  /** Aave V3 account of the vault on `aavePool` (reserves USDC, WETH, WBTC). */
  lending: AaveV3LendingModule;
  /** Uniswap V3 WETH/USDC range liquidity on the canonical position manager. */
  liquidity: UniswapV3LiquidityModule;
  /** The Aave V3 Pool the lending module is an account of. */
  aavePool: string;
  /** Protocol ids of the modules (`keccak256("aave-v3")`, `keccak256("uniswap-v3")`) and their caps, bps of NAV. */
  moduleProtocols: { aave: string; uniswap: string };
  moduleCaps: { aave: number; uniswap: number };
}

export const FORK_TIMELOCK_DELAY = 2 * 86_400;
/**
 * How far the suite moves the fork's clock past the pinned block: the governance test waits out the timelock delay,
 * and the module tests after it wait out two rebalance cooldowns. Mainnet's feeds cannot be pushed on a fork, so the
 * staleness limits below include this advance: the feeds as they were at PINNED_BLOCK stay usable to the last test.
 */
export const FORK_CLOCK_ADVANCE = FORK_TIMELOCK_DELAY + 3 * 3_600;
/** ETH/USD and BTC/USD: a day (their heartbeat is an hour) plus the suite's clock advance. */
const STALENESS = 86_400 + FORK_CLOCK_ADVANCE;
/**
 * USDC/USD on mainnet updates on a 24 h heartbeat: a day plus an hour of margin, so a pinned block never starts stale,
 * plus the suite's clock advance.
 */
const BASE_STALENESS = 90_000 + FORK_CLOCK_ADVANCE;

/**
 * @param aavePool The Aave V3 Pool proxy of the upstream: `MAINNET.aaveV3.pool` on mainnet, the replica's own
 * (`CanonicalReplica.aave.pool`) on the replica.
 */
export async function deployForkStack(
  ethers: HardhatEthers,
  aavePool: string,
  book: AddressBook = MAINNET,
): Promise<ForkStack> {
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

  // The position modules, registered with their protocol caps while the deployer still governs (as localStack does).
  const vaultAddress = await vault.getAddress();
  const lending = await new AaveV3LendingModule__factory(deployer).deploy(vaultAddress, aavePool, [
    book.tokens.USDC,
    book.tokens.WETH,
    book.tokens.WBTC,
  ]);
  const liquidity = await new UniswapV3LiquidityModule__factory(deployer).deploy(
    vaultAddress,
    book.uniswapV3.positionManager,
    book.uniswapV3.factory,
    book.tokens.WETH,
    book.tokens.USDC,
  );
  await Promise.all([lending, liquidity].map((c) => c.waitForDeployment()));
  const moduleProtocols = { aave: ethers.id("aave-v3"), uniswap: ethers.id("uniswap-v3") };
  const moduleCaps = { aave: 6_000, uniswap: 5_000 };
  await (await vault.addModule(await lending.getAddress())).wait();
  await (await vault.addModule(await liquidity.getAddress())).wait();
  await (await vault.setProtocolCap(moduleProtocols.aave, moduleCaps.aave)).wait();
  await (await vault.setProtocolCap(moduleProtocols.uniswap, moduleCaps.uniswap)).wait();

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
  return {
    book,
    deployer,
    guardian,
    keeper,
    proposer,
    vault,
    lens,
    timelock,
    deployment,
    lending,
    liquidity,
    aavePool,
    moduleProtocols,
    moduleCaps,
  };
}
