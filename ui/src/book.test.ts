import { describe, expect, it } from "vitest";
import {
  approvalFor,
  ceilDiv,
  exitDebts,
  exitShortfall,
  healthFactorNumber,
  MAX_UINT256,
  owedForExit,
} from "./book.ts";

describe("owedForExit", () => {
  it("is ceil(debt · shares / supply), as AaveV3LendingModule.exitProRata pulls it", () => {
    expect(owedForExit(2n * 10n ** 18n, 1n, 2n)).toBe(10n ** 18n);
    // 10 · 1 / 3 = 3.33… → 4: the exiting holder never leaves debt behind.
    expect(owedForExit(10n, 1n, 3n)).toBe(4n);
    expect(owedForExit(9n, 1n, 3n)).toBe(3n);
    expect(owedForExit(0n, 5n, 7n)).toBe(0n);
    // All shares but the vault's 10^6 virtual ones: a hair under the whole debt, rounded up.
    const debt = 2_000_000_123_456_789_012n;
    const shares = 100_000n * 10n ** 12n;
    const supply = shares + 10n ** 6n;
    const owed = owedForExit(debt, shares, supply);
    expect(owed * supply >= debt * shares).toBe(true);
    expect((owed - 1n) * supply < debt * shares).toBe(true);
    expect(owedForExit(debt, 1n, 0n)).toBe(0n);
  });
  it("approves 0.1 % (rounded up) and one unit more than owed", () => {
    expect(approvalFor(0n)).toBe(0n);
    expect(approvalFor(1n)).toBe(3n); // 1 + ceil(0.001) + 1
    expect(approvalFor(1_000n)).toBe(1_002n);
    expect(approvalFor(1_001n)).toBe(1_004n);
    expect(approvalFor(2n * 10n ** 18n)).toBe(2_002_000_000_000_000_001n);
    expect(ceilDiv(0n, 7n)).toBe(0n);
    expect(ceilDiv(7n, 7n)).toBe(1n);
    expect(ceilDiv(8n, 7n)).toBe(2n);
  });
});

describe("exitDebts", () => {
  it("lists each module's debt slice per token, skipping modules without debt or report", () => {
    const WETH = "0x0000000000000000000000000000000000000002";
    const USDC = "0x0000000000000000000000000000000000000001";
    const debts = exitDebts(
      [
        {
          address: "0xaa",
          kind: "aave-v3",
          protocolId: "0x",
          tokens: [USDC, WETH],
          report: { longAmounts: [5n, 0n], debtAmounts: [0n, 300n], shortGammaUsdWad: 0n, healthFactorWad: 2n },
        },
        {
          address: "0xbb",
          kind: "uniswap-v3",
          protocolId: "0x",
          tokens: [WETH, USDC],
          report: { longAmounts: [1n, 1n], debtAmounts: [0n, 0n], shortGammaUsdWad: 1n, healthFactorWad: MAX_UINT256 },
        },
        { address: "0xcc", kind: "unknown", protocolId: "0x", tokens: [], error: "reverted" },
      ],
      1n,
      7n,
    );
    expect(debts).toEqual([{ module: "0xaa", kind: "aave-v3", token: WETH, debt: 300n, owed: 43n, approve: 45n }]);
  });
  it("reads health factors as floats, ∞ without debt", () => {
    expect(healthFactorNumber(MAX_UINT256)).toBe(Infinity);
    expect(healthFactorNumber(1_505_000_000_000_000_000n)).toBe(1.505);
  });
});

describe("exitShortfall", () => {
  const WETH = "0x00000000000000000000000000000000000000Ee";
  const tokens = { [WETH.toLowerCase()]: { address: WETH, symbol: "WETH", decimals: 18 } };
  const E18 = 10n ** 18n;
  const debt = (owed: bigint, module = "0xaa") => ({
    module,
    kind: "aave-v3" as const,
    token: WETH,
    debt: 2n * E18,
    owed,
    approve: approvalFor(owed),
  });
  it("says what is owed, the caller's slice and balance, before anything is sent", () => {
    expect(exitShortfall([debt(E18)], new Map([[WETH.toLowerCase(), E18 / 2n]]), tokens)).toBe(
      "The vault owes 2 WETH on Aave; your slice is 1 WETH and you hold 0.5 WETH: get WETH or use Withdraw.",
    );
  });
  it("is silent when the balance covers the slices, summed over modules owing the same token", () => {
    const held = new Map([[WETH.toLowerCase(), E18]]);
    expect(exitShortfall([debt(E18)], held, tokens)).toBeUndefined();
    expect(exitShortfall([debt(E18 / 2n), debt(E18 / 2n + 1n, "0xbb")], held, tokens)).toMatch(/your slice is 1 WETH/);
    expect(exitShortfall([], new Map(), tokens)).toBeUndefined();
  });
});
