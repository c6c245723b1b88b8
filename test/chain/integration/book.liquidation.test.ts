/**
 * The non-linear book through the vault, on the real Aave V3 and Uniswap V3 bytecode: an unhedged levered long (WETH
 * collateral, USDC debt) and a hedged book (USDC collateral, WETH borrowed and sold) are built by keeper rebalances
 * that pass every on-chain limit; then ETH crashes 50 % — the feed both the vault and Aave read is advanced and the
 * pool is moved to the new price by a real swap — and the unhedged account becomes liquidatable (a liquidator's
 * `liquidationCall` succeeds on the real Pool) while the hedged one's health factor rises and it cannot be liquidated.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder } from "ethers";
import { defaultRiskParams } from "../../../scripts/lib/deployVault.ts";
import { deployLocalStack, type LocalStack } from "../../../scripts/lib/localStack.ts";
import { feedAnswer, oracleMinOut, toUnits } from "../../../scripts/lib/units.ts";
import { accountData } from "../../../scripts/replica/aaveV3.ts";
import { poolPrice, swapExactInput } from "../../../scripts/replica/uniswapV3.ts";

const { ethers, networkHelpers } = await network.create();
const abi = AbiCoder.defaultAbiCoder();
const USDC = (n: number) => toUnits(n, 6);
const WETH = (n: number) => toUnits(n, 18);
const SUPPLY = 1;
const BORROW = 3;

/** Wide limits for multi-step plans (turnover counts every step), the book limits at their defaults. */
const params = {
  ...defaultRiskParams(),
  maxTurnoverBps: 40_000,
  maxWindowTurnoverBps: 60_000,
  maxWindowSlippageBps: 100,
};

describe("book: a crash liquidates the unhedged levered long, the hedged book survives (real Aave V3 + Uniswap V3)", function () {
  async function stack(): Promise<LocalStack> {
    const s = await deployLocalStack(ethers, { params, book: true });
    const [, , , , alice] = await ethers.getSigners();
    await s.usdc.mint(alice.address, USDC(1_000_000));
    await s.usdc.connect(alice).approve(await s.vault.getAddress(), ethers.MaxUint256);
    await s.vault.connect(alice).deposit(USDC(1_000_000), alice.address);
    return s;
  }

  async function swapStep(s: LocalStack, tokenIn: string, tokenOut: string, amountIn: bigint, path: string) {
    const [pin, pout] = await Promise.all([s.vault.tryPriceWad(tokenIn), s.vault.tryPriceWad(tokenOut)]);
    const [dIn, dOut] = await Promise.all([
      s.vault.priceSource(tokenIn).then((p) => Number(p.tokenDecimals)),
      s.vault.priceSource(tokenOut).then((p) => Number(p.tokenDecimals)),
    ]);
    const { minAmountOut } = oracleMinOut(amountIn, pin.priceWad_, dIn, pout.priceWad_, dOut, 100);
    return { adapter: await s.adapter.getAddress(), tokenIn, tokenOut, amountIn, minAmountOut, data: path };
  }

  async function lendingStep(
    s: LocalStack,
    op: number,
    tokenIn: string,
    amountIn: bigint,
    token: string,
    amount: bigint,
  ) {
    const out = op === BORROW ? token : tokenIn;
    return {
      adapter: await s.book!.lending.getAddress(),
      tokenIn,
      tokenOut: out,
      amountIn,
      minAmountOut: op === BORROW ? amount : 0n,
      data: abi.encode(["uint8", "address", "uint256"], [op, token, amount]),
    };
  }

  async function rebalance(s: LocalStack, steps: Awaited<ReturnType<typeof swapStep>>[]) {
    const deadline = BigInt(await networkHelpers.time.latest()) + 600n;
    const planId = ethers.id(`plan-${Math.random()}`);
    await (await s.vault.connect(s.keeper).rebalance(steps, planId, deadline)).wait();
  }

  /** ETH −50 %: the feed (read by the vault and by AaveOracle) and the WETH/USDC pool, moved by a real swap. */
  async function crash(s: LocalStack) {
    await (await s.feeds.USDC.setAnswer(feedAnswer(1))).wait();
    await (await s.feeds.BTC.setAnswer(feedAnswer(60_000))).wait();
    await (await s.feeds.ETH.setAnswer(feedAnswer(1_500))).wait();
    const [, , , , , whale] = await ethers.getSigners();
    await ethers.provider.send("hardhat_setBalance", [whale.address, "0x" + WETH(40_000).toString(16)]);
    const weth9 = new ethers.Contract(await s.weth.getAddress(), ["function deposit() payable"], whale);
    await (await weth9.deposit({ value: WETH(20_000) })).wait();
    await swapExactInput(s.uniswap, s.paths.wethToUsdc, WETH(13_800), { signer: whale });
    const p = await poolPrice(s.uniswap, await s.weth.getAddress(), await s.usdc.getAddress(), s.fees.WETH);
    expect(p).to.be.within(1_450, 1_550);
  }

  async function healthFactor(s: LocalStack): Promise<bigint> {
    return (await accountData(s.book!.aave.pool, await s.book!.lending.getAddress())).healthFactorWad;
  }

  async function liquidate(s: LocalStack, collateral: string, debt: string) {
    const [, , , , , , liquidator] = await ethers.getSigners();
    const book = s.book!;
    const pool = book.aave.pool.connect(liquidator) as typeof book.aave.pool;
    return pool.liquidationCall(collateral, debt, await s.book!.lending.getAddress(), ethers.MaxUint256, false);
  }

  it("unhedged: WETH collateral and USDC debt pass the budget at HF 1.65, then a 50 % crash makes them liquidatable", async function () {
    const s = await stack();
    const [usdc, weth] = [await s.usdc.getAddress(), await s.weth.getAddress()];
    const buy = await swapStep(s, usdc, weth, USDC(400_000), s.paths.usdcToWeth);
    await rebalance(s, [
      buy,
      await lendingStep(s, SUPPLY, weth, buy.minAmountOut, weth, 0n),
      await lendingStep(s, BORROW, usdc, 0n, usdc, USDC(200_000)),
    ]);
    const hf = await healthFactor(s);
    expect(hf).to.be.greaterThanOrEqual(WETH(1.5)); // the vault's minHealthFactorBps held at the rebalance
    const report = await s.book!.lending.report([10n ** 18n, 3_000n * 10n ** 18n, 60_000n * 10n ** 18n]);
    expect(report.healthFactorWad).to.equal(hf); // the module reports Aave's own health factor

    await crash(s);
    const after = await healthFactor(s);
    expect(after).to.be.lessThan(WETH(1)); // ≈ 1.65 × 0.5
    const [, , , , , , liquidator] = await ethers.getSigners();
    await s.usdc.mint(liquidator.address, USDC(200_000));
    await s.usdc.connect(liquidator).approve(s.book!.aave.addresses.pool, ethers.MaxUint256);
    await expect(liquidate(s, weth, usdc)).to.emit(s.book!.aave.pool, "LiquidationCall");
  });

  it("hedged: USDC collateral, WETH borrowed and sold; the same crash raises its HF and liquidation is refused", async function () {
    const s = await stack();
    const [usdc, weth] = [await s.usdc.getAddress(), await s.weth.getAddress()];
    const buy = await swapStep(s, usdc, weth, USDC(400_000), s.paths.usdcToWeth);
    const borrowWeth = WETH(50); // $150,000
    await rebalance(s, [
      buy,
      await lendingStep(s, SUPPLY, usdc, USDC(300_000), usdc, 0n),
      await lendingStep(s, BORROW, weth, 0n, weth, borrowWeth),
      await swapStep(s, weth, usdc, borrowWeth, s.paths.wethToUsdc),
    ]);
    const hf = await healthFactor(s);
    expect(hf).to.be.greaterThanOrEqual(WETH(1.5));
    const navBefore = await s.vault.totalAssets();

    await crash(s);
    const after = await healthFactor(s);
    expect(after).to.be.greaterThan((hf * 19n) / 10n); // debt value halved: HF ≈ 2 × before
    const [, , , , , , liquidator] = await ethers.getSigners();
    await ethers.provider.send("hardhat_setBalance", [liquidator.address, "0x" + WETH(100).toString(16)]);
    const weth9 = new ethers.Contract(weth, ["function deposit() payable"], liquidator);
    await (await weth9.deposit({ value: WETH(60) })).wait();
    await s.weth.connect(liquidator).approve(s.book!.aave.addresses.pool, ethers.MaxUint256);
    await expect(liquidate(s, usdc, weth)).to.be.revert(ethers); // Aave: HEALTH_FACTOR_NOT_BELOW_THRESHOLD
    // The hedge (short 50 WETH) offsets a third of the 133 WETH long: the vault lost ≈ (133 − 50) × 1,500.
    const navAfter = await s.vault.totalAssets();
    const lossUsd = Number(navBefore - navAfter) / 1e6;
    expect(lossUsd).to.be.within((80_000 * 1_500) / 1_000 - 10_000, (86_000 * 1_500) / 1_000 + 10_000);
  });
});
