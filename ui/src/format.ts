/**
 * THE number formatting of the UI: every amount, price, ratio and time shown on screen goes through here, with the
 * token's own decimals. Amounts stay bigint (base units) until this module turns them into text; nothing else in the
 * UI divides by 10^decimals.
 *
 * Units, as in contracts/libraries/ErrorsLib.sol: bps = 1/10,000 of NAV, ppm = 1/1,000,000, WAD = 1e18 fixed point.
 */

/** A token as the UI knows it. */
export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}

const GROUP = /\B(?=(\d{3})+(?!\d))/g;

function group(digits: string): string {
  return digits.replace(GROUP, ",");
}

/** Default fraction digits shown for a token: stablecoin-like 6-decimals tokens get 2, others up to 6. */
export function defaultFractionDigits(decimals: number): number {
  return decimals <= 6 ? Math.min(2, decimals) : 6;
}

/**
 * `units` base units of a token with `decimals`, as text with thousands separators, rounded toward zero to at most
 * `maxFractionDigits` (trailing zeros dropped), e.g. formatUnitsText(1_000_000_000_000n, 6) === "1,000,000".
 * A non-zero amount that would show as 0 is shown as "< 0.01" (or the smallest step shown).
 */
export function formatUnitsText(units: bigint, decimals: number, maxFractionDigits = defaultFractionDigits(decimals)) {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let frac = (abs % scale).toString().padStart(decimals, "0").slice(0, Math.min(maxFractionDigits, decimals));
  frac = frac.replace(/0+$/, "");
  if (whole === 0n && frac === "" && abs > 0n) {
    const step = maxFractionDigits > 0 ? `0.${"0".repeat(maxFractionDigits - 1)}1` : "1";
    return `${negative ? "> -" : "< "}${step}`;
  }
  const text = group(whole.toString()) + (frac ? `.${frac}` : "");
  return negative ? `-${text}` : text;
}

/** An amount of a token with its symbol: formatAmount(10n ** 12n, usdc) === "1,000,000 USDC". */
export function formatAmount(units: bigint, token: Pick<TokenInfo, "symbol" | "decimals">, maxFractionDigits?: number) {
  return `${formatUnitsText(units, token.decimals, maxFractionDigits)} ${token.symbol}`;
}

export type ParseResult = { ok: true; units: bigint } | { ok: false; error: string };

/**
 * What the user typed in an amount field, as base units. Accepts "1000", "1,000.5", "1 000", ".5"; refuses more
 * fraction digits than the token has, negative numbers, exponents and anything else, with a message for the field.
 */
export function parseAmount(input: string, decimals: number): ParseResult {
  const text = input.trim().replace(/[,_\s]/g, "");
  if (text === "") return { ok: false, error: "Enter an amount." };
  if (!/^\d*\.?\d*$/.test(text) || text === ".") return { ok: false, error: "Enter a number, e.g. 1000 or 2.5." };
  const [whole = "", frac = ""] = text.split(".");
  if (frac.length > decimals) {
    return { ok: false, error: `At most ${decimals} digits after the decimal point.` };
  }
  const units = BigInt((whole || "0") + frac.padEnd(decimals, "0"));
  if (units === 0n) return { ok: false, error: "Enter an amount greater than zero." };
  return { ok: true, units };
}

/** Base units as plain text for an input field (no grouping, full precision): unitsToInput(1_500_000n, 6) === "1.5". */
export function unitsToInput(units: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const frac = (units % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return (units / scale).toString() + (frac ? `.${frac}` : "");
}

function fixed(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Basis points as a percentage: formatBps(1234) === "12.34 %". */
export function formatBps(bps: bigint | number, digits = 2): string {
  return `${fixed(Number(bps) / 100, digits)} %`;
}

/** Parts per million as a percentage: formatPpm(12_345) === "1.23 %". */
export function formatPpm(ppm: bigint | number, digits = 2): string {
  return `${fixed(Number(ppm) / 10_000, digits)} %`;
}

/** A fraction (0.1234) as a percentage: "12.34 %". */
export function formatFraction(x: number, digits = 2): string {
  return `${fixed(x * 100, digits)} %`;
}

/** A WAD (1e18) value as a float. Only for display and charts, never for amounts sent on-chain. */
export function wadToNumber(wad: bigint): number {
  return Number(wad) / 1e18;
}

/** Base units as a float, for charts and ratios only. */
export function unitsToNumber(units: bigint, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  return Number(units / scale) + Number(units % scale) / Number(scale);
}

/**
 * The vault's `sharePriceWad` (base units per share unit, WAD) as whole base tokens per whole share: the two tokens
 * have different decimals (bUSDC has 6 more than USDC, the vault's virtual-share offset).
 */
export function sharePriceNumber(wad: bigint, baseDecimals: number, shareDecimals: number): number {
  return wadToNumber(wad) * 10 ** (shareDecimals - baseDecimals);
}

/** Share price as text: "1.000000 USDC" per whole share. */
export function formatSharePrice(
  wad: bigint,
  base: Pick<TokenInfo, "symbol" | "decimals">,
  share: Pick<TokenInfo, "decimals">,
): string {
  return `${fixed(sharePriceNumber(wad, base.decimals, share.decimals), 6)} ${base.symbol}`;
}

/** A USD price from a WAD value: "$3,012.45". */
export function formatUsdWad(wad: bigint): string {
  return `$${fixed(wadToNumber(wad), 2)}`;
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** Unix seconds as "2026-05-01 12:34 UTC". */
export function formatTimestamp(seconds: bigint | number): string {
  const d = new Date(Number(seconds) * 1000);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A duration in seconds as "1 h 5 min", "2 d", "45 s". */
export function formatDuration(seconds: bigint | number): string {
  let s = Math.max(0, Math.round(Number(seconds)));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", m ? `${m} min` : "", !d && !h && !m ? `${s} s` : ""];
  return parts.filter(Boolean).join(" ");
}
