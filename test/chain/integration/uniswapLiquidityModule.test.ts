/**
 * UniswapV3LiquidityModule checked against what the REAL Uniswap V3 bytecode (npm artifacts, deployed by
 * scripts/replica/uniswapV3.ts) would actually pay. The pair is the replica's real WETH9 and a 6-decimal MockERC20
 * "USDC"; a plain signer plays the vault (the module only checks `msg.sender == vault`).
 *
 * The reference numbers are never a re-derivation of the module's formulas: they are the position manager's own
 * `decreaseLiquidity` / `collect` results, obtained with `staticCall` from the module's address (impersonated, as the
 * manager checks that the caller owns the NFT), and the balances that real actions move. Oracle prices are ordinary
 * USD prices in WAD (USDC at exactly 1 USD, WETH derived from the pool's sqrtPriceX96), so the oracle sqrt price
 * equals the pool's up to the resolution of a WAD price; the tolerance that follows from that gap is computed, and
 * asserted to be at most one wei.
 */
import { expect } from "chai";
import {
  FEE,
  MAX_UINT128,
  SPACING,
  act,
  deadline,
  liquidityOf,
  mintData,
  mintPosition,
  movePoolToTick as moveTo,
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
  encodePath,
  getPool,
  swapExactInput,
  type UniswapV3Context,
} from "../../../scripts/replica/uniswapV3.ts";
import {
  LpOp,
  encodeLpBurn,
  encodeLpCollect,
  encodeLpDecrease,
  encodeLpFund,
  encodeLpIncrease,
} from "../../../scripts/lib/lpModule.ts";

const { ethers, networkHelpers } = await network.create();

const WAD = 10n ** 18n;
const Q96 = 2n ** 96n;
const Q192 = 2n ** 192n;

interface Fixture extends LpFixture {
  ctx: UniswapV3Context;
  npm: Contract;
  pool: Contract;
  module: UniswapV3LiquidityModule;
  moduleAddress: string;
  weth: MockERC20; // the replica's real WETH9, typed through the ERC-20 part of MockERC20's ABI
  usdc: MockERC20;
  t0: MockERC20;
  t1: MockERC20;
  wethIs0: boolean;
  units: [bigint, bigint];
  deployer: HardhatEthersSigner;
  vault: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  receiver: HardhatEthersSigner;
  centerTick: number;
}

async function wrap(ctx: UniswapV3Context, signer: HardhatEthersSigner, amount: bigint) {
  await (await (ctx.weth.connect(signer) as Contract).deposit({ value: amount })).wait();
}

async function baseFixture(): Promise<Fixture> {
  const [deployer, vault, outsider, receiver] = await ethers.getSigners();
  for (const s of [deployer, vault]) await networkHelpers.setBalance(s.address, parseEther("10000000"));
  const ctx = await deployUniswapV3(deployer);
  const weth = (await ethers.getContractAt("MockERC20", ctx.addresses.weth)) as unknown as MockERC20;
  const usdc = (await ethers.deployContract("MockERC20", ["USD Coin (stand-in)", "USDC", 6])) as unknown as MockERC20;

  // Deep background liquidity: full range, 2,000 WETH + 6M USDC at 3,000 USDC/WETH. The deployer also swaps.
  await wrap(ctx, deployer, parseEther("100000"));
  await usdc.mint(deployer.address, parseUnits("100000000000", 6));
  await createPool(ctx, weth, usdc, FEE, 3000);
  await addLiquidity(ctx, { tokenA: weth, tokenB: usdc, fee: FEE }, parseEther("2000"), parseUnits("6000000", 6));
  for (const token of [weth, usdc]) await token.connect(deployer).approve(ctx.addresses.router, ethers.MaxUint256);

  const module = (await ethers.deployContract("UniswapV3LiquidityModule", [
    vault.address,
    ctx.addresses.positionManager,
    ctx.addresses.factory,
    await usdc.getAddress(),
    await weth.getAddress(),
  ])) as unknown as UniswapV3LiquidityModule;
  await wrap(ctx, vault, parseEther("1000"));
  await usdc.mint(vault.address, parseUnits("10000000", 6));

  const wethIs0 = BigInt(ctx.addresses.weth) < BigInt(await usdc.getAddress());
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
    t0: wethIs0 ? weth : usdc,
    t1: wethIs0 ? usdc : weth,
    wethIs0,
    units: wethIs0 ? [10n ** 18n, 10n ** 6n] : [10n ** 6n, 10n ** 18n],
    deployer,
    vault,
    outsider,
    receiver,
    centerTick: Math.floor(Number(tick) / SPACING) * SPACING,
  };
}

// ───────────────────────────── helpers ─────────────────────────────

/** One position ±600 ticks (~±6 %) around the start, 10 WETH + up to 40,000 USDC offered. */
async function positionFixture() {
  const f = await baseFixture();
  const tickLower = f.centerTick - 600;
  const tickUpper = f.centerTick + 600;
  const tokenId = await mintPosition(f, tickLower, tickUpper, parseEther("10"), parseUnits("40000", 6));
  return { ...f, tokenId, tickLower, tickUpper };
}
type PositionFixture = Awaited<ReturnType<typeof positionFixture>>;

/** The position manager connected to the module's own address (impersonated): calls the NFT owner could make. */
async function npmAsModule(f: Fixture): Promise<Contract> {
  await networkHelpers.impersonateAccount(f.moduleAddress);
  await networkHelpers.setBalance(f.moduleAddress, parseEther("1"));
  return f.npm.connect(await ethers.getSigner(f.moduleAddress)) as Contract;
}

/** What `decreaseLiquidity(liquidity)` would release right now, at the pool's price (the protocol's own math). */
async function npmPrincipal(f: Fixture, tokenId: bigint, liquidity: bigint): Promise<[bigint, bigint]> {
  if (liquidity === 0n) return [0n, 0n];
  const npm = await npmAsModule(f);
  const params = { tokenId, liquidity, amount0Min: 0n, amount1Min: 0n, deadline: await deadline(f) };
  const [a0, a1] = await npm.decreaseLiquidity.staticCall(params);
  return [a0, a1];
}

/**
 * What a full `collect` would pay right now. With liquidity > 0 the manager pokes the position first (a pool burn of
 * 0), so this is tokensOwed + every fee accrued since the last poke.
 */
async function npmFees(f: Fixture, tokenId: bigint): Promise<[bigint, bigint]> {
  const npm = await npmAsModule(f);
  const params = { tokenId, recipient: f.moduleAddress, amount0Max: MAX_UINT128, amount1Max: MAX_UINT128 };
  const [a0, a1] = await npm.collect.staticCall(params);
  return [a0, a1];
}

/** Oracle prices [token0, token1] in WAD with USDC at exactly 1 USD and WETH at `wethUsdWad`. */
function usdPrices(f: Fixture, wethUsdWad: bigint): [bigint, bigint] {
  return f.wethIs0 ? [wethUsdWad, WAD] : [WAD, wethUsdWad];
}

/**
 * USD prices (USDC = 1) implied by the pool's sqrt price `s`, rounded so that the oracle sqrt price is >= s (and
 * only above it by what one wei of a WAD price resolves: ~1e-22 relative).
 */
function pricesFromPool(f: Fixture, s: bigint): [bigint, bigint] {
  const [u0, u1] = f.units;
  // token1 base units per token0 base unit = s²/2^192 = (p0·u1)/(p1·u0)
  if (f.wethIs0) return usdPrices(f, (s * s * WAD * u0 + Q192 * u1 - 1n) / (Q192 * u1)); // p0 rounded up
  return usdPrices(f, (WAD * u1 * Q192) / (u0 * s * s)); // p1 rounded down
}

/** The shared pool move, then: the pool really is within a tick of `tick`. */
async function movePoolToTick(f: Fixture, tick: number) {
  await moveTo(f, tick);
  const now = Number((await f.pool.slot0()).tick);
  expect(Math.abs(now - tick)).to.be.at.most(1);
}

/** USD value (WAD) of [token0, token1] amounts at `prices`. */
function usdValue(f: Fixture, amounts: readonly bigint[], prices: readonly bigint[]): bigint {
  return (amounts[0] * prices[0]) / f.units[0] + (amounts[1] * prices[1]) / f.units[1];
}

/**
 * The most a position's principal can move when its valuation sqrt price moves from `s` to `s + gap` (gap >= 0):
 * |Δamount0| <= L·gap·2^96/s², |Δamount1| <= L·gap/2^96, each plus 1 wei for the flip of a floor rounding.
 */
function gapTolerance(liquidity: bigint, s: bigint, gap: bigint): [bigint, bigint] {
  return [(liquidity * gap * Q96) / (s * s) + 1n, (liquidity * gap) / Q96 + 1n];
}

function expectWithin(actual: bigint, expected: bigint, tolerance: bigint, what: string) {
  const diff = actual > expected ? actual - expected : expected - actual;
  expect(diff <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`).to.equal(true);
}

// ───────────────────────────── tests ─────────────────────────────

describe("UniswapV3LiquidityModule vs the real NonfungiblePositionManager", () => {
  describe("principal: report = decreaseLiquidity at the oracle price", () => {
    it("matches the manager below, inside and above the range (pool moved by real swaps, oracle = pool price)", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      // A second, narrower position so that the report sums two ranges with different boundaries.
      const narrowLower = f.centerTick - 180;
      const narrowUpper = f.centerTick + 240;
      const narrowId = await mintPosition(f, narrowLower, narrowUpper, parseEther("3"), parseUnits("12000", 6));
      const positions = [f.tokenId, narrowId];
      const seen = new Set<string>();
      const targets = [
        f.centerTick + 30, // in both ranges
        f.tickLower - 420, // below both
        f.centerTick + 420, // in the wide one, above the narrow one
        f.tickUpper + 300, // above both
        f.centerTick - 360, // in the wide one, below the narrow one
      ];
      for (const tick of targets) {
        await movePoolToTick(f, tick);
        const s = await poolSqrtPrice(f);
        const prices = pricesFromPool(f, s);
        const oracleSqrt = await f.module.oracleSqrtPriceX96(prices[0], prices[1]);
        const gap = oracleSqrt - s;
        // The oracle implies the pool's price up to the resolution of a WAD price (~1e-22 relative).
        expect(gap >= 0n && gap * 10n ** 18n < s, `sqrt gap ${gap}`).to.equal(true);

        const report = await f.module.report(prices);
        const expected: [bigint, bigint] = [0n, 0n];
        const tolerance: [bigint, bigint] = [0n, 0n];
        for (const id of positions) {
          const liquidity = await liquidityOf(f, id);
          const principal = await npmPrincipal(f, id, liquidity);
          const fees = await npmFees(f, id);
          const tol = gapTolerance(liquidity, s, gap);
          for (const i of [0, 1]) {
            expected[i] += principal[i] + fees[i];
            tolerance[i] += tol[i];
          }
        }
        // The gap moves each amount by far less than a wei: the only difference left is a floor that may flip.
        expect(tolerance[0] <= 2n && tolerance[1] <= 2n, `tolerance ${tolerance}`).to.equal(true);
        expectWithin(report.longAmounts[0], expected[0], tolerance[0], `token0 at tick ${tick}`);
        expectWithin(report.longAmounts[1], expected[1], tolerance[1], `token1 at tick ${tick}`);
        expect(report.debtAmounts).to.deep.equal([0n, 0n]);
        const t = Number((await f.pool.slot0()).tick);
        seen.add(t < f.tickLower ? "below" : t >= f.tickUpper ? "above" : "in");
      }
      expect([...seen].sort()).to.deep.equal(["above", "below", "in"]);
    });
  });

  describe("fees", () => {
    it("the fee part of the report is exactly what collect pays, after swaps back and forth through the range", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const prices = pricesFromPool(f, await poolSqrtPrice(f)); // fixed oracle: principal does not move
      const weth = await f.weth.getAddress();
      const usdc = await f.usdc.getAddress();
      // Each leg ends somewhere else relative to the range (inside, above, below, inside): every branch of the
      // module's fee-growth-inside computation, with the position's ticks crossed both ways.
      const legs: [string, bigint][] = [
        [encodePath([usdc, weth], [FEE]), parseUnits("60000", 6)],
        [encodePath([usdc, weth], [FEE]), parseUnits("900000", 6)],
        [encodePath([weth, usdc], [FEE]), parseEther("800")],
        [encodePath([usdc, weth], [FEE]), parseUnits("1200000", 6)],
      ];
      const where = new Set<string>();
      let paid: [bigint, bigint] = [0n, 0n];
      for (const [path, amountIn] of legs) {
        await swapExactInput(f.ctx, path, amountIn, { signer: f.deployer });
        const t = Number((await f.pool.slot0()).tick);
        where.add(t < f.tickLower ? "below" : t >= f.tickUpper ? "above" : "in");

        const before = await f.module.report(prices);
        const predicted = await npmFees(f, f.tokenId);
        const vaultBefore = [await f.t0.balanceOf(f.vault.address), await f.t1.balanceOf(f.vault.address)];
        await act(f, encodeLpCollect(f.tokenId));
        const after = await f.module.report(prices);
        const received = [
          (await f.t0.balanceOf(f.vault.address)) - vaultBefore[0],
          (await f.t1.balanceOf(f.vault.address)) - vaultBefore[1],
        ];
        for (const i of [0, 1]) {
          // What the report dropped by (its uncollected-fee part: principal is unchanged, the oracle is fixed)
          // = what the manager's collect predicted = what really arrived at the vault. Same formula, same rounding.
          expect(before.longAmounts[i] - after.longAmounts[i]).to.equal(predicted[i]);
          expect(received[i]).to.equal(predicted[i]);
        }
        paid = [paid[0] + predicted[0], paid[1] + predicted[1]];
      }
      expect([...where].sort()).to.deep.equal(["above", "below", "in"]);
      expect(paid[0] > 0n && paid[1] > 0n, `fees ${paid}`).to.equal(true);
    });

    it("also with fees already credited to tokensOwed (left there by exitProRata) plus fees accrued since", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await movePoolToTick(f, f.centerTick + 300);
      await movePoolToTick(f, f.centerTick - 240);
      // exitProRata leaves the remaining holders' fees in tokensOwed: a position with owed AND unpoked fees.
      await f.module.exitProRata(1n, 4n, f.outsider.address, f.receiver.address);
      const owed = await f.npm.positions(f.tokenId);
      expect(owed.tokensOwed0 > 0n && owed.tokensOwed1 > 0n).to.equal(true);
      await movePoolToTick(f, f.centerTick + 120);
      const prices = pricesFromPool(f, await poolSqrtPrice(f));
      const before = await f.module.report(prices);
      const predicted = await npmFees(f, f.tokenId);
      expect(predicted[0] > owed.tokensOwed0 || predicted[1] > owed.tokensOwed1).to.equal(true);
      await act(f, encodeLpCollect(f.tokenId));
      const after = await f.module.report(prices);
      for (const i of [0, 1]) expect(before.longAmounts[i] - after.longAmounts[i]).to.equal(predicted[i]);
    });
  });

  describe("manipulation resistance", () => {
    it("a big swap moves the pool's spot but not the reported principal at an unchanged oracle price", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const prices = pricesFromPool(f, await poolSqrtPrice(f));
      const before = await f.module.report(prices);
      const feesBefore = await npmFees(f, f.tokenId);
      const spotBefore = await npmPrincipal(f, f.tokenId, await liquidityOf(f, f.tokenId));
      for (const tick of [f.tickUpper + 900, f.tickLower - 900]) {
        await movePoolToTick(f, tick); // ~9 % past either edge of the range, in one swap each
        const after = await f.module.report(prices);
        const feesAfter = await npmFees(f, f.tokenId);
        const spotAfter = await npmPrincipal(f, f.tokenId, await liquidityOf(f, f.tokenId));
        // The manager's spot amounts flipped to a single token...
        expect(spotAfter[0] === 0n || spotAfter[1] === 0n).to.equal(true);
        expect(spotAfter[0] !== spotBefore[0] && spotAfter[1] !== spotBefore[1]).to.equal(true);
        // ... while report − fees (the principal at the oracle) is the same to the wei.
        for (const i of [0, 1]) {
          expect(after.longAmounts[i] - feesAfter[i]).to.equal(before.longAmounts[i] - feesBefore[i]);
        }
        expect(after.shortGammaUsdWad).to.equal(before.shortGammaUsdWad);
        // Only the fees moved: the swap paid some.
        expect(feesAfter[0] + feesAfter[1] > feesBefore[0] + feesBefore[1]).to.equal(true);
        expect(usdValue(f, after.longAmounts, prices)).to.be.above(usdValue(f, before.longAmounts, prices));
      }
    });
  });

  describe("short gamma", () => {
    /** V(P): USD value of the amounts the module reports at the oracle prices `p`, valued at `p`. */
    async function value(f: Fixture, p: [bigint, bigint]): Promise<bigint> {
      return usdValue(f, (await f.module.report(p)).longAmounts, p);
    }
    /** ½·V''·P² by central differences, bumping WETH's USD price by ±`bumpPpm` (V is 1-homogeneous in both prices). */
    async function fdGamma(f: Fixture, wethUsdWad: bigint, bumpPpm: bigint): Promise<number> {
      const at = (ppm: bigint) => value(f, usdPrices(f, (wethUsdWad * ppm) / 1_000_000n));
      const up = await at(1_000_000n + bumpPpm);
      const mid = await at(1_000_000n);
      const down = await at(1_000_000n - bumpPpm);
      const h = Number(bumpPpm) / 1e6;
      return -Number(up - 2n * mid + down) / 1e18 / (2 * h * h); // short gamma: V'' < 0, reported positive
    }

    it("in range: equals ½·|V''|·P² of the reported value (±0.5 % bumps) within 0.1 %, at several oracle prices", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      // Fees only add a constant (linear) term: swap first so that they are in the value too.
      await movePoolToTick(f, f.centerTick + 200);
      await movePoolToTick(f, f.centerTick - 100);
      const spot = Number(pricesFromPool(f, await poolSqrtPrice(f))[f.wethIs0 ? 0 : 1]) / 1e18;
      for (const rel of [0.97, 1.0, 1.035]) {
        const wethUsd = BigInt(Math.round(spot * rel * 1e6)) * 10n ** 12n;
        const reported = Number((await f.module.report(usdPrices(f, wethUsd))).shortGammaUsdWad) / 1e18;
        const fd = await fdGamma(f, wethUsd, 5_000n);
        expect(reported, "reported gamma").to.be.above(0);
        // Central differences err by O(h²) ≈ 1e-5 relative here (observed ~8e-6), far inside 0.1 %.
        expect(Math.abs(reported - fd) / fd, `reported ${reported} vs fd ${fd} at ${rel}`).to.be.below(1e-3);
      }
    });

    it("out of range: 0, and the reported value is linear in the price there", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const spot = Number(pricesFromPool(f, await poolSqrtPrice(f))[f.wethIs0 ? 0 : 1]) / 1e18;
      const inRange = await fdGamma(f, BigInt(Math.round(spot * 1e6)) * 10n ** 12n, 5_000n);
      expect(inRange).to.be.above(0);
      for (const rel of [0.8, 1.25]) {
        const wethUsd = BigInt(Math.round(spot * rel * 1e6)) * 10n ** 12n;
        expect((await f.module.report(usdPrices(f, wethUsd))).shortGammaUsdWad).to.equal(0n);
        expect(Math.abs(await fdGamma(f, wethUsd, 5_000n))).to.be.below(inRange * 1e-9);
      }
    });
  });

  describe("actions", () => {
    it("FUND + MINT: the module owns the NFT, pays what the manager takes, refunds the rest to the vault", async () => {
      const f = await networkHelpers.loadFixture(baseFixture);
      const wethAmount = parseEther("10");
      const usdcAmount = parseUnits("50000", 6); // more than ±6 % around the price needs for 10 WETH
      const vaultBefore = tokenAmounts(
        f,
        await f.weth.balanceOf(f.vault.address),
        await f.usdc.balanceOf(f.vault.address),
      );
      await expect(act(f, encodeLpFund(), f.weth, wethAmount))
        .to.emit(f.module, "Funded")
        .withArgs(await f.weth.getAddress(), wethAmount);
      expect(await f.weth.balanceOf(f.moduleAddress)).to.equal(wethAmount);
      const tx = act(
        f,
        mintData(f, f.centerTick - 600, f.centerTick + 600, wethAmount, usdcAmount),
        f.usdc,
        usdcAmount,
      );
      await expect(tx).to.emit(f.module, "PositionMinted");
      await expect(tx).to.emit(f.module, "IdleReturned");
      const ids = await f.module.positionIds();
      expect(ids.length).to.equal(1);
      expect(await f.npm.ownerOf(ids[0])).to.equal(f.moduleAddress);
      for (const token of [f.t0, f.t1]) {
        expect(await token.balanceOf(f.moduleAddress)).to.equal(0n);
        expect(await token.allowance(f.moduleAddress, f.ctx.addresses.positionManager)).to.equal(0n);
      }
      const vaultAfter = tokenAmounts(
        f,
        await f.weth.balanceOf(f.vault.address),
        await f.usdc.balanceOf(f.vault.address),
      );
      const principal = await npmPrincipal(f, ids[0], await liquidityOf(f, ids[0]));
      for (const i of [0, 1]) {
        // The pool rounds a mint up and a burn down: paid = releasable principal + at most 1 wei.
        expect(vaultBefore[i] - vaultAfter[i] - principal[i]).to.be.within(0n, 1n);
      }
      expect(vaultBefore[f.wethIs0 ? 1 : 0] - vaultAfter[f.wethIs0 ? 1 : 0]).to.be.below(usdcAmount); // refund
    });

    it("INCREASE adds liquidity and refunds; DECREASE lands principal + fees at the vault", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const l0 = await liquidityOf(f, f.tokenId);
      const [a0, a1] = tokenAmounts(f, parseEther("5"), parseUnits("25000", 6));
      await act(f, encodeLpFund(), f.weth, parseEther("5"));
      await expect(
        act(
          f,
          encodeLpIncrease(f.tokenId, { amount0Desired: a0, amount1Desired: a1, amount0Min: 0n, amount1Min: 0n }),
          f.usdc,
          parseUnits("25000", 6),
        ),
      ).to.emit(f.module, "LiquidityIncreased");
      const l1 = await liquidityOf(f, f.tokenId);
      // 5 WETH more on 10 (same range, same price): +50 % liquidity, up to rounding.
      expect(Math.abs(Number(l1 - l0) / Number(l0) - 0.5)).to.be.below(1e-6);
      expect(await f.t0.balanceOf(f.moduleAddress)).to.equal(0n);
      expect(await f.t1.balanceOf(f.moduleAddress)).to.equal(0n);

      await movePoolToTick(f, f.centerTick + 240);
      await movePoolToTick(f, f.centerTick - 120);
      const slice = l1 / 3n;
      const principal = await npmPrincipal(f, f.tokenId, slice);
      const fees = await npmFees(f, f.tokenId);
      const tx = act(f, encodeLpDecrease({ tokenId: f.tokenId, liquidity: slice, amount0Min: 0n, amount1Min: 0n }));
      await expect(tx).to.changeTokenBalances(ethers, f.t0, [f.vault, f.module], [principal[0] + fees[0], 0n]);
      await expect(tx).to.changeTokenBalances(ethers, f.t1, [f.vault, f.module], [principal[1] + fees[1], 0n]);
      expect(await liquidityOf(f, f.tokenId)).to.equal(l1 - slice);
    });

    it("BURN: everything to the vault, NFT burned, positionIds shrinks (swap and pop)", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const second = await mintPosition(
        f,
        f.tickLower - 120,
        f.tickUpper + 120,
        parseEther("1"),
        parseUnits("4000", 6),
      );
      const third = await mintPosition(f, f.tickLower + 120, f.tickUpper - 120, parseEther("1"), parseUnits("4000", 6));
      await movePoolToTick(f, f.centerTick + 180);
      const principal = await npmPrincipal(f, f.tokenId, await liquidityOf(f, f.tokenId));
      const fees = await npmFees(f, f.tokenId);
      const prices = pricesFromPool(f, await poolSqrtPrice(f));
      const reportBefore = await f.module.report(prices);
      const tx = act(f, encodeLpBurn(f.tokenId));
      await expect(tx).to.emit(f.module, "PositionBurned").withArgs(f.tokenId);
      await expect(tx).to.changeTokenBalances(ethers, f.t0, [f.vault], [principal[0] + fees[0]]);
      await expect(tx).to.changeTokenBalances(ethers, f.t1, [f.vault], [principal[1] + fees[1]]);
      await expect(f.npm.ownerOf(f.tokenId)).to.be.revert(ethers);
      expect(await f.module.positionIds()).to.deep.equal([third, second]);
      // The report lost exactly what the vault got (oracle = pool price, to a wei of floor rounding).
      const reportAfter = await f.module.report(prices);
      for (const i of [0, 1]) {
        expectWithin(reportBefore.longAmounts[i] - reportAfter.longAmounts[i], principal[i] + fees[i], 1n, `burn ${i}`);
      }
    });

    it("exitProRata: the receiver gets shares/supply of principal and fees; the rest stays for the holders", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      await movePoolToTick(f, f.centerTick + 300);
      await movePoolToTick(f, f.centerTick - 150);
      const [shares, supply] = [7n, 19n]; // not a divisor: rounding is exercised
      const liquidity = await liquidityOf(f, f.tokenId);
      const whole = await npmPrincipal(f, f.tokenId, liquidity);
      const fees = await npmFees(f, f.tokenId);
      expect(fees[0] > 0n && fees[1] > 0n).to.equal(true);
      const prices = pricesFromPool(f, await poolSqrtPrice(f));
      const reportBefore = await f.module.report(prices);
      const before = [await f.t0.balanceOf(f.receiver.address), await f.t1.balanceOf(f.receiver.address)];
      await expect(f.module.exitProRata(shares, supply, f.outsider.address, f.receiver.address)).to.emit(
        f.module,
        "ExitedProRata",
      );
      const got = [
        (await f.t0.balanceOf(f.receiver.address)) - before[0],
        (await f.t1.balanceOf(f.receiver.address)) - before[1],
      ];
      const reportAfter = await f.module.report(prices);
      for (const i of [0, 1]) {
        // shares/supply of (whole principal + fees). The module removes floor(L·shares/supply) liquidity: up to one
        // unit of liquidity less than the exact share, worth up to ceil(whole/L) base units (~1e3 wei of WETH here),
        // plus three floors that differ between the two sides (the burn of the slice vs of the whole, the fee share).
        const exact = ((whole[i] + fees[i]) * shares) / supply;
        const perUnit = (whole[i] + liquidity - 1n) / liquidity;
        expect(exact - got[i], `token${i}: ${got[i]} vs ${exact}`).to.be.within(-3n, perUnit + 3n);
        // The report drops by what left: floor(amount(L)) − floor(amount(L − slice)) vs floor(amount(slice)), 2 wei.
        expectWithin(reportBefore.longAmounts[i] - reportAfter.longAmounts[i], got[i], 2n, `report token${i}`);
      }
      expect(await liquidityOf(f, f.tokenId)).to.equal(liquidity - (liquidity * shares) / supply);
    });

    it("MAX_POSITIONS: a fifth MINT reverts with TooManyPositions; a BURN frees the slot", async () => {
      const f = await networkHelpers.loadFixture(positionFixture);
      const max = await f.module.MAX_POSITIONS();
      while (BigInt((await f.module.positionIds()).length) < max) {
        const n = (await f.module.positionIds()).length;
        await mintPosition(f, f.tickLower - 60 * n, f.tickUpper + 60 * n, parseEther("1"), parseUnits("4000", 6));
      }
      const data = mintData(f, f.tickLower, f.tickUpper, parseEther("1"), parseUnits("4000", 6));
      await act(f, encodeLpFund(), f.weth, parseEther("1"));
      await expect(act(f, data, f.usdc, parseUnits("4000", 6)))
        .to.be.revertedWithCustomError(f.module, "TooManyPositions")
        .withArgs(max + 1n, max);
      await act(f, encodeLpBurn(f.tokenId));
      await act(f, data, f.usdc, parseUnits("4000", 6));
      expect(BigInt((await f.module.positionIds()).length)).to.equal(max);
    });

    it("errors: OnlyVault, UnknownOperation, PositionNotHeld, TokenNotInModule, ModuleDeRiskOnly", async () => {
      const f: PositionFixture = await networkHelpers.loadFixture(positionFixture);
      await expect(f.module.connect(f.outsider).execute(ethers.ZeroAddress, 0n, false, encodeLpCollect(f.tokenId)))
        .to.be.revertedWithCustomError(f.module, "OnlyVault")
        .withArgs(f.outsider.address);
      await expect(f.module.connect(f.outsider).exitProRata(1n, 2n, f.outsider.address, f.outsider.address))
        .to.be.revertedWithCustomError(f.module, "OnlyVault")
        .withArgs(f.outsider.address);
      for (const op of [0, 7, 255]) {
        const data = AbiCoder.defaultAbiCoder().encode(["uint8", "uint256"], [op, f.tokenId]);
        await expect(act(f, data)).to.be.revertedWithCustomError(f.module, "UnknownOperation").withArgs(op);
      }
      const foreign = 1n; // the background liquidity, owned by the deployer
      expect(await f.npm.ownerOf(foreign)).to.equal(f.deployer.address);
      for (const data of [
        encodeLpIncrease(foreign, { amount0Desired: 1n, amount1Desired: 1n, amount0Min: 0n, amount1Min: 0n }),
        encodeLpDecrease({ tokenId: foreign, liquidity: 1n, amount0Min: 0n, amount1Min: 0n }),
        encodeLpCollect(foreign),
        encodeLpBurn(foreign),
      ]) {
        await expect(act(f, data)).to.be.revertedWithCustomError(f.module, "PositionNotHeld").withArgs(foreign);
      }
      const other = (await ethers.deployContract("MockERC20", ["Other", "OTH", 18])) as unknown as MockERC20;
      await other.mint(f.vault.address, 10n);
      await expect(act(f, encodeLpFund(), other, 10n))
        .to.be.revertedWithCustomError(f.module, "TokenNotInModule")
        .withArgs(await other.getAddress());
      const data = mintData(f, f.tickLower, f.tickUpper, 1n, 1n);
      for (const [op, payload] of [
        [LpOp.FUND, encodeLpFund()],
        [LpOp.MINT, data],
      ] as const) {
        await expect(act(f, payload, f.weth, 1n, true))
          .to.be.revertedWithCustomError(f.module, "ModuleDeRiskOnly")
          .withArgs(op);
      }
      // De-risking still works under deRiskOnly.
      await act(f, encodeLpBurn(f.tokenId), undefined, 0n, true);
      expect(await f.module.positionIds()).to.deep.equal([]);
    });
  });
});
