/**
 * UniswapV3SwapAdapter against the REAL Uniswap V3 bytecode (npm artifacts, deployed by scripts/replica/uniswapV3.ts).
 * Tokens: real WETH9; USDC (6 decimals) and WBTC (8 decimals) are MockERC20 stand-ins.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { type Contract, formatEther, formatUnits, keccak256, parseEther, parseUnits, toUtf8Bytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { MockERC20, UniswapV3SwapAdapter } from "../../../types/ethers-contracts/index.js";
import {
  FeeAmount,
  POOL_INIT_CODE_HASH,
  addLiquidity,
  computePoolAddress,
  createPool,
  decodeSqrtPriceX96,
  deployUniswapV3,
  encodePath,
  encodeSqrtPriceX96,
  fullRangeTicks,
  getPool,
  poolPrice,
  quoteExactInput,
  swapExactInput,
  type UniswapV3Context,
} from "../../../scripts/replica/uniswapV3.js";

const { ethers, networkHelpers } = await network.create();

const ETH_IN_USDC = 3000;
const BTC_IN_USDC = 60000;

interface Fixture {
  ctx: UniswapV3Context;
  usdc: MockERC20;
  wbtc: MockERC20;
  adapter: UniswapV3SwapAdapter;
  vault: HardhatEthersSigner;
  addr: { weth: string; usdc: string; wbtc: string; adapter: string; router: string };
}

async function uniswapFixture(): Promise<Fixture> {
  const [deployer, vault] = await ethers.getSigners();
  const ctx = await deployUniswapV3(deployer);
  const usdc = await ethers.deployContract("MockERC20", ["USD Coin (stand-in)", "USDC", 6]);
  const wbtc = await ethers.deployContract("MockERC20", ["Wrapped BTC (stand-in)", "WBTC", 8]);
  const addr = {
    weth: ctx.addresses.weth,
    usdc: await usdc.getAddress(),
    wbtc: await wbtc.getAddress(),
    adapter: "",
    router: ctx.addresses.router,
  };

  // Liquidity provider: the deployer (Hardhat 3 funds 1,000 ETH). 300 WETH + 900k USDC; 15 WBTC + 900k USDC.
  await (await ctx.weth.deposit({ value: parseEther("300") })).wait();
  await usdc.mint(deployer.address, parseUnits("1800000", 6));
  await wbtc.mint(deployer.address, parseUnits("15", 8));
  await createPool(ctx, addr.weth, addr.usdc, FeeAmount.LOW, ETH_IN_USDC);
  await createPool(ctx, addr.wbtc, addr.usdc, FeeAmount.MEDIUM, BTC_IN_USDC);
  await addLiquidity(
    ctx,
    { tokenA: addr.weth, tokenB: addr.usdc, fee: FeeAmount.LOW },
    parseEther("300"),
    parseUnits("900000", 6),
  );
  await addLiquidity(
    ctx,
    { tokenA: addr.wbtc, tokenB: addr.usdc, fee: FeeAmount.MEDIUM },
    parseUnits("15", 8),
    parseUnits("900000", 6),
  );

  const adapter = await ethers.deployContract("UniswapV3SwapAdapter", [addr.router]);
  addr.adapter = await adapter.getAddress();

  // The "vault": any caller of the adapter.
  await (await wethAs(ctx, vault).deposit({ value: parseEther("10") })).wait();
  await usdc.mint(vault.address, parseUnits("100000", 6));
  await wbtc.mint(vault.address, parseUnits("2", 8));
  return { ctx, usdc, wbtc, adapter: adapter.connect(vault), vault, addr };
}

/** WETH9 (untyped ethers Contract from the npm ABI) connected to `signer`. */
function wethAs(ctx: UniswapV3Context, signer: HardhatEthersSigner): Contract {
  return ctx.weth.connect(signer) as Contract;
}

async function deadlineIn(seconds: number): Promise<bigint> {
  return BigInt((await networkHelpers.time.latest()) + seconds);
}

/**
 * Output of a full-range pool as x*y=k with the fee taken from the input (whole tokens, floats). A full-range V3
 * position's virtual reserves equal its real reserves, so the real pool must agree to rounding.
 */
function constantProductOut(reserveIn: number, reserveOut: number, amountIn: number, feePips: number): number {
  const amountInAfterFee = amountIn * (1 - feePips / 1e6);
  return (reserveOut * amountInAfterFee) / (reserveIn + amountInAfterFee);
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe("Uniswap V3 replica (real npm bytecode)", () => {
  it("the npm pool bytecode hashes to the periphery's POOL_INIT_CODE_HASH, so the router finds the pools", async () => {
    const { ctx, addr } = await networkHelpers.loadFixture(uniswapFixture);
    const poolArtifact = (await import("@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json", {
      with: { type: "json" },
    })) as { default: { bytecode: string } };
    expect(keccak256(poolArtifact.default.bytecode)).to.equal(POOL_INIT_CODE_HASH);
    const pool = await getPool(ctx, addr.weth, addr.usdc, FeeAmount.LOW);
    expect(await pool.getAddress()).to.equal(
      computePoolAddress(ctx.addresses.factory, addr.usdc, addr.weth, FeeAmount.LOW),
    );
  });

  it("poolPrice round-trips the initial price within 1e-6 relative, whatever the token order and decimals", async () => {
    const { ctx, addr } = await networkHelpers.loadFixture(uniswapFixture);
    expect(relativeError(await poolPrice(ctx, addr.weth, addr.usdc, FeeAmount.LOW), ETH_IN_USDC)).to.be.below(1e-6);
    expect(relativeError(await poolPrice(ctx, addr.usdc, addr.weth, FeeAmount.LOW), 1 / ETH_IN_USDC)).to.be.below(1e-6);
    expect(relativeError(await poolPrice(ctx, addr.wbtc, addr.usdc, FeeAmount.MEDIUM), BTC_IN_USDC)).to.be.below(1e-6);
    expect(relativeError(await poolPrice(ctx, addr.usdc, addr.wbtc, FeeAmount.MEDIUM), 1 / BTC_IN_USDC)).to.be.below(
      1e-6,
    );
  });

  it("encodes sqrtPriceX96 exactly with bigint (floor of the exact square root) for both token orders", () => {
    // 1 token (18 dec) = 3000 tokens (6 dec): price1Per0 = 3000e6 / 1e18 = 3e-9 in base units.
    const sqrtPriceX96 = encodeSqrtPriceX96(3000, 18, 6, true);
    const q192 = 2n ** 192n;
    // floor: s^2 <= 3e-9 * 2^192 < (s+1)^2, i.e. s^2 * 1e9 <= 3 * 2^192 < (s+1)^2 * 1e9
    expect(sqrtPriceX96 * sqrtPriceX96 * 10n ** 9n <= 3n * q192).to.equal(true);
    expect((sqrtPriceX96 + 1n) * (sqrtPriceX96 + 1n) * 10n ** 9n > 3n * q192).to.equal(true);
    const inverse = encodeSqrtPriceX96(3000, 18, 6, false); // the 18-dec token is token1
    expect(relativeError(decodeSqrtPriceX96(inverse, 18, 6, false), 3000)).to.be.below(1e-12);
    expect(relativeError(decodeSqrtPriceX96(sqrtPriceX96, 18, 6, true), 3000)).to.be.below(1e-12);
  });

  it("full-range liquidity uses ticks aligned to the fee tier's spacing", async () => {
    expect(fullRangeTicks(10)).to.deep.equal({ tickLower: -887270, tickUpper: 887270 });
    expect(fullRangeTicks(60)).to.deep.equal({ tickLower: -887220, tickUpper: 887220 });
  });

  it("liquidity positions are real NFTs whose tokenURI the real NonfungibleTokenPositionDescriptor serves", async () => {
    const { ctx } = await networkHelpers.loadFixture(uniswapFixture);
    const [deployer] = await ethers.getSigners();
    expect(await ctx.positionManager.ownerOf(1n)).to.equal(deployer.address);
    const tokenUri: string = await ctx.positionManager.tokenURI(1n);
    expect(tokenUri.startsWith("data:application/json;base64,")).to.equal(true);
    const metadata = JSON.parse(Buffer.from(tokenUri.split(",")[1], "base64").toString("utf8")) as { name: string };
    expect(metadata.name).to.contain("Uniswap - 0.05% - ");
  });

  describe("UniswapV3SwapAdapter", () => {
    it("names its protocol keccak256('uniswap-v3')", async () => {
      const { adapter } = await networkHelpers.loadFixture(uniswapFixture);
      expect(await adapter.protocolId()).to.equal(keccak256(toUtf8Bytes("uniswap-v3")));
    });

    it("single hop WETH -> USDC: receives exactly QuoterV2's quote, keeps no tokens and no allowance", async () => {
      const { ctx, usdc, adapter, vault, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const amountInWei = parseEther("1");
      const path = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]);
      const quoteWei = await quoteExactInput(ctx, path, amountInWei);
      // 1 WETH into 300 WETH / 900k USDC, 0.05% fee: ~2,988.5 USDC
      const expectedUsdc = constantProductOut(300, 900_000, 1, FeeAmount.LOW);
      expect(relativeError(Number(formatUnits(quoteWei, 6)), expectedUsdc)).to.be.below(1e-4);

      await (await wethAs(ctx, vault).approve(addr.adapter, amountInWei)).wait();
      const deadline = await deadlineIn(600);
      expect(await adapter.swap.staticCall(addr.weth, addr.usdc, amountInWei, quoteWei, deadline, path)).to.equal(
        quoteWei,
      );
      const tx = adapter.swap(addr.weth, addr.usdc, amountInWei, quoteWei, deadline, path);
      await expect(tx).to.changeTokenBalances(ethers, usdc, [vault], [quoteWei]);

      expect(await ctx.weth.balanceOf(addr.adapter)).to.equal(0n);
      expect(await usdc.balanceOf(addr.adapter)).to.equal(0n);
      expect(await ctx.weth.allowance(addr.adapter, addr.router)).to.equal(0n);
      expect(await ctx.weth.allowance(vault.address, addr.adapter)).to.equal(0n);
    });

    it("two hops WBTC -> USDC -> WETH: receives exactly QuoterV2's quote, keeps nothing", async () => {
      const { ctx, usdc, wbtc, adapter, vault, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const amountInWei = parseUnits("0.5", 8);
      const path = encodePath([addr.wbtc, addr.usdc, addr.weth], [FeeAmount.MEDIUM, FeeAmount.LOW]);
      const quoteWei = await quoteExactInput(ctx, path, amountInWei);
      // 0.5 BTC into 15 WBTC / 900k USDC (0.3%), then that USDC into 900k USDC / 300 WETH (0.05%): ~9.344 WETH
      const usdcMid = constantProductOut(15, 900_000, 0.5, FeeAmount.MEDIUM);
      const expectedWeth = constantProductOut(900_000, 300, usdcMid, FeeAmount.LOW);
      expect(relativeError(Number(formatEther(quoteWei)), expectedWeth)).to.be.below(1e-4);

      await wbtc.connect(vault).approve(addr.adapter, amountInWei);
      const wethBefore: bigint = await ctx.weth.balanceOf(vault.address);
      await adapter.swap(addr.wbtc, addr.weth, amountInWei, quoteWei, await deadlineIn(600), path);
      expect((await ctx.weth.balanceOf(vault.address)) - wethBefore).to.equal(quoteWei);

      for (const token of [wbtc, usdc]) expect(await token.balanceOf(addr.adapter)).to.equal(0n);
      expect(await ctx.weth.balanceOf(addr.adapter)).to.equal(0n);
      expect(await wbtc.allowance(addr.adapter, addr.router)).to.equal(0n);
    });

    it("minAmountOut one unit above the quote reverts in the router ('Too little received')", async () => {
      const { ctx, adapter, vault, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const amountInWei = parseEther("1");
      const path = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]);
      const quoteWei = await quoteExactInput(ctx, path, amountInWei);
      await (await wethAs(ctx, vault).approve(addr.adapter, amountInWei)).wait();
      await expect(
        adapter.swap(addr.weth, addr.usdc, amountInWei, quoteWei + 1n, await deadlineIn(600), path),
      ).to.be.revertedWith("Too little received");
    });

    it("an expired deadline reverts in the router ('Transaction too old')", async () => {
      const { ctx, adapter, vault, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const amountInWei = parseEther("1");
      const path = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]);
      await (await wethAs(ctx, vault).approve(addr.adapter, amountInWei)).wait();
      await expect(adapter.swap(addr.weth, addr.usdc, amountInWei, 0n, await deadlineIn(-1), path)).to.be.revertedWith(
        "Transaction too old",
      );
    });

    it("a path that does not trade tokenIn for tokenOut reverts with PathMismatch", async () => {
      const { adapter, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const path = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]);
      await expect(adapter.swap(addr.usdc, addr.weth, 1n, 0n, await deadlineIn(600), path))
        .to.be.revertedWithCustomError(adapter, "PathMismatch")
        .withArgs(addr.usdc, addr.weth, addr.weth, addr.usdc);
      // right start, wrong end
      const twoHop = encodePath([addr.wbtc, addr.usdc, addr.weth], [FeeAmount.MEDIUM, FeeAmount.LOW]);
      await expect(adapter.swap(addr.wbtc, addr.usdc, 1n, 0n, await deadlineIn(600), twoHop))
        .to.be.revertedWithCustomError(adapter, "PathMismatch")
        .withArgs(addr.wbtc, addr.usdc, addr.wbtc, addr.weth);
    });

    it("a path whose length is not 20 + 23k (k >= 1) reverts with MalformedPath", async () => {
      const { adapter, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const path = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]); // 43 bytes
      const truncated = path.slice(0, -2); // 42 bytes
      await expect(adapter.swap(addr.weth, addr.usdc, 1n, 0n, await deadlineIn(600), truncated))
        .to.be.revertedWithCustomError(adapter, "MalformedPath")
        .withArgs(42n);
      await expect(adapter.swap(addr.weth, addr.weth, 1n, 0n, await deadlineIn(600), addr.weth))
        .to.be.revertedWithCustomError(adapter, "MalformedPath")
        .withArgs(20n);
    });

    it("a zero amountIn reverts with ZeroAmount", async () => {
      const { adapter, addr } = await networkHelpers.loadFixture(uniswapFixture);
      const path = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]);
      await expect(
        adapter.swap(addr.weth, addr.usdc, 0n, 0n, await deadlineIn(600), path),
      ).to.be.revertedWithCustomError(adapter, "ZeroAmount");
    });
  });

  it("a price-moving swap (sandwich front-run) moves poolPrice and worsens the next buyer's quote", async () => {
    const { ctx, addr } = await networkHelpers.loadFixture(uniswapFixture);
    const [, , attacker] = await ethers.getSigners();
    const usdcToken = await ethers.getContractAt("MockERC20", addr.usdc);
    await usdcToken.mint(attacker.address, parseUnits("180000", 6));

    const sellEth = encodePath([addr.weth, addr.usdc], [FeeAmount.LOW]);
    const buyEth = encodePath([addr.usdc, addr.weth], [FeeAmount.LOW]);
    const victimQuoteBeforeWei = await quoteExactInput(ctx, buyEth, parseUnits("3000", 6));
    const priceBefore = await poolPrice(ctx, addr.weth, addr.usdc, FeeAmount.LOW);

    // Buying ETH with USDC pushes the ETH price up ...
    const wethOutWei = await swapExactInput(ctx, buyEth, parseUnits("180000", 6), { signer: attacker });
    expect(wethOutWei).to.be.above(0n);
    const priceAfterBuy = await poolPrice(ctx, addr.weth, addr.usdc, FeeAmount.LOW);
    // 180k USDC into a 900k USDC full-range pool: sqrt price up ~20%, price up ~44%
    expect(priceAfterBuy / priceBefore).to.be.within(1.4, 1.5);
    const victimQuoteAfterWei = await quoteExactInput(ctx, buyEth, parseUnits("3000", 6));
    expect(victimQuoteAfterWei).to.be.below(victimQuoteBeforeWei);

    // ... and selling it back pushes it down again (less the fees both ways).
    await swapExactInput(ctx, sellEth, wethOutWei, { signer: attacker });
    const priceAfterSell = await poolPrice(ctx, addr.weth, addr.usdc, FeeAmount.LOW);
    expect(relativeError(priceAfterSell, priceBefore)).to.be.below(1e-3);
  });
});
