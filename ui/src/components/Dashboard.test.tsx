import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import type { Snapshot, VaultMeta } from "../chain.ts";
import { Banners, Dashboard } from "./Dashboard.tsx";

afterEach(cleanup);

const USDC = "0x0000000000000000000000000000000000000001";
const WETH = "0x0000000000000000000000000000000000000002";
const VAULT = "0x0000000000000000000000000000000000000009";
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

function snapshot(over: Record<string, unknown> = {}): Snapshot {
  const budget = {
    params: {
      maxTurnoverBps: 5_000n,
      maxWindowTurnoverBps: 15_000n,
      maxSlippageBps: 100n,
      maxWindowSlippageBps: 50n,
      minIdleBps: 1_000n,
      maxDrawdownBps: 2_000n,
      cooldownSeconds: 3_600n,
      windowSeconds: 86_400n,
      drawdownWindowSeconds: 2_592_000n,
      depositCap: 10_000_000_000_000n,
    },
    baseAsset: USDC,
    base: { asset: USDC, balance: 600_000_000_000n, valueBase: 600_000_000_000n, priceWad: 10n ** 18n, priceOk: true },
    assets: [
      {
        asset: WETH,
        balance: 133n * 10n ** 18n,
        valueBase: 400_000_000_000n,
        priceWad: 3_000n * 10n ** 18n,
        priceOk: true,
        maxWeightBps: 6_000n,
        protocolId: "0x" + "11".repeat(32),
        protocolCapBps: 6_000n,
      },
    ],
    nav: 1_000_000_000_000n,
    pricesOk: true,
    windowTurnoverPpm: 400_000n,
    windowSlippagePpm: 812n,
    sharePriceWad: 990_000_000_000n,
    highWaterMarkWad: 10n ** 12n,
    breakerTripped: false,
    lastRebalanceAt: 0n,
    nextRebalanceAt: 0n,
    paused: false,
    shutdown: false,
    ...over,
  };
  return {
    block: 10,
    timestamp: 1_700_000_000,
    budget,
    totalSupply: 10n ** 18n,
    maxDeposit: 0n,
  } as unknown as Snapshot;
}

describe("Dashboard", () => {
  it("shows NAV, share price, weights vs caps and targets, and the budget in use", () => {
    render(<Dashboard meta={meta} snapshot={snapshot()} publication={{ targets: { WETH: 0.35 } }} />);
    expect(screen.getByTestId("nav").textContent).toBe("1,000,000 USDC");
    expect(screen.getByTestId("share-price").textContent).toBe("0.990000 USDC");
    expect(screen.getByRole("meter", { name: "WETH @ $3,000.00" }).getAttribute("aria-valuetext")).toBe(
      "40.00 % · cap 60.00 % · target 35.00 %",
    );
    expect(screen.getByRole("meter", { name: "Turnover, rolling window" }).getAttribute("aria-valuetext")).toBe(
      "40.00 % of 150 % per 1 d",
    );
    expect(screen.getByRole("meter", { name: "Drawdown from high-water mark" }).getAttribute("aria-valuetext")).toBe(
      "1.00 % of 20 % (breaker)",
    );
  });
});

describe("Banners", () => {
  it("is silent for a healthy vault", () => {
    render(<Banners snapshot={snapshot()} />);
    expect(screen.queryAllByRole("alert")).toHaveLength(0);
  });
  it("announces pause, shutdown, breaker and a broken feed", () => {
    render(<Banners snapshot={snapshot({ paused: true, shutdown: true, breakerTripped: true, pricesOk: false })} />);
    const alerts = screen.getAllByRole("alert").map((a) => a.textContent);
    expect(alerts).toHaveLength(4);
    expect(alerts[0]).toMatch(/^Shutdown\./);
    expect(alerts[1]).toMatch(/^Paused by the guardian\. .*Withdrawals stay open\./);
    expect(alerts[2]).toMatch(/fell more than 20\.00 %/);
    expect(alerts[3]).toMatch(/price feed is unusable/);
  });
});
