import { describe, expect, it } from "vitest";
import { parseDeployment } from "./deployment.ts";

const A = (n: number) => "0x" + n.toString(16).padStart(40, "0");

describe("deployment file", () => {
  it("reads the repository's format (scripts/lib/deployments.ts), rpcUrl optional on the local chain", () => {
    const d = parseDeployment({
      network: "localhost",
      chainId: 31337,
      deployedAt: "2026-01-01T00:00:00Z",
      blockNumber: 57,
      contracts: { vault: A(1), lens: A(2), timelock: A(3), adapter: A(4), bookLib: A(5) },
      baseAsset: { symbol: "USDC", address: A(6), decimals: 6 },
    });
    expect(d.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(d.startBlock).toBe(0);
    expect(d.contracts.vault).toBe(A(1));
  });
  it("starts reading events at the deployment block on other chains and names what is missing", () => {
    const d = parseDeployment({
      chainId: 1,
      rpcUrl: "https://rpc.example",
      blockNumber: 123,
      contracts: { vault: A(1), lens: A(2) },
    });
    expect(d.startBlock).toBe(123);
    expect(() => parseDeployment({ chainId: 1, contracts: { vault: A(1), lens: A(2) } })).toThrow(/rpcUrl missing/);
    expect(() => parseDeployment({ chainId: 31337, contracts: { vault: "0x12" } })).toThrow(/contracts.vault/);
  });
});
