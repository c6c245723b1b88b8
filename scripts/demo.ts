/**
 * `./ballast demo`: the vault at work on a local chain, through the Terra/UST crash of May 2022.
 *
 * 1. Deploys the local stack (real Uniswap V3 + WETH9 bytecode, stand-in USDC/WBTC and Chainlink-style feeds, the
 *    vault behind a TimelockController) and a depositor puts in 1,000,000 USDC.
 * 2. Each cycle is one day of real history (../shared/data/prices_daily.csv): the feeds get that day's ETH and BTC
 *    closes, arbitrageurs move the pools to the new price, and the keeper plans trades toward its targets with the
 *    optimizer's planner (no-trade bands, oracle min-outs, the budget check), simulates the rebalance with
 *    `staticCall`, and sends it only if the simulation passes.
 * 3. After each cycle it prints NAV, weights vs targets vs caps, the budget in use and the transaction hash.
 *
 * Targets here are fixed strategic weights; the keeper of issue #4 takes them from the optimizer.
 */
import { readFileSync } from "node:fs";
import { network } from "hardhat";
import type { Contract } from "ethers";
import { planTrades, type AssetInfo } from "../optimizer/plan/index.ts";
import { deployLocalStack } from "./lib/localStack.ts";
import { feedAnswer, fromUnits, fromWad, oracleMinOut, toUnits } from "./lib/units.ts";
import { getPool, poolPrice, swapExactInput } from "./replica/uniswapV3.ts";

const DATA = new URL("../../shared/data/prices_daily.csv", import.meta.url);
const START = process.env.DEMO_START ?? "2022-05-01";
const DAYS = Number(process.env.DEMO_DAYS ?? 12);
const TARGETS: Record<string, number> = { WETH: 0.35, WBTC: 0.25, USDC: 0.4 };

const log = (...a: unknown[]) => console.log(...a);
const pct = (x: number) => `${(x * 100).toFixed(2).padStart(6)} %`;
const usd = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 }).padStart(11);

/** Daily closes of ETH and BTC from `START`, `DAYS` rows, validated (no gaps, positive prices). */
function loadHistory(): { date: string; ETH: number; BTC: number }[] {
  const rows = readFileSync(DATA, "utf8").trim().split("\n").slice(1);
  const byDate = new Map<string, { ETH?: number; BTC?: number }>();
  for (const line of rows) {
    const [date, asset, close] = line.split(",");
    if (date < START || (asset !== "ETH" && asset !== "BTC")) continue;
    const price = Number(close);
    if (!(price > 0)) throw new Error(`prices_daily.csv: ${asset} on ${date} has a non-positive close "${close}"`);
    byDate.set(date, { ...byDate.get(date), [asset]: price });
  }
  const days = [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, DAYS);
  if (days.length < DAYS) throw new Error(`prices_daily.csv: only ${days.length} days from ${START}, need ${DAYS}`);
  return days.map(([date, p]) => {
    if (p.ETH === undefined || p.BTC === undefined) throw new Error(`prices_daily.csv: ETH or BTC missing on ${date}`);
    return { date, ETH: p.ETH, BTC: p.BTC };
  });
}

const { ethers, networkHelpers } = await network.create();
const history = loadHistory();
log(`Ballast demo — ${history[0].date} .. ${history.at(-1)!.date}, real ETH/BTC daily closes\n`);

const s = await deployLocalStack(ethers, { prices: { ETH: history[0].ETH, BTC: history[0].BTC } });
const [, , , , depositor, arbitrageur] = await ethers.getSigners();
const vaultAddress = await s.vault.getAddress();
const tokens = {
  USDC: { address: await s.usdc.getAddress(), decimals: 6 },
  WETH: { address: await s.weth.getAddress(), decimals: 18 },
  WBTC: { address: await s.wbtc.getAddress(), decimals: 8 },
};
const adapterAddress = await s.adapter.getAddress();
const symbolOf = new Map(Object.entries(tokens).map(([sym, t]) => [t.address, sym]));
log("Deployed (real bytecode: Uniswap V3 factory/router/position manager, WETH9; stand-ins: USDC, WBTC, feeds):");
log(`  vault        ${vaultAddress}`);
log(`  timelock     ${await s.timelock.getAddress()} (governor, delay ${await s.timelock.getMinDelay()} s)`);
log(`  swap adapter ${await s.adapter.getAddress()} -> SwapRouter ${s.uniswap.addresses.router}`);
log(`  lens         ${await s.lens.getAddress()}\n`);

// A deposit, exactly as a depositor would make it: approve, then deposit.
const depositUsdc = toUnits(1_000_000, 6);
await (await s.usdc.mint(depositor.address, depositUsdc)).wait();
await (await s.usdc.connect(depositor).approve(vaultAddress, depositUsdc)).wait();
const shares = await s.vault.previewDeposit(depositUsdc);
const depositTx = await s.vault.connect(depositor).deposit(depositUsdc, depositor.address);
await depositTx.wait();
log(`Deposit: 1,000,000 USDC -> ${fromUnits(shares, 12).toLocaleString("en-US")} shares  tx ${depositTx.hash}\n`);

/** Moves a pool to the oracle price (arbitrage), by swapping along the curve in a few bisection steps. */
async function arbitrage(sym: "WETH" | "WBTC", oracleUsd: number) {
  const fee = s.fees[sym];
  const token = tokens[sym].address;
  const pathUp = sym === "WETH" ? s.paths.usdcToWeth : s.paths.usdcToWbtc;
  const pathDown = sym === "WETH" ? s.paths.wethToUsdc : s.paths.wbtcToUsdc;
  for (let step = 0; step < 6; step++) {
    const p = await poolPrice(s.uniswap, token, tokens.USDC.address, fee);
    const gap = oracleUsd / p - 1;
    if (Math.abs(gap) < 0.0005) return;
    const pool: Contract = await getPool(s.uniswap, token, tokens.USDC.address, fee);
    // Full range: the pool is x*y = L^2 with a USDC reserve of L * sqrt(price in raw units), whatever the token order.
    const liquidity = Number(await pool.liquidity());
    const depthUsdc = (liquidity / 1e6) * Math.sqrt(p * 10 ** (6 - tokens[sym].decimals));
    if (gap > 0) {
      const usdcIn = depthUsdc * (Math.sqrt(1 + gap) - 1);
      await s.usdc.mint(arbitrageur.address, toUnits(usdcIn * 1.001, 6));
      await swapExactInput(s.uniswap, pathUp, toUnits(usdcIn, 6), { signer: arbitrageur });
    } else {
      const assetIn = (depthUsdc / p) * (1 / Math.sqrt(1 + gap) - 1);
      const units = toUnits(assetIn, tokens[sym].decimals);
      if (sym === "WETH") {
        await ethers.provider.send("hardhat_setBalance", [
          arbitrageur.address,
          "0x" + (units * 2n + 10n ** 20n).toString(16),
        ]);
        const weth9 = await ethers.getContractAt(["function deposit() payable"], tokens.WETH.address, arbitrageur);
        await (await weth9.deposit({ value: units })).wait();
      } else {
        await s.wbtc.mint(arbitrageur.address, units);
      }
      await swapExactInput(s.uniswap, pathDown, units, { signer: arbitrageur });
    }
  }
}

async function readBudget() {
  return s.lens.budget(vaultAddress);
}

function describe(b: Awaited<ReturnType<typeof readBudget>>, sharePrice0: number) {
  const nav = fromUnits(b.nav, 6);
  const base = fromUnits(b.base.balance, 6);
  const rows = b.assets.map((a) => {
    const sym = symbolOf.get(a.asset)!;
    return `${sym} ${pct(fromUnits(a.valueBase, 6) / nav)} (target ${pct(TARGETS[sym])}, cap ${pct(Number(a.maxWeightBps) / 1e4)})`;
  });
  const sp = fromWad(b.sharePriceWad);
  const hwm = fromWad(b.highWaterMarkWad) || sp;
  return [
    `  NAV ${usd(nav)} USDC   share price ${((sp / sharePrice0) * 100).toFixed(2)} (start 100)   drawdown from HWM ${pct(Math.max(0, 1 - sp / hwm))} of ${pct(Number(b.params.maxDrawdownBps) / 1e4)}${b.breakerTripped ? "  BREAKER TRIPPED" : ""}`,
    `  weights: ${rows.join("  ")}  USDC ${pct(base / nav)} (target ${pct(TARGETS.USDC)}, min ${pct(Number(b.params.minIdleBps) / 1e4)})`,
    `  window: turnover ${(Number(b.windowTurnoverPpm) / 1e4).toFixed(2)} % of ${(Number(b.params.maxWindowTurnoverBps) / 100).toFixed(0)} %,` +
      ` slippage ${(Number(b.windowSlippagePpm) / 1e4).toFixed(3)} % of ${(Number(b.params.maxWindowSlippageBps) / 100).toFixed(2)} %`,
  ].join("\n");
}

const sharePrice0 = fromWad((await readBudget()).sharePriceWad);
let plans = 0;
for (const [day, prices] of history.entries()) {
  await networkHelpers.time.increase(86_400);
  await (await s.feeds.USDC.setAnswer(feedAnswer(1))).wait();
  await (await s.feeds.ETH.setAnswer(feedAnswer(prices.ETH))).wait();
  await (await s.feeds.BTC.setAnswer(feedAnswer(prices.BTC))).wait();
  await arbitrage("WETH", prices.ETH);
  await arbitrage("WBTC", prices.BTC);

  // The keeper: read state, plan, convert at the unit boundary, simulate, send.
  const b = await readBudget();
  const assets: AssetInfo[] = [
    { asset: "USDC", decimals: 6, protocolId: "", maxWeightBps: 10_000, protocolCapBps: 10_000 },
    ...b.assets.map((a) => ({
      asset: symbolOf.get(a.asset)!,
      decimals: Number(tokens[symbolOf.get(a.asset) as "WETH" | "WBTC"].decimals),
      protocolId: a.protocolId,
      maxWeightBps: Number(a.maxWeightBps),
      protocolCapBps: Number(a.protocolCapBps),
    })),
  ];
  const holdings: Record<string, number> = { USDC: fromUnits(b.base.balance, 6) };
  const oracle: Record<string, number> = { USDC: fromWad(b.base.priceWad) };
  for (const a of b.assets) {
    const sym = symbolOf.get(a.asset)! as "WETH" | "WBTC";
    holdings[sym] = fromUnits(a.balance, tokens[sym].decimals);
    oracle[sym] = fromWad(a.priceWad);
  }
  const plan = planTrades({
    assets,
    baseAsset: "USDC",
    holdings,
    oraclePricesUsd: oracle,
    targetWeights: TARGETS,
    pools: {
      WETH: {
        kind: "constantProduct",
        reserveAssetToken: 100_000_000 / oracle.WETH,
        reserveBaseToken: 100_000_000,
        feePips: s.fees.WETH,
      },
      WBTC: {
        kind: "constantProduct",
        reserveAssetToken: 100_000_000 / oracle.WBTC,
        reserveBaseToken: 100_000_000,
        feePips: s.fees.WBTC,
      },
    },
    budget: {
      maxTurnoverBps: Number(b.params.maxTurnoverBps),
      maxWindowTurnoverBps: Number(b.params.maxWindowTurnoverBps),
      maxSlippageBps: Number(b.params.maxSlippageBps),
      maxWindowSlippageBps: Number(b.params.maxWindowSlippageBps),
      minIdleBps: Number(b.params.minIdleBps),
      maxDrawdownBps: Number(b.params.maxDrawdownBps),
      cooldownSeconds: Number(b.params.cooldownSeconds),
      windowSeconds: Number(b.params.windowSeconds),
      drawdownWindowSeconds: Number(b.params.drawdownWindowSeconds),
      depositCap: fromUnits(b.params.depositCap, 6),
    },
    window: { windowTurnoverPpm: Number(b.windowTurnoverPpm), windowSlippagePpm: Number(b.windowSlippagePpm) },
    gas: { gasUnitsPerSwap: 180_000, gasPriceGwei: 20, ethPriceUsd: oracle.WETH },
    noTradeBandBps: 150,
    benefitBps: 100,
  });

  log(`Day ${day + 1} ${prices.date}  ETH ${prices.ETH.toFixed(2)}  BTC ${prices.BTC.toFixed(2)}`);
  for (const v of plan.violations) log(`  planner: ${v.message}`);
  if (plan.trades.length === 0) {
    log(
      `  no trade: ${plan.skipped.map((k) => `${k.asset} ${k.reason} (${k.driftBps.toFixed(0)} bps)`).join(", ") || "nothing to do"}`,
    );
  } else {
    const priceWad = (sym: string) =>
      sym === "USDC" ? b.base.priceWad : b.assets.find((a) => symbolOf.get(a.asset) === sym)!.priceWad;
    const trades = plan.trades.map((t) => {
      const inTok = tokens[t.tokenIn as keyof typeof tokens];
      const outTok = tokens[t.tokenOut as keyof typeof tokens];
      const amountIn = toUnits(t.amountIn, inTok.decimals);
      const { minAmountOut } = oracleMinOut(
        amountIn,
        priceWad(t.tokenIn),
        inTok.decimals,
        priceWad(t.tokenOut),
        outTok.decimals,
        Number(b.params.maxSlippageBps),
      );
      const path =
        t.tokenIn === "USDC"
          ? t.tokenOut === "WETH"
            ? s.paths.usdcToWeth
            : s.paths.usdcToWbtc
          : t.tokenIn === "WETH"
            ? s.paths.wethToUsdc
            : s.paths.wbtcToUsdc;
      log(
        `  plan: ${t.side} ${t.amountIn.toFixed(4)} ${t.tokenIn} -> ${t.tokenOut} (expected slippage ${t.expectedSlippageBps.toFixed(1)} bps)`,
      );
      return {
        adapter: adapterAddress,
        tokenIn: inTok.address,
        tokenOut: outTok.address,
        amountIn,
        minAmountOut,
        data: path,
      };
    });
    const planId = ethers.id(`demo-plan-${++plans}`);
    const deadline = BigInt(await networkHelpers.time.latest()) + 600n;
    try {
      await s.vault.connect(s.keeper).rebalance.staticCall(trades, planId, deadline); // simulate first
      const tx = await s.vault.connect(s.keeper).rebalance(trades, planId, deadline);
      const receipt = await tx.wait();
      log(`  rebalanced: ${trades.length} trade(s), gas ${receipt!.gasUsed}  tx ${tx.hash}`);
    } catch (err) {
      const data = (err as { data?: string }).data;
      const decoded = data ? s.vault.interface.parseError(data) : null;
      log(
        `  simulation refused the plan, nothing sent: ${decoded ? `${decoded.name}(${decoded.args.join(", ")})` : (err as Error).message}`,
      );
    }
  }
  log(describe(await readBudget(), sharePrice0));
  log("");
}

const final = await readBudget();
log(`Done: ${plans} plan(s) over ${history.length} days. Final NAV ${fromUnits(final.nav, 6).toFixed(2)} USDC.`);
