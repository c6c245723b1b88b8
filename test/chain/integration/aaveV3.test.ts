/**
 * Aave V3 against the REAL production bytecode (@aave/core-v3@1.19.3 npm artifacts, deployed by
 * scripts/replica/aaveV3.ts), and AaveV3LendingModule on top of it with a plain signer as its vault.
 * Tokens: real WETH9; USDC (6 decimals) and WBTC (8 decimals) are MockERC20 stand-ins; prices come from
 * MockAggregatorV3 stand-in feeds (8 decimals) that AaveOracle reads through `latestAnswer()`.
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  AbiCoder,
  Contract,
  ContractFactory,
  MaxUint256,
  ZeroAddress,
  getAddress,
  keccak256,
  toUtf8Bytes,
} from "ethers";
import type { ContractTransactionReceipt } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { AaveV3LendingModule, MockAggregatorV3, MockERC20 } from "../../../types/ethers-contracts/index.js";
import {
  AAVE_ARTIFACTS,
  AAVE_RISK_PARAMS,
  BASE_CURRENCY_UNIT,
  HEALTH_FACTOR_LIQUIDATION_WAD,
  VARIABLE_RATE_MODE,
  accountData,
  deployAaveV3,
  findReserve,
  oraclePriceUsdE8,
  supplyLiquidity,
  type AaveArtifact,
  type AaveReserve,
  type AaveV3Context,
} from "../../../scripts/replica/aaveV3.js";
import { ARTIFACTS } from "../../../scripts/replica/uniswapV3.js";
import { feedAnswer, toUnits } from "../../../scripts/lib/units.js";

const { ethers, networkHelpers } = await network.create();

const PRICES = { USDC: 1, ETH: 3_000, BTC: 60_000 };
const OP = { SUPPLY: 1, WITHDRAW: 2, BORROW: 3, REPAY: 4 } as const;
const WAD = 10n ** 18n;
const BPS = 10_000n;

interface Fixture {
  aave: AaveV3Context;
  usdc: MockERC20;
  wbtc: MockERC20;
  weth: MockERC20;
  feeds: { USDC: MockAggregatorV3; ETH: MockAggregatorV3; BTC: MockAggregatorV3 };
  reserves: { USDC: AaveReserve; WETH: AaveReserve; WBTC: AaveReserve };
  module: AaveV3LendingModule;
  signers: Record<
    "deployer" | "lender" | "borrower" | "liquidator" | "vault" | "payer" | "stranger",
    HardhatEthersSigner
  >;
}

async function wrapEth(weth: MockERC20, signer: HardhatEthersSigner, amountWei: bigint) {
  const weth9 = new Contract(await weth.getAddress(), ["function deposit() payable"], signer);
  await (await weth9.deposit({ value: amountWei })).wait();
}

async function aaveFixture(): Promise<Fixture> {
  const [deployer, lender, borrower, liquidator, vault, payer, stranger] = await ethers.getSigners();
  const signers = { deployer, lender, borrower, liquidator, vault, payer, stranger };
  const usdc = (await ethers.deployContract("MockERC20", ["USD Coin (stand-in)", "USDC", 6])) as unknown as MockERC20;
  const wbtc = (await ethers.deployContract("MockERC20", [
    "Wrapped BTC (stand-in)",
    "WBTC",
    8,
  ])) as unknown as MockERC20;
  const weth9 = await new ContractFactory(ARTIFACTS.weth9.abi, ARTIFACTS.weth9.bytecode, deployer).deploy();
  await weth9.waitForDeployment();
  const weth = (await ethers.getContractAt("MockERC20", await weth9.getAddress())) as unknown as MockERC20;
  const feed = async (description: string, priceUsd: number) =>
    (await ethers.deployContract("MockAggregatorV3", [
      8,
      description,
      feedAnswer(priceUsd),
    ])) as unknown as MockAggregatorV3;
  const feeds = {
    USDC: await feed("USDC / USD", PRICES.USDC),
    ETH: await feed("ETH / USD", PRICES.ETH),
    BTC: await feed("BTC / USD", PRICES.BTC),
  };

  const aave = await deployAaveV3(deployer, {
    reserves: [
      { token: usdc, feed: feeds.USDC, ...AAVE_RISK_PARAMS.USDC },
      { token: weth, feed: feeds.ETH, ...AAVE_RISK_PARAMS.WETH },
      { token: wbtc, feed: feeds.BTC, ...AAVE_RISK_PARAMS.WBTC },
    ],
  });
  const reserves = {
    USDC: await findReserve(aave, usdc),
    WETH: await findReserve(aave, weth),
    WBTC: await findReserve(aave, wbtc),
  };

  // Lender liquidity: 2M USDC, 200 WETH, 20 WBTC.
  await ethers.provider.send("hardhat_setBalance", [lender.address, "0x" + (10n ** 24n).toString(16)]);
  await usdc.mint(lender.address, toUnits(2_000_000, 6));
  await wbtc.mint(lender.address, toUnits(20, 8));
  await wrapEth(weth, lender, toUnits(200, 18));
  await supplyLiquidity(aave, usdc, toUnits(2_000_000, 6), lender);
  await supplyLiquidity(aave, weth, toUnits(200, 18), lender);
  await supplyLiquidity(aave, wbtc, toUnits(20, 8), lender);

  // The "vault": a plain signer, with 50 WETH, 200k USDC, 2 WBTC.
  await wrapEth(weth, vault, toUnits(50, 18));
  await usdc.mint(vault.address, toUnits(200_000, 6));
  await wbtc.mint(vault.address, toUnits(2, 8));
  const module = (await ethers.deployContract("AaveV3LendingModule", [
    vault.address,
    aave.addresses.pool,
    [await usdc.getAddress(), await weth.getAddress(), await wbtc.getAddress()],
  ])) as unknown as AaveV3LendingModule;
  return { aave, usdc, wbtc, weth, feeds, reserves, module: module.connect(vault), signers };
}

function erc20(address: string, signer?: HardhatEthersSigner) {
  return new Contract(
    address,
    [
      "function balanceOf(address) view returns (uint256)",
      "function allowance(address,address) view returns (uint256)",
    ],
    signer ?? ethers.provider,
  );
}

/** An Aave aToken / debt token with its scaled (index-free) balance. */
function scaled(address: string) {
  return new Contract(address, ["function scaledBalanceOf(address) view returns (uint256)"], ethers.provider);
}

/** Aave's WadRayMath.rayMul: a·b / 1e27, rounded half up. */
function rayMul(a: bigint, b: bigint): bigint {
  const RAY = 10n ** 27n;
  return (a * b + RAY / 2n) / RAY;
}

const action = (op: number, token: string, amount: bigint = 0n) =>
  AbiCoder.defaultAbiCoder().encode(["uint8", "address", "uint256"], [op, token, amount]);

/** Health factor as Aave computes it for one collateral and one debt (both USD 1e8): collateral·LT / debt, WAD. */
function expectedHealthFactorWad(collateralUsdE8: bigint, liquidationThresholdBps: bigint, debtUsdE8: bigint): bigint {
  return (collateralUsdE8 * liquidationThresholdBps * WAD) / (BPS * debtUsdE8);
}

/** |a - b| <= max(|b|·relTol, absTol): for values that accrue interest between blocks. */
function expectClose(actual: bigint, expected: bigint, relPpm: bigint, absTol = 0n) {
  const diff = actual > expected ? actual - expected : expected - actual;
  const tol = (expected * relPpm) / 1_000_000n;
  expect(diff <= (tol > absTol ? tol : absTol), `${actual} vs ${expected} (±${tol > absTol ? tol : absTol})`).to.equal(
    true,
  );
}

async function gasOf(tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>): Promise<bigint> {
  return (await (await tx).wait())!.gasUsed;
}

describe("Aave V3 replica (real npm bytecode)", () => {
  it("runs the npm bytecode: libraries byte for byte, Pool behind the provider's proxy, Pool under 24 KiB", async () => {
    const { aave } = await networkHelpers.loadFixture(aaveFixture);
    const libraryArtifacts: Record<string, AaveArtifact> = {
      SupplyLogic: AAVE_ARTIFACTS.supplyLogic,
      BorrowLogic: AAVE_ARTIFACTS.borrowLogic,
      LiquidationLogic: AAVE_ARTIFACTS.liquidationLogic,
      EModeLogic: AAVE_ARTIFACTS.eModeLogic,
      BridgeLogic: AAVE_ARTIFACTS.bridgeLogic,
      PoolLogic: AAVE_ARTIFACTS.poolLogic,
      ConfiguratorLogic: AAVE_ARTIFACTS.configuratorLogic,
    };
    for (const [name, artifact] of Object.entries(libraryArtifacts)) {
      const address = aave.addresses.libraries[name];
      // A library's runtime code is its artifact's, with its own address in the leading PUSH20 (call protection).
      const expected = `0x73${address.slice(2).toLowerCase()}${artifact.deployedBytecode.slice(44)}`;
      expect(await ethers.provider.getCode(address), name).to.equal(expected);
    }
    const implementationSlot = BigInt(keccak256(toUtf8Bytes("eip1967.proxy.implementation"))) - 1n;
    const slot = await ethers.provider.getStorage(aave.addresses.pool, implementationSlot);
    expect(getAddress(`0x${slot.slice(26)}`)).to.equal(aave.addresses.implementations.pool);
    const poolCodeBytes = ((await ethers.provider.getCode(aave.addresses.implementations.pool)).length - 2) / 2;
    expect(poolCodeBytes).to.be.below(24_576);
    expect(await aave.pool.ADDRESSES_PROVIDER()).to.equal(aave.addresses.addressesProvider);
    expect(await aave.addressesProvider.getPriceOracle()).to.equal(aave.addresses.oracle);
  });

  it("AaveOracle prices every reserve from the vault's feeds (latestAnswer), USD with 8 decimals", async () => {
    const { aave, feeds, weth, usdc, wbtc } = await networkHelpers.loadFixture(aaveFixture);
    expect(await aave.oracle.BASE_CURRENCY()).to.equal(ZeroAddress);
    expect(await aave.oracle.BASE_CURRENCY_UNIT()).to.equal(BASE_CURRENCY_UNIT);
    expect(await aave.oracle.getSourceOfAsset(await weth.getAddress())).to.equal(await feeds.ETH.getAddress());
    expect(await oraclePriceUsdE8(aave, weth)).to.equal(feedAnswer(PRICES.ETH));
    expect(await oraclePriceUsdE8(aave, usdc)).to.equal(feedAnswer(PRICES.USDC));
    expect(await oraclePriceUsdE8(aave, wbtc)).to.equal(feedAnswer(PRICES.BTC));
    await feeds.ETH.setAnswer(feedAnswer(2_345.67));
    expect(await feeds.ETH.latestAnswer()).to.equal(feedAnswer(2_345.67));
    expect(await feeds.ETH.latestTimestamp()).to.equal(BigInt(await networkHelpers.time.latest()));
    expect(await oraclePriceUsdE8(aave, weth)).to.equal(feedAnswer(2_345.67));
  });

  it("reserves carry the configured collateral parameters and variable borrowing", async () => {
    const { aave, reserves } = await networkHelpers.loadFixture(aaveFixture);
    for (const [symbol, params] of Object.entries(AAVE_RISK_PARAMS)) {
      const r = reserves[symbol as keyof typeof reserves];
      const config = await aave.dataProvider.getReserveConfigurationData(r.token);
      expect(config.decimals).to.equal(BigInt(r.decimals));
      expect(config.ltv).to.equal(BigInt(params.ltvBps));
      expect(config.liquidationThreshold).to.equal(BigInt(params.liquidationThresholdBps));
      expect(config.liquidationBonus).to.equal(10_000n + BigInt(params.liquidationBonusBps));
      expect(config.reserveFactor).to.equal(BigInt(params.reserveFactorBps));
      expect(config.usageAsCollateralEnabled).to.equal(true);
      expect(config.borrowingEnabled).to.equal(params.borrowable);
      expect(config.stableBorrowRateEnabled).to.equal(false);
      expect(config.isActive).to.equal(true);
    }
  });

  it("supply, borrow, repay, withdraw directly on the Pool; account data follows the oracle", async () => {
    const { aave, weth, usdc, reserves, signers } = await networkHelpers.loadFixture(aaveFixture);
    const { borrower } = signers;
    const pool = aave.pool.connect(borrower) as Contract;
    await wrapEth(weth, borrower, toUnits(10, 18));
    await weth.connect(borrower).approve(aave.addresses.pool, toUnits(10, 18));
    await (await pool.supply(reserves.WETH.token, toUnits(10, 18), borrower.address, 0)).wait();
    expect(await erc20(reserves.WETH.aToken).balanceOf(borrower.address)).to.equal(toUnits(10, 18));

    let data = await accountData(aave.pool, borrower);
    expect(data.totalCollateralUsdE8).to.equal(feedAnswer(10 * PRICES.ETH));
    expect(data.totalDebtUsdE8).to.equal(0n);
    expect(data.availableBorrowsUsdE8).to.equal((feedAnswer(10 * PRICES.ETH) * 8_000n) / BPS);
    expect(data.healthFactorWad).to.equal(MaxUint256);

    const borrowWei = toUnits(15_000, 6);
    await (await pool.borrow(reserves.USDC.token, borrowWei, VARIABLE_RATE_MODE, 0, borrower.address)).wait();
    expect(await usdc.balanceOf(borrower.address)).to.equal(borrowWei);
    data = await accountData(aave.pool, borrower);
    expectClose(data.totalDebtUsdE8, feedAnswer(15_000), 10n);
    // 10 ETH · 3000 · 82.5 % / 15,000 = 1.65
    expectClose(
      data.healthFactorWad,
      expectedHealthFactorWad(data.totalCollateralUsdE8, 8_250n, data.totalDebtUsdE8),
      1n,
    );
    expectClose(data.healthFactorWad, (165n * WAD) / 100n, 10n);

    // Borrowing power is 80 % of 30,000 = 24,000: 9,100 more is refused (Aave error 36: collateral cannot cover the
    // new borrow), 8,900 more passes.
    await expect(
      pool.borrow(reserves.USDC.token, toUnits(9_100, 6), VARIABLE_RATE_MODE, 0, borrower.address),
    ).to.be.revertedWith("36");
    await (await pool.borrow(reserves.USDC.token, toUnits(8_900, 6), VARIABLE_RATE_MODE, 0, borrower.address)).wait();

    await usdc.mint(borrower.address, toUnits(100, 6)); // for the interest
    await usdc.connect(borrower).approve(aave.addresses.pool, MaxUint256);
    await (await pool.repay(reserves.USDC.token, MaxUint256, VARIABLE_RATE_MODE, borrower.address)).wait();
    expect(await erc20(reserves.USDC.variableDebtToken).balanceOf(borrower.address)).to.equal(0n);
    expect((await accountData(aave.pool, borrower)).healthFactorWad).to.equal(MaxUint256);

    const wethBefore = await weth.balanceOf(borrower.address);
    await (await pool.withdraw(reserves.WETH.token, MaxUint256, borrower.address)).wait();
    const withdrawn = (await weth.balanceOf(borrower.address)) - wethBefore;
    expect(withdrawn >= toUnits(10, 18)).to.equal(true); // principal plus any supply interest
    expect(await erc20(reserves.WETH.aToken).balanceOf(borrower.address)).to.equal(0n);
  });

  it("an ETH price drop takes a borrower below HF 1 and a liquidator's liquidationCall succeeds on the Pool", async () => {
    const { aave, weth, usdc, reserves, feeds, signers } = await networkHelpers.loadFixture(aaveFixture);
    const { borrower, liquidator } = signers;
    const pool = aave.pool.connect(borrower) as Contract;
    await wrapEth(weth, borrower, toUnits(10, 18));
    await weth.connect(borrower).approve(aave.addresses.pool, toUnits(10, 18));
    await (await pool.supply(reserves.WETH.token, toUnits(10, 18), borrower.address, 0)).wait();
    await (await pool.borrow(reserves.USDC.token, toUnits(23_000, 6), VARIABLE_RATE_MODE, 0, borrower.address)).wait();
    const healthyWad = (await accountData(aave.pool, borrower)).healthFactorWad;
    expect(healthyWad > HEALTH_FACTOR_LIQUIDATION_WAD).to.equal(true); // 24,750 / 23,000 ≈ 1.076

    const debtToCoverWei = toUnits(11_500, 6); // 50 %: Aave's close factor while HF >= 0.95
    await usdc.mint(liquidator.address, debtToCoverWei);
    await usdc.connect(liquidator).approve(aave.addresses.pool, debtToCoverWei);
    const asLiquidator = aave.pool.connect(liquidator) as Contract;
    // Aave error 45: HEALTH_FACTOR_NOT_BELOW_THRESHOLD
    await expect(
      asLiquidator.liquidationCall(reserves.WETH.token, reserves.USDC.token, borrower.address, debtToCoverWei, false),
    ).to.be.revertedWith("45");

    const ethCrashUsd = 2_700;
    await feeds.ETH.setAnswer(feedAnswer(ethCrashUsd));
    const crashed = await accountData(aave.pool, borrower);
    expect(crashed.healthFactorWad < HEALTH_FACTOR_LIQUIDATION_WAD).to.equal(true); // 22,275 / 23,000 ≈ 0.968
    expectClose(
      crashed.healthFactorWad,
      expectedHealthFactorWad(feedAnswer(10 * ethCrashUsd), 8_250n, crashed.totalDebtUsdE8),
      1n,
    );

    const wethBefore = await weth.balanceOf(liquidator.address);
    await (
      await asLiquidator.liquidationCall(
        reserves.WETH.token,
        reserves.USDC.token,
        borrower.address,
        debtToCoverWei,
        false,
      )
    ).wait();
    const seizedWei = (await weth.balanceOf(liquidator.address)) - wethBefore;
    // Collateral for the debt at the oracle price, plus the 5 % bonus, less the 10 % protocol fee on the bonus part.
    const baseCollateralWei =
      (debtToCoverWei * feedAnswer(PRICES.USDC) * 10n ** 18n) / (feedAnswer(ethCrashUsd) * 10n ** 6n);
    const withBonusWei = (baseCollateralWei * 10_500n + 5_000n) / BPS;
    const protocolFeeWei = ((withBonusWei - (withBonusWei * BPS) / 10_500n) * 1_000n + 5_000n) / BPS;
    expectClose(seizedWei, withBonusWei - protocolFeeWei, 1n, 2n);
    expect(await usdc.balanceOf(liquidator.address)).to.equal(0n);
    const after = await accountData(aave.pool, borrower);
    expectClose(after.totalDebtUsdE8, crashed.totalDebtUsdE8 - feedAnswer(11_500), 10n);
    expect(after.healthFactorWad > crashed.healthFactorWad).to.equal(true);
  });
});

describe("AaveV3LendingModule (on the real Aave V3 Pool)", () => {
  async function supplyWeth(f: Fixture, amountWei: bigint) {
    const wethAddress = await f.weth.getAddress();
    await f.weth.connect(f.signers.vault).approve(await f.module.getAddress(), amountWei);
    return f.module.execute(wethAddress, amountWei, false, action(OP.SUPPLY, wethAddress));
  }

  it("names its protocol keccak256('aave-v3'), its vault and its tokens", async () => {
    const { module, signers, usdc, weth, wbtc } = await networkHelpers.loadFixture(aaveFixture);
    expect(await module.protocolId()).to.equal(keccak256(toUtf8Bytes("aave-v3")));
    expect(await module.vault()).to.equal(signers.vault.address);
    expect(await module.tokens()).to.deep.equal([
      await usdc.getAddress(),
      await weth.getAddress(),
      await wbtc.getAddress(),
    ]);
  });

  it("SUPPLY pulls exactly amountIn from the vault into Aave; no allowance outlives the call", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    const amountWei = toUnits(10, 18);
    const vaultBefore = await f.weth.balanceOf(f.signers.vault.address);
    await expect(supplyWeth(f, amountWei)).to.emit(f.module, "Supplied").withArgs(f.reserves.WETH.token, amountWei);
    expect(await f.weth.balanceOf(f.signers.vault.address)).to.equal(vaultBefore - amountWei);
    expect(await erc20(f.reserves.WETH.aToken).balanceOf(moduleAddress)).to.equal(amountWei);
    expect(await f.weth.balanceOf(moduleAddress)).to.equal(0n);
    expect(await f.weth.allowance(moduleAddress, f.aave.addresses.pool)).to.equal(0n);
    expect(await f.weth.allowance(f.signers.vault.address, moduleAddress)).to.equal(0n);
    const data = await accountData(f.aave.pool, moduleAddress);
    expect(data.totalCollateralUsdE8).to.equal(feedAnswer(10 * PRICES.ETH));
  });

  it("BORROW sends the borrowed tokens to the vault; report matches the Pool's own account and balances", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    await supplyWeth(f, toUnits(10, 18));
    const usdcAddress = await f.usdc.getAddress();
    const borrowWei = toUnits(15_000, 6);
    const vaultUsdcBefore = await f.usdc.balanceOf(f.signers.vault.address);
    await expect(f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, borrowWei)))
      .to.emit(f.module, "Borrowed")
      .withArgs(usdcAddress, borrowWei);
    expect(await f.usdc.balanceOf(f.signers.vault.address)).to.equal(vaultUsdcBefore + borrowWei);
    expect(await f.usdc.balanceOf(moduleAddress)).to.equal(0n);

    // Aave's own limits still apply through the module: beyond the LTV (error 36), or a withdrawal that would take
    // the health factor below 1 (error 35).
    await expect(
      f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(9_100, 6))),
    ).to.be.revertedWith("36");
    await expect(
      f.module.execute(ZeroAddress, 0n, false, action(OP.WITHDRAW, await f.weth.getAddress(), toUnits(4, 18))),
    ).to.be.revertedWith("35");

    // A donation shows up as idle balance in the long amounts.
    await f.wbtc.mint(moduleAddress, 12_345n);
    const blockTag = await ethers.provider.getBlockNumber();
    const report = await f.module.report([0n, 0n, 0n], { blockTag });
    const data = await f.aave.pool.getUserAccountData(moduleAddress, { blockTag });
    expect(report.healthFactorWad).to.equal(data.healthFactor);
    expectClose(report.healthFactorWad, (165n * WAD) / 100n, 10n); // 10 ETH · 3000 · 82.5 % / 15,000
    expect(report.shortGammaUsdWad).to.equal(0n);
    expect(report.longAmounts).to.deep.equal([
      0n,
      await erc20(f.reserves.WETH.aToken).balanceOf(moduleAddress, { blockTag }),
      12_345n,
    ]);
    const debtWei: bigint = await erc20(f.reserves.USDC.variableDebtToken).balanceOf(moduleAddress, { blockTag });
    expect(report.debtAmounts).to.deep.equal([debtWei, 0n, 0n]);
    expectClose(debtWei, borrowWei, 10n);
    // The Pool's debt in USD (1e8) agrees with the reported debt at the USDC feed price.
    expectClose(data.totalDebtBase, (debtWei * feedAnswer(PRICES.USDC)) / 10n ** 6n, 1n, 1n);
  });

  it("report without debt: health factor type(uint256).max, debt 0", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    await supplyWeth(f, toUnits(1, 18));
    const report = await f.module.report([]);
    expect(report.healthFactorWad).to.equal(MaxUint256);
    expect(report.debtAmounts).to.deep.equal([0n, 0n, 0n]);
    expect(report.longAmounts[1]).to.equal(toUnits(1, 18));
  });

  it("REPAY with more than the debt clears it and returns exactly the unused part to the vault", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    const usdcAddress = await f.usdc.getAddress();
    await supplyWeth(f, toUnits(10, 18));
    await f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(10_000, 6)));
    const amountInWei = toUnits(10_100, 6);
    await f.usdc.connect(f.signers.vault).approve(moduleAddress, amountInWei);
    const vaultBefore = await f.usdc.balanceOf(f.signers.vault.address);
    const tx = await f.module.execute(usdcAddress, amountInWei, false, action(OP.REPAY, usdcAddress));
    const receipt = (await tx.wait())!;
    const repaidLog = receipt.logs.map((l) => f.module.interface.parseLog(l)).find((l) => l?.name === "Repaid")!;
    const repaidWei: bigint = repaidLog.args.amount;
    expectClose(repaidWei, toUnits(10_000, 6), 10n);
    expect(await f.usdc.balanceOf(f.signers.vault.address)).to.equal(vaultBefore - repaidWei);
    expect(await erc20(f.reserves.USDC.variableDebtToken).balanceOf(moduleAddress)).to.equal(0n);
    expect(await f.usdc.balanceOf(moduleAddress)).to.equal(0n);
    expect(await f.usdc.allowance(moduleAddress, f.aave.addresses.pool)).to.equal(0n);
    expect((await f.module.report([])).healthFactorWad).to.equal(MaxUint256);
  });

  it("WITHDRAW sends collateral to the vault: a part, then everything (type(uint256).max) with idle balance", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    const wethAddress = await f.weth.getAddress();
    await supplyWeth(f, toUnits(10, 18));
    const vaultBefore = await f.weth.balanceOf(f.signers.vault.address);
    await expect(f.module.execute(ZeroAddress, 0n, false, action(OP.WITHDRAW, wethAddress, toUnits(4, 18))))
      .to.emit(f.module, "Withdrawn")
      .withArgs(wethAddress, toUnits(4, 18), f.signers.vault.address);
    expect(await f.weth.balanceOf(f.signers.vault.address)).to.equal(vaultBefore + toUnits(4, 18));

    await f.weth.connect(f.signers.vault).transfer(moduleAddress, 777n); // idle
    const aBefore: bigint = await erc20(f.reserves.WETH.aToken).balanceOf(moduleAddress);
    await f.module.execute(ZeroAddress, 0n, false, action(OP.WITHDRAW, wethAddress, MaxUint256));
    expect(await erc20(f.reserves.WETH.aToken).balanceOf(moduleAddress)).to.equal(0n);
    expect(await f.weth.balanceOf(moduleAddress)).to.equal(0n);
    const received = (await f.weth.balanceOf(f.signers.vault.address)) - (vaultBefore + toUnits(4, 18) - 777n);
    expect(received >= aBefore + 777n).to.equal(true);
    expectClose(received, aBefore + 777n, 1n);
  });

  it("exitProRata repays ceil(debt·s/S) from the payer, then sends floor(collateral·s/S) to the receiver", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    const usdcAddress = await f.usdc.getAddress();
    const { payer, stranger: receiver } = f.signers;
    await supplyWeth(f, toUnits(10, 18));
    await f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(12_000, 6)));
    await f.wbtc.mint(moduleAddress, 1_001n); // idle WBTC: floor(1001·s/S) = 250 to the receiver (ceil would be 251)
    const hfBefore = (await f.module.report([])).healthFactorWad;
    const debtToken = scaled(f.reserves.USDC.variableDebtToken);
    const aToken = scaled(f.reserves.WETH.aToken);
    const scaledDebtBefore: bigint = await debtToken.scaledBalanceOf(moduleAddress);
    const scaledCollateralBefore: bigint = await aToken.scaledBalanceOf(moduleAddress);

    // s/S just above 1/4 and not a simple fraction, so that rounding up and down differ (by one unit) on every amount.
    const [shares, supply] = [250_001n, 1_000_003n];
    await f.usdc.mint(payer.address, toUnits(3_100, 6));
    await f.usdc.connect(payer).approve(moduleAddress, toUnits(3_100, 6)); // ~1/4 of the debt plus a margin
    const payerBefore = await f.usdc.balanceOf(payer.address);
    const receipt = (await (await f.module.exitProRata(shares, supply, payer.address, receiver.address)).wait())!;
    const blockTag = receipt.blockNumber;

    // The amounts the module read inside the exit: scaled balance × the reserve index at the exit block's time.
    const debtAtExit = rayMul(
      scaledDebtBefore,
      await f.aave.pool.getReserveNormalizedVariableDebt(usdcAddress, { blockTag }),
    );
    const collateralAtExit = rayMul(
      scaledCollateralBefore,
      await f.aave.pool.getReserveNormalizedIncome(f.reserves.WETH.token, { blockTag }),
    );
    const paid = payerBefore - (await f.usdc.balanceOf(payer.address));
    expect(paid).to.equal((debtAtExit * shares + supply - 1n) / supply); // rounded up: never less than its share
    expectClose(paid, toUnits(3_000, 6), 10n);
    const wethOut = await f.weth.balanceOf(receiver.address);
    expect(wethOut).to.equal((collateralAtExit * shares) / supply); // rounded down: never more than its share
    expectClose(wethOut, toUnits(2.5, 18), 1n);
    expect(await f.wbtc.balanceOf(receiver.address)).to.equal(250n);
    expect(await f.wbtc.balanceOf(moduleAddress)).to.equal(751n);
    expect(await f.usdc.balanceOf(moduleAddress)).to.equal(0n);
    expect(await f.usdc.allowance(moduleAddress, f.aave.addresses.pool)).to.equal(0n);
    const hfAfter = (await f.module.report([])).healthFactorWad;
    expect(hfAfter >= hfBefore).to.equal(true); // what stays is at least as healthy
    expectClose(hfAfter, hfBefore, 10n);
  });

  it("exitProRata of every share (s = S) repays all the debt and empties the account", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    const usdcAddress = await f.usdc.getAddress();
    const { payer, stranger: receiver } = f.signers;
    await supplyWeth(f, toUnits(10, 18));
    await f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(12_000, 6)));
    await f.usdc.mint(payer.address, toUnits(12_100, 6));
    await f.usdc.connect(payer).approve(moduleAddress, toUnits(12_100, 6));
    await f.module.exitProRata(7n, 7n, payer.address, receiver.address);
    const report = await f.module.report([]);
    expect(report.debtAmounts).to.deep.equal([0n, 0n, 0n]);
    expect(report.longAmounts).to.deep.equal([0n, 0n, 0n]);
    expect(report.healthFactorWad).to.equal(MaxUint256);
    expect((await f.weth.balanceOf(receiver.address)) >= toUnits(10, 18)).to.equal(true);
    expect((await accountData(f.aave.pool, moduleAddress)).totalCollateralUsdE8).to.equal(0n);
  });

  it("exitProRata fails when the payer approved less than its share of the debt", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const moduleAddress = await f.module.getAddress();
    const usdcAddress = await f.usdc.getAddress();
    await supplyWeth(f, toUnits(10, 18));
    await f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(12_000, 6)));
    await f.usdc.mint(f.signers.payer.address, toUnits(3_000, 6));
    await f.usdc.connect(f.signers.payer).approve(moduleAddress, toUnits(2_999, 6));
    await expect(
      f.module.exitProRata(1n, 4n, f.signers.payer.address, f.signers.stranger.address),
    ).to.be.revertedWithCustomError(f.usdc, "ERC20InsufficientAllowance");
  });

  describe("errors", () => {
    it("OnlyVault: anyone else calling execute or exitProRata", async () => {
      const { module, signers, usdc } = await networkHelpers.loadFixture(aaveFixture);
      const asStranger = module.connect(signers.stranger);
      await expect(asStranger.execute(ZeroAddress, 0n, false, action(OP.BORROW, await usdc.getAddress(), 1n)))
        .to.be.revertedWithCustomError(module, "OnlyVault")
        .withArgs(signers.stranger.address);
      await expect(asStranger.exitProRata(1n, 2n, signers.stranger.address, signers.stranger.address))
        .to.be.revertedWithCustomError(module, "OnlyVault")
        .withArgs(signers.stranger.address);
    });

    it("UnknownOperation: op 0 and op 5", async () => {
      const { module, usdc } = await networkHelpers.loadFixture(aaveFixture);
      const usdcAddress = await usdc.getAddress();
      for (const op of [0, 5]) {
        await expect(module.execute(ZeroAddress, 0n, false, action(op, usdcAddress, 1n)))
          .to.be.revertedWithCustomError(module, "UnknownOperation")
          .withArgs(op);
      }
    });

    it("TokenNotInModule: a token the module was not deployed with (even one Aave lists)", async () => {
      const f = await networkHelpers.loadFixture(aaveFixture);
      const narrow = (await ethers.deployContract("AaveV3LendingModule", [
        f.signers.vault.address,
        f.aave.addresses.pool,
        [await f.usdc.getAddress(), await f.weth.getAddress()],
      ])) as unknown as AaveV3LendingModule;
      const wbtcAddress = await f.wbtc.getAddress();
      await expect(narrow.connect(f.signers.vault).execute(ZeroAddress, 0n, false, action(OP.BORROW, wbtcAddress, 1n)))
        .to.be.revertedWithCustomError(narrow, "TokenNotInModule")
        .withArgs(wbtcAddress);
      await expect(f.module.execute(ZeroAddress, 0n, false, action(OP.WITHDRAW, f.signers.stranger.address, 1n)))
        .to.be.revertedWithCustomError(f.module, "TokenNotInModule")
        .withArgs(f.signers.stranger.address);
    });

    it("ModuleInputMismatch: SUPPLY or REPAY of a token other than tokenIn", async () => {
      const { module, usdc, weth } = await networkHelpers.loadFixture(aaveFixture);
      const [usdcAddress, wethAddress] = [await usdc.getAddress(), await weth.getAddress()];
      await expect(module.execute(usdcAddress, 1n, false, action(OP.SUPPLY, wethAddress)))
        .to.be.revertedWithCustomError(module, "ModuleInputMismatch")
        .withArgs(OP.SUPPLY, usdcAddress, wethAddress);
      await expect(module.execute(wethAddress, 1n, false, action(OP.REPAY, usdcAddress)))
        .to.be.revertedWithCustomError(module, "ModuleInputMismatch")
        .withArgs(OP.REPAY, wethAddress, usdcAddress);
    });

    it("ModuleDeRiskOnly: BORROW always, WITHDRAW only while debt is outstanding; SUPPLY and REPAY stay open", async () => {
      const f = await networkHelpers.loadFixture(aaveFixture);
      const moduleAddress = await f.module.getAddress();
      const [usdcAddress, wethAddress] = [await f.usdc.getAddress(), await f.weth.getAddress()];
      await f.weth.connect(f.signers.vault).approve(moduleAddress, toUnits(10, 18));
      await f.module.execute(wethAddress, toUnits(10, 18), true, action(OP.SUPPLY, wethAddress)); // open
      // no debt yet: withdrawing is de-risking (just passes)
      await f.module.execute(ZeroAddress, 0n, true, action(OP.WITHDRAW, wethAddress, toUnits(1, 18)));
      await expect(f.module.execute(ZeroAddress, 0n, true, action(OP.BORROW, usdcAddress, 1n)))
        .to.be.revertedWithCustomError(f.module, "ModuleDeRiskOnly")
        .withArgs(OP.BORROW);
      await f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(1_000, 6)));
      // with debt: withdrawing lowers the health factor (just fails)
      await expect(f.module.execute(ZeroAddress, 0n, true, action(OP.WITHDRAW, wethAddress, 1n)))
        .to.be.revertedWithCustomError(f.module, "ModuleDeRiskOnly")
        .withArgs(OP.WITHDRAW);
      await f.usdc.connect(f.signers.vault).approve(moduleAddress, toUnits(500, 6));
      await f.module.execute(usdcAddress, toUnits(500, 6), true, action(OP.REPAY, usdcAddress)); // open
      expectClose(await erc20(f.reserves.USDC.variableDebtToken).balanceOf(moduleAddress), toUnits(500, 6), 10n);
    });

    it("constructor: unlisted reserve, duplicate token, more than 4 tokens or none", async () => {
      const f = await networkHelpers.loadFixture(aaveFixture);
      const factory = await ethers.getContractFactory("AaveV3LendingModule");
      const [usdcAddress, wethAddress] = [await f.usdc.getAddress(), await f.weth.getAddress()];
      const pool = f.aave.addresses.pool;
      const vault = f.signers.vault.address;
      const stray = f.signers.stranger.address;
      await expect(factory.deploy(vault, pool, [usdcAddress, stray]))
        .to.be.revertedWithCustomError(factory, "ReserveNotListed")
        .withArgs(stray);
      await expect(factory.deploy(vault, pool, [usdcAddress, wethAddress, usdcAddress]))
        .to.be.revertedWithCustomError(factory, "DuplicateToken")
        .withArgs(usdcAddress);
      await expect(factory.deploy(vault, pool, [usdcAddress, usdcAddress, usdcAddress, usdcAddress, usdcAddress]))
        .to.be.revertedWithCustomError(factory, "InvalidParameter")
        .withArgs(ethers.encodeBytes32String("tokens"), 5n);
      await expect(factory.deploy(vault, pool, []))
        .to.be.revertedWithCustomError(factory, "InvalidParameter")
        .withArgs(ethers.encodeBytes32String("tokens"), 0n);
      await expect(factory.deploy(ZeroAddress, pool, [usdcAddress])).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
    });
  });

  it("gas: supply and borrow directly on the Pool vs through the module (logged, module overhead bounded)", async () => {
    const f = await networkHelpers.loadFixture(aaveFixture);
    const { borrower, vault } = f.signers;
    const [usdcAddress, wethAddress] = [await f.usdc.getAddress(), await f.weth.getAddress()];
    const pool = f.aave.pool.connect(borrower) as Contract;
    const amountWei = toUnits(10, 18);
    // Warm the same paths once for both (first supply of a user/reserve costs more), then measure the second call.
    await wrapEth(f.weth, borrower, 2n * amountWei);
    await f.weth.connect(borrower).approve(f.aave.addresses.pool, 2n * amountWei);
    await (await pool.supply(wethAddress, amountWei, borrower.address, 0)).wait();
    await supplyWeth(f, amountWei);
    await (await pool.borrow(usdcAddress, toUnits(1_000, 6), VARIABLE_RATE_MODE, 0, borrower.address)).wait();
    await f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(1_000, 6)));

    const supplyDirect = await gasOf(pool.supply(wethAddress, amountWei, borrower.address, 0));
    await f.weth.connect(vault).approve(await f.module.getAddress(), amountWei);
    const supplyModule = await gasOf(f.module.execute(wethAddress, amountWei, false, action(OP.SUPPLY, wethAddress)));
    const borrowDirect = await gasOf(
      pool.borrow(usdcAddress, toUnits(1_000, 6), VARIABLE_RATE_MODE, 0, borrower.address),
    );
    const borrowModule = await gasOf(
      f.module.execute(ZeroAddress, 0n, false, action(OP.BORROW, usdcAddress, toUnits(1_000, 6))),
    );
    console.log(
      `      gas: supply direct ${supplyDirect} / module ${supplyModule}; borrow direct ${borrowDirect} / module ${borrowModule}`,
    );
    // The module adds a pull from the vault, approvals and its own bookkeeping, never a second Aave action.
    expect(supplyModule > supplyDirect && supplyModule < supplyDirect + 80_000n).to.equal(true);
    expect(borrowModule > borrowDirect && borrowModule < borrowDirect + 60_000n).to.equal(true);
  });
});
