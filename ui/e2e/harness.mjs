/**
 * The e2e harness: a `hardhat node` child on a free port, the local stack deployed onto it, ui/dist served by a tiny
 * HTTP server (with the deployment file next to it), and Debian's Chromium driven by playwright-core with an injected
 * EIP-1193 test wallet that forwards JSON-RPC to the node (whose unlocked accounts sign eth_sendTransaction).
 */
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, existsSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = path.resolve(UI, "..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const log = (...a) => console.error("[e2e]", ...a);

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function rpc(url, method, params = []) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const j = await res.json();
  if (j.error) throw Object.assign(new Error(j.error.message), j.error);
  return j.result;
}

/** Starts `hardhat node` on a free port; resolves when it answers eth_chainId. */
export async function startNode() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    path.join(ROOT, "node_modules/.bin/hardhat"),
    ["node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (b) => (output = (output + b).slice(-4000)));
  child.stderr.on("data", (b) => (output = (output + b).slice(-4000)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited (${child.exitCode}):\n${output}`);
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`hardhat node did not answer on ${url}:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  log(`hardhat node pid ${child.pid} on ${url}`);
  return { url, child, stop: () => stopChild(child) };
}

export function stopChild(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
      resolve();
    }, 5_000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    process.kill(child.pid, "SIGTERM");
  });
}

/** Deploys the stack with ui/e2e/deploy.ts through `hardhat run --network localhost`. */
export function deploy(rpcUrl) {
  const dir = mkdtempSync(path.join(tmpdir(), "ballast-e2e-"));
  const out = path.join(dir, "deployment.json");
  execFileSync(path.join(ROOT, "node_modules/.bin/hardhat"), ["run", "--network", "localhost", "ui/e2e/deploy.ts"], {
    cwd: ROOT,
    env: { ...process.env, BALLAST_RPC_URL: rpcUrl, DEPLOYMENT_OUT: out },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deployment = JSON.parse(readFileSync(out, "utf8"));
  rmSync(dir, { recursive: true, force: true });
  return deployment;
}

const TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves ui/dist, and `deployment` at /deployment.json. */
export async function serveUi(deployment) {
  const dist = path.join(UI, "dist");
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/deployment.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(deployment));
      return;
    }
    const file = path.join(dist, path.normalize(url.pathname === "/" ? "/index.html" : url.pathname));
    if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Debian's Chromium with a new empty profile directory. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), "ballast-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The injected test wallet, an EIP-1193 provider: accounts after eth_requestAccounts, chain id from the node unless
 * overridden (to test the wrong-network prompt; wallet_switchEthereumChain clears the override), everything else,
 * eth_sendTransaction included, forwarded to the node, whose unlocked account signs.
 */
export function testWallet(cfg) {
  let connected = false;
  let chainOverride = cfg.chainOverride ?? null;
  const listeners = {};
  let id = 0;
  const emit = (ev, arg) => (listeners[ev] ?? []).forEach((fn) => fn(arg));
  async function forward(method, params) {
    const res = await fetch(cfg.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
    });
    const j = await res.json();
    if (j.error) {
      const e = new Error(j.error.message);
      e.code = j.error.code;
      e.data = j.error.data;
      throw e;
    }
    return j.result;
  }
  window.__walletSent = [];
  window.ethereum = {
    isBallastTestWallet: true,
    async request({ method, params }) {
      switch (method) {
        case "eth_requestAccounts":
          connected = true;
          emit("accountsChanged", [cfg.account]);
          return [cfg.account];
        case "eth_accounts":
          return connected ? [cfg.account] : [];
        case "eth_chainId":
          return chainOverride !== null ? "0x" + chainOverride.toString(16) : forward(method, params);
        case "wallet_switchEthereumChain": {
          const want = Number(params[0].chainId);
          const real = Number(await forward("eth_chainId", []));
          if (want !== real) throw Object.assign(new Error("Unrecognized chain"), { code: 4902 });
          chainOverride = null;
          emit("chainChanged", params[0].chainId);
          return null;
        }
        case "eth_sendTransaction":
          window.__walletSent.push(params[0]);
          return forward(method, params);
        default:
          return forward(method, params);
      }
    },
    on(ev, fn) {
      (listeners[ev] ??= []).push(fn);
    },
    removeListener(ev, fn) {
      listeners[ev] = (listeners[ev] ?? []).filter((f) => f !== fn);
    },
  };
}
