/**
 * Stress-revaluation benchmark: full revaluation of a 20-position book (17 options across strikes and expiries on two
 * underlyings, a Uniswap V3 range, a lending account, spot) over 100,000 scenarios with price and vol shocks.
 * Imported and printed by scripts/bench/optimizer.ts. Deterministic inputs (no randomness needed: a fixed grid).
 */
import { revalueBook, type MarketState, type Position } from "../../optimizer/instruments/index.ts";

/** Runs the benchmark (best of 3) and returns the throughput in position-scenarios per second. */
export async function benchStress(): Promise<{ label: string; seconds: number; positionScenariosPerSecond: number }> {
  const market: MarketState = {
    pricesUsd: { WETH: 3000, WBTC: 60000, USDC: 1 },
    smiles: { WETH: { atmVol: 0.65, skew: -0.25, smile: 0.6 }, WBTC: { atmVol: 0.5, skew: -0.15, smile: 0.4 } },
    rateAnnual: 0.04,
    yieldsAnnual: { WETH: 0.03 },
  };
  const book: Position[] = [];
  for (let k = 0; k < 17; k++) {
    const eth = k % 3 !== 2;
    const spot = eth ? 3000 : 60000;
    book.push({
      kind: "option",
      underlying: eth ? "WETH" : "WBTC",
      optionType: k % 2 === 0 ? "call" : "put",
      strikeUsd: spot * (0.7 + 0.04 * k),
      expiryYears: (7 + 11 * k) / 365,
      quantity: k % 4 === 0 ? -5 : 3,
    });
  }
  book.push({
    kind: "uniswapV3",
    token0: "WETH",
    token1: "USDC",
    decimals0: 18,
    decimals1: 6,
    tickLower: -197340,
    tickUpper: -195300,
    liquidityRaw: 2e15,
  });
  book.push({
    kind: "lending",
    collateral: [{ asset: "WETH", amountToken: 10, liquidationThresholdBps: 8250 }],
    debt: [{ asset: "USDC", amountToken: 15000 }],
  });
  book.push({ kind: "spot", asset: "WBTC", amountToken: 1 });

  const assets = ["WETH", "WBTC", "USDC"];
  const n = 100_000;
  const mult = new Float64Array(n * 3);
  const vol = new Float64Array(n * 3);
  for (let s = 0; s < n; s++) {
    const u = (s + 0.5) / n;
    const z = Math.sin(12.9898 * s) * 2; // deterministic spread of shocks in [-2, 2]
    mult[s * 3] = Math.exp(0.8 * (u - 0.5) + 0.1 * z);
    mult[s * 3 + 1] = Math.exp(0.6 * (u - 0.5) - 0.05 * z);
    mult[s * 3 + 2] = 1;
    vol[s * 3] = 0.2 * (0.5 - u);
    vol[s * 3 + 1] = 0.15 * (0.5 - u);
  }
  const scenarios = { assets, nScenarios: n, priceMultipliers: mult, volShifts: vol, horizonYears: 1 / 365 };
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    revalueBook(book, market, scenarios);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return {
    label: `stress: full revaluation, ${book.length} positions (17 options, 1 LP) × ${n.toLocaleString("en-US")} scenarios`,
    seconds: best,
    positionScenariosPerSecond: (book.length * n) / best,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchStress();
  console.log(
    `${r.label}: ${r.seconds.toFixed(3)} s, ${(r.positionScenariosPerSecond / 1e6).toFixed(1)} M position-scenarios/s`,
  );
}
