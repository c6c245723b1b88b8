/**
 * The fork suite: deposit, one full keeper rebalance, a governance change through the timelock, and both position
 * modules (Uniswap V3 liquidity on the canonical position manager, an Aave V3 account), on a Hardhat network FORKED
 * from an upstream at the canonical mainnet addresses (scripts/lib/addressBook.ts), through the generated typechain
 * bindings.
 *
 *   MAINNET_RPC_URL=https://… npx hardhat test mocha test/chain/fork/fork.test.ts   # mainnet at PINNED_BLOCK
 *   npx hardhat test mocha test/chain/fork/fork.test.ts                              # the local replica (CI)
 *
 * Without MAINNET_RPC_URL the before() hook starts a `hardhat node` on 127.0.0.1, deploys the canonical replica on it
 * and forks that node; after() stops the node whatever the tests did. See docs/fork.md.
 */
import { expect } from "chai";
import { Contract, getAddress, type ContractTransactionReceipt } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AggregatorV3Interface__factory,
  MockERC20__factory,
  type MockERC20,
} from "../../../types/ethers-contracts/index.js";
import { MAINNET, WHALES } from "../../../scripts/lib/addressBook.ts";
import { fromWad, oracleMinOut, toUnits } from "../../../scripts/lib/units.ts";
import { lpOracleSqrtPriceX96 } from "../../../scripts/lib/lpModule.ts";
import { accountData } from "../../../scripts/replica/aaveV3.ts";
import {
  bookEnvFromDeployment,
  hedgeSteps,
  openLpSteps,
  readBook,
  type PlanStep,
} from "../../../scripts/keeper/book.ts";
import { parseKeeperConfig } from "../../../scripts/keeper/config.ts";
import { createKeeperContext } from "../../../scripts/keeper/context.ts";
import { runCycle } from "../../../scripts/keeper/cycle.ts";
import { bind, execute, listOperations, parseChange, propose } from "../../../scripts/governance/ops.ts";
import { devWallet } from "../keeper/harness.ts";
import { openFork, openUpstream, type Upstream } from "./harness.ts";
import { deployForkStack, FORK_TIMELOCK_DELAY, type ForkStack } from "./stack.ts";

const DEPOSIT_USDC = 200_000;
/** USD of each token the LP module puts into its WETH/USDC position. */
const LP_USD_EACH = 5_000;
/** The Aave plan: USDC supplied as collateral, and the USD value of the WETH borrowed and sold for USDC. */
const AAVE_SUPPLY_USDC = 40_000;
const AAVE_BORROW_USD = 10_000;
const Q96 = 2n ** 96n;
const Q192 = 2n ** 192n;
const MAX_UINT128 = 2n ** 128n - 1n;
const POOL_ABI = [
  "function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)",
  "function tickSpacing() view returns (int24)",
];
const NPM_ABI = [
  "function ownerOf(uint256) view returns (address)",
  "function positions(uint256) view returns (uint96 nonce, address operator, address token0, address token1, uint24 fee, int24 tickLower, int24 tickUpper, uint128 liquidity, uint256, uint256, uint128 tokensOwed0, uint128 tokensOwed1)",
  "function decreaseLiquidity((uint256 tokenId, uint128 liquidity, uint256 amount0Min, uint256 amount1Min, uint256 deadline)) returns (uint256 amount0, uint256 amount1)",
  "function collect((uint256 tokenId, address recipient, uint128 amount0Max, uint128 amount1Max)) returns (uint256 amount0, uint256 amount1)",
];

/** The Aave V3 Pool of the upstream: mainnet's canonical proxy, or the one the replica deployed at its own address. */
function aavePoolOf(up: Upstream): string {
  if (up.kind === "mainnet") return MAINNET.aaveV3.pool;
  if (!up.replica) throw new Error("replica upstream without its replica record");
  return up.replica.aave.pool;
}

/**
 * Oracle prices (WAD, token0 then token1) that imply exactly the pool sqrt price `s` through the module's
 * `oracleSqrtPriceX96`: the smallest token0 price reaching s² at a token1 price of 10^k (k grows until token0's price
 * has enough digits). Only the amounts computed at them are used, never their USD scale.
 */
function pricesImplying(s: bigint, decimals: [number, number]): [bigint, bigint] {
  const [d0, d1] = decimals.map((d) => 10n ** BigInt(d));
  for (let k = 36n; k <= 54n; k += 6n) {
    const price1Wad = 10n ** k;
    const num = s * s * price1Wad * d0;
    const den = Q192 * d1;
    const price0Wad = (num + den - 1n) / den;
    if (lpOracleSqrtPriceX96(price0Wad, price1Wad, decimals[0], decimals[1]) === s) return [price0Wad, price1Wad];
  }
  throw new Error(`no oracle prices imply sqrtPriceX96 ${s}`);
}

/** |actual − expected| ≤ tolerance, for floats (the chai matchers' closeTo wants integers). */
function expectNear(actual: number, expected: number, tolerance: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected} (±${tolerance})`).to.be.at.most(tolerance);
}

/** Value in WAD USD of base-unit `amounts` of two tokens at `pricesWad`. */
function valueWad(amounts: readonly bigint[], pricesWad: readonly bigint[], decimals: readonly number[]): bigint {
  return amounts.reduce((sum, a, i) => sum + (a * pricesWad[i]) / 10n ** BigInt(decimals[i]), 0n);
}

describe(`fork suite (${process.env.MAINNET_RPC_URL ? "mainnet" : "local replica"} upstream)`, function () {
  this.timeout(180_000);
  let up: Upstream | undefined;
  let conn: Awaited<ReturnType<typeof openFork>>;
  let ethers: HardhatEthers;
  let s: ForkStack;
  let depositor: HardhatEthersSigner;
  let usdc: MockERC20; // the ERC-20 surface of MockERC20 binds any ERC-20 (real USDC on mainnet)

  /** Impersonates `whale`, gives it gas money, and transfers `amount` of `token` to `to`. */
  async function fromWhale(token: string, whale: string, to: string, amount: bigint) {
    await ethers.provider.send("hardhat_impersonateAccount", [whale]);
    await ethers.provider.send("hardhat_setBalance", [whale, "0x56BC75E2D63100000"]); // 100 ETH for gas
    const erc20 = MockERC20__factory.connect(token, await ethers.getSigner(whale));
    const held = await erc20.balanceOf(whale);
    if (held < amount) throw new Error(`whale ${whale} holds ${held} of ${token}, the suite needs ${amount}`);
    await (await erc20.transfer(to, amount)).wait();
    await ethers.provider.send("hardhat_stopImpersonatingAccount", [whale]);
  }

  before(async function () {
    up = await openUpstream();
    conn = await openFork(up);
    ethers = conn.ethers;
    s = await deployForkStack(ethers, aavePoolOf(up));
    depositor = (await ethers.getSigners())[4];
    usdc = MockERC20__factory.connect(MAINNET.tokens.USDC, depositor);
  });

  after(async function () {
    await conn?.close();
    await up?.stop();
  });

  it("sees the canonical contracts: tokens' decimals, pools at their CREATE2 addresses, live feeds", async function () {
    for (const symbol of ["USDC", "WETH", "WBTC"] as const) {
      const token = MockERC20__factory.connect(MAINNET.tokens[symbol], ethers.provider);
      expect(Number(await token.decimals())).to.equal(MAINNET.decimals[symbol]);
    }
    const factory = new ethers.Contract(
      MAINNET.uniswapV3.factory,
      ["function getPool(address,address,uint24) view returns (address)"],
      ethers.provider,
    );
    expect(getAddress(await factory.getPool(MAINNET.tokens.WETH, MAINNET.tokens.USDC, 500))).to.equal(
      MAINNET.pools.WETH_USDC_500,
    );
    expect(getAddress(await factory.getPool(MAINNET.tokens.WBTC, MAINNET.tokens.USDC, 3000))).to.equal(
      MAINNET.pools.WBTC_USDC_3000,
    );
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    for (const feed of Object.values(MAINNET.feeds)) {
      const agg = AggregatorV3Interface__factory.connect(feed, ethers.provider);
      expect(Number(await agg.decimals())).to.equal(8);
      const r = await agg.latestRoundData();
      expect(r.answer > 0n).to.equal(true);
      expect(now - Number(r.updatedAt)).to.be.lessThan(90_000); // within the heartbeat (+1 h)
    }
    const budget = await s.lens.budget(await s.vault.getAddress());
    expect(budget.assets.map((a) => getAddress(a.asset))).to.deep.equal([MAINNET.tokens.WETH, MAINNET.tokens.WBTC]);
  });

  it("funds from impersonated whales and deposits USDC", async function () {
    const amount = toUnits(DEPOSIT_USDC, 6);
    await fromWhale(MAINNET.tokens.USDC, WHALES.USDC, depositor.address, amount);
    await fromWhale(MAINNET.tokens.WETH, WHALES.WETH, depositor.address, toUnits(1, 18));
    await fromWhale(MAINNET.tokens.WBTC, WHALES.WBTC, depositor.address, toUnits(0.1, 8));
    const vault = s.vault.connect(depositor);
    await (await usdc.approve(await vault.getAddress(), amount)).wait();
    const shares = await vault.previewDeposit(amount);
    await (await vault.deposit(amount, depositor.address)).wait();
    expect(await vault.balanceOf(depositor.address)).to.equal(shares);
    expect(await vault.totalAssets()).to.be.closeTo(amount, amount / 1_000n);
  });

  it("runs one full keeper cycle (read → optimize → plan → simulate → send → confirm) through the real router", async function () {
    const lines: string[] = [];
    const signer = devWallet(2).connect(ethers.provider as never);
    expect(signer.address).to.equal(s.keeper.address);
    const ctx = await createKeeperContext({
      config: parseKeeperConfig({
        targets: { USDC: 0.4, WETH: 0.35, WBTC: 0.25 },
        journalPath: ":memory:",
        confirmTimeoutSeconds: 30,
      }),
      deployment: s.deployment,
      provider: ethers.provider as never,
      signer: signer as never,
      log: (line) => lines.push(line),
    });
    const r = await runCycle(ctx);
    expect(r.outcome, lines.join("\n")).to.equal("confirmed");
    expect(await s.vault.planExecuted(r.plan!.planId)).to.equal(true);
    expect(ctx.journal.steps(r.plan!.planId).map((x) => x.step)).to.deep.equal([
      "planned",
      "simulated",
      "signed",
      "sent",
      "confirmed",
    ]);
    const weth = MockERC20__factory.connect(MAINNET.tokens.WETH, ethers.provider);
    const wbtc = MockERC20__factory.connect(MAINNET.tokens.WBTC, ethers.provider);
    const vault = await s.vault.getAddress();
    expect(await weth.balanceOf(vault)).to.be.greaterThan(0n);
    expect(await wbtc.balanceOf(vault)).to.be.greaterThan(0n);
    const post = r.post!;
    for (const a of post.assets) {
      expect(Number((a.valueBase * 10_000n) / post.navBase)).to.be.at.most(a.maxWeightBps);
    }
    if (process.env.KEEPER_DEBUG) console.log(lines.join("\n"));
  });

  it("changes a risk parameter through the timelock (too early fails, after the delay succeeds)", async function () {
    const gov = bind(s.deployment, s.proposer);
    const lines: string[] = [];
    const { opId, readyAt } = await propose(gov, parseChange("maxTurnoverBps=6000"), (l) => lines.push(l), "fork");
    expect(lines[0]).to.equal(
      `propose: RiskParams.maxTurnoverBps: 5000 → 6000 (executable after ${FORK_TIMELOCK_DELAY} s)`,
    );
    await expect(execute(gov, opId, () => {})).to.be.revertedWithCustomError(
      s.timelock,
      "TimelockUnexpectedOperationState",
    );
    await conn.networkHelpers.time.increaseTo(readyAt);
    await execute(gov, opId, (l) => lines.push(l));
    expect((await s.vault.riskParams()).maxTurnoverBps).to.equal(6_000n);
    expect((await listOperations(gov)).find((o) => o.opId === opId)?.state).to.equal("done");
  });

  // ───────────── the position modules (issue #7): both on the upstream's real Uniswap V3 and Aave V3 ─────────────

  /** The vault's oracle price (WAD) of each token, failing on an unusable one. */
  async function oraclePricesWad(tokens: readonly string[]): Promise<bigint[]> {
    const out: bigint[] = [];
    for (const t of tokens) {
      const r = await s.vault.tryPriceWad(t);
      expect(r.ok, `oracle price of ${t}`).to.equal(true);
      out.push(r.priceWad_);
    }
    return out;
  }

  /** Moves the clock past the vault's rebalance cooldown (the fork's staleness limits include this: stack.ts). */
  async function waitOutCooldown() {
    const { cooldownSeconds } = await s.vault.riskParams();
    await conn.networkHelpers.time.increase(Number(cooldownSeconds) + 1);
  }

  /** One keeper rebalance of `steps`, signed by the stack's keeper. */
  async function keeperRebalance(steps: PlanStep[], label: string): Promise<ContractTransactionReceipt> {
    const deadline = BigInt(await conn.networkHelpers.time.latest()) + 600n;
    const planId = ethers.id(`fork:${label}:${deadline}`);
    const tx = await s.vault.connect(s.keeper).rebalance(steps, planId, deadline);
    const receipt = (await tx.wait())!;
    expect(await s.vault.planExecuted(planId)).to.equal(true);
    return receipt;
  }

  it("LP module: a keeper rebalance (FUND + MINT) opens a WETH/USDC 0.05 % position on the canonical position manager, valued at the oracle in agreement with the manager", async function () {
    await waitOutCooldown();
    const env = await bookEnvFromDeployment(s.vault, s.deployment, ethers.provider, ethers.provider);
    const lp = s.liquidity;
    const lpAddress = await lp.getAddress();
    expect(await env.book.liquidity.getAddress()).to.equal(lpAddress); // the keeper finds it through vault.modules()
    const [t0, t1] = [getAddress(await lp.token0()), getAddress(await lp.token1())];
    expect([t0, t1]).to.deep.equal([MAINNET.tokens.USDC, MAINNET.tokens.WETH]); // Uniswap's order: USDC < WETH
    const decimals: [number, number] = [MAINNET.decimals.USDC, MAINNET.decimals.WETH];

    // A range of about ×½ … ×2 around the pool's own tick: in range at any oracle price the vault accepts.
    const pool = new Contract(MAINNET.pools.WETH_USDC_500, POOL_ABI, ethers.provider);
    const spacing = Number(await pool.tickSpacing());
    const center = Math.floor(Number((await pool.slot0()).tick) / spacing) * spacing;
    const [tickLower, tickUpper] = [center - 6_930, center + 6_930];
    const oracle = await oraclePricesWad([t0, t1]);
    const amount0 = toUnits(LP_USD_EACH, decimals[0]);
    const amount1 = oracleMinOut(amount0, oracle[0], decimals[0], oracle[1], decimals[1], 0).expectedOut;
    const steps = await openLpSteps(env, { fee: MAINNET.poolFees.WETH, tickLower, tickUpper, amount0, amount1 });
    expect(steps.map((x) => x.adapter)).to.deep.equal([lpAddress, lpAddress]);

    const navBefore = await s.vault.totalAssets();
    const receipt = await keeperRebalance(steps, "lp-mint");
    const minted = receipt.logs
      .filter((l) => getAddress(l.address) === lpAddress)
      .map((l) => lp.interface.parseLog(l))
      .find((e) => e?.name === "PositionMinted");
    expect(minted, "PositionMinted").to.not.equal(undefined);
    const tokenId = minted!.args.tokenId as bigint;
    expect(await lp.positionIds()).to.deep.equal([tokenId]);

    const npm = new Contract(MAINNET.uniswapV3.positionManager, NPM_ABI, ethers.provider);
    expect(getAddress(await npm.ownerOf(tokenId))).to.equal(lpAddress);
    const position = await npm.positions(tokenId);
    expect([getAddress(position.token0), getAddress(position.token1), Number(position.fee)]).to.deep.equal([
      t0,
      t1,
      MAINNET.poolFees.WETH,
    ]);
    expect([Number(position.tickLower), Number(position.tickUpper)]).to.deep.equal([tickLower, tickUpper]);
    const liquidity = position.liquidity as bigint;
    expect(liquidity > 0n).to.equal(true);
    expect(await MockERC20__factory.connect(t0, ethers.provider).balanceOf(lpAddress)).to.equal(0n); // idle returned
    expect(await MockERC20__factory.connect(t1, ethers.provider).balanceOf(lpAddress)).to.equal(0n);

    // The position manager's own numbers, as the module (the NFT's owner) would get them now: principal at the
    // pool's price (decreaseLiquidity) and fees (collect), by eth_call from the module's address.
    const asModule = async (method: string, args: unknown[]) =>
      npm.interface.decodeFunctionResult(
        method,
        await ethers.provider.call({
          to: MAINNET.uniswapV3.positionManager,
          from: lpAddress,
          data: npm.interface.encodeFunctionData(method, args),
        }),
      );
    const deadline = BigInt(await conn.networkHelpers.time.latest()) + 600n;
    const [p0, p1] = await asModule("decreaseLiquidity", [
      { tokenId, liquidity, amount0Min: 0n, amount1Min: 0n, deadline },
    ]);
    const [f0, f1] = await asModule("collect", [
      { tokenId, recipient: lpAddress, amount0Max: MAX_UINT128, amount1Max: MAX_UINT128 },
    ]);
    const manager = [(p0 as bigint) + (f0 as bigint), (p1 as bigint) + (f1 as bigint)];
    expect(manager[0] > 0n && manager[1] > 0n, "both tokens in the position").to.equal(true);

    // 1. At prices implying the pool's own sqrt price, the module's report is the manager's amounts to the wei.
    const poolSqrt = (await pool.slot0()).sqrtPriceX96 as bigint;
    const atPool = await lp.report(pricesImplying(poolSqrt, decimals));
    expect([...atPool.longAmounts]).to.deep.equal(manager);

    // 2. At the vault's oracle prices (what NAV uses) the amounts differ from the manager's when the oracle and the
    // pool disagree (on mainnet they do; on the replica the keeper cycle moved the pool a little). In value, at the
    // oracle, the manager's amounts are worth MORE than the report by exactly the divergence loss of the range:
    // L·(√p − √q)²/√q token1 units (p oracle, q pool), which is ≥ 0 and second order in the price gap.
    const report = await lp.report(oracle);
    expect([...report.debtAmounts]).to.deep.equal([0n, 0n]);
    const reportWad = valueWad(report.longAmounts, oracle, decimals);
    const managerWad = valueWad(manager, oracle, decimals);
    const sp = Number(lpOracleSqrtPriceX96(oracle[0], oracle[1], ...decimals)) / Number(Q96);
    const sq = Number(poolSqrt) / Number(Q96);
    const divergenceUsd = ((Number(liquidity) * (sp - sq) ** 2) / sq / 10 ** decimals[1]) * fromWad(oracle[1]);
    const gapUsd = fromWad(managerWad - reportWad);
    const positionUsd = fromWad(reportWad);
    expect(positionUsd).to.be.within(2 * LP_USD_EACH * 0.9, 2 * LP_USD_EACH * 1.1);
    // Rounding: a few base units of each token (1e-6 USDC, 1e-18 WETH) plus float error on the formula.
    expectNear(gapUsd, divergenceUsd, 1e-5 + divergenceUsd * 1e-6, "value gap at the oracle (USD)");
    expect(Math.abs(sp / sq - 1), "oracle vs pool sqrt price").to.be.lessThan(0.01);

    // 3. The vault paid the pool's amounts and now holds the position at the oracle: NAV fell by that same gap.
    const navAfter = await s.vault.totalAssets();
    const [usdcPrice] = await oraclePricesWad([MAINNET.tokens.USDC]);
    const gapBase = Number(((managerWad - reportWad) * 10n ** BigInt(decimals[0])) / usdcPrice);
    expectNear(Number(navBefore - navAfter), gapBase, 10, "NAV change (base units)");

    // The keeper reads the position back as the optimizer's LP position.
    const book = await readBook(env);
    expect(book.lpIds).to.deep.equal([tokenId]);
    const read = book.positions.find((x) => x.kind === "uniswapV3");
    expect(read && read.kind === "uniswapV3" ? [read.tickLower, read.tickUpper] : []).to.deep.equal([
      tickLower,
      tickUpper,
    ]);
  });

  it("Aave module: a keeper rebalance supplies USDC, borrows WETH and sells it through the canonical router; Aave's health factor holds the vault's floor and NAV falls by the swap's slippage only", async function () {
    await waitOutCooldown();
    const env = await bookEnvFromDeployment(s.vault, s.deployment, ethers.provider, ethers.provider);
    const lending = s.lending;
    const lendingAddress = await lending.getAddress();
    expect(await env.book.lending.getAddress()).to.equal(lendingAddress);
    expect(getAddress(await lending.pool())).to.equal(getAddress(s.aavePool));
    // The Pool is the one its addresses provider names (mainnet: the book's canonical pair).
    const provider = new Contract(
      await new Contract(
        s.aavePool,
        ["function ADDRESSES_PROVIDER() view returns (address)"],
        ethers.provider,
      ).ADDRESSES_PROVIDER(),
      ["function getPool() view returns (address)"],
      ethers.provider,
    );
    expect(getAddress(await provider.getPool())).to.equal(getAddress(s.aavePool));
    if (up!.kind === "mainnet")
      expect(getAddress(await provider.getAddress())).to.equal(MAINNET.aaveV3.addressesProvider);
    const pool = new Contract(
      s.aavePool,
      ["function getUserAccountData(address) view returns (uint256,uint256,uint256,uint256,uint256,uint256)"],
      ethers.provider,
    );
    expect((await accountData(pool, lendingAddress)).totalDebtUsdE8).to.equal(0n);

    const tokens = [...(await lending.tokens())].map((t) => getAddress(t));
    expect(tokens).to.deep.equal([MAINNET.tokens.USDC, MAINNET.tokens.WETH, MAINNET.tokens.WBTC]);
    const prices = await oraclePricesWad(tokens);
    const ethUsd = fromWad(prices[1]);
    const borrowWeth = Number((AAVE_BORROW_USD / ethUsd).toFixed(6));
    const params = await s.vault.riskParams();
    const steps = await hedgeSteps(
      env,
      [
        { kind: "supply", positionIndex: 0, asset: "USDC", amountToken: AAVE_SUPPLY_USDC, reason: "fork" },
        { kind: "borrow", positionIndex: 0, asset: "WETH", amountToken: borrowWeth, reason: "fork" },
        {
          kind: "swap",
          assetIn: "WETH",
          amountInToken: borrowWeth,
          assetOut: "USDC",
          amountOutToken: borrowWeth * ethUsd,
          reason: "fork",
        },
      ],
      Number(params.maxSlippageBps),
    );
    expect(steps.map((x) => x.adapter)).to.deep.equal([lendingAddress, lendingAddress, s.deployment.contracts.adapter]);
    const borrowWei = toUnits(borrowWeth, 18);
    const swap = steps[2];
    const floor = oracleMinOut(borrowWei, prices[1], 18, prices[0], 6, Number(params.maxSlippageBps));
    expect([swap.amountIn, swap.minAmountOut]).to.deep.equal([borrowWei, floor.minAmountOut]); // oracle-floored

    const vaultAddress = await s.vault.getAddress();
    const weth = MockERC20__factory.connect(MAINNET.tokens.WETH, ethers.provider);
    const usdcBefore = await usdc.balanceOf(vaultAddress);
    const wethBefore = await weth.balanceOf(vaultAddress);
    // The LP position of the previous test sits in the pool the swap goes through: it earns part of the swap's fee.
    const lpPrices = [prices[0], prices[1]]; // the LP module's tokens: USDC, WETH
    const lpValueBase = async () =>
      (valueWad((await s.liquidity.report(lpPrices)).longAmounts, lpPrices, [6, 18]) * 10n ** 6n) / prices[0];
    const lpBefore = await lpValueBase();
    const navBefore = await s.vault.totalAssets();
    await keeperRebalance(steps, "aave-hedge");
    const navAfter = await s.vault.totalAssets();
    const lpFeesBase = (await lpValueBase()) - lpBefore;

    // What the swap paid: the vault's USDC moved by −supplied + received, its WETH by +borrowed − sold = 0.
    const supplied = toUnits(AAVE_SUPPLY_USDC, 6);
    const received = (await usdc.balanceOf(vaultAddress)) - usdcBefore + supplied;
    expect(await weth.balanceOf(vaultAddress)).to.equal(wethBefore);
    expect(received >= floor.minAmountOut).to.equal(true);

    // Aave's account: the module's report is Aave's own health factor, at or above the vault's floor.
    const acct = await accountData(pool, lendingAddress);
    const report = await lending.report(prices);
    expect(report.healthFactorWad).to.equal(acct.healthFactorWad);
    expect(acct.healthFactorWad >= BigInt(params.minHealthFactorBps) * 10n ** 14n).to.equal(true);
    expect(report.longAmounts[0]).to.be.closeTo(supplied, 1n); // aUSDC (Aave rounds a wei either way)
    expect(report.debtAmounts[1]).to.be.closeTo(borrowWei, 1n); // variable WETH debt
    expect([report.longAmounts[1], report.longAmounts[2], report.debtAmounts[0], report.debtAmounts[2]]).to.deep.equal([
      0n,
      0n,
      0n,
      0n,
    ]);
    // Aave's own figures agree with the amounts at Aave's prices (same Chainlink feeds as the vault: within 1 %).
    expectNear(fromWad(acct.totalCollateralUsdE8 * 10n ** 10n), AAVE_SUPPLY_USDC, AAVE_SUPPLY_USDC / 100, "collateral");
    expectNear(fromWad(acct.totalDebtUsdE8 * 10n ** 10n), borrowWeth * ethUsd, (borrowWeth * ethUsd) / 100, "debt");
    const hf =
      (Number(acct.totalCollateralUsdE8) * (Number(acct.liquidationThresholdBps) / 1e4)) / Number(acct.totalDebtUsdE8);
    expectNear(fromWad(acct.healthFactorWad), hf, hf * 1e-6, "health factor");

    // NAV: collateral and debt are worth at the oracle what moved; only the swap's slippage against the oracle is
    // lost (or gained, when the pool is above the oracle), less the swap fee the vault's own LP position earned, to a
    // few base units of rounding.
    const soldBase = oracleMinOut(borrowWei, prices[1], 18, prices[0], 6, 0).expectedOut;
    const slippage = soldBase - received;
    expect(lpFeesBase >= 0n && lpFeesBase < (soldBase * 5n) / 10_000n, `LP fees ${lpFeesBase}`).to.equal(true); // < 0.05 %
    expect(navBefore - navAfter).to.be.closeTo(slippage - lpFeesBase, 10n);
    expect(slippage < (soldBase * BigInt(params.maxSlippageBps)) / 10_000n).to.equal(true);

    // The keeper reads the account back: USDC collateral, WETH debt, Aave's health factor.
    const book = await readBook(env);
    const account = book.positions.find((x) => x.kind === "lending");
    expect(account && account.kind === "lending" ? account.debt.map((d) => d.asset) : []).to.deep.equal(["WETH"]);
    expectNear(book.aaveHealthFactor, fromWad(acct.healthFactorWad), 1e-9, "keeper's health factor");
  });
});
