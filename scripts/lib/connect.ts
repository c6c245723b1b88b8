/**
 * How the keeper and the governance scripts reach a chain: `--network <name>` picks deployments/<name>/deployment.json
 * and its RPC URL (`--rpc` or BALLAST_RPC_URL override it); the key comes from an environment variable, or — on a
 * local development chain only (chain id 31337) — from Hardhat's public test mnemonic (`--account <index>`).
 */
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet } from "ethers";
import { readDeployment, type Deployment } from "./deployments.ts";

export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

export interface Connection {
  deployment: Deployment;
  provider: JsonRpcProvider;
  rpcUrl: string;
}

export async function connect(opts: { network?: string; deployment?: string; rpc?: string }): Promise<Connection> {
  const deployment = readDeployment(opts.deployment ?? opts.network ?? "localhost");
  const rpcUrl = opts.rpc ?? process.env.BALLAST_RPC_URL ?? deployment.rpcUrl ?? "http://127.0.0.1:8545";
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 250 });
  const chainId = Number((await provider.getNetwork()).chainId);
  if (chainId !== deployment.chainId) {
    throw new Error(`${rpcUrl} is chain ${chainId}, but the deployment file is for chain ${deployment.chainId}`);
  }
  return { deployment, provider, rpcUrl };
}

/** The signing key: `envVar` (a 0x private key), else Hardhat's dev account `accountIndex` on chain 31337 only. */
export function loadSigner(c: Connection, envVar: string, accountIndex: number | undefined): Wallet | HDNodeWallet {
  const key = process.env[envVar];
  if (key) return new Wallet(key, c.provider);
  if (c.deployment.chainId !== 31337) {
    throw new Error(
      `set ${envVar} to the signing key (refusing to use a development key on chain ${c.deployment.chainId})`,
    );
  }
  if (accountIndex === undefined) throw new Error(`set ${envVar}, or pass --account <index> on the local chain`);
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${accountIndex}`).connect(
    c.provider,
  );
}
