import { describe, expect, it } from "vitest";
import {
  formatAmount,
  formatBps,
  formatDuration,
  formatPpm,
  formatSharePrice,
  formatTimestamp,
  formatUnitsText,
  parseAmount,
  sharePriceNumber,
  shortAddress,
  unitsToInput,
} from "./format.ts";

const USDC = { symbol: "USDC", decimals: 6 };
const WETH = { symbol: "WETH", decimals: 18 };
const WBTC = { symbol: "WBTC", decimals: 8 };

describe("amounts with token decimals", () => {
  it("groups thousands and drops trailing zeros", () => {
    expect(formatAmount(1_000_000_000_000n, USDC)).toBe("1,000,000 USDC");
    expect(formatAmount(1_234_567_890n, USDC)).toBe("1,234.56 USDC");
    expect(formatAmount(10n ** 18n + 5n * 10n ** 17n, WETH)).toBe("1.5 WETH");
    expect(formatAmount(66_440_100n, WBTC)).toBe("0.664401 WBTC");
    expect(formatAmount(0n, USDC)).toBe("0 USDC");
  });
  it("rounds toward zero and never shows a non-zero amount as 0", () => {
    expect(formatUnitsText(1_999_999n, 6)).toBe("1.99");
    expect(formatUnitsText(1n, 6)).toBe("< 0.01");
    expect(formatUnitsText(1n, 18)).toBe("< 0.000001");
    expect(formatUnitsText(-1_500_000n, 6)).toBe("-1.5");
  });
  it("honours an explicit number of fraction digits", () => {
    expect(formatUnitsText(123_456_789n, 6, 0)).toBe("123");
    expect(formatUnitsText(123_456_789n, 6, 6)).toBe("123.456789");
  });
});

describe("parsing what the user typed", () => {
  it("accepts grouped and decimal input", () => {
    expect(parseAmount("1,000", 6)).toEqual({ ok: true, units: 1_000_000_000n });
    expect(parseAmount(" 2.5 ", 6)).toEqual({ ok: true, units: 2_500_000n });
    expect(parseAmount(".5", 18)).toEqual({ ok: true, units: 5n * 10n ** 17n });
    expect(parseAmount("20 000 000", 6)).toEqual({ ok: true, units: 20_000_000_000_000n });
  });
  it("refuses what is not an amount, with a message for the field", () => {
    expect(parseAmount("", 6)).toMatchObject({ ok: false, error: "Enter an amount." });
    expect(parseAmount("abc", 6)).toMatchObject({ ok: false });
    expect(parseAmount("-1", 6)).toMatchObject({ ok: false });
    expect(parseAmount("1e6", 6)).toMatchObject({ ok: false });
    expect(parseAmount("0", 6)).toMatchObject({ ok: false, error: "Enter an amount greater than zero." });
    expect(parseAmount("1.1234567", 6)).toMatchObject({
      ok: false,
      error: "At most 6 digits after the decimal point.",
    });
  });
  it("round-trips through the input form", () => {
    for (const units of [1n, 1_500_000n, 123_456_789_000n]) {
      expect(parseAmount(unitsToInput(units, 6), 6)).toEqual({ ok: true, units });
    }
  });
});

describe("ratios, prices, times", () => {
  it("bps and ppm as percentages", () => {
    expect(formatBps(1234)).toBe("12.34 %");
    expect(formatBps(15_000n, 0)).toBe("150 %");
    expect(formatPpm(400_000n)).toBe("40.00 %");
    expect(formatPpm(812n, 3)).toBe("0.081 %");
  });
  it("share price per whole share across the decimals offset", () => {
    // 1 USDC unit per 1e6 share units, WAD: 1e12; a whole bUSDC (12 decimals) is worth 1 USDC.
    expect(sharePriceNumber(10n ** 12n, 6, 12)).toBeCloseTo(1, 12);
    expect(formatSharePrice(1_050_000_000_000n, USDC, { decimals: 12 })).toBe("1.050000 USDC");
  });
  it("times and addresses", () => {
    expect(formatTimestamp(1_651_363_200)).toBe("2022-05-01 00:00 UTC");
    expect(formatDuration(3_900)).toBe("1 h 5 min");
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(2 * 86_400)).toBe("2 d");
    expect(shortAddress("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")).toBe("0x15d3…6A65");
  });
});
