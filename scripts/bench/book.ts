/**
 * Gas benchmark of the non-linear book (`npm run bench:book`): what the vault adds on top of Aave V3 and Uniswap V3
 * when it drives them through its position modules, on the real Aave V3 and Uniswap V3 bytecode of the local stack
 * (`deployLocalStack(..., { book: true })`), in one in-process Hardhat chain.
 *
 * Every action is done twice, by an EOA straight on the protocol and by the keeper through a one-plan rebalance of
 * the vault, and the SECOND of each is reported: the first one pays the one-off storage writes (Aave's collateral and
 * borrowing bits, the pool's ticks initialised from zero) that the second finds already set. Each party uses its own
 * tick range, so neither initialises ticks for the other.
 *
 *   Aave supply   direct `Pool.supply` (USDC)                    vs  rebalance [SUPPLY]
 *   Aave borrow   direct `Pool.borrow` (WETH, variable rate)     vs  rebalance [BORROW]
 *   LP mint       direct `NonfungiblePositionManager.mint`       vs  rebalance [FUND token0, MINT pulling token1]
 *   LP burn       direct decreaseLiquidity + collect + burn      vs  rebalance [BURN]
 *   LP collect    direct `collect` of 0 fees                     vs  rebalance [COLLECT]
 *
 * The vault's fixed cost is measured right before each vault action, in the same state: a rebalance whose only step is
 * a no-op module call (a liquidity-module FUND of 0: the module decodes the op and returns). It holds the plan checks,
 * the valuation of the book before and after (every listed asset's feed, the Aave account's and every LP position's
 * report), the budget checks and the window bookkeeping: "vault checks" is that less the 21,000 intrinsic gas. "Step
 * in vault" is the rest of the rebalance (vault − no-op rebalance): the action itself plus the vault's exact approval
 * and balance deltas and the module's transfers, approvals and events. It can come out BELOW the direct action: the
 * valuation before the step has already paid the cold access (EIP-2929: 2,600 per contract, 2,100 per storage slot)
 * to the very contracts and slots the step then reads warm, and the valuation after reads them warm too.
 */
import type { ChainTrade } from "../keeper/types.ts";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { floorTickToSpacing, priceToTick } from "../../optimizer/instruments/uniswapV3.ts";
import { defaultRiskParams, type RiskParams } from "../lib/deployVault.ts";
import { deployLocalStack } from "../lib/localStack.ts";
import { encodeLpBurn, encodeLpCollect, encodeLpFund, encodeLpMint } from "../lib/lpModule.ts";
import { oracleMinOut, toUnits } from "../lib/units.ts";

const { ethers } = await network.create();
const abi = ethers.AbiCoder.defaultAbiCoder();

const SUPPLY = 1;
const BORROW = 3;
const INTRINSIC = 21_000n;
const USDC = (n: number) => toUnits(n, 6);
const WETH = (n: number) => toUnits(n, 18);

/** Loose limits: no budget check may block the bench (they are still all evaluated, which is what is measured). */
const params: RiskParams = {
  ...defaultRiskParams(),
  maxTurnoverBps: 65_535,
  maxWindowTurnoverBps: 65_535,
  maxWindowSlippageBps: 10_000,
  minIdleBps: 0,
  maxGrossLeverageBps: 65_535,
  maxNetDeltaBps: 65_535,
  maxShortGammaBps: 65_535,
  cooldownSeconds: 0,
};

async function gasOf(txPromise: Promise<{ wait: () => Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const tx = await txPromise;
  const receipt = await tx.wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

const started = Date.now();
console.error("[bench:book] deploying Uniswap V3, Aave V3 and the vault with its two position modules ...");
const s = await deployLocalStack(ethers, { params, book: true });
const book = s.book!;
const [, , , , alice, trader] = await ethers.getSigners();
const [usdc, weth] = [await s.usdc.getAddress(), await s.weth.getAddress()];
const vaultAddress = await s.vault.getAddress();
const [lending, liquidity] = [await book.lending.getAddress(), await book.liquidity.getAddress()];
const pool = book.aave.pool.connect(trader) as typeof book.aave.pool;
const npm = s.uniswap.positionManager.connect(trader) as typeof s.uniswap.positionManager;
const npmAddress = s.uniswap.addresses.positionManager;

// The vault: 1,000,000 USDC of deposits, 100,000 USDC of it swapped into WETH (the LP positions need both tokens).
await (await s.usdc.mint(alice.address, USDC(1_000_000))).wait();
await (await s.usdc.connect(alice).approve(vaultAddress, ethers.MaxUint256)).wait();
await (await s.vault.connect(alice).deposit(USDC(1_000_000), alice.address)).wait();

// What registered modules cost every deposit (every NAV read values every module): the second deposit into this vault
// (both modules registered, both still empty) vs the same into a vault of the same stack without modules.
await (await s.usdc.mint(alice.address, USDC(1_000))).wait();
const depositWithModules = await gasOf(s.vault.connect(alice).deposit(USDC(1_000), alice.address));
const plain = await deployLocalStack(ethers, { params });
await (await plain.usdc.mint(alice.address, USDC(1_001_000))).wait();
await (await plain.usdc.connect(alice).approve(await plain.vault.getAddress(), ethers.MaxUint256)).wait();
await (await plain.vault.connect(alice).deposit(USDC(1_000_000), alice.address)).wait();
const depositWithout = await gasOf(plain.vault.connect(alice).deposit(USDC(1_000), alice.address));

type Step = ChainTrade;
let plan = 0;
const rebalance = (steps: Step[]) =>
  gasOf(s.vault.connect(s.keeper).rebalance(steps, ethers.id(`bench:book-${plan++}`), ethers.MaxUint256));

const [pu, pw] = [await s.vault.tryPriceWad(usdc), await s.vault.tryPriceWad(weth)];
const buy = USDC(100_000);
await rebalance([
  {
    adapter: await s.adapter.getAddress(),
    tokenIn: usdc,
    tokenOut: weth,
    amountIn: buy,
    minAmountOut: oracleMinOut(buy, pu.priceWad_, 6, pw.priceWad_, 18, 100).minAmountOut,
    data: s.paths.usdcToWeth,
  },
]);

// The EOA: the same tokens, every protocol approved once for good (the modules approve exactly, per call).
await (await s.usdc.mint(trader.address, USDC(1_000_000))).wait();
await ethers.provider.send("hardhat_setBalance", [trader.address, "0x" + WETH(1_000).toString(16)]);
const weth9 = new ethers.Contract(weth, ["function deposit() payable"], trader);
await (await weth9.deposit({ value: WETH(100) })).wait();
for (const spender of [book.aave.addresses.pool, npmAddress]) {
  await (await s.usdc.connect(trader).approve(spender, ethers.MaxUint256)).wait();
  await (await s.weth.connect(trader).approve(spender, ethers.MaxUint256)).wait();
}

/** A rebalance whose only step is a no-op module call: the vault's fixed cost in the current state. */
const noop = () =>
  rebalance([
    { adapter: liquidity, tokenIn: usdc, tokenOut: usdc, amountIn: 0n, minAmountOut: 0n, data: encodeLpFund() },
  ]);

interface Row {
  action: string;
  direct: bigint;
  /** What the direct action pays beyond one transaction's intrinsic gas (several transactions summed). */
  extraIntrinsic: bigint;
  vault: bigint;
  fixed: bigint;
}
const rows: Row[] = [];

/** Runs `direct` and `viaVault` twice each; reports the second of each, and a no-op rebalance right before it. */
async function measure(
  action: string,
  direct: () => Promise<bigint>,
  viaVault: () => Promise<bigint>,
  directTxs = 1,
): Promise<void> {
  console.error(`[bench:book] ${action} ...`);
  await direct();
  const d = await direct();
  await viaVault();
  const fixed = await noop();
  const v = await viaVault();
  rows.push({ action, direct: d, extraIntrinsic: INTRINSIC * BigInt(directTxs - 1), vault: v, fixed });
}

// ─── Aave V3 ───
const supplyAmount = USDC(100_000);
await measure(
  "Aave supply (USDC)",
  () => gasOf(pool.supply(usdc, supplyAmount, trader.address, 0) as Promise<ContractTransactionResponse>),
  () =>
    rebalance([
      {
        adapter: lending,
        tokenIn: usdc,
        tokenOut: usdc,
        amountIn: supplyAmount,
        minAmountOut: 0n,
        data: abi.encode(["uint8", "address", "uint256"], [SUPPLY, usdc, 0n]),
      },
    ]),
);
const borrowAmount = WETH(5);
await measure(
  "Aave borrow (WETH)",
  () => gasOf(pool.borrow(weth, borrowAmount, 2, 0, trader.address) as Promise<ContractTransactionResponse>),
  () =>
    rebalance([
      {
        adapter: lending,
        tokenIn: weth,
        tokenOut: weth,
        amountIn: 0n,
        minAmountOut: borrowAmount,
        data: abi.encode(["uint8", "address", "uint256"], [BORROW, weth, borrowAmount]),
      },
    ]),
);

// ─── Uniswap V3 liquidity (WETH/USDC 0.05 %) ───
const [token0, token1] = [await book.liquidity.token0(), await book.liquidity.token1()];
const wethIs0 = token0.toLowerCase() === weth.toLowerCase();
const [d0, d1] = wethIs0 ? [18, 6] : [6, 18];
const spacing = Number(await s.uniswap.factory.feeAmountTickSpacing(s.fees.WETH));
/** A range of ±`width` around 3,000 USD per ETH, in token1-per-token0 ticks. */
function range(width: number): { tickLower: number; tickUpper: number } {
  const [lo, hi] = wethIs0
    ? [3_000 * (1 - width), 3_000 * (1 + width)]
    : [1 / (3_000 * (1 + width)), 1 / (3_000 * (1 - width))];
  return {
    tickLower: floorTickToSpacing(priceToTick(lo, d0, d1), spacing),
    tickUpper: floorTickToSpacing(priceToTick(hi, d0, d1), spacing),
  };
}
// 10,000 USD a side; the pool takes what the range's ratio asks for and the rest stays with the minter.
const [amount0, amount1] = wethIs0 ? [WETH(10_000 / 3_000), USDC(10_000)] : [USDC(10_000), WETH(10_000 / 3_000)];
const eoaRange = range(0.2);
const vaultRange = range(0.3);

const directMint = () =>
  gasOf(
    npm.mint({
      token0,
      token1,
      fee: s.fees.WETH,
      ...eoaRange,
      amount0Desired: amount0,
      amount1Desired: amount1,
      amount0Min: 0n,
      amount1Min: 0n,
      recipient: trader.address,
      deadline: ethers.MaxUint256,
    }) as Promise<ContractTransactionResponse>,
  );
const vaultMint = () =>
  rebalance([
    {
      adapter: liquidity,
      tokenIn: token0,
      tokenOut: token0,
      amountIn: amount0,
      minAmountOut: 0n,
      data: encodeLpFund(),
    },
    {
      adapter: liquidity,
      tokenIn: token1,
      tokenOut: token1,
      amountIn: amount1,
      minAmountOut: 0n,
      data: encodeLpMint({
        fee: s.fees.WETH,
        ...vaultRange,
        amount0Desired: amount0,
        amount1Desired: amount1,
        amount0Min: 0n,
        amount1Min: 0n,
      }),
    },
  ]);
await measure("LP mint (FUND + MINT)", directMint, vaultMint);
// A third position each, burned first, so that the measured burn is the second one (positions #1 stay open).
await directMint();
await vaultMint();

const eoaIds = async () => {
  const n = Number(await npm.balanceOf(trader.address));
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) ids.push(await npm.tokenOfOwnerByIndex(trader.address, i));
  return ids;
};
const eoaPositions = await eoaIds();
const vaultPositions = [...(await book.liquidity.positionIds())];
if (eoaPositions.length !== 3 || vaultPositions.length !== 3) throw new Error("expected three positions each");
const eoaBurnOrder = [eoaPositions[2], eoaPositions[1]];
const vaultBurnOrder = [vaultPositions[2], vaultPositions[1]];

const directBurn = async () => {
  const id = eoaBurnOrder.shift()!;
  const position = await npm.positions(id);
  let gas = await gasOf(
    npm.decreaseLiquidity({
      tokenId: id,
      liquidity: position.liquidity,
      amount0Min: 0n,
      amount1Min: 0n,
      deadline: ethers.MaxUint256,
    }) as Promise<ContractTransactionResponse>,
  );
  const max = 2n ** 128n - 1n;
  gas += await gasOf(
    npm.collect({
      tokenId: id,
      recipient: trader.address,
      amount0Max: max,
      amount1Max: max,
    }) as Promise<ContractTransactionResponse>,
  );
  gas += await gasOf(npm.burn(id) as Promise<ContractTransactionResponse>);
  return gas;
};
const vaultBurn = () =>
  rebalance([
    {
      adapter: liquidity,
      tokenIn: token0,
      tokenOut: token1,
      amountIn: 0n,
      minAmountOut: 0n,
      data: encodeLpBurn(vaultBurnOrder.shift()!),
    },
  ]);
await measure("LP burn (decrease+collect+burn)", directBurn, vaultBurn, 3);

// No swap has gone through the pool since the positions were minted: they are owed no fees.
const max128 = 2n ** 128n - 1n;
await measure(
  "LP collect (0 fees)",
  () =>
    gasOf(
      npm.collect({
        tokenId: eoaPositions[0],
        recipient: trader.address,
        amount0Max: max128,
        amount1Max: max128,
      }) as Promise<ContractTransactionResponse>,
    ),
  () =>
    rebalance([
      {
        adapter: liquidity,
        tokenIn: token0,
        tokenOut: token1,
        amountIn: 0n,
        minAmountOut: 0n,
        data: encodeLpCollect(vaultPositions[0]),
      },
    ]),
);

const fmt = (g: bigint | number) => Number(g).toLocaleString("en-US", { maximumFractionDigits: 0 }).padStart(9);
console.log("\nGas used (Hardhat in-process chain, solc 0.8.28, optimizer runs=1, cancun; real Aave V3 + Uniswap V3)");
console.log("Second of two runs of each action; direct = an EOA calling the protocol, vault = one keeper rebalance.\n");
console.log(
  "action                          |  direct   |  vault    | overhead  |   ×   | vault checks | step in vault",
);
console.log(
  "--------------------------------|-----------|-----------|-----------|-------|--------------|--------------",
);
for (const r of rows) {
  // One-transaction equivalent of the direct path (several transactions pay the intrinsic 21,000 each).
  const direct = r.direct - r.extraIntrinsic;
  const overhead = r.vault - direct;
  const ratio = Number(r.vault) / Number(direct);
  console.log(
    `${r.action.padEnd(31)} | ${fmt(direct)} | ${fmt(r.vault)} | ${fmt(overhead)} | ${ratio.toFixed(2).padStart(5)} |    ${fmt(r.fixed - INTRINSIC)} |     ${fmt(r.vault - r.fixed)}`,
  );
}
const burn = rows.find((r) => r.action.startsWith("LP burn"))!;
console.log(
  `\n  LP burn direct is three transactions (${fmt(burn.direct).trim()} summed), shown less 2 × 21,000 intrinsic gas.`,
);
const fixedAll = rows.map((r) => Number(r.fixed - INTRINSIC));
console.log(
  `  vault checks = a rebalance whose only step is a no-op module call (FUND of 0), measured right before each vault` +
    ` action, less 21,000 intrinsic: ${Math.min(...fixedAll).toLocaleString("en-US")}` +
    `–${Math.max(...fixedAll).toLocaleString("en-US")} gas as the book grows (valuation before and after: every feed,` +
    " the Aave account, every LP position).",
);
console.log(
  "  step in vault = vault − that no-op rebalance: the action with the module's and the vault's transfers, approvals" +
    " and balance checks. It can be below the direct action: the valuation before the step already paid the cold" +
    " (EIP-2929) access to the protocol's contracts and slots the step then reads warm.",
);
console.log(
  `\n  deposit (second, 1,000 USDC): ${depositWithout.toLocaleString("en-US")} gas without modules, ` +
    `${depositWithModules.toLocaleString("en-US")} with the two modules registered and empty`,
);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
