/**
 * Gas benchmark (`npm run bench:gas`): deposit, withdraw, redeemInKind and rebalances of 1, 3 and 5 swaps, for vaults
 * with 1, 5 and 10 whitelisted (and held) assets, next to a plain OpenZeppelin ERC4626 deposit/withdraw measured in
 * the same run on the same in-process Hardhat chain.
 *
 * Swaps go through MockSwapAdapter (an oracle-priced stand-in exchange: the gas of the swap itself cancels out of the
 * overhead). The budget-check overhead is the rebalance's gas minus the gas of the very same swaps called directly on
 * the adapter by an EOA (less the 21,000 intrinsic gas of every direct transaction but one), divided by the held
 * assets: what the vault adds beyond the swaps themselves. Feeds are MockAggregatorV3, one slot per round like
 * Chainlink's OCR aggregator; a real feed adds its proxy hop (~5k gas) per read.
 *
 * Targets (issue #2): deposit with 5 assets within 2.5x the plain ERC4626 deposit; overhead < 15k gas per held asset.
 */
import { network } from "hardhat";
import { defaultRiskParams, deployVault } from "../lib/deployVault.ts";

const { ethers } = await network.create();
const [deployer, alice, bob, keeper, trader, carol] = await ethers.getSigners();

const USDC_DECIMALS = 6n;
const usdcUnits = (n: number) => BigInt(Math.round(n * 1e6));

async function gasOf(txPromise: Promise<{ wait: () => Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const tx = await txPromise;
  const receipt = await tx.wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function newToken(symbol: string, decimals: number) {
  return ethers.deployContract("MockERC20", [symbol, symbol, decimals]);
}

interface Row {
  assets: number;
  /** Deposit while the assets are listed but none is held yet (NAV reads no feed). */
  depositListedOnly: bigint;
  deposit: bigint;
  withdraw: bigint;
  redeemInKind: bigint;
  rebalance: Record<number, bigint>;
  overheadPerAsset: Record<number, number>;
}

async function plainBaseline() {
  const usdc = await newToken("USDC", 6);
  const plain = await ethers.deployContract("PlainERC4626", [await usdc.getAddress()]);
  for (const who of [alice, bob]) {
    await usdc.mint(who.address, usdcUnits(1_000_000));
    await usdc.connect(who).approve(await plain.getAddress(), ethers.MaxUint256);
  }
  await plain.connect(alice).deposit(usdcUnits(500_000), alice.address); // the vault is not empty
  const deposit = await gasOf(plain.connect(bob).deposit(usdcUnits(100_000), bob.address));
  const withdraw = await gasOf(plain.connect(bob).withdraw(usdcUnits(50_000), bob.address, bob.address));
  return { deposit, withdraw };
}

async function ballastRow(nAssets: number): Promise<Row> {
  const usdc = await newToken("USDC", 6);
  const usdcFeed = await ethers.deployContract("MockAggregatorV3", [8, "USDC / USD", 100_000_000n]);
  const params = {
    ...defaultRiskParams(),
    maxTurnoverBps: 65_535,
    maxWindowTurnoverBps: 65_535,
    maxWindowSlippageBps: 10_000,
    cooldownSeconds: 0,
  };
  const { vault } = await deployVault(ethers, {
    baseAsset: await usdc.getAddress(),
    baseFeed: await usdcFeed.getAddress(),
    params,
    governor: deployer.address,
    guardian: deployer.address,
  });
  const vaultAddress = await vault.getAddress();
  const dex = await ethers.deployContract("MockSwapAdapter");
  await dex.setFeed(await usdc.getAddress(), await usdcFeed.getAddress());
  await vault.setAdapter(await dex.getAddress(), true);
  await vault.grantRole(await vault.KEEPER_ROLE(), keeper.address);

  const tokens = [];
  for (let i = 0; i < nAssets; i++) {
    const decimals = [18, 8, 18, 6, 18][i % 5];
    const token = await newToken(`A${i}`, decimals);
    const feed = await ethers.deployContract("MockAggregatorV3", [8, `A${i} / USD`, BigInt(10 + i) * 100_000_000n]);
    await vault.addAsset(await token.getAddress(), await feed.getAddress(), 86_400, 5_000, ethers.id(`protocol-${i}`));
    await vault.setProtocolCap(ethers.id(`protocol-${i}`), 10_000);
    await dex.setFeed(await token.getAddress(), await feed.getAddress());
    tokens.push(token);
  }

  for (const who of [alice, bob, carol]) {
    await usdc.mint(who.address, usdcUnits(10_000_000));
    await usdc.connect(who).approve(vaultAddress, ethers.MaxUint256);
  }
  await vault.connect(alice).deposit(usdcUnits(1_000_000), alice.address);
  // Every measured deposit is its depositor's first (zero -> non-zero share balance), like the plain baseline's.
  const depositListedOnly = await gasOf(vault.connect(carol).deposit(usdcUnits(1_000), carol.address));

  // Hold every asset: buy 4 % of NAV of each.
  const trade = async (tokenIn: string, tokenOut: string, amountIn: bigint) => {
    const expected: bigint = await dex.quote(tokenIn, tokenOut, amountIn);
    return {
      adapter: await dex.getAddress(),
      tokenIn,
      tokenOut,
      amountIn,
      minAmountOut: (expected * 9_900n + 9_999n) / 10_000n,
      data: "0x",
    };
  };
  const usdcAddress = await usdc.getAddress();
  let plan = 0;
  const buys = [];
  for (const token of tokens) buys.push(await trade(usdcAddress, await token.getAddress(), usdcUnits(40_000)));
  for (let i = 0; i < buys.length; i += 10) {
    await vault.connect(keeper).rebalance(buys.slice(i, i + 10), ethers.id(`setup-${plan++}`), ethers.MaxUint256);
  }

  const deposit = await gasOf(vault.connect(bob).deposit(usdcUnits(100_000), bob.address));
  const withdraw = await gasOf(vault.connect(bob).withdraw(usdcUnits(20_000), bob.address, bob.address));
  const redeemInKind = await gasOf(
    vault.connect(bob).redeemInKind((await vault.balanceOf(bob.address)) / 4n, bob.address, bob.address),
  );

  const rebalance: Record<number, bigint> = {};
  const overheadPerAsset: Record<number, number> = {};
  for (const swaps of [1, 3, 5]) {
    // Sell a little of `swaps` held assets into USDC (repeating assets when fewer are listed).
    const sells = [];
    for (let s = 0; s < swaps; s++) {
      const token = tokens[s % tokens.length];
      sells.push(await trade(await token.getAddress(), usdcAddress, (await token.balanceOf(vaultAddress)) / 50n));
    }
    rebalance[swaps] = await gasOf(
      vault.connect(keeper).rebalance(sells, ethers.id(`bench-${swaps}`), ethers.MaxUint256),
    );

    // The same swaps, called directly on the adapter by an EOA holding the tokens.
    let direct = 0n;
    for (const s of sells) {
      const token = await ethers.getContractAt("MockERC20", s.tokenIn);
      await token.mint(trader.address, s.amountIn);
      await token.connect(trader).approve(await dex.getAddress(), s.amountIn);
      direct += await gasOf(
        dex.connect(trader).swap(s.tokenIn, s.tokenOut, s.amountIn, s.minAmountOut, ethers.MaxUint256, "0x"),
      );
    }
    // Each direct swap is its own transaction and pays the 21,000 intrinsic gas the single rebalance pays once.
    overheadPerAsset[swaps] = Number(rebalance[swaps] - direct + 21_000n * BigInt(swaps - 1)) / nAssets;
  }
  return { assets: nAssets, depositListedOnly, deposit, withdraw, redeemInKind, rebalance, overheadPerAsset };
}

const started = Date.now();
console.error("[bench:gas] measuring the plain OpenZeppelin ERC4626 baseline ...");
const plain = await plainBaseline();
const rows: Row[] = [];
for (const n of [1, 5, 10]) {
  console.error(`[bench:gas] measuring a Ballast vault with ${n} held asset(s) ...`);
  rows.push(await ballastRow(n));
}

const fmt = (g: bigint | number) => Number(g).toLocaleString("en-US", { maximumFractionDigits: 0 }).padStart(9);
console.log("\nGas used (Hardhat in-process chain, solc 0.8.28, optimizer runs=1, cancun)\n");
console.log(`plain OpenZeppelin ERC4626: deposit ${fmt(plain.deposit)}   withdraw ${fmt(plain.withdraw)}\n`);
console.log(
  "assets | deposit (listed only) | deposit (held) |  withdraw | redeemInKind | rebalance 1 swap | 3 swaps   | 5 swaps   | overhead/asset (1 / 3 / 5 swaps)",
);
console.log(
  "-------|-----------------------|----------------|-----------|--------------|------------------|-----------|-----------|---------------------------------",
);
for (const r of rows) {
  console.log(
    `${String(r.assets).padStart(6)} |             ${fmt(r.depositListedOnly)} |      ${fmt(r.deposit)} | ${fmt(r.withdraw)} |    ${fmt(r.redeemInKind)} |        ${fmt(r.rebalance[1])} | ${fmt(r.rebalance[3])} | ${fmt(r.rebalance[5])} | ${fmt(r.overheadPerAsset[1])} / ${fmt(r.overheadPerAsset[3])} / ${fmt(r.overheadPerAsset[5])}`,
  );
}
const five = rows.find((r) => r.assets === 5)!;
const ratio = Number(five.deposit) / Number(plain.deposit);
const ratioListed = Number(five.depositListedOnly) / Number(plain.deposit);
const worstOverhead = Math.max(...rows.flatMap((r) => Object.values(r.overheadPerAsset)));
console.log("\nTargets");
console.log(
  `  deposit with 5 assets held / plain ERC4626 deposit = ${ratio.toFixed(2)}x  (target <= 2.5x: ${ratio <= 2.5 ? "MET" : "MISSED"})`,
);
console.log(
  `  deposit with 5 assets listed, none held / plain = ${ratioListed.toFixed(2)}x  (${ratioListed <= 2.5 ? "MET" : "MISSED"})`,
);
const marginal = (Number(rows[2].deposit) - Number(rows[0].deposit)) / 9;
const marginalRebalance = (Number(rows[2].rebalance[1]) - Number(rows[0].rebalance[1])) / 9;
console.log(
  `  marginal gas per additional held asset: deposit ${marginal.toFixed(0)}, rebalance ${marginalRebalance.toFixed(0)}` +
    " (each is a cold feed read, a cold balanceOf and the asset's config)",
);
console.log(
  `  worst budget-check overhead per held asset = ${worstOverhead.toFixed(0)} gas  (target < 15,000: ${worstOverhead < 15_000 ? "MET" : "MISSED"})`,
);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s; base asset USDC has ${USDC_DECIMALS} decimals)`);
