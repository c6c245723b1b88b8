/**
 * The fork suite's harness. One code path, two upstreams:
 *  - MAINNET_RPC_URL set: Hardhat forks Ethereum mainnet at PINNED_BLOCK (scripts/lib/addressBook.ts).
 *  - unset: a `hardhat node` is started on 127.0.0.1 (a free port), the canonical-address replica
 *    (scripts/replica/canonical.ts) is deployed onto it, and Hardhat forks THAT node at its latest block.
 * Either way the tests then run on an in-process Hardhat network forked from the upstream, with the same address book,
 * the same impersonated whales and the same keeper/governance modules.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider } from "ethers";
import { network } from "hardhat";
import { PINNED_BLOCK } from "../../../scripts/lib/addressBook.ts";
import { deployCanonicalReplica, type CanonicalReplica } from "../../../scripts/replica/canonical.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface Upstream {
  kind: "mainnet" | "replica";
  url: string;
  blockNumber: number;
  blockTimestamp: number;
  /** The replica as deployed on the node (replica only). */
  replica?: CanonicalReplica;
  /** Stops the node (replica only); safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function rpcUp(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** `hardhat node` on 127.0.0.1:<free port>, as a direct child (its own PID), with a stop that waits for its exit. */
export async function startNode(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cli = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
  const child = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killHard = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killHard); // the test process dying must not leave the node behind
  const stop = async () => {
    process.removeListener("exit", killHard);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(killHard, 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with code ${child.exitCode}: ${stderr}`);
    if (await rpcUp(url)) return { url, child, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`hardhat node did not answer on ${url} within 60 s: ${stderr}`);
}

/** The fork's upstream: mainnet at PINNED_BLOCK when MAINNET_RPC_URL is set, else a node serving the replica. */
export async function openUpstream(): Promise<Upstream> {
  const mainnet = process.env.MAINNET_RPC_URL;
  if (mainnet) {
    const provider = new JsonRpcProvider(mainnet, undefined, { staticNetwork: true });
    const block = await provider.getBlock(PINNED_BLOCK);
    provider.destroy();
    if (!block) throw new Error(`MAINNET_RPC_URL has no block ${PINNED_BLOCK} (an archive node is needed)`);
    return {
      kind: "mainnet",
      url: mainnet,
      blockNumber: PINNED_BLOCK,
      blockTimestamp: block.timestamp,
      stop: async () => {},
    };
  }
  const node = await startNode();
  try {
    const conn = await network.create({ network: "localhost", override: { url: node.url } });
    const [funder] = await conn.ethers.getSigners();
    const replica = await deployCanonicalReplica(
      { provider: conn.ethers.provider, getSigner: (a) => conn.ethers.getSigner(a) },
      funder,
    );
    const block = (await conn.ethers.provider.getBlock("latest"))!;
    await conn.close();
    return {
      kind: "replica",
      url: node.url,
      blockNumber: block.number,
      blockTimestamp: block.timestamp,
      replica,
      stop: node.stop,
    };
  } catch (err) {
    await node.stop();
    throw err;
  }
}

/**
 * An in-process Hardhat network forked from `up` at its block. The fork's clock is pinned to the upstream block's time
 * (next block = upstream + 12 s, later blocks follow on): EDR ignores `initialDate` when forking (checked here), and a
 * mainnet block from the past mined at today's wall-clock time would make every Chainlink feed look stale.
 */
export async function openFork(up: Upstream) {
  const conn = await network.create({
    network: "default",
    override: { forking: { url: up.url, blockNumber: up.blockNumber } },
  });
  await conn.ethers.provider.send("evm_setNextBlockTimestamp", [up.blockTimestamp + 12]);
  await conn.ethers.provider.send("evm_mine", []);
  return conn;
}
