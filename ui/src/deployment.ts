/**
 * Where the vault lives: the deployment file the demo (`./ballast demo --serve`) and the e2e harness write,
 * deployments/<network>/deployment.json: { chainId, rpcUrl, contracts: { vault, lens, usdc, weth, wbtc, ... } }.
 * The UI fetches it next to itself (./deployment.json: `npm run build` links ui/dist/deployment.json to
 * ../../deployments/localhost/deployment.json, so the demo's static server hands it out), or from `?deployment=<url>`.
 */
import { isAddress } from "ethers";

export interface Deployment {
  chainId: number;
  rpcUrl: string;
  contracts: { vault: string; lens: string } & Record<string, string>;
  /** First block to read events from (default 0). */
  startBlock?: number;
  /** Optional keeper targets (symbol → weight as a fraction of NAV). */
  targets?: Record<string, number>;
}

/** Keeper publications the dashboard shows when present (targets.json next to the deployment). */
export interface KeeperPublication {
  targets?: Record<string, number>;
  stress?: { scenario: string; lossFraction: number }[];
  updatedAt?: string;
}

const LOCAL_CHAIN_ID = 31337;
const DEFAULT_LOCAL_RPC = "http://127.0.0.1:8545";

/**
 * Accepts the repository's deployment file (scripts/lib/deployments.ts: network, chainId, blockNumber, rpcUrl?,
 * contracts {vault, lens, timelock, adapter, …}, baseAsset, assets, riskParams, roles) and the e2e harness's subset.
 */
export function parseDeployment(json: unknown): Deployment {
  const d = json as Partial<Deployment> | null;
  if (!d || typeof d !== "object") throw new Error("deployment.json is not a JSON object");
  const chainId = Number(d.chainId);
  if (!Number.isInteger(chainId) || chainId <= 0)
    throw new Error("deployment.json: chainId must be a positive integer");
  // scripts/lib/deployments.ts makes rpcUrl optional; a local chain answers on the demo's default port.
  const rpcUrl = d.rpcUrl ?? (chainId === LOCAL_CHAIN_ID ? DEFAULT_LOCAL_RPC : undefined);
  if (typeof rpcUrl !== "string" || !/^https?:\/\//.test(rpcUrl)) throw new Error("deployment.json: rpcUrl missing");
  const c = d.contracts as Record<string, string> | undefined;
  for (const key of ["vault", "lens"]) {
    if (!c || !isAddress(c[key])) throw new Error(`deployment.json: contracts.${key} must be an address`);
  }
  // Events from the deployment block on a live chain; from genesis on a local one (cheap, and catches everything).
  const blockNumber = (json as { blockNumber?: number }).blockNumber;
  const startBlock = d.startBlock ?? (chainId === LOCAL_CHAIN_ID ? 0 : (blockNumber ?? 0));
  return { ...d, chainId, rpcUrl, startBlock, contracts: c as Deployment["contracts"] } as Deployment;
}

function candidates(): string[] {
  const q = new URLSearchParams(window.location.search).get("deployment");
  return q ? [q] : ["./deployment.json", "/deployment.json", "/deployments/localhost/deployment.json"];
}

export async function loadDeployment(): Promise<Deployment> {
  const tried: string[] = [];
  for (const url of candidates()) {
    try {
      const res = await fetch(url, { cache: "no-store" });
      if (!res.ok) {
        tried.push(`${url} (${res.status})`);
        continue;
      }
      return parseDeployment(await res.json());
    } catch (err) {
      tried.push(`${url} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  throw new Error(`No deployment found. Start the demo with \`./ballast demo --serve\`. Tried: ${tried.join(", ")}`);
}

export async function loadKeeperPublication(): Promise<KeeperPublication | undefined> {
  try {
    const res = await fetch("./targets.json", { cache: "no-store" });
    if (!res.ok) return undefined;
    return (await res.json()) as KeeperPublication;
  } catch {
    return undefined;
  }
}
