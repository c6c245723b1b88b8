import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { id } from "ethers";
import type { ModuleView } from "../book.ts";
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

function snapshot(over: Record<string, unknown> = {}, modules: ModuleView[] = []): Snapshot {
  const budget = {
    params: {
      maxTurnoverBps: 5_000n,
      maxWindowTurnoverBps: 15_000n,
      maxSlippageBps: 100n,
      maxWindowSlippageBps: 50n,
      minIdleBps: 1_000n,
      maxDrawdownBps: 2_000n,
      minHealthFactorBps: 15_000n,
      maxGrossLeverageBps: 20_000n,
      maxNetDeltaBps: 8_000n,
      maxShortGammaBps: 500n,
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
    modules,
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

const AAVE = "0x00000000000000000000000000000000000000aa";
const LP = "0x00000000000000000000000000000000000000bb";
const BROKEN = "0x00000000000000000000000000000000000000cc";
const E18 = 10n ** 18n;
const modules: ModuleView[] = [
  {
    address: AAVE,
    kind: "aave-v3",
    protocolId: id("aave-v3"),
    protocolCapBps: 6_000n,
    tokens: [USDC, WETH],
    report: {
      longAmounts: [200_000_000_000n, 0n],
      debtAmounts: [0n, 20n * E18],
      shortGammaUsdWad: 0n,
      healthFactorWad: 2_604_000_000_000_000_000n,
    },
  },
  {
    address: LP,
    kind: "uniswap-v3",
    protocolId: id("uniswap-v3"),
    protocolCapBps: 5_000n,
    tokens: [WETH, USDC],
    report: {
      longAmounts: [10n * E18, 30_000_000_000n],
      debtAmounts: [0n, 0n],
      shortGammaUsdWad: 10_000n * E18,
      healthFactorWad: (1n << 256n) - 1n,
    },
  },
  { address: BROKEN, kind: "uniswap-v3", protocolId: id("uniswap-v3"), tokens: [], error: "execution reverted" },
];

describe("Dashboard with position modules", () => {
  it("shows each module (LP value, amounts, gamma % of NAV; Aave collateral, debt, health factor) and the book limits", () => {
    const { rerender } = render(<Dashboard meta={meta} snapshot={snapshot({}, modules)} />);
    const aave = screen.getByTestId("module-aave-v3");
    expect(aave.querySelector("[data-testid=module-collateral]")?.textContent).toBe("200,000 USDC ($200,000.00)");
    expect(aave.querySelector("[data-testid=module-debt]")?.textContent).toBe("20 WETH ($60,000.00)");
    expect(aave.querySelector("[data-testid=module-health-factor]")?.textContent).toBe("2.60 · min 1.50");
    const [lp, broken] = screen.getAllByTestId("module-uniswap-v3");
    expect(lp.querySelector("[data-testid=module-value]")?.textContent).toBe("$60,000.00");
    expect(lp.querySelector("[data-testid=module-amounts]")?.textContent).toBe(
      "10 WETH ($30,000.00) + 30,000 USDC ($30,000.00)",
    );
    // ½·|Γ|·P² = $10,000 on a $1,000,000 NAV: 1 % of NAV, a 10 % move costs about $100.
    expect(lp.querySelector("[data-testid=module-gamma]")?.textContent).toBe(
      "1.00 % of NAV · cap 5.00 % (≈ $100.00 lost on a 10 % move)",
    );
    expect(broken.querySelector("[data-testid=module-unavailable]")?.textContent).toBe(
      "Report unavailable (execution reverted).",
    );
    // One report failed: the book-wide limits cannot be computed, and say so.
    expect(screen.getByTestId("budget-gross-leverage").textContent).toMatch(/^Gross leverageunavailable/);
    expect(screen.getByTestId("budget-net-delta").textContent).toMatch(/unavailable/);
    rerender(<Dashboard meta={meta} snapshot={snapshot({}, modules.slice(0, 2))} />);
    // Spot 600,000 + 399,000, Aave collateral 200,000, LP 60,000 = 1,259,000 long on a 1,000,000 NAV.
    expect(screen.getByRole("meter", { name: "Gross leverage" }).getAttribute("aria-valuetext")).toBe(
      "125.90 % of 200 %",
    );
    // WETH: 133 spot (399,000) + 10 in the LP (30,000) − 20 owed (60,000) = 369,000.
    expect(screen.getByRole("meter", { name: "Net delta, largest: WETH" }).getAttribute("aria-valuetext")).toBe(
      "36.90 % of 80 %",
    );
    expect(screen.getByRole("meter", { name: "Short gamma, all modules" }).getAttribute("aria-valuetext")).toBe(
      "1.00 % of NAV · cap 5.00 %",
    );
    expect(screen.getByTestId("budget-health-factor").textContent).toBe("Lowest health factor2.60 · minimum 1.50");
    // Aave's exposure is what a failure can take: collateral − debt = 140,000.
    expect(
      screen.getByRole("meter", { name: "Protocol exposure: Aave V3 module" }).getAttribute("aria-valuetext"),
    ).toBe("14.00 % of 60 %");
  });

  it("has no module section without modules, and still shows net delta and gross leverage", () => {
    render(<Dashboard meta={meta} snapshot={snapshot()} />);
    expect(screen.queryByTestId("modules")).toBeNull();
    expect(screen.getByRole("meter", { name: "Gross leverage" }).getAttribute("aria-valuetext")).toBe(
      "99.90 % of 200 %",
    );
    expect(screen.getByRole("meter", { name: "Net delta, largest: WETH" }).getAttribute("aria-valuetext")).toBe(
      "39.90 % of 80 %",
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
