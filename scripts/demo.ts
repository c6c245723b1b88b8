/**
 * `./ballast demo [--serve]`: the vault at work on a local chain, through the Terra/UST crash of May 2022.
 *
 * 1. Deploys the local stack (real Uniswap V3 + WETH9 bytecode, stand-in USDC/WBTC and Chainlink-style feeds, the
 *    vault behind a TimelockController), loads the 30 days before the start into the feeds as rounds (the keeper's
 *    market history), and a depositor puts in 1,000,000 USDC.
 * 2. Each cycle is one day of real history (../shared/data/prices_daily.csv): the feeds get that day's ETH and BTC
 *    closes, arbitrageurs move the pools to the new price, and THE keeper (scripts/keeper/: readState → optimize →
 *    plan → simulate → submit → confirm → record, journaled) runs one cycle.
 * 3. After each cycle it prints NAV, weights vs targets vs caps, the budget in use and the transaction hash.
 *
 * --serve: runs the chain as a separate `hardhat node` on 127.0.0.1:8545 instead of in-process, writes
 * deployments/localhost/deployment.json, and after the cycles keeps the chain running and serves the UI's build
 * (ui/dist) on http://127.0.0.1:5173 until Ctrl-C. Env: DEMO_START (2022-05-01), DEMO_DAYS (12), DEMO_SERVE=1.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { HDNodeWallet, Mnemonic, type Contract } from "ethers";
import { parseKeeperConfig } from "./keeper/config.ts";
import { createKeeperContext } from "./keeper/context.ts";
import { runCycle } from "./keeper/cycle.ts";
import { bookEnvFromDeployment, lpStepsAround } from "./keeper/book.ts";
import { defaultBookPolicy, runBookCycle } from "./keeper/bookCycle.ts";
import { sendPlan } from "./keeper/cycle.ts";
import type { KeeperPlan } from "./keeper/types.ts";
import { currentWeights, readState } from "./keeper/readState.ts";
import { HARDHAT_MNEMONIC } from "./lib/connect.ts";
import { writeDeployment } from "./lib/deployments.ts";
import { describeLocalStack } from "./lib/localDeployment.ts";
import { deployLocalStack } from "./lib/localStack.ts";
import { defaultRiskParams, riskParamsFromChain } from "./lib/deployVault.ts";
import { feedAnswer, fromUnits, fromWad, toUnits } from "./lib/units.ts";
import { getPool, poolPrice, swapExactInput } from "./replica/uniswapV3.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = join(ROOT, "..", "shared", "data", "prices_daily.csv");
const { values: args } = parseArgs({ options: { serve: { type: "boolean", default: false } }, strict: false });
const SERVE = Boolean(args.serve) || process.env.DEMO_SERVE === "1";
const START = process.env.DEMO_START ?? "2022-05-01";
const DAYS = Number(process.env.DEMO_DAYS ?? 12);
const PRE_DAYS = 30;
const RPC_PORT = 8545;
const UI_PORT = 5173;
const TARGETS: Record<string, number> = { USDC: 0.4, WETH: 0.35, WBTC: 0.25 };

const log = (...a: unknown[]) => console.log(...a);
const pct = (x: number) => `${(x * 100).toFixed(2).padStart(6)} %`;
const usd = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 }).padStart(11);

/** Daily closes of ETH and BTC: PRE_DAYS before `START` (the feeds' history) and DAYS from it, validated. */
function loadHistory(): { date: string; ETH: number; BTC: number }[] {
  const rows = readFileSync(DATA, "utf8").trim().split("\n").slice(1);
  const byDate = new Map<string, { ETH?: number; BTC?: number }>();
  for (const line of rows) {
    const [date, asset, close] = line.split(",");
    if (asset !== "ETH" && asset !== "BTC") continue;
    const price = Number(close);
    if (!(price > 0)) throw new Error(`prices_daily.csv: ${asset} on ${date} has a non-positive close "${close}"`);
    byDate.set(date, { ...byDate.get(date), [asset]: price });
  }
  const all = [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b));
  const first = all.findIndex(([date]) => date >= START);
  if (first < PRE_DAYS) throw new Error(`prices_daily.csv: fewer than ${PRE_DAYS} days before ${START}`);
  const days = all.slice(first - PRE_DAYS, first + DAYS);
  if (days.length < PRE_DAYS + DAYS)
    throw new Error(`prices_daily.csv: only ${days.length - PRE_DAYS} days from ${START}, need ${DAYS}`);
  return days.map(([date, p]) => {
    if (p.ETH === undefined || p.BTC === undefined) throw new Error(`prices_daily.csv: ETH or BTC missing on ${date}`);
    return { date, ETH: p.ETH, BTC: p.BTC };
  });
}

/** `hardhat node` as a child process, stopped by its own PID on exit. */
async function startNode(): Promise<ChildProcess> {
  const bin = join(ROOT, "node_modules", ".bin", "hardhat");
  const child = spawn(bin, ["node", "--hostname", "127.0.0.1", "--port", String(RPC_PORT)], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGTERM");
  };
  process.once("exit", stop);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${RPC_PORT}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hardhat node did not answer on 127.0.0.1:${RPC_PORT} within 60 s`);
}

/** A static file server for ui/dist on 127.0.0.1 (index.html for unknown paths: a single-page app). */
function serveUi(dir: string): void {
  const types: Record<string, string> = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
  };
  createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? "/").split("?")[0]);
    let file = normalize(join(dir, url));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, "index.html");
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  }).listen(UI_PORT, "127.0.0.1");
}

const history = loadHistory();
const pre = history.slice(0, PRE_DAYS);
const days = history.slice(PRE_DAYS);
log(`Ballast demo — ${days[0].date} .. ${days.at(-1)!.date}, real ETH/BTC daily closes${SERVE ? " (--serve)" : ""}\n`);

/** With --serve, a first-time user gets the UI too: build ui/dist once (its own npm ci, then vite build). */
function ensureUiBuilt(): void {
  const ui = join(ROOT, "ui");
  if (existsSync(join(ui, "dist", "index.html"))) return;
  log("Building the web UI once (npm ci --prefix ui, npm run build --prefix ui) ...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!existsSync(join(ui, "node_modules"))) {
    execFileSync(npm, ["ci", "--prefix", ui, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
  }
  execFileSync(npm, ["run", "build", "--prefix", ui], { stdio: ["ignore", "ignore", "inherit"] });
}

if (SERVE) ensureUiBuilt();
const node = SERVE ? await startNode() : undefined;
const { ethers, networkHelpers } = await network.create(SERVE ? "localhost" : undefined);

// Turnover counts every step of a plan (a borrow-and-sell hedge moves its notional three times: borrow, sale,
// collateral), so the demo's budget allows a full NAV of turnover per plan.
const s = await deployLocalStack(ethers, {
  prices: { ETH: pre[0].ETH, BTC: pre[0].BTC },
  params: { ...defaultRiskParams(), maxTurnoverBps: 10_000 },
  book: true,
});
const [, , , , depositor, arbitrageur] = await ethers.getSigners();
const vaultAddress = await s.vault.getAddress();
const tokens = {
  USDC: { address: await s.usdc.getAddress(), decimals: 6 },
  WETH: { address: await s.weth.getAddress(), decimals: 18 },
  WBTC: { address: await s.wbtc.getAddress(), decimals: 8 },
};
log("Deployed (real bytecode: Uniswap V3 factory/router/position manager, WETH9; stand-ins: USDC, WBTC, feeds):");
log(`  vault        ${vaultAddress}`);
log(`  timelock     ${await s.timelock.getAddress()} (governor, delay ${await s.timelock.getMinDelay()} s)`);
log(`  swap adapter ${await s.adapter.getAddress()} -> SwapRouter ${s.uniswap.addresses.router}`);
log(`  lens         ${await s.lens.getAddress()}`);
log(`  Aave V3 Pool ${s.book!.aave.addresses.pool} (real @aave/core-v3 bytecode, oracle on the same feeds)`);
log(
  `  modules      Aave V3 lending ${await s.book!.lending.getAddress()}, Uniswap V3 liquidity ${await s.book!.liquidity.getAddress()}`,
);

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
      await (await s.usdc.mint(arbitrageur.address, toUnits(usdcIn * 1.001, 6))).wait();
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
        await (await s.wbtc.mint(arbitrageur.address, units)).wait();
      }
      await swapExactInput(s.uniswap, pathDown, units, { signer: arbitrageur });
    }
  }
}

/** One day: the feeds get the day's closes, arbitrage moves the pools to them. */
/** The day's closes, written again as a fresh round (the keeper's steps later in a day need unstale feeds). */
let lastPrices: { ETH: number; BTC: number } = pre[0];
async function refreshFeeds() {
  await (await s.feeds.USDC.setAnswer(feedAnswer(1))).wait();
  await (await s.feeds.ETH.setAnswer(feedAnswer(lastPrices.ETH))).wait();
  await (await s.feeds.BTC.setAnswer(feedAnswer(lastPrices.BTC))).wait();
}

async function newDay(p: { ETH: number; BTC: number }) {
  await networkHelpers.time.increase(86_400);
  lastPrices = p;
  await refreshFeeds();
}

// The feeds' history: the 30 days before the start, one round a day (the keeper's default market data).
for (const p of pre.slice(1)) await newDay(p);
log(`  feeds        ${PRE_DAYS} daily rounds of history loaded (${pre[0].date} .. ${pre.at(-1)!.date})\n`);

const deployment = await describeLocalStack(
  ethers,
  s,
  SERVE ? "localhost" : "hardhat",
  SERVE ? `http://127.0.0.1:${RPC_PORT}` : undefined,
);
if (SERVE) log(`Deployment written to ${writeDeployment(deployment)}\n`);

// A deposit, exactly as a depositor would make it: approve, then deposit.
const depositUsdc = toUnits(1_000_000, 6);
await (await s.usdc.mint(depositor.address, depositUsdc)).wait();
await (await s.usdc.connect(depositor).approve(vaultAddress, depositUsdc)).wait();
const shares = await s.vault.previewDeposit(depositUsdc);
const depositTx = await s.vault.connect(depositor).deposit(depositUsdc, depositor.address);
await depositTx.wait();
log(`Deposit: 1,000,000 USDC -> ${fromUnits(shares, 12).toLocaleString("en-US")} shares  tx ${depositTx.hash}\n`);

// THE keeper (scripts/keeper/), with the keeper account's own key so that it signs and journals before sending.
const keeperKey = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), "m/44'/60'/0'/0/2");
const ctx = await createKeeperContext({
  config: parseKeeperConfig({ targets: TARGETS, journalPath: ":memory:", optimizer: { historyRounds: PRE_DAYS } }),
  deployment,
  provider: ethers.provider as never,
  signer: keeperKey.connect(ethers.provider as never) as never,
  log: (line) => log(`  keeper: ${line}`),
});

/** NAV, weights vs targets vs caps, budget in use: after every cycle. */
async function report(targets: Record<string, number>, sharePrice0: number) {
  const b = await s.lens.budget(vaultAddress);
  const st = await readState(ctx);
  const nav = fromUnits(st.navBase, 6);
  const w = currentWeights(st);
  const rows = st.assets.map(
    (a) => `${a.symbol} ${pct(w[a.symbol])} (target ${pct(targets[a.symbol])}, cap ${pct(a.maxWeightBps / 1e4)})`,
  );
  const sp = fromWad(b.sharePriceWad);
  const hwm = fromWad(b.highWaterMarkWad) || sp;
  log(
    `  NAV ${usd(nav)} USDC   share price ${((sp / sharePrice0) * 100).toFixed(2)} (start 100)   drawdown from HWM ${pct(Math.max(0, 1 - sp / hwm))} of ${pct(Number(b.params.maxDrawdownBps) / 1e4)}${b.breakerTripped ? "  BREAKER TRIPPED" : ""}`,
  );
  log(
    `  weights: ${rows.join("  ")}  USDC ${pct(w.USDC)} (target ${pct(targets.USDC)}, min ${pct(Number(b.params.minIdleBps) / 1e4)})`,
  );
  log(
    `  window: turnover ${(Number(b.windowTurnoverPpm) / 1e4).toFixed(2)} % of ${(Number(b.params.maxWindowTurnoverBps) / 100).toFixed(0)} %,` +
      ` slippage ${(Number(b.windowSlippagePpm) / 1e4).toFixed(3)} % of ${(Number(b.params.maxWindowSlippageBps) / 100).toFixed(2)} %`,
  );
}

// ───────────── the non-linear book: a Uniswap V3 LP position, hedged by borrowing WETH on Aave and selling it ─────────────
// The keeper finds the vault's modules itself (vault.modules(), by protocol id) and manages the book with the
// optimizer: full revaluation under the stress library, borrow-and-sell for delta, range changes for gamma.
const bookEnv = await bookEnvFromDeployment(s.vault, deployment, ethers.provider, s.keeper);
const onChain = riskParamsFromChain(await s.vault.riskParams());
/** The keeper's book budget: the vault's own limits, and a tighter net-delta band for ETH than the on-chain cap. */
const bookPolicy = defaultBookPolicy(onChain, "USDC", { targetNetDeltaBps: 2_000, reserveIdleFraction: 0.15 });
bookPolicy.limits = { ...bookPolicy.limits, maxNetDeltaBps: 2_500 };
let bookPlans = 0;

/** Opens the LP position through the keeper's send path: ±25 % around the oracle price on the 0.05 % WETH/USDC pool. */
async function openLp(ethUsd: number) {
  const { steps, tickLower, tickUpper } = await lpStepsAround(bookEnv, {
    asset: "WETH",
    priceUsd: ethUsd,
    halfWidth: 0.25,
    usdEach: 25_000,
    fee: s.fees.WETH,
    tickSpacing: 10,
  });
  const st = await readState(ctx);
  const p: KeeperPlan = {
    planId: ethers.id(`open-lp-${st.blockNumber}`),
    deadline: BigInt(st.timestamp + 600),
    trades: steps,
    lines: [`open LP ±25 % on WETH/USDC 0.05 % (ticks ${tickLower}..${tickUpper}), 25,000 USD of each token`],
    guards: [],
    skipped: [],
    violations: [],
  };
  log(`  book: ${p.lines[0]}`);
  const r = await sendPlan(ctx, p, "open LP");
  if (r.outcome === "confirmed") bookPlans++;
}

async function manageBook() {
  const r = await runBookCycle(ctx, bookEnv, bookPolicy);
  if (r.outcome === "confirmed") bookPlans++;
}

const sharePrice0 = fromWad((await s.lens.budget(vaultAddress)).sharePriceWad);
let sent = 0;
for (const [day, prices] of days.entries()) {
  await newDay(prices);
  await arbitrage("WETH", prices.ETH);
  await arbitrage("WBTC", prices.BTC);
  log(`Day ${day + 1} ${prices.date}  ETH ${prices.ETH.toFixed(2)}  BTC ${prices.BTC.toFixed(2)}`);
  const r = await runCycle(ctx);
  if (r.outcome === "confirmed") {
    sent++;
    log(`  rebalanced: ${r.plan!.trades.length} trade(s)  tx ${r.txHash}`);
  }
  await report(r.targets?.weights ?? TARGETS, sharePrice0);
  if (day === 0) {
    await networkHelpers.time.increase(Number(onChain.cooldownSeconds));
    await refreshFeeds();
    await openLp(prices.ETH);
  }
  await networkHelpers.time.increase(Number(onChain.cooldownSeconds));
  await refreshFeeds();
  await manageBook();
  log("");
}

const final = await s.lens.budget(vaultAddress);
log(
  `Done: ${sent} keeper rebalance(s) and ${bookPlans} book plan(s) over ${days.length} days. Final NAV ${fromUnits(final.nav, 6).toFixed(2)} USDC.`,
);
ctx.journal.close();

if (SERVE) {
  const dist = join(ROOT, "ui", "dist");
  log(
    `\nChain running at http://127.0.0.1:${RPC_PORT} (chain id ${deployment.chainId}); deployment: deployments/localhost/deployment.json`,
  );
  if (existsSync(join(dist, "index.html"))) {
    serveUi(dist);
    log(`UI: http://127.0.0.1:${UI_PORT}`);
  } else {
    log(`ui/dist could not be built (see the output above); serving the chain only.`);
  }
  log(`Ctrl-C stops the chain (hardhat node pid ${node!.pid}) and the UI.`);
  await new Promise(() => {}); // until a signal; the exit handler stops the node by its PID
}
