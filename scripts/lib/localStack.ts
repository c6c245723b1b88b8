/**
 * The local stack the demo and the chain tests run on: real Uniswap V3 and WETH9 bytecode (from npm artifacts), stand-in
 * tokens for USDC (6 decimals) and WBTC (8), stand-in Chainlink feeds (MockAggregatorV3, 8 decimals), pools seeded
 * with liquidity at the feeds' prices, the UniswapV3SwapAdapter, and a Ballast vault governed by a real OpenZeppelin
 * TimelockController.
 *
 * Governance hand-over: the deployer lists assets, caps and the adapter while it still holds the governor role, then
 * grants every admin role to the timelock and renounces its own, so that after `deployLocalStack` returns, loosening a
 * limit takes a timelock proposal, a delay and an execution — exactly as in production.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  AaveV3LendingModule,
  BallastTimelock,
  BallastVault,
  BudgetLens,
  MockAggregatorV3,
  MockERC20,
  UniswapV3SwapAdapter,
} from "../../types/ethers-contracts/index.js";
import { addLiquidity, createPool, deployUniswapV3, encodePath, FeeAmount } from "../replica/uniswapV3.ts";
import type { UniswapV3Context } from "../replica/uniswapV3.ts";
import { AAVE_RISK_PARAMS, deployAaveV3, supplyLiquidity, type AaveV3Context } from "../replica/aaveV3.ts";
import { defaultRiskParams, deployVault, type RiskParams } from "./deployVault.ts";
import { feedAnswer, toUnits } from "./units.ts";

/** Prices in USD per whole token at deployment. */
export interface StackPrices {
  ETH: number;
  BTC: number;
}

export interface LocalStackOptions {
  prices?: StackPrices;
  params?: RiskParams;
  /** TimelockController minimum delay, seconds. */
  timelockDelaySeconds?: number;
  /** USD depth of each pool (half in each token), full range. */
  poolDepthUsd?: number;
  /**
   * More stand-in assets beyond WETH and WBTC (benchmarks, the 10-asset keeper): each a MockERC20 with a
   * MockAggregatorV3 feed and a 0.3 % pool against USDC, listed with its own protocol id and cap.
   */
  extraAssets?: { symbol: string; priceUsd: number; decimals?: number; maxWeightBps?: number }[];
  /**
   * The non-linear book (issue #7): deploy the real Aave V3 market on the same feeds (USDC, WETH, WBTC reserves,
   * seeded with lender liquidity worth `lenderLiquidityUsd` per reserve) and register the vault's position modules:
   * an AaveV3LendingModule and a UniswapV3LiquidityModule on the WETH/USDC pair. Off by default (slower).
   */
  book?: boolean | { lenderLiquidityUsd?: number };
}

/** The vault's position modules and the protocols behind them (present when `book` was asked for). */
export interface StackBook {
  aave: AaveV3Context;
  lending: AaveV3LendingModule;
  /** Uniswap V3 liquidity on WETH/USDC (token0/token1 sorted by address inside the module). */
  liquidity: import("../../types/ethers-contracts/index.js").UniswapV3LiquidityModule;
  protocolIds: { aave: string; uniswap: string };
}

/** A stand-in asset listed beyond WETH and WBTC. */
export interface ExtraAsset {
  symbol: string;
  token: MockERC20;
  feed: MockAggregatorV3;
  decimals: number;
  fee: number;
  protocolId: string;
  maxWeightBps: number;
}

export interface LocalStack {
  deployer: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  proposer: HardhatEthersSigner;
  usdc: MockERC20;
  wbtc: MockERC20;
  /** Real WETH9 from canonical-weth, as a contract with the ERC-20 surface. */
  weth: MockERC20;
  feeds: { USDC: MockAggregatorV3; ETH: MockAggregatorV3; BTC: MockAggregatorV3 };
  uniswap: UniswapV3Context;
  adapter: UniswapV3SwapAdapter;
  vault: BallastVault;
  lens: BudgetLens;
  timelock: BallastTimelock;
  /** Uniswap V3 paths, tokenIn first. */
  paths: { usdcToWeth: string; wethToUsdc: string; usdcToWbtc: string; wbtcToUsdc: string };
  fees: { WETH: number; WBTC: number };
  protocolIds: { WETH: string; WBTC: string };
  extra: ExtraAsset[];
  timelockDelaySeconds: number;
  bookLib: string;
  /** Present when `options.book` was set. */
  book?: StackBook;
}

export async function deployLocalStack(ethers: HardhatEthers, options: LocalStackOptions = {}): Promise<LocalStack> {
  const prices = options.prices ?? { ETH: 3_000, BTC: 60_000 };
  const params = options.params ?? defaultRiskParams();
  const depthUsd = options.poolDepthUsd ?? 200_000_000;
  const [deployer, guardian, keeper, proposer] = await ethers.getSigners();

  const usdc = (await ethers.deployContract("MockERC20", ["USD Coin (stand-in)", "USDC", 6])) as unknown as MockERC20;
  const wbtc = (await ethers.deployContract("MockERC20", [
    "Wrapped BTC (stand-in)",
    "WBTC",
    8,
  ])) as unknown as MockERC20;
  const feeds = {
    USDC: (await ethers.deployContract("MockAggregatorV3", [
      8,
      "USDC / USD",
      feedAnswer(1),
    ])) as unknown as MockAggregatorV3,
    ETH: (await ethers.deployContract("MockAggregatorV3", [
      8,
      "ETH / USD",
      feedAnswer(prices.ETH),
    ])) as unknown as MockAggregatorV3,
    BTC: (await ethers.deployContract("MockAggregatorV3", [
      8,
      "BTC / USD",
      feedAnswer(prices.BTC),
    ])) as unknown as MockAggregatorV3,
  };

  const uniswap = await deployUniswapV3(deployer);
  const weth = (await ethers.getContractAt("MockERC20", uniswap.addresses.weth)) as unknown as MockERC20;
  const fees = { WETH: FeeAmount.LOW, WBTC: FeeAmount.MEDIUM };

  // Liquidity at the feeds' prices: half the depth in each token, full range.
  const wethLiquidity = toUnits(depthUsd / 2 / prices.ETH, 18);
  const wbtcLiquidity = toUnits(depthUsd / 2 / prices.BTC, 8);
  const usdcLiquidity = toUnits(depthUsd / 2, 6);
  await ethers.provider.send("hardhat_setBalance", [deployer.address, "0x" + (wethLiquidity * 2n).toString(16)]);
  const wethAsWeth9 = await ethers.getContractAt(
    ["function deposit() payable", "function approve(address,uint256) returns (bool)"],
    uniswap.addresses.weth,
  );
  await (await wethAsWeth9.deposit({ value: wethLiquidity })).wait();
  await (await usdc.mint(deployer.address, usdcLiquidity * 2n)).wait();
  await (await wbtc.mint(deployer.address, wbtcLiquidity)).wait();
  await createPool(uniswap, uniswap.addresses.weth, usdc, fees.WETH, prices.ETH);
  await createPool(uniswap, wbtc, usdc, fees.WBTC, prices.BTC);
  await addLiquidity(
    uniswap,
    { tokenA: uniswap.addresses.weth, tokenB: usdc, fee: fees.WETH },
    wethLiquidity,
    usdcLiquidity,
  );
  await addLiquidity(uniswap, { tokenA: wbtc, tokenB: usdc, fee: fees.WBTC }, wbtcLiquidity, usdcLiquidity);

  const extra: ExtraAsset[] = [];
  for (const x of options.extraAssets ?? []) {
    const decimals = x.decimals ?? 18;
    const token = (await ethers.deployContract("MockERC20", [
      `${x.symbol} (stand-in)`,
      x.symbol,
      decimals,
    ])) as unknown as MockERC20;
    const feed = (await ethers.deployContract("MockAggregatorV3", [
      8,
      `${x.symbol} / USD`,
      feedAnswer(x.priceUsd),
    ])) as unknown as MockAggregatorV3;
    const depth = depthUsd / 10;
    await (await token.mint(deployer.address, toUnits(depth / 2 / x.priceUsd, decimals))).wait();
    await (await usdc.mint(deployer.address, toUnits(depth / 2, 6))).wait();
    await createPool(uniswap, token, usdc, FeeAmount.MEDIUM, x.priceUsd);
    await addLiquidity(
      uniswap,
      { tokenA: token, tokenB: usdc, fee: FeeAmount.MEDIUM },
      toUnits(depth / 2 / x.priceUsd, decimals),
      toUnits(depth / 2, 6),
    );
    extra.push({
      symbol: x.symbol,
      token,
      feed,
      decimals,
      fee: FeeAmount.MEDIUM,
      protocolId: ethers.id(`stand-in:${x.symbol}`),
      maxWeightBps: x.maxWeightBps ?? 2_000,
    });
  }

  const adapter = (await ethers.deployContract("UniswapV3SwapAdapter", [
    uniswap.addresses.router,
  ])) as unknown as UniswapV3SwapAdapter;

  const timelockDelay = options.timelockDelaySeconds ?? 2 * 86_400;
  const timelock = (await ethers.deployContract("BallastTimelock", [
    timelockDelay,
    [proposer.address],
    [proposer.address],
    ethers.ZeroAddress,
  ])) as unknown as BallastTimelock;
  const timelockAddress = await timelock.getAddress();

  // Deploy with the deployer as interim governor, configure, then hand over to the timelock.
  const { vault, lens, bookLib } = await deployVault(ethers, {
    baseAsset: await usdc.getAddress(),
    baseFeed: await feeds.USDC.getAddress(),
    params,
    governor: deployer.address,
    guardian: guardian.address,
  });
  const protocolIds = { WETH: ethers.id("weth9"), WBTC: ethers.id("wbtc-custody") };
  await (
    await vault.addAsset(uniswap.addresses.weth, await feeds.ETH.getAddress(), 86_400, 6_000, protocolIds.WETH)
  ).wait();
  await (
    await vault.addAsset(await wbtc.getAddress(), await feeds.BTC.getAddress(), 86_400, 4_000, protocolIds.WBTC)
  ).wait();
  await (await vault.setProtocolCap(protocolIds.WETH, 6_000)).wait();
  await (await vault.setProtocolCap(protocolIds.WBTC, 4_000)).wait();
  for (const x of extra) {
    await (
      await vault.addAsset(await x.token.getAddress(), await x.feed.getAddress(), 86_400, x.maxWeightBps, x.protocolId)
    ).wait();
    await (await vault.setProtocolCap(x.protocolId, x.maxWeightBps)).wait();
  }
  await (await vault.setAdapter(await adapter.getAddress(), true)).wait();
  const book = options.book
    ? await deployBook(ethers, {
        deployer,
        vault,
        usdc,
        wbtc,
        weth,
        feeds,
        uniswap,
        prices,
        lenderLiquidityUsd:
          (typeof options.book === "object" ? options.book.lenderLiquidityUsd : undefined) ?? 20_000_000,
      })
    : undefined;
  await (await vault.grantRole(await vault.KEEPER_ROLE(), keeper.address)).wait();
  for (const role of [await vault.DEFAULT_ADMIN_ROLE(), await vault.GOVERNOR_ROLE(), await vault.GUARDIAN_ROLE()]) {
    await (await vault.grantRole(role, timelockAddress)).wait();
  }
  for (const role of [await vault.GOVERNOR_ROLE(), await vault.DEFAULT_ADMIN_ROLE()]) {
    await (await vault.renounceRole(role, deployer.address)).wait();
  }

  const usdcAddress = await usdc.getAddress();
  const wbtcAddress = await wbtc.getAddress();
  return {
    deployer,
    guardian,
    keeper,
    proposer,
    usdc,
    wbtc,
    weth,
    feeds,
    uniswap,
    adapter,
    vault,
    lens,
    timelock,
    fees,
    protocolIds,
    extra,
    timelockDelaySeconds: timelockDelay,
    bookLib,
    book,
    paths: {
      usdcToWeth: encodePath([usdcAddress, uniswap.addresses.weth], [fees.WETH]),
      wethToUsdc: encodePath([uniswap.addresses.weth, usdcAddress], [fees.WETH]),
      usdcToWbtc: encodePath([usdcAddress, wbtcAddress], [fees.WBTC]),
      wbtcToUsdc: encodePath([wbtcAddress, usdcAddress], [fees.WBTC]),
    },
  };
}

/**
 * Aave V3 (real bytecode) on the stack's feeds, lender liquidity, and the vault's two position modules, registered
 * while the deployer still governs (before the hand-over to the timelock). Protocol caps: Aave 60 %, Uniswap 50 %.
 */
async function deployBook(
  ethers: HardhatEthers,
  s: {
    deployer: HardhatEthersSigner;
    vault: BallastVault;
    usdc: MockERC20;
    wbtc: MockERC20;
    weth: MockERC20;
    feeds: LocalStack["feeds"];
    uniswap: UniswapV3Context;
    prices: StackPrices;
    lenderLiquidityUsd: number;
  },
): Promise<StackBook> {
  const [usdc, weth, wbtc] = await Promise.all([s.usdc.getAddress(), s.weth.getAddress(), s.wbtc.getAddress()]);
  const aave = await deployAaveV3(s.deployer, {
    reserves: [
      { token: usdc, feed: await s.feeds.USDC.getAddress(), ...AAVE_RISK_PARAMS.USDC },
      { token: weth, feed: await s.feeds.ETH.getAddress(), ...AAVE_RISK_PARAMS.WETH },
      { token: wbtc, feed: await s.feeds.BTC.getAddress(), ...AAVE_RISK_PARAMS.WBTC },
    ],
  });
  // Lenders: the deployer supplies each reserve so that the vault can borrow.
  const usd = s.lenderLiquidityUsd;
  const wethWei = toUnits(usd / s.prices.ETH, 18);
  await ethers.provider.send("hardhat_setBalance", [s.deployer.address, "0x" + (wethWei * 2n).toString(16)]);
  const weth9 = await ethers.getContractAt(["function deposit() payable"], weth);
  await (await weth9.deposit({ value: wethWei })).wait();
  await (await s.usdc.mint(s.deployer.address, toUnits(usd, 6))).wait();
  await (await s.wbtc.mint(s.deployer.address, toUnits(usd / s.prices.BTC, 8))).wait();
  await supplyLiquidity(aave, usdc, toUnits(usd, 6));
  await supplyLiquidity(aave, weth, wethWei);
  await supplyLiquidity(aave, wbtc, toUnits(usd / s.prices.BTC, 8));

  const vaultAddress = await s.vault.getAddress();
  const lending = (await ethers.deployContract("AaveV3LendingModule", [
    vaultAddress,
    aave.addresses.pool,
    [usdc, weth, wbtc],
  ])) as unknown as AaveV3LendingModule;
  const liquidity = (await ethers.deployContract("UniswapV3LiquidityModule", [
    vaultAddress,
    s.uniswap.addresses.positionManager,
    s.uniswap.addresses.factory,
    weth,
    usdc,
  ])) as unknown as StackBook["liquidity"];
  const protocolIds = { aave: ethers.id("aave-v3"), uniswap: ethers.id("uniswap-v3") };
  await (await s.vault.addModule(await lending.getAddress())).wait();
  await (await s.vault.addModule(await liquidity.getAddress())).wait();
  await (await s.vault.setProtocolCap(protocolIds.aave, 6_000)).wait();
  await (await s.vault.setProtocolCap(protocolIds.uniswap, 5_000)).wait();
  return { aave, lending, liquidity, protocolIds };
}
