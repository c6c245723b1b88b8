/**
 * THE unit boundary between the optimizer (floats: whole tokens, USD, fractions of NAV) and the chain (integers:
 * token base units with each token's decimals, bps, WAD prices). Every conversion in scripts/ goes through here.
 *
 * Decimals, stated: USDC 6, WBTC 8, WETH 18; Chainlink-style USD feeds 8; vault prices WAD (18).
 */

/** `amount` whole tokens as base units of a token with `decimals`, rounded toward zero (never more than asked). */
export function toUnits(amount: number, decimals: number): bigint {
  if (!Number.isFinite(amount) || amount < 0) {
    throw new RangeError(`toUnits: amount must be a finite number >= 0, got ${amount}`);
  }
  const [whole, frac = ""] = amount.toFixed(Math.min(decimals, 18)).split(".");
  return BigInt(whole + frac.padEnd(decimals, "0").slice(0, decimals));
}

/** Base units of a token with `decimals` as whole tokens (float). */
export function fromUnits(units: bigint, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  return Number(units / scale) + Number(units % scale) / Number(scale);
}

/** A WAD (1e18) fixed-point value as a float. */
export function fromWad(wad: bigint): number {
  return fromUnits(wad, 18);
}

/** USD price as a Chainlink USD feed answer (8 decimals). */
export function feedAnswer(priceUsd: number): bigint {
  return toUnits(priceUsd, 8);
}

/**
 * The vault's own oracle floor for a trade's `minAmountOut`, computed exactly as `BallastVault._quoteTrade` does:
 * expected = amountIn * priceInWad * 10^decOut / (priceOutWad * 10^decIn), floor = ceil(expected * (1e4 - cap) / 1e4).
 * A keeper that sends this (or more) never trips `SlippageAboveCap`; the router's own check then refuses a pool that
 * was moved against the oracle.
 */
export function oracleMinOut(
  amountInUnits: bigint,
  priceInWad: bigint,
  decimalsIn: number,
  priceOutWad: bigint,
  decimalsOut: number,
  maxSlippageBps: number,
): { expectedOut: bigint; minAmountOut: bigint } {
  const expectedOut =
    (amountInUnits * priceInWad * 10n ** BigInt(decimalsOut)) / (priceOutWad * 10n ** BigInt(decimalsIn));
  const num = expectedOut * BigInt(10_000 - maxSlippageBps);
  return { expectedOut, minAmountOut: (num + 9_999n) / 10_000n };
}
