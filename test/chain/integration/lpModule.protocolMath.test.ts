/**
 * UniswapV3LiquidityModule against the REAL Uniswap V3 bytecode (factory, pools, NonfungiblePositionManager and
 * SwapRouter from npm artifacts, deployed by scripts/replica/uniswapV3.ts). WETH (18 decimals) and USDC (6) are
 * MockERC20 stand-ins; a plain signer plays the vault (the module only checks `msg.sender == vault`).
 *
 * The module's `report` is checked against the protocol's OWN numbers, never against a re-derivation of its formula:
 * principal = what `NonfungiblePositionManager.decreaseLiquidity` would release (eth_call from the module), fees =
 * what `collect` would pay. For that comparison the oracle prices are chosen so that they imply exactly the pool's
 * sqrt price (`oraclePricesFor`), with the pool moved below, into and above the position's range by real swaps.
 */
import { expect } from "chai";
import {
  FEE,
  MAX_UINT128,
  SPACING,
  act,
  deadline,
  liquidityOf,
  mintPosition,
  movePoolToTick,
  poolSqrtPrice,
  tokenAmounts,
  type LpFixture,
} from "./lpHarness.ts";
import { network } from "hardhat";
import { AbiCoder, type Contract, parseEther, parseUnits } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { MockERC20, UniswapV3LiquidityModule } from "../../../types/ethers-contracts/index.js";
import {
  addLiquidity,
  createPool,
  deployUniswapV3,
  getPool,
  type UniswapV3Context,
} from "../../../scripts/replica/uniswapV3.ts";
import {
  LpOp,
  encodeLpBurn,
  encodeLpCollect,
  encodeLpDecrease,
  encodeLpFund,
  encodeLpIncrease,
  encodeLpMint,
  lpOracleSqrtPriceX96,
} from "../../../scripts/lib/lpModule.ts";
import { lpGamma } from "../../../optimizer/instruments/uniswapV3.ts";

const { ethers, networkHelpers } = await network.create();

const ETH_IN_USDC = 3000;
const Q192 = 2n ** 192n;
const WAD = 10n ** 18n;

interface Fixture extends LpFixture {
  ctx: UniswapV3Context;
  npm: Contract;
  pool: Contract;
  module: UniswapV3LiquidityModule;
  moduleAddress: string;
  weth: MockERC20;
  usdc: MockERC20;
  /** token0 and token1 of the pair, as Uniswap and the module sort them. */
  t0: MockERC20;
  t1: MockERC20;
  decimals: [number, number];
  deployer: HardhatEthersSigner;
  vault: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  receiver: HardhatEthersSigner;
  /** Pool tick at deployment, rounded down to the spacing. */
  centerTick: number;
}

async function baseFixture(): Promise<Fixture> {
  const [deployer, vault, outsider, receiver] = await ethers.getSigners();
  const ctx = await deployUniswapV3(deployer);
  const weth = (await ethers.deployContract("MockERC20", ["Wrapped Ether (stand-in)", "WETH", 18])) as MockERC20;
  const usdc = (await ethers.deployContract("MockERC20", ["USD Coin (stand-in)", "USDC", 6])) as MockERC20;

  // Background liquidity (full range, 1,000 WETH + 3M USDC) and a swapper with deep pockets: the deployer.
  await weth.mint(deployer.address, parseEther("1000000"));
  await usdc.mint(deployer.address, parseUnits("10000000000", 6));
  await createPool(ctx, weth, usdc, FEE, ETH_IN_USDC);
  await addLiquidity(ctx, { tokenA: weth, tokenB: usdc, fee: FEE }, parseEther("1000"), parseUnits("3000000", 6));
  for (const token of [weth, usdc]) await token.approve(ctx.addresses.router, ethers.MaxUint256);

  const module = (await ethers.deployContract("UniswapV3LiquidityModule", [
    vault.address,
    ctx.addresses.positionManager,
    ctx.addresses.factory,
    await weth.getAddress(),
    await usdc.getAddress(),
  ])) as unknown as UniswapV3LiquidityModule;
  await weth.mint(vault.address, parseEther("1000"));
  await usdc.mint(vault.address, parseUnits("10000000", 6));

  const wethIs0 = BigInt(await weth.getAddress()) < BigInt(await usdc.getAddress());
  const [t0, t1] = wethIs0 ? [weth, usdc] : [usdc, weth];
  const pool = await getPool(ctx, weth, usdc, FEE);
  const { tick } = await pool.slot0();
  return {
    ctx,
    npm: ctx.positionManager,
    pool,
    module: module.connect(vault),
    moduleAddress: await module.getAddress(),
    weth,
    usdc,
    t0,
    t1,
    decimals: wethIs0 ? [18, 6] : [6, 18],
    deployer,
    vault,
    outsider,
    receiver,
    centerTick: Math.floor(Number(tick) / SPACING) * SPACING,
  };
}

// ───────────────────────────── helpers ─────────────────────────────

/** The standard test position: ±600 ticks (~±6 %) around the starting price, 10 WETH + 30,000 USDC offered. */
async function positionFixture() {
  const f = await baseFixture();
  const tickLower = f.centerTick - 600;
  const tickUpper = f.centerTick + 600;
  const tokenId = await mintPosition(f, tickLower, tickUpper, parseEther("10"), parseUnits("30000", 6));
  return { ...f, tokenId, tickLower, tickUpper };
}

/** eth_call of the position manager as the module (the NFT owner): what the protocol itself would do right now. */
async function callAsModule(f: Fixture, method: string, args: unknown[]) {
  const data = f.npm.interface.encodeFunctionData(method, args);
  const ret = await ethers.provider.call({ to: f.ctx.addresses.positionManager, from: f.moduleAddress, data });
  return f.npm.interface.decodeFunctionResult(method, ret);
}

/** Principal `decreaseLiquidity` would release for `liquidity` of `tokenId` at the pool's current price. */
async function protocolPrincipal(f: Fixture, tokenId: bigint, liquidity: bigint): Promise<[bigint, bigint]> {
  if (liquidity === 0n) return [0n, 0n];
  const params = { tokenId, liquidity, amount0Min: 0n, amount1Min: 0n, deadline: await deadline(f) };
  const [amount0, amount1] = await callAsModule(f, "decreaseLiquidity", [params]);
  return [amount0, amount1];
}

/** Everything `collect` would pay for `tokenId` now (owed tokens plus fees accrued since the last poke). */
async function protocolFees(f: Fixture, tokenId: bigint): Promise<[bigint, bigint]> {
  const params = { tokenId, recipient: f.moduleAddress, amount0Max: MAX_UINT128, amount1Max: MAX_UINT128 };
  const [amount0, amount1] = await callAsModule(f, "collect", [params]);
  return [amount0, amount1];
}

/**
 * Oracle prices (WAD, token0 then token1) that imply exactly the pool's sqrtPriceX96 `s`: the smallest token0 price
 * whose ratio reaches s² at a token1 price of 10^k "USD". The scale k grows until token0's price has enough digits
 * to land in [s², (s+1)²), the interval of the module's floor(sqrt): about 2/s relative, finer than WAD prices of real
 * magnitude can resolve. USD scale is irrelevant to amounts, which is all these prices are used for.
 */
function oraclePricesFor(f: Fixture, sqrtPriceX96: bigint): [bigint, bigint] {
  const [d0, d1] = f.decimals.map((d) => 10n ** BigInt(d));
  for (let k = 36n; k <= 54n; k += 6n) {
    const price1Wad = 10n ** k;
    const num = sqrtPriceX96 * sqrtPriceX96 * price1Wad * d0;
    const den = Q192 * d1;
    const price0Wad = (num + den - 1n) / den;
    if (lpOracleSqrtPriceX96(price0Wad, price1Wad, f.decimals[0], f.decimals[1]) === sqrtPriceX96) {
      return [price0Wad, price1Wad];
    }
  }
  throw new Error(`no oracle prices imply sqrtPriceX96 ${sqrtPriceX96}`);
}

async function poolTick(f: Fixture): Promise<number> {
  return Number((await f.pool.slot0()).tick);
}

/** Value of `amounts` in WAD "USD" at `pricesWad` (token0, token1). */
function valueWad(f: Fixture, amounts: readonly bigint[], pricesWad: readonly bigint[]): bigint {
  const [d0, d1] = f.decimals.map((d) => 10n ** BigInt(d));
  return (amounts[0] * pricesWad[0]) / d0 + (amounts[1] * pricesWad[1]) / d1;
}

/** Asserts the module's report at the pool's price equals idle + the protocol's principal + fees of every position. */
async function expectReportMatchesProtocol(f: Fixture, tokenIds: bigint[]) {
  const prices = oraclePricesFor(f, await poolSqrtPrice(f));
  const report = await f.module.report(prices);
  const expected = [await f.t0.balanceOf(f.moduleAddress), await f.t1.balanceOf(f.moduleAddress)];
  let fees: [bigint, bigint] = [0n, 0n];
  for (const tokenId of tokenIds) {
    const principal = await protocolPrincipal(f, tokenId, await liquidityOf(f, tokenId));
    const owed = await protocolFees(f, tokenId);
    for (const i of [0, 1]) expected[i] += principal[i] + owed[i];
    fees = [fees[0] + owed[0], fees[1] + owed[1]];
  }
  // Same math, same rounding (down, as a burn rounds): equal to the wei.
  expect(report.longAmounts[0]).to.equal(expected[0]);
  expect(report.longAmounts[1]).to.equal(expected[1]);
  expect(report.debtAmounts).to.deep.equal([0n, 0n]);
  expect(report.healthFactorWad).to.equal(ethers.MaxUint256);
  return { report, fees, prices };
}

// ───────────────────────────── tests ─────────────────────────────

describe("UniswapV3LiquidityModule (real Uniswap V3 bytecode)", () => {
  describe("deployment", () => {
    it("sorts the pair, names its protocol and vault, bounds its positions", async () => {
      const f = await networkHelpers.loadFixture(baseFixture);
      expect(await f.module.tokens()).to.deep.equal([await f.t0.getAddress(), await f.t1.getAddress()]);
      expect(BigInt(await f.module.token0()) < BigInt(await f.module.token1())).to.equal(true);
      expect(await f.module.protocolId()).to.equal(ethers.id("uniswap-v3"));
      expect(await f.module.vault()).to.equal(f.vault.address);
      expect(await f.module.MAX_POSITIONS()).to.equal(4n);
      expect(await f.module.positionIds()).to.deep.equal([]);
    });

    it("refuses a zero address, the same token twice, and a factory that is not the position manager's", async () => {
      const f = await networkHelpers.loadFixture(baseFixture);
      const { positionManager, factory, router } = f.ctx.addresses;
      const weth = await f.weth.getAddress();
      const usdc = await f.usdc.getAddress();
      const Module = await ethers.getContractFactory("UniswapV3LiquidityModule");
      await expect(
        Module.deploy(ethers.ZeroAddress, positionManager, factory, weth, usdc),
      ).to.be.revertedWithCustomError(Module, "ZeroAddress");
      await expect(
        Module.deploy(f.vault.address, positionManager, factory, weth, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(Module, "ZeroAddress");
      await expect(Module.deploy(f.vault.address, positionManager, factory, weth, weth))
        .to.be.revertedWithCustomError(Module, "IdenticalTokens")
        .withArgs(weth);
      await expect(Module.deploy(f.vault.address, positionManager, router, weth, usdc))
        .to.be.revertedWithCustomError(Module, "FactoryMismatch")
        .withArgs(router, factory);
    });
  });

  describe("FUND + MINT", () => {
    it("mints a concentrated position the module owns, spends only what the pool asked, returns the rest", async () => {
      const f = await networkHelpers.loadFixture(baseFixture);
      const tickLower = f.centerTick - 600;
      const tickUpper = f.centerTick + 600;
      const wethAmount = parseEther("10");
      const usdcAmount = parseUnits("40000", 6); // more than the range needs at this price: some comes back
      const [amount0Desired, amount1Desired] = tokenAmounts(f, wethAmount, usdcAmount);
      const wethBefore = await f.weth.balanceOf(f.vault.address);
      const usdcBefore = await f.usdc.balanceOf(f.vault.address);

      await expect(act(f, encodeLpFund(), f.weth, wethAmount))
        .to.emit(f.module, "Funded")
        .withArgs(await f.weth.getAddress(), wethAmount);
      expect(await f.weth.balanceOf(f.moduleAddress)).to.equal(wethAmount);
      // Staged WETH is reported while it waits (idle balance).
      const staged = await f.module.report(oraclePricesFor(f, await poolSqrtPrice(f)));
      expect(staged.longAmounts).to.deep.equal(tokenAmounts(f, wethAmount, 0n));

      const data = encodeLpMint({
        fee: FEE,
        tickLower,
        tickUpper,
        amount0Desired,
        amount1Desired,
        amount0Min: 0n,
        amount1Min: 0n,
      });
      const tx = await act(f, data, f.usdc, usdcAmount);
      await expect(tx).to.emit(f.module, "PositionMinted");
      await expect(tx).to.emit(f.module, "IdleReturned");

      const [tokenId] = await f.module.positionIds();
      expect(await f.npm.ownerOf(tokenId)).to.equal(f.moduleAddress);
      const position = await f.npm.positions(tokenId);
      expect(position.tickLower).to.equal(BigInt(tickLower));
      expect(position.tickUpper).to.equal(BigInt(tickUpper));
      expect(position.liquidity).to.be.above(0n);
      // Nothing stays behind: no tokens, no allowance.
      for (const token of [f.weth, f.usdc]) {
        expect(await token.balanceOf(f.moduleAddress)).to.equal(0n);
        expect(await token.allowance(f.moduleAddress, f.ctx.addresses.positionManager)).to.equal(0n);
      }
      // The vault paid exactly what the position holds (rounded up by the pool): its principal + at most 1 wei each.
      const principal = await protocolPrincipal(f, tokenId, position.liquidity);
      const paid = tokenAmounts(
        f,
        wethBefore - (await f.weth.balanceOf(f.vault.address)),
        usdcBefore - (await f.usdc.balanceOf(f.vault.address)),
      );
      for (const i of [0, 1]) expect(paid[i] - principal[i]).to.be.within(0n, 1n);
      // 40,000 USDC was more than needed: the WETH side bound the liquidity and USDC came back.
      expect(usdcBefore - (await f.usdc.balanceOf(f.vault.address))).to.be.below(usdcAmount);
    });
  });

  describe("report = the protocol's own amounts at the oracle price", () => {
    it("matches decreaseLiquidity + collect (eth_call) to the wei in range, below and above the range", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const ids = [f.tokenId];
      const seen = new Set<string>();
      // Start in range, then below, back in (upper half), above, back in (lower half): every crossing moves
      // feeGrowthOutside of the position's ticks, so every branch of the fee-growth-inside computation is used.
      const targets = [f.centerTick + 150, f.tickLower - 300, f.tickUpper - 120, f.tickUpper + 400, f.tickLower + 90];
      const { report: initial } = await expectReportMatchesProtocol(f, ids);
      expect(initial.longAmounts[0]).to.be.above(0n);
      expect(initial.longAmounts[1]).to.be.above(0n);
      let feesSeen: [bigint, bigint] = [0n, 0n];
      for (const tick of targets) {
        await movePoolToTick(f, tick);
        const now = await poolTick(f);
        const where = now < f.tickLower ? "below" : now >= f.tickUpper ? "above" : "in";
        seen.add(where);
        const { report, fees } = await expectReportMatchesProtocol(f, ids);
        if (where === "below") expect(report.longAmounts[1]).to.equal(fees[1]); // principal all token0
        if (where === "above") expect(report.longAmounts[0]).to.equal(fees[0]); // principal all token1
        feesSeen = fees;
      }
      expect([...seen].sort()).to.deep.equal(["above", "below", "in"]);
      // The swaps crossed the range both ways: fees in both tokens are part of what was compared.
      expect(feesSeen[0]).to.be.above(0n);
      expect(feesSeen[1]).to.be.above(0n);
    });

    it("moving the pool's spot without moving the oracle leaves the reported principal unchanged (only fees move)", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const prices = oraclePricesFor(f, await poolSqrtPrice(f)); // the oracle, fixed from here on
      const before = await f.module.report(prices);
      const feesBefore = await protocolFees(f, f.tokenId);
      const poolPrincipalBefore = await protocolPrincipal(f, f.tokenId, await liquidityOf(f, f.tokenId));

      // A big swap pushes the pool's price ~10 % (past the range edge) in one direction...
      await movePoolToTick(f, f.centerTick + 1000);
      const after = await f.module.report(prices);
      const feesAfter = await protocolFees(f, f.tokenId);
      const poolPrincipalAfter = await protocolPrincipal(f, f.tokenId, await liquidityOf(f, f.tokenId));

      // ... which the protocol's own spot amounts show (the position is now all token1 in the pool) ...
      expect(poolPrincipalAfter[0]).to.equal(0n);
      expect(poolPrincipalBefore[0]).to.be.above(0n);
      // ... but the principal the module reports at the unchanged oracle price is the same to the wei.
      for (const i of [0, 1]) {
        expect(after.longAmounts[i] - feesAfter[i]).to.equal(before.longAmounts[i] - feesBefore[i]);
      }
      // Only the fees the swap paid changed the report.
      expect(feesAfter[0] + feesAfter[1]).to.be.above(feesBefore[0] + feesBefore[1]);
      expect(after.shortGammaUsdWad).to.equal(before.shortGammaUsdWad);
    });

    it("derives the oracle sqrt price exactly (floor), whatever the scale, and clamps to Uniswap's bounds", async () => {
      const f = await networkHelpers.loadFixture(baseFixture);
      const cases: [bigint, bigint][] = [
        [3000n * WAD, WAD],
        [WAD, 3000n * WAD],
        [123456789n, 987654321987654321n],
        [10n ** BigInt(30 + f.decimals[0] - f.decimals[1]), 1n], // 1e30 base units: the 2^128 branch
        [10n ** 55n, 1n], // above the largest tick: MAX_SQRT_PRICE
        [1n, 10n ** 60n], // below the smallest tick: MIN_SQRT_PRICE
        [0n, WAD], // a zero price: MIN_SQRT_PRICE
      ];
      for (const [p0, p1] of cases) {
        const expected = lpOracleSqrtPriceX96(p0, p1, f.decimals[0], f.decimals[1]);
        expect(await f.module.oracleSqrtPriceX96(p0, p1)).to.equal(expected);
      }
      // The bigint mirror is itself the floor of the exact square root (in the common branch).
      const s = lpOracleSqrtPriceX96(3000n * WAD, WAD, f.decimals[0], f.decimals[1]);
      const [d0, d1] = f.decimals.map((d) => 10n ** BigInt(d));
      const target = 3000n * WAD * d1 * Q192; // over WAD * d0
      expect(s * s * WAD * d0 <= target).to.equal(true);
      expect((s + 1n) * (s + 1n) * WAD * d0 > target).to.equal(true);
      expect(await f.module.oracleSqrtPriceX96(10n ** 55n, 1n)).to.equal(
        1461446703485210103287273052203988822378723970342n,
      );
      expect(await f.module.oracleSqrtPriceX96(1n, 10n ** 60n)).to.equal(4295128739n);
    });
  });

  describe("short gamma", () => {
    /** Oracle prices (token0, token1) with WETH at `ethUsd` USD and USDC at 1 USD. */
    function usdPrices(f: Fixture, ethUsd: bigint): [bigint, bigint] {
      return f.t0 === f.weth ? [ethUsd, WAD] : [WAD, ethUsd];
    }
    /** ½·|V''|·P² by central differences of the reported value, moving token0's price by ±h (h = 1e-3). */
    async function finiteDifferenceGamma(f: Fixture, prices: [bigint, bigint]): Promise<number> {
      const value = async (num: bigint) => {
        const p: [bigint, bigint] = [(prices[0] * num) / 1000n, prices[1]];
        const r = await f.module.report(p);
        return valueWad(f, r.longAmounts, p);
      };
      const second = (await value(1001n)) - 2n * (await value(1000n)) + (await value(999n));
      const h = 1e-3;
      return Math.abs(Number(second) / 1e18) / (2 * h * h);
    }

    it("equals a finite-difference ½·|V''|·P² of the reported value within 1 %, and the optimizer's lpGamma", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      // A second position entirely above the current price: out of range, adds value but no gamma.
      await mintPosition(f, f.tickUpper + 600, f.tickUpper + 1200, parseEther("5"), parseUnits("15000", 6));
      for (const ethUsd of [2950n, 3000n, 3080n]) {
        const prices = usdPrices(f, ethUsd * WAD);
        const reported = Number((await f.module.report(prices)).shortGammaUsdWad) / 1e18;
        const fd = await finiteDifferenceGamma(f, prices);
        expect(reported).to.be.above(0);
        expect(Math.abs(reported - fd) / fd).to.be.below(0.01);

        // Same number from the optimizer's float LP math (human units: price = token1 per token0).
        const price0Usd = Number(prices[0]) / 1e18;
        const price1Usd = Number(prices[1]) / 1e18;
        const price = price0Usd / price1Usd;
        const range = {
          tickLower: f.tickLower,
          tickUpper: f.tickUpper,
          liquidityRaw: Number(await liquidityOf(f, f.tokenId)),
          decimals0: f.decimals[0],
          decimals1: f.decimals[1],
        };
        const optimizer = 0.5 * Math.abs(lpGamma(range, price)) * price * price * price1Usd;
        expect(Math.abs(reported - optimizer) / optimizer).to.be.below(1e-9);
      }
    });

    it("is 0 when every position is out of range at the oracle price, where the value is linear too", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      for (const ethUsd of [2000n, 4500n]) {
        const prices = usdPrices(f, ethUsd * WAD);
        expect((await f.module.report(prices)).shortGammaUsdWad).to.equal(0n);
        const inRange = await finiteDifferenceGamma(f, usdPrices(f, 3000n * WAD));
        expect(await finiteDifferenceGamma(f, prices)).to.be.below(inRange * 1e-6);
      }
    });
  });

  describe("INCREASE / DECREASE / COLLECT / BURN", () => {
    it("INCREASE adds liquidity from staged + pulled tokens and returns the rest", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const liquidityBefore = await liquidityOf(f, f.tokenId);
      const [amount0Desired, amount1Desired] = tokenAmounts(f, parseEther("2"), parseUnits("9000", 6));
      await act(f, encodeLpFund(), f.weth, parseEther("2"));
      const data = encodeLpIncrease(f.tokenId, { amount0Desired, amount1Desired, amount0Min: 0n, amount1Min: 0n });
      await expect(act(f, data, f.usdc, parseUnits("9000", 6))).to.emit(f.module, "LiquidityIncreased");
      // 2 WETH of 10 in the same range and price: liquidity grows by ~20 %.
      const liquidityAfter = await liquidityOf(f, f.tokenId);
      const growth = Number(liquidityAfter - liquidityBefore) / Number(liquidityBefore);
      expect(Math.abs(growth - 0.2)).to.be.below(0.001);
      for (const token of [f.weth, f.usdc]) {
        expect(await token.balanceOf(f.moduleAddress)).to.equal(0n);
        expect(await token.allowance(f.moduleAddress, f.ctx.addresses.positionManager)).to.equal(0n);
      }
    });

    it("DECREASE sends the released principal and every owed fee to the vault", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await movePoolToTick(f, f.centerTick + 300);
      await movePoolToTick(f, f.centerTick - 200); // fees in both tokens
      const liquidity = (await liquidityOf(f, f.tokenId)) / 3n;
      const principal = await protocolPrincipal(f, f.tokenId, liquidity);
      const fees = await protocolFees(f, f.tokenId);
      expect(fees[0] > 0n && fees[1] > 0n).to.equal(true);
      const data = encodeLpDecrease({ tokenId: f.tokenId, liquidity, amount0Min: 0n, amount1Min: 0n });
      await expect(act(f, data)).to.changeTokenBalances(
        ethers,
        f.t0,
        [f.vault, f.module],
        [principal[0] + fees[0], 0n],
      );
      expect(await liquidityOf(f, f.tokenId)).to.be.above(0n);
      const position = await f.npm.positions(f.tokenId);
      expect(position.tokensOwed0).to.equal(0n);
      expect(position.tokensOwed1).to.equal(0n);
    });

    it("DECREASE with minimums above what the pool releases is refused by the position manager", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const liquidity = await liquidityOf(f, f.tokenId);
      const principal = await protocolPrincipal(f, f.tokenId, liquidity);
      const data = encodeLpDecrease({
        tokenId: f.tokenId,
        liquidity,
        amount0Min: principal[0] + 1n,
        amount1Min: 0n,
      });
      await expect(act(f, data)).to.be.revertedWith("Price slippage check");
    });

    it("COLLECT pays the fees to the vault; the report then holds principal only", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await movePoolToTick(f, f.centerTick + 300);
      await movePoolToTick(f, f.centerTick);
      const fees = await protocolFees(f, f.tokenId);
      const tx = act(f, encodeLpCollect(f.tokenId));
      await expect(tx).to.changeTokenBalances(ethers, f.t0, [f.vault], [fees[0]]);
      await expect(tx).to.changeTokenBalances(ethers, f.t1, [f.vault], [fees[1]]);
      const { fees: left } = await expectReportMatchesProtocol(f, [f.tokenId]);
      expect(left).to.deep.equal([0n, 0n]);
    });

    it("BURN removes everything to the vault, burns the NFT and drops it from the list (swap and pop)", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const second = await mintPosition(
        f,
        f.tickLower - 600,
        f.tickUpper + 600,
        parseEther("1"),
        parseUnits("3000", 6),
      );
      const third = await mintPosition(f, f.tickLower + 120, f.tickUpper - 120, parseEther("1"), parseUnits("3000", 6));
      await movePoolToTick(f, f.centerTick + 200);
      const principal = await protocolPrincipal(f, f.tokenId, await liquidityOf(f, f.tokenId));
      const fees = await protocolFees(f, f.tokenId);
      const tx = act(f, encodeLpBurn(f.tokenId));
      await expect(tx).to.emit(f.module, "PositionBurned").withArgs(f.tokenId);
      await expect(tx).to.changeTokenBalances(ethers, f.t0, [f.vault], [principal[0] + fees[0]]);
      await expect(f.npm.positions(f.tokenId)).to.be.revertedWith("Invalid token ID");
      await expect(f.npm.ownerOf(f.tokenId)).to.be.revert(ethers);
      expect(await f.module.positionIds()).to.deep.equal([third, second]);
      await expectReportMatchesProtocol(f, [second, third]);
    });

    it("BURN after a DECREASE of all the liquidity (the slippage-protected unwind) only collects and burns", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const liquidity = await liquidityOf(f, f.tokenId);
      await act(f, encodeLpDecrease({ tokenId: f.tokenId, liquidity, amount0Min: 0n, amount1Min: 0n }));
      await expect(act(f, encodeLpBurn(f.tokenId))).to.not.emit(f.module, "LiquidityDecreased");
      expect(await f.module.positionIds()).to.deep.equal([]);
      const report = await f.module.report(oraclePricesFor(f, await poolSqrtPrice(f)));
      expect(report.longAmounts).to.deep.equal([0n, 0n]);
    });

    it("DECREASE, COLLECT and BURN work under deRiskOnly; FUND, MINT and INCREASE are refused", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const liquidity = (await liquidityOf(f, f.tokenId)) / 2n;
      await act(
        f,
        encodeLpDecrease({ tokenId: f.tokenId, liquidity, amount0Min: 0n, amount1Min: 0n }),
        undefined,
        0n,
        true,
      );
      await act(f, encodeLpCollect(f.tokenId), undefined, 0n, true);
      const mint = encodeLpMint({
        fee: FEE,
        tickLower: f.tickLower,
        tickUpper: f.tickUpper,
        amount0Desired: 1n,
        amount1Desired: 1n,
        amount0Min: 0n,
        amount1Min: 0n,
      });
      const increase = encodeLpIncrease(f.tokenId, {
        amount0Desired: 1n,
        amount1Desired: 1n,
        amount0Min: 0n,
        amount1Min: 0n,
      });
      for (const [data, op] of [
        [encodeLpFund(), LpOp.FUND],
        [mint, LpOp.MINT],
        [increase, LpOp.INCREASE],
      ] as const) {
        await expect(act(f, data, f.weth, 1n, true))
          .to.be.revertedWithCustomError(f.module, "ModuleDeRiskOnly")
          .withArgs(op);
      }
      await act(f, encodeLpBurn(f.tokenId), undefined, 0n, true);
      expect(await f.module.positionIds()).to.deep.equal([]);
    });
  });

  describe("exitProRata", () => {
    it("pays the receiver shares/supply of every position's principal and fees and of idle tokens, and reads no price", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await movePoolToTick(f, f.centerTick + 300);
      await movePoolToTick(f, f.centerTick - 100); // fees in both tokens
      await act(f, encodeLpFund(), f.weth, parseEther("3")); // idle WETH, waiting for a mint
      const [shares, supply] = [3n, 10n];
      const liquidity = await liquidityOf(f, f.tokenId);
      const slice = (liquidity * shares) / supply;
      const principal = await protocolPrincipal(f, f.tokenId, slice);
      const fees = await protocolFees(f, f.tokenId);
      const idle = [await f.t0.balanceOf(f.moduleAddress), await f.t1.balanceOf(f.moduleAddress)];
      const expected = [0, 1].map((i) => principal[i] + (fees[i] * shares) / supply + (idle[i] * shares) / supply);

      const tx = f.module.exitProRata(shares, supply, f.outsider.address, f.receiver.address);
      await expect(tx).to.changeTokenBalances(ethers, f.t0, [f.receiver, f.vault], [expected[0], 0n]);
      await expect(tx).to.changeTokenBalances(ethers, f.t1, [f.receiver, f.vault], [expected[1], 0n]);
      await expect(tx)
        .to.emit(f.module, "ExitedProRata")
        .withArgs(f.receiver.address, shares, supply, expected[0], expected[1]);

      // What stays: 7/10 of the liquidity, the remaining holders' fees (rounded in their favour), 7/10 of idle.
      expect(await liquidityOf(f, f.tokenId)).to.equal(liquidity - slice);
      const position = await f.npm.positions(f.tokenId);
      expect(position.tokensOwed0).to.equal(fees[0] - (fees[0] * shares) / supply);
      expect(position.tokensOwed1).to.equal(fees[1] - (fees[1] * shares) / supply);
      expect(await f.t0.balanceOf(f.moduleAddress)).to.equal(idle[0] - (idle[0] * shares) / supply);
      // The report still matches the protocol, now with fees sitting in tokensOwed.
      await expectReportMatchesProtocol(f, [f.tokenId]);
    });

    it("the whole supply takes everything; the NFT stays, empty", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await f.module.exitProRata(5n, 5n, f.outsider.address, f.receiver.address);
      expect(await liquidityOf(f, f.tokenId)).to.equal(0n);
      const report = await f.module.report(oraclePricesFor(f, await poolSqrtPrice(f)));
      expect(report.longAmounts).to.deep.equal([0n, 0n]);
      expect(await f.module.positionIds()).to.deep.equal([f.tokenId]);
    });

    it("refuses more shares than the supply, a zero supply, and any caller but the vault", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await expect(f.module.exitProRata(2n, 1n, f.outsider.address, f.receiver.address))
        .to.be.revertedWithCustomError(f.module, "InvalidShare")
        .withArgs(2n, 1n);
      await expect(f.module.exitProRata(0n, 0n, f.outsider.address, f.receiver.address))
        .to.be.revertedWithCustomError(f.module, "InvalidShare")
        .withArgs(0n, 0n);
      await expect(f.module.connect(f.outsider).exitProRata(1n, 2n, f.outsider.address, f.outsider.address))
        .to.be.revertedWithCustomError(f.module, "OnlyVault")
        .withArgs(f.outsider.address);
    });
  });

  describe("limits and errors", () => {
    it(`holds at most MAX_POSITIONS = 4 positions; a burn frees a slot`, async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      for (let i = 1; i < 4; i++) {
        await mintPosition(f, f.tickLower - 60 * i, f.tickUpper + 60 * i, parseEther("1"), parseUnits("3000", 6));
      }
      expect((await f.module.positionIds()).length).to.equal(4);
      const [amount0Desired, amount1Desired] = tokenAmounts(f, parseEther("1"), parseUnits("3000", 6));
      const mint = encodeLpMint({
        fee: FEE,
        tickLower: f.tickLower,
        tickUpper: f.tickUpper,
        amount0Desired,
        amount1Desired,
        amount0Min: 0n,
        amount1Min: 0n,
      });
      await act(f, encodeLpFund(), f.weth, parseEther("1"));
      await expect(act(f, mint, f.usdc, parseUnits("3000", 6)))
        .to.be.revertedWithCustomError(f.module, "TooManyPositions")
        .withArgs(5n, 4n);
      await act(f, encodeLpBurn(f.tokenId));
      await act(f, mint, f.usdc, parseUnits("3000", 6));
      expect((await f.module.positionIds()).length).to.equal(4);
    });

    it("only the vault may execute", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await expect(f.module.connect(f.outsider).execute(ethers.ZeroAddress, 0n, false, encodeLpCollect(f.tokenId)))
        .to.be.revertedWithCustomError(f.module, "OnlyVault")
        .withArgs(f.outsider.address);
    });

    it("unknown operations are refused (0 and 7), even under deRiskOnly", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      for (const op of [0, 7]) {
        const data = AbiCoder.defaultAbiCoder().encode(["uint8", "uint256"], [op, f.tokenId]);
        for (const deRiskOnly of [false, true]) {
          await expect(act(f, data, undefined, 0n, deRiskOnly))
            .to.be.revertedWithCustomError(f.module, "UnknownOperation")
            .withArgs(op);
        }
      }
    });

    it("positions the module does not hold are refused by every position action", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const foreign = 1n; // the background liquidity NFT, owned by the deployer
      expect(await f.npm.ownerOf(foreign)).to.equal(f.deployer.address);
      const actions = [
        encodeLpIncrease(foreign, { amount0Desired: 1n, amount1Desired: 1n, amount0Min: 0n, amount1Min: 0n }),
        encodeLpDecrease({ tokenId: foreign, liquidity: 1n, amount0Min: 0n, amount1Min: 0n }),
        encodeLpCollect(foreign),
        encodeLpBurn(foreign),
      ];
      for (const data of actions) {
        await expect(act(f, data)).to.be.revertedWithCustomError(f.module, "PositionNotHeld").withArgs(foreign);
      }
    });

    it("a token outside the pair cannot be pulled", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const other = (await ethers.deployContract("MockERC20", ["Other", "OTH", 18])) as MockERC20;
      await other.mint(f.vault.address, 1n);
      await expect(act(f, encodeLpFund(), other, 1n))
        .to.be.revertedWithCustomError(f.module, "TokenNotInModule")
        .withArgs(await other.getAddress());
    });

    it("report needs exactly one price per token", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await expect(f.module.report([WAD]))
        .to.be.revertedWithCustomError(f.module, "PricesLengthMismatch")
        .withArgs(1n, 2n);
      await expect(f.module.report([WAD, WAD, WAD]))
        .to.be.revertedWithCustomError(f.module, "PricesLengthMismatch")
        .withArgs(3n, 2n);
    });

    it("refuses position NFTs pushed to it (they would sit there untracked, outside every valuation)", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const npmAsDeployer = f.npm.connect(f.deployer) as Contract;
      await expect(npmAsDeployer["safeTransferFrom(address,address,uint256)"](f.deployer.address, f.moduleAddress, 1n))
        .to.be.revertedWithCustomError(f.module, "UnexpectedNft")
        .withArgs(f.ctx.addresses.positionManager, 1n);
    });
  });
});
