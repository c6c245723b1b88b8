/** Any EIP-1193 wallet (window.ethereum), wrapped in ethers v6's BrowserProvider. */
import { BrowserProvider, toQuantity } from "ethers";

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

declare global {
  interface Window {
    ethereum?: Eip1193;
  }
}

export function injectedWallet(): Eip1193 | undefined {
  return typeof window !== "undefined" ? window.ethereum : undefined;
}

export function browserProvider(wallet: Eip1193): BrowserProvider {
  return new BrowserProvider(wallet, "any");
}

export async function requestAccounts(wallet: Eip1193): Promise<string[]> {
  return (await wallet.request({ method: "eth_requestAccounts" })) as string[];
}

export async function currentAccounts(wallet: Eip1193): Promise<string[]> {
  return (await wallet.request({ method: "eth_accounts" })) as string[];
}

export async function walletChainId(wallet: Eip1193): Promise<number> {
  return Number(await wallet.request({ method: "eth_chainId" }));
}

/** Asks the wallet to switch to `chainId`, adding the network first when the wallet does not know it (4902). */
export async function switchChain(wallet: Eip1193, chainId: number, rpcUrl: string): Promise<void> {
  const hex = toQuantity(chainId);
  try {
    await wallet.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hex }] });
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code !== 4902) throw err;
    await wallet.request({
      method: "wallet_addEthereumChain",
      params: [
        {
          chainId: hex,
          chainName: chainId === 31337 ? "Ballast local chain" : `Chain ${chainId}`,
          rpcUrls: [rpcUrl],
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        },
      ],
    });
  }
}
