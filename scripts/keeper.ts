/**
 * The keeper: `tsx scripts/keeper.ts --network localhost [--config keeper.json] [--loop] [--interval 3600]
 * [--dry-run] [--prices prices.csv] [--journal file.sqlite] [--account 2]`. When the vault has position modules
 * (Uniswap V3 liquidity, Aave V3) each cycle first runs the book cycle (scripts/keeper/bookCycle.ts): risk of the book
 * under the stress library and, when it breaks the keeper's book budget, a hedge plan.
 *
 *   readState → optimize → plan → simulate → submit → confirm → record      (scripts/keeper/*, one module per step)
 *
 * The key comes from KEEPER_PRIVATE_KEY (or, on the local chain only, Hardhat's dev account --account, default 2).
 * The journal (SQLite) defaults to deployments/<network>/journal.sqlite; a restarted keeper settles what it finds
 * there first and never sends a plan twice.
 */
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadKeeperConfig, KeeperConfigError } from "./keeper/config.ts";
import { createKeeperContext } from "./keeper/context.ts";
import { runCycle } from "./keeper/cycle.ts";
import { bookEnvFromDeployment } from "./keeper/book.ts";
import { bookPolicyFromConfig, runBookCycle } from "./keeper/bookCycle.ts";
import { riskParamsFromChain } from "./lib/deployVault.ts";
import { consoleLog } from "./keeper/log.ts";
import { connect, loadSigner } from "./lib/connect.ts";
import { deploymentPath } from "./lib/deployments.ts";

const USAGE = `Usage: ./ballast keeper [options]   (or: npm run keeper -- [options])

One cycle: readState → optimize → plan → simulate → submit → confirm → record (journaled; never sends twice).

  --network <name>     deployment to use: deployments/<name>/deployment.json (default localhost)
  --rpc <url>          JSON-RPC URL (default: the deployment's rpcUrl, or BALLAST_RPC_URL)
  --deployment <file>  a deployment.json elsewhere
  --config <file>      keeper config JSON (targets, optimizer, bands, gas cap, ...; see docs/operations.md)
  --dry-run            plan and simulate, print the plan, send nothing
  --loop               run cycles until Ctrl-C; --interval <seconds> between them
  --prices <csv>       market history from a date,asset,close CSV instead of the feeds' rounds
  --journal <file>     SQLite journal (default deployments/<network>/journal.sqlite)
  --account <index>    local chain only: Hardhat dev account (default 2); elsewhere KEEPER_PRIVATE_KEY
`;

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const { values: a } = parseArgs({
    options: {
      network: { type: "string", default: "localhost" },
      rpc: { type: "string" },
      deployment: { type: "string" },
      config: { type: "string" },
      loop: { type: "boolean", default: false },
      interval: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      prices: { type: "string" },
      journal: { type: "string" },
      account: { type: "string", default: "2" },
    },
  });
  const c = await connect({ network: a.network, deployment: a.deployment, rpc: a.rpc });
  const config = loadKeeperConfig(a.config, {
    targets: a.config
      ? undefined
      : defaultTargets(
          c.deployment.baseAsset.symbol,
          c.deployment.assets.map((x) => x.symbol),
        ),
    journalPath: a.journal ?? join(dirname(deploymentPath(c.deployment.network)), "journal.sqlite"),
    dryRun: a["dry-run"] || undefined,
    pricesCsv: a.prices,
    intervalSeconds: a.interval === undefined ? undefined : Number(a.interval),
  });
  const signer = loadSigner(c, "KEEPER_PRIVATE_KEY", Number(a.account));
  const ctx = await createKeeperContext({
    config,
    deployment: c.deployment,
    provider: c.provider,
    signer: signer as never,
  });
  consoleLog(
    `keeper ${signer.address} on ${c.deployment.network} (chain ${c.deployment.chainId}) for vault ${c.deployment.contracts.vault}${config.dryRun ? " — dry run" : ""}`,
  );
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  process.once("SIGTERM", () => (stop = true));
  const hasBook = config.book.enabled && (await ctx.vault.modules()).length > 0;
  const bookEnv = hasBook
    ? await bookEnvFromDeployment(ctx.vault, c.deployment, c.provider, signer as never)
    : undefined;
  do {
    // The book first: a hedge reduces risk, the spot cycle then trades around it (each respects the cooldown).
    if (bookEnv) {
      const params = riskParamsFromChain(await ctx.vault.riskParams());
      const b = await runBookCycle(
        ctx,
        bookEnv,
        bookPolicyFromConfig(params, c.deployment.baseAsset.symbol, config.book),
      );
      consoleLog(`book cycle: ${b.outcome}`);
    }
    const r = await runCycle(ctx);
    consoleLog(
      `cycle: ${r.outcome}; timings ${Object.entries(r.timings)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(", ")}`,
    );
    if (!a.loop) break;
    for (let waited = 0; waited < config.intervalSeconds && !stop; waited++)
      await new Promise((res) => setTimeout(res, 1_000));
  } while (!stop);
  ctx.journal.close();
  c.provider.destroy();
}

/** Strategic weights when no config file is given: 40 % base asset, the rest split evenly. */
function defaultTargets(base: string, assets: string[]): Record<string, number> {
  return { [base]: 0.4, ...Object.fromEntries(assets.map((s) => [s, 0.6 / assets.length])) };
}

main().catch((err: unknown) => {
  if (err instanceof KeeperConfigError) consoleLog(`${err.message}: nothing sent`);
  else consoleLog(`stopped: ${(err as Error).message}: nothing further sent`);
  process.exitCode = 1;
});
