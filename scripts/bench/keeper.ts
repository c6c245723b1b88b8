/**
 * `npm run bench:keeper`: one full keeper cycle (read, optimize, plan, simulate, send, confirm) on the replica with 5
 * and 10 assets (the base asset included; beyond USDC/WETH/WBTC, stand-in tokens with their own feeds and pools), 30
 * feed rounds of history each. Prints each phase's time. Target: a 10-asset cycle under 3 s.
 */
import { network } from "hardhat";
import { parseKeeperConfig } from "../keeper/config.ts";
import { createKeeperContext } from "../keeper/context.ts";
import { runCycle } from "../keeper/cycle.ts";
import { HARDHAT_MNEMONIC } from "../lib/connect.ts";
import { describeLocalStack } from "../lib/localDeployment.ts";
import { deployLocalStack } from "../lib/localStack.ts";
import { feedAnswer, toUnits } from "../lib/units.ts";
import { HDNodeWallet, Mnemonic } from "ethers";

const ROUNDS = 30;
const rows: string[] = [];
const PHASES = ["resume", "read", "optimize", "plan", "simulate", "submit", "confirm"];

for (const assets of [5, 10]) {
  const { ethers, networkHelpers } = await network.create();
  const extra = Array.from({ length: assets - 3 }, (_, k) => ({
    symbol: `TKN${k + 1}`,
    priceUsd: 10 + 7 * k,
    maxWeightBps: 2_000,
  }));
  const s = await deployLocalStack(ethers, { extraAssets: extra, poolDepthUsd: 100_000_000 });
  // Feed history: ROUNDS daily rounds of a deterministic wiggle per asset.
  const feeds = [s.feeds.USDC, s.feeds.ETH, s.feeds.BTC, ...s.extra.map((x) => x.feed)];
  const base = [1, 3_000, 60_000, ...extra.map((x) => x.priceUsd)];
  for (let t = ROUNDS - 1; t >= 0; t--) {
    await networkHelpers.time.increase(86_400);
    for (const [i, feed] of feeds.entries()) {
      const wiggle = i === 0 ? 1 : 1 + 0.03 * Math.sin(t * (i + 1) * 0.7) * (t === 0 ? 0 : 1);
      await (await feed.setAnswer(feedAnswer(base[i] * wiggle))).wait();
    }
  }
  const [, , , , depositor] = await ethers.getSigners();
  const vault = await s.vault.getAddress();
  await (await s.usdc.mint(depositor.address, toUnits(1_000_000, 6))).wait();
  await (await s.usdc.connect(depositor).approve(vault, toUnits(1_000_000, 6))).wait();
  await (await s.vault.connect(depositor).deposit(toUnits(1_000_000, 6), depositor.address)).wait();

  const deployment = await describeLocalStack(ethers, s, "bench");
  const symbols = deployment.assets.map((a) => a.symbol);
  const targets = { USDC: 0.4, ...Object.fromEntries(symbols.map((x) => [x, 0.6 / symbols.length])) };
  const key = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), "m/44'/60'/0'/0/2");
  const ctx = await createKeeperContext({
    config: parseKeeperConfig({ targets, journalPath: ":memory:", optimizer: { historyRounds: ROUNDS } }),
    deployment,
    provider: ethers.provider as never,
    signer: key.connect(ethers.provider as never) as never,
    log: () => {},
  });
  const t0 = performance.now();
  const r = await runCycle(ctx);
  const total = performance.now() - t0;
  if (r.outcome !== "confirmed") throw new Error(`bench cycle did not confirm: ${r.outcome} ${r.reason}`);
  rows.push(
    `| ${String(assets).padStart(6)} | ${String(r.plan!.trades.length).padStart(6)} | ${PHASES.map((p) => (r.timings[p] ?? 0).toFixed(0).padStart(8)).join(" | ")} | ${total.toFixed(0).padStart(8)} | ${r.targets!.method} |`,
  );
  ctx.journal.close();
}

console.log("Keeper cycle on the replica (in-process Hardhat chain, automine), milliseconds per phase:\n");
console.log(`| assets | trades | ${PHASES.map((p) => p.padStart(8)).join(" | ")} |    total | targets |`);
console.log(`|-------:|-------:|${PHASES.map(() => "---------:").join("|")}|---------:|---------|`);
for (const r of rows) console.log(r);
console.log("\nTarget: 10-asset cycle under 3,000 ms.");
