import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { Provider } from "ethers";
import type { ModuleView } from "../book.ts";
import type { Snapshot, VaultMeta } from "../chain.ts";
import type { VaultCtx } from "../context.ts";
import type { Deployment } from "../deployment.ts";
import { WithdrawForm } from "./WithdrawForm.tsx";

afterEach(cleanup);

const USDC = "0x0000000000000000000000000000000000000001";
const WETH = "0x0000000000000000000000000000000000000002";
const VAULT = "0x0000000000000000000000000000000000000009";
const AAVE = "0x00000000000000000000000000000000000000aa";
const meta: VaultMeta = {
  base: { address: USDC, symbol: "USDC", decimals: 6 },
  share: { address: VAULT, symbol: "bUSDC", decimals: 12 },
  assets: [{ address: WETH, symbol: "WETH", decimals: 18 }],
  tokens: {
    [USDC]: { address: USDC, symbol: "USDC", decimals: 6 },
    [WETH]: { address: WETH, symbol: "WETH", decimals: 18 },
    [VAULT]: { address: VAULT, symbol: "bUSDC", decimals: 12 },
  },
};

function ctxWith(modules: ModuleView[]): VaultCtx {
  const snapshot = {
    block: 1,
    timestamp: 1,
    budget: {
      base: { asset: USDC, balance: 80_000_000_000n, priceWad: 10n ** 18n, priceOk: true },
      assets: [{ asset: WETH, balance: 0n, priceWad: 3_000n * 10n ** 18n, priceOk: true }],
    },
    // 100,000 bUSDC (12 decimals) minus the 10^6 virtual shares: supply in redeemInKind is exactly 10^17.
    totalSupply: 10n ** 17n - 10n ** 6n,
    maxDeposit: 0n,
    modules,
  } as unknown as Snapshot;
  return {
    d: { chainId: 31337, rpcUrl: "http://x", contracts: { vault: VAULT, lens: VAULT } } as Deployment,
    meta,
    snapshot,
    readProvider: {} as Provider,
    refresh: () => undefined,
  };
}

describe("Exit in kind with a lending module in debt", () => {
  it("previews the collateral received and the debt slice to repay (rounded up)", () => {
    const aave: ModuleView = {
      address: AAVE,
      kind: "aave-v3",
      protocolId: "0x",
      tokens: [USDC, WETH],
      report: {
        longAmounts: [20_000_000_000n, 0n],
        debtAmounts: [0n, 2n * 10n ** 18n + 1n],
        shortGammaUsdWad: 0n,
        healthFactorWad: 26n * 10n ** 17n,
      },
    };
    render(<WithdrawForm ctx={ctxWith([aave])} />);
    fireEvent.change(screen.getByLabelText("Shares to redeem (bUSDC)"), { target: { value: "50000" } });
    // Half the supply: half of 80,000 spot + 20,000 collateral; half of 2 WETH + 1 wei, rounded up.
    expect(screen.getByTestId("inkind-receive").textContent).toContain("50,000 USDC");
    expect(screen.getByTestId("inkind-repay").textContent).toBe(
      "You repay about 1 WETH (approved to the lending module)",
    );
  });
  it("shows no repayment without debt", () => {
    render(<WithdrawForm ctx={ctxWith([])} />);
    fireEvent.change(screen.getByLabelText("Shares to redeem (bUSDC)"), { target: { value: "50000" } });
    expect(screen.queryByTestId("inkind-repay")).toBeNull();
  });
});
