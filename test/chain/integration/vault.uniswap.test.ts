/**
 * The vault end to end on a local chain with the REAL Uniswap V3 bytecode (factory, pools, SwapRouter from npm
 * artifacts), a TimelockController as governor, and stand-in feeds/tokens: deposits, a keeper rebalance through the
 * real router, a sandwiched pool that the oracle-derived min-out refuses, stale oracles, in-kind exit, and governance
 * through the timelock (including a too-early execute that fails).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deployLocalStack, type LocalStack } from "../../../scripts/lib/localStack.ts";
import { toUnits } from "../../../scripts/lib/units.ts";
import { quoteExactInput, swapExactInput, poolPrice } from "../../../scripts/replica/uniswapV3.ts";

const { ethers, networkHelpers } = await network.create();

const USDC = (n: number) => toUnits(n, 6);

describe("BallastVault on real Uniswap V3 bytecode", function () {
  let s: LocalStack;
  let alice: Awaited<ReturnType<typeof ethers.getSigners>>[number];
  let attacker: Awaited<ReturnType<typeof ethers.getSigners>>[number];

  /** Trade with min-out at the vault's oracle floor (maxSlippageBps below the oracle-implied output). */
  async function oracleTrade(tokenIn: string, tokenOut: string, amountIn: bigint, path: string) {
    const budget = await s.lens.budget(await s.vault.getAddress());
    const price = (token: string) =>
      token === budget.baseAsset ? budget.base : budget.assets.find((a) => a.asset === token)!;
    const pin = price(tokenIn);
    const pout = price(tokenOut);
    const dIn = (await s.vault.priceSource(tokenIn)).tokenDecimals;
    const dOut = (await s.vault.priceSource(tokenOut)).tokenDecimals;
    const expected = (amountIn * pin.priceWad * 10n ** dOut) / (pout.priceWad * 10n ** dIn);
    const minAmountOut = (expected * (10_000n - budget.params.maxSlippageBps) + 9_999n) / 10_000n;
    return { adapter: await s.adapter.getAddress(), tokenIn, tokenOut, amountIn, minAmountOut, data: path };
  }

  async function deadline() {
    return BigInt(await networkHelpers.time.latest()) + 600n;
  }

  beforeEach(async function () {
    s = await deployLocalStack(ethers);
    [, , , , alice, attacker] = await ethers.getSigners();
    await s.usdc.mint(alice.address, USDC(1_000_000));
    await s.usdc.connect(alice).approve(await s.vault.getAddress(), ethers.MaxUint256);
    await s.vault.connect(alice).deposit(USDC(1_000_000), alice.address);
  });

  it("deposits at oracle NAV and previews the shares exactly", async function () {
    const preview = await s.vault.previewDeposit(USDC(1_000));
    await s.usdc.mint(alice.address, USDC(1_000));
    await expect(s.vault.connect(alice).deposit(USDC(1_000), alice.address))
      .to.emit(s.vault, "Deposit")
      .withArgs(alice.address, alice.address, USDC(1_000), preview);
    expect(await s.vault.totalAssets()).to.equal(USDC(1_001_000));
  });

  it("rebalances through the real SwapRouter and leaves the budget satisfied", async function () {
    const trades = [
      await oracleTrade(await s.usdc.getAddress(), await s.weth.getAddress(), USDC(300_000), s.paths.usdcToWeth),
      await oracleTrade(await s.usdc.getAddress(), await s.wbtc.getAddress(), USDC(150_000), s.paths.usdcToWbtc),
    ];
    const quotedWeth = await quoteExactInput(s.uniswap, s.paths.usdcToWeth, USDC(300_000));
    const planId = ethers.id("plan-1");
    await expect(s.vault.connect(s.keeper).rebalance(trades, planId, await deadline())).to.emit(s.vault, "Rebalanced");
    expect(await s.weth.balanceOf(await s.vault.getAddress())).to.equal(quotedWeth);

    const b = await s.lens.budget(await s.vault.getAddress());
    expect(b.pricesOk).to.equal(true);
    // Fees (0.05 % and 0.3 %) and impact cost a little NAV, well inside the 1 % slippage cap per trade.
    expect(b.nav).to.be.lessThan(USDC(1_000_000));
    expect(b.nav).to.be.greaterThan(USDC(997_000));
    for (const a of b.assets) expect(a.valueBase * 10_000n).to.be.at.most(BigInt(a.maxWeightBps) * b.nav);
    expect(b.base.balance * 10_000n).to.be.at.least(BigInt(b.params.minIdleBps) * b.nav);
    expect(b.windowTurnoverPpm).to.equal(450_000n);
    expect(b.windowSlippagePpm).to.be.greaterThan(0n);
    // The adapter keeps nothing and no allowance remains.
    expect(await s.weth.balanceOf(await s.adapter.getAddress())).to.equal(0n);
    expect(await s.usdc.allowance(await s.vault.getAddress(), await s.adapter.getAddress())).to.equal(0n);
    // A replayed plan is refused.
    await networkHelpers.time.increase(3_600);
    await expect(s.vault.connect(s.keeper).rebalance(trades, planId, await deadline()))
      .to.be.revertedWithCustomError(s.vault, "PlanAlreadyExecuted")
      .withArgs(planId);
  });

  it("refuses a sandwiched pool: min-out comes from the oracle, not the pool", async function () {
    const trade = await oracleTrade(
      await s.usdc.getAddress(),
      await s.weth.getAddress(),
      USDC(200_000),
      s.paths.usdcToWeth,
    );
    // The attacker front-runs: buys WETH, pushing the pool 3 % above the oracle.
    await s.usdc.mint(attacker.address, USDC(5_000_000));
    const before = await poolPrice(s.uniswap, await s.weth.getAddress(), await s.usdc.getAddress(), s.fees.WETH);
    await swapExactInput(s.uniswap, s.paths.usdcToWeth, USDC(3_000_000), { signer: attacker });
    const after = await poolPrice(s.uniswap, await s.weth.getAddress(), await s.usdc.getAddress(), s.fees.WETH);
    expect(after / before).to.be.greaterThan(1.025);
    const navBefore = await s.vault.totalAssets();
    await expect(
      s.vault.connect(s.keeper).rebalance([trade], ethers.id("sandwiched"), await deadline()),
    ).to.be.revertedWith("Too little received");
    expect(await s.vault.totalAssets()).to.equal(navBefore);
    expect(await s.weth.balanceOf(await s.vault.getAddress())).to.equal(0n);
  });

  it("decodes every risk-limit error from the vault's own ABI, including the linked library's", async function () {
    const names: string[] = [];
    s.vault.interface.forEachError((e) => names.push(e.name));
    for (const e of ["WeightAboveCap", "ProtocolExposureAboveCap", "IdleBelowMin", "TurnoverAboveCap", "StalePrice"]) {
      expect(names).to.include(e);
    }
    await s.vault.connect(s.guardian).tightenAssetCap(await s.weth.getAddress(), 1_000);
    const trade = await oracleTrade(
      await s.usdc.getAddress(),
      await s.weth.getAddress(),
      USDC(150_000),
      s.paths.usdcToWeth,
    );
    await expect(s.vault.connect(s.keeper).rebalance([trade], ethers.id("too-much-weth"), await deadline()))
      .to.be.revertedWithCustomError(s.vault, "WeightAboveCap")
      .withArgs(await s.weth.getAddress(), (v: bigint) => v > 1_000n, 1_000n);
  });

  it("refuses a min-out below the vault's oracle floor before touching the pool", async function () {
    const trade = await oracleTrade(
      await s.usdc.getAddress(),
      await s.weth.getAddress(),
      USDC(1_000),
      s.paths.usdcToWeth,
    );
    const loose = { ...trade, minAmountOut: trade.minAmountOut - 1n };
    await expect(
      s.vault.connect(s.keeper).rebalance([loose], ethers.id("loose"), await deadline()),
    ).to.be.revertedWithCustomError(s.vault, "SlippageAboveCap");
  });

  it("blocks deposits and rebalances on a stale feed, while redeemInKind still pays out", async function () {
    const trade = await oracleTrade(
      await s.usdc.getAddress(),
      await s.weth.getAddress(),
      USDC(100_000),
      s.paths.usdcToWeth,
    );
    await s.vault.connect(s.keeper).rebalance([trade], ethers.id("p"), await deadline());
    await networkHelpers.time.increase(86_401); // the ETH feed is now older than its 1-day limit
    await s.feeds.USDC.setAnswer(100_000_000n);
    await expect(s.vault.connect(alice).deposit(USDC(1), alice.address)).to.be.revertedWithCustomError(
      s.vault,
      "StalePrice",
    );
    const shares = (await s.vault.balanceOf(alice.address)) / 10n;
    const wethHeld = await s.weth.balanceOf(await s.vault.getAddress());
    const supply = (await s.vault.totalSupply()) + 10n ** 6n;
    await s.vault.connect(alice).redeemInKind(shares, alice.address, alice.address);
    expect(await s.weth.balanceOf(alice.address)).to.equal((wethHeld * shares) / supply);
  });

  it("loosens a limit only through the timelock; an early execute fails; the guardian tightens at once", async function () {
    const vaultAddress = await s.vault.getAddress();
    const wethAddress = await s.weth.getAddress();
    const data = s.vault.interface.encodeFunctionData("setAssetCap", [wethAddress, 8_000]);
    const salt = ethers.id("raise-weth-cap");
    const delay = await s.timelock.getMinDelay();
    await s.timelock.connect(s.proposer).schedule(vaultAddress, 0, data, ethers.ZeroHash, salt, delay);
    await expect(
      s.timelock.connect(s.proposer).execute(vaultAddress, 0, data, ethers.ZeroHash, salt),
    ).to.be.revertedWithCustomError(s.timelock, "TimelockUnexpectedOperationState");
    // Nobody else can loosen directly, not even the deployer any more.
    await expect(s.vault.setAssetCap(wethAddress, 8_000)).to.be.revertedWithCustomError(
      s.vault,
      "AccessControlUnauthorizedAccount",
    );
    await networkHelpers.time.increase(delay);
    await s.timelock.connect(s.proposer).execute(vaultAddress, 0, data, ethers.ZeroHash, salt);
    expect((await s.vault.assetRisk(wethAddress)).maxWeightBps).to.equal(8_000n);

    await s.vault.connect(s.guardian).tightenAssetCap(wethAddress, 2_000);
    expect((await s.vault.assetRisk(wethAddress)).maxWeightBps).to.equal(2_000n);
    await expect(s.vault.connect(s.guardian).tightenAssetCap(wethAddress, 2_001))
      .to.be.revertedWithCustomError(s.vault, "NotATightening")
      .withArgs(ethers.encodeBytes32String("maxWeightBps"), 2_000n, 2_001n);
  });
});
