import { expect } from "chai";
import fc from "fast-check";
import {
  MAX_TRADES,
  checkRiskBudget,
  gasCostUsd,
  minAmountOutFromOracle,
  planTrades,
  quoteSwap,
  type AssetInfo,
  type PlanInputs,
  type PoolModel,
  type RiskBudget,
} from "../../../optimizer/plan/index.ts";

const budget: RiskBudget = {
  maxTurnoverBps: 5000,
  maxWindowTurnoverBps: 10000,
  maxSlippageBps: 100,
  maxWindowSlippageBps: 50,
  minIdleBps: 500,
  maxDrawdownBps: 2000,
  cooldownSeconds: 3600,
  windowSeconds: 86400,
  depositCap: 1e9,
};
const assets: AssetInfo[] = [
  { asset: "USDC", decimals: 6, protocolId: "", maxWeightBps: 10000, protocolCapBps: 10000 },
  { asset: "WETH", decimals: 18, protocolId: "weth", maxWeightBps: 6000, protocolCapBps: 6000 },
  { asset: "WBTC", decimals: 8, protocolId: "bitgo", maxWeightBps: 4000, protocolCapBps: 3000 },
];
const prices = { USDC: 1, WETH: 3000, WBTC: 60000 };
const cp = (asset: number, priceUsd: number, feePips = 500): PoolModel => ({
  kind: "constantProduct",
  reserveAssetToken: asset,
  reserveBaseToken: asset * priceUsd,
  feePips,
});
const base: PlanInputs = {
  assets,
  baseAsset: "USDC",
  holdings: { USDC: 20000, WETH: 10, WBTC: 0.5 }, // NAV 80,000: 25 % / 37.5 % / 37.5 %
  oraclePricesUsd: prices,
  targetWeights: { USDC: 0.2, WETH: 0.5, WBTC: 0.3 },
  pools: { WETH: cp(10000, 3000), WBTC: cp(500, 60000) },
  budget,
  gas: { gasUnitsPerSwap: 150000, gasPriceGwei: 10, ethPriceUsd: 3000 },
  noTradeBandBps: 50,
};

describe("plan: pool models and costs", () => {
  it("constant product by hand: 1 WETH into 100 / 300,000 at 0.3 %", () => {
    const q = quoteSwap(cp(100, 3000, 3000), true, 1);
    const net = 0.997;
    expect(q.amountOut).to.be.closeTo((300000 * net) / (100 + net), 1e-9);
    expect(q.feeIn).to.be.closeTo(0.003, 1e-15);
    expect(q.priceImpactBps).to.be.closeTo((1 - 300000 / (100 + net) / 3000) * 1e4, 1e-9);
  });

  it("a concentrated pool over a huge range equals constant product with virtual reserves L/√P, L·√P", () => {
    const L = 50000;
    const P = 3000;
    const conc: PoolModel = {
      kind: "concentrated",
      liquidity: L,
      priceBase: P,
      priceLowerBase: 1e-12,
      priceUpperBase: 1e12,
      feePips: 3000,
    };
    const virt = cp(L / Math.sqrt(P), P, 3000);
    for (const [assetIn, amt] of [
      [true, 5],
      [false, 20000],
    ] as const) {
      const a = quoteSwap(conc, assetIn, amt);
      const b = quoteSwap(virt, assetIn, amt);
      expect(a.amountOut / b.amountOut).to.be.closeTo(1, 1e-12);
    }
  });

  it("a concentrated range runs out: the quote flags it and fills only up to the boundary", () => {
    const conc: PoolModel = {
      kind: "concentrated",
      liquidity: 1000,
      priceBase: 3000,
      priceLowerBase: 2900,
      priceUpperBase: 3100,
      feePips: 0,
    };
    const q = quoteSwap(conc, true, 1e6);
    expect(q.exceedsLiquidity).to.equal(true);
    expect(q.amountOut).to.be.closeTo(1000 * (Math.sqrt(3000) - Math.sqrt(2900)), 1e-9);
  });

  it("gas: units · gwei · 1e-9 · ETH price", () => {
    expect(gasCostUsd({ gasUnitsPerSwap: 150000, gasPriceGwei: 20, ethPriceUsd: 3000 }, 2)).to.be.closeTo(18, 1e-12);
  });
});

describe("plan: planTrades", () => {
  it("orders sells before buys and numbers trades in execution order", () => {
    const p = planTrades(base);
    expect(p.trades.map((t) => [t.side, t.tokenIn, t.tokenOut])).to.deep.equal([
      ["sell", "WBTC", "USDC"],
      ["buy", "USDC", "WETH"],
    ]);
    expect(p.trades.map((t) => t.index)).to.deep.equal([0, 1]);
    expect(p.trades[0].decimalsIn).to.equal(8);
    expect(p.trades[0].decimalsOut).to.equal(6);
    expect(p.violations).to.deep.equal([]);
    // Close to the targets after costs.
    expect((p.holdingsAfter.WETH * 3000) / p.navAfterUsd).to.be.closeTo(0.5, 0.002);
  });

  it("minAmountOut comes from oracle prices, not from the pool (pool 1 % off the oracle)", () => {
    const p = planTrades({ ...base, pools: { WETH: cp(10000, 3030), WBTC: cp(500, 59400) } });
    for (const t of p.trades) {
      const pIn = prices[t.tokenIn as keyof typeof prices];
      const pOut = prices[t.tokenOut as keyof typeof prices];
      expect(t.minAmountOut).to.be.closeTo(t.amountIn * (pIn / pOut) * (1 - 100 / 1e4), 1e-9 * t.minAmountOut);
      expect(t.minAmountOut).to.equal(minAmountOutFromOracle(t.amountIn, pIn, pOut, 100));
    }
  });

  it("no trade inside the band; a trade just outside it", () => {
    const inside = planTrades({ ...base, targetWeights: { USDC: 0.2496, WETH: 0.3754, WBTC: 0.375 } }); // 4 bps drift
    expect(inside.trades).to.have.length(0);
    expect(inside.skipped.every((s) => s.reason === "insideBand")).to.equal(true);
    const outside = planTrades({
      ...base,
      noTradeBandBps: 3,
      benefitUsd: { WETH: 100 },
      targetWeights: { USDC: 0.2496, WETH: 0.3754, WBTC: 0.375 },
    });
    expect(outside.trades.map((t) => t.tokenOut)).to.deep.equal(["WETH"]);
  });

  it("skips a trade whose cost exceeds its benefit (expensive gas on a small rebalance)", () => {
    const p = planTrades({
      ...base,
      gas: { gasUnitsPerSwap: 150000, gasPriceGwei: 500, ethPriceUsd: 3000 }, // 225 USD per swap
      targetWeights: { USDC: 0.24, WETH: 0.385, WBTC: 0.375 }, // buy 800 USD of WETH: benefit 8 USD
    });
    expect(p.trades).to.have.length(0);
    expect(p.skipped.find((s) => s.asset === "WETH")?.reason).to.equal("costAboveBenefit");
  });

  it("names TurnoverAboveCap like the on-chain error, and aims a target above the cap just below it", () => {
    const p = planTrades({
      ...base,
      fitTurnover: false,
      budget: { ...budget, maxTurnoverBps: 1000 },
      targetWeights: { USDC: 0.05, WETH: 0.65, WBTC: 0.3 },
    });
    const names = p.violations.map((v) => v.name).sort();
    expect(names).to.include("TurnoverAboveCap");
    // WETH's 65 % target is above its 6,000 bps cap: the planner aims at the cap less its head-room instead of
    // sending a plan the vault would refuse with WeightAboveCap.
    expect(names).to.not.include("WeightAboveCap");
    const wethAfter = (p.holdingsAfter.WETH * 3000) / p.navAfterUsd;
    expect(wethAfter).to.be.below(0.6);
    expect(wethAfter).to.be.above(0.59);
  });

  it("fits an oversized plan under maxTurnoverBps and the window's remainder by scaling every trade", () => {
    const wanted = planTrades({ ...base, fitTurnover: false, targetWeights: { USDC: 0.3, WETH: 0.4, WBTC: 0.3 } });
    const tight = { ...budget, maxTurnoverBps: 1000 };
    const p = planTrades({ ...base, budget: tight, targetWeights: { USDC: 0.3, WETH: 0.4, WBTC: 0.3 } });
    expect(wanted.turnoverBps).to.be.greaterThan(1000);
    expect(p.turnoverBps).to.be.at.most(1000);
    expect(p.turnoverBps).to.be.greaterThan(990);
    expect(p.violations.map((v) => v.name)).to.not.include("TurnoverAboveCap");
    const windowed = planTrades({
      ...base,
      window: { windowTurnoverPpm: 9_500_00, windowSlippagePpm: 0 },
      targetWeights: { USDC: 0.3, WETH: 0.4, WBTC: 0.3 },
    });
    expect(windowed.turnoverBps).to.be.at.most(budget.maxWindowTurnoverBps - 9_500);
    expect(windowed.violations.map((v) => v.name)).to.not.include("WindowTurnoverAboveCap");
  });

  it("sells an asset off its cap even inside the band, so other trades' slippage cannot push it over", () => {
    // WBTC's weight cap is 4,000 bps; it sits at 40.05 % with a target of 40 %: a 5 bps drift, inside a 150 bps band.
    // A large WETH buy costs slippage, NAV falls and WBTC's untouched weight would rise above its cap (found by the
    // backtest: the plan failed its own budget check, and the vault would have refused it with WeightAboveCap).
    const nav = 100_000;
    const p = planTrades({
      ...base,
      holdings: { USDC: 59_950, WETH: 0, WBTC: (0.4005 * nav) / 60_000 },
      targetWeights: { USDC: 0.2, WETH: 0.4, WBTC: 0.4 },
      pools: { WETH: cp(50, 3000), WBTC: cp(500, 60000) },
      noTradeBandBps: 150,
    });
    const wbtcSell = p.trades.find((t) => t.tokenIn === "WBTC");
    expect(wbtcSell, "WBTC is sold back below its cap").to.not.equal(undefined);
    expect(p.violations.map((v) => v.name)).to.not.include("WeightAboveCap");
    const wbtcAfter = (p.holdingsAfter.WBTC * 60_000) / p.navAfterUsd;
    expect(wbtcAfter).to.be.below(0.4);
    // Without cap relief (an asset comfortably below its cap) the band still applies.
    const calm = planTrades({ ...base, targetWeights: { USDC: 0.25, WETH: 0.374, WBTC: 0.376 }, noTradeBandBps: 150 });
    expect(calm.trades).to.have.length(0);
  });

  it("keeps the idle floor: buys are scaled down to the cash above minIdleBps", () => {
    const p = planTrades({
      ...base,
      targetWeights: { USDC: 0, WETH: 0.6, WBTC: 0.4 },
      budget: { ...budget, minIdleBps: 1000 },
    });
    expect(p.holdingsAfter.USDC / p.navAfterUsd).to.be.closeTo(0.1, 1e-3);
    expect(p.violations.map((v) => v.name)).to.not.include("IdleBelowMin");
  });

  it(`keeps at most MAX_TRADES = ${MAX_TRADES} trades, the largest first`, () => {
    const many: AssetInfo[] = [assets[0]];
    const holdings: Record<string, number> = { USDC: 100000 };
    const pools: Record<string, PoolModel> = {};
    const px: Record<string, number> = { USDC: 1 };
    const targets: Record<string, number> = { USDC: 0.4 };
    for (let k = 0; k < 12; k++) {
      const a = `T${k}`;
      many.push({ asset: a, decimals: 18, protocolId: a, maxWeightBps: 10000, protocolCapBps: 10000 });
      holdings[a] = 0;
      px[a] = 10;
      pools[a] = cp(1e7, 10);
      targets[a] = 0.01 + k * 0.0025 + (k === 11 ? 0.6 - 0.12 - 0.0025 * 66 : 0);
    }
    const p = planTrades({ ...base, assets: many, holdings, oraclePricesUsd: px, pools, targetWeights: targets });
    expect(p.trades).to.have.length(MAX_TRADES);
    expect(p.skipped.filter((s) => s.reason === "tooManyTrades").map((s) => s.asset)).to.have.members(["T0", "T1"]);
  });

  it("conserves value: NAV after = NAV before - Σ slippage, no negative holdings, sells first (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (a, b, c, band) => {
          const s = a + b + c || 1;
          const targets = { USDC: a / s, WETH: b / s, WBTC: a + b + c === 0 ? 1 : c / s };
          const p = planTrades({ ...base, noTradeBandBps: band, targetWeights: targets, benefitBps: 1e4 });
          const slip = p.trades.reduce((x, t) => x + t.slippageUsd, 0);
          const conserved = Math.abs(p.navAfterUsd - (p.navBeforeUsd - slip)) < 1e-9 * p.navBeforeUsd;
          const nonNeg = Object.values(p.holdingsAfter).every((h) => h >= -1e-9);
          const firstBuy = p.trades.findIndex((t) => t.side === "buy");
          const sellsFirst = firstBuy < 0 || p.trades.slice(firstBuy).every((t) => t.side === "buy");
          return conserved && nonNeg && sellsFirst;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("plan: checkRiskBudget (each limit just passes, then just fails)", () => {
  const before = { USDC: 20000, WETH: 10, WBTC: 0.5 };
  const trade = (amountIn: number, slipBps = 10, minSlipBps = 100) => ({
    tokenIn: "USDC",
    tokenOut: "WETH",
    amountIn,
    expectedAmountOut: ((amountIn / 3000) * (1e4 - slipBps)) / 1e4,
    minAmountOut: ((amountIn / 3000) * (1e4 - minSlipBps)) / 1e4,
  });
  const check = (over: Partial<Parameters<typeof checkRiskBudget>[0]>) =>
    checkRiskBudget({
      assets,
      baseAsset: "USDC",
      oraclePricesUsd: prices,
      holdingsBefore: before,
      holdingsAfter: before,
      trades: [],
      budget,
      ...over,
    }).map((v) => v.name);

  it("TurnoverAboveCap at 5,000 bps of 80,000 NAV: 40,000 passes, 40,001 fails", () => {
    expect(check({ trades: [trade(40000, 0)] })).to.not.include("TurnoverAboveCap");
    expect(check({ trades: [trade(40001, 0)] })).to.include("TurnoverAboveCap");
  });

  it("WindowTurnoverAboveCap adds the window's use in ppm", () => {
    const window = { windowTurnoverPpm: 600000, windowSlippagePpm: 0 };
    expect(check({ trades: [trade(32000, 0)], window })).to.not.include("WindowTurnoverAboveCap");
    expect(check({ trades: [trade(32001, 0)], window })).to.include("WindowTurnoverAboveCap");
  });

  it("SlippageAboveCap when minAmountOut accepts more than maxSlippageBps, or the expected fill is below it", () => {
    expect(check({ trades: [trade(1000, 10, 100)] })).to.not.include("SlippageAboveCap");
    expect(check({ trades: [trade(1000, 10, 101)] })).to.include("SlippageAboveCap");
    expect(check({ trades: [trade(1000, 101, 100)] })).to.include("SlippageAboveCap");
  });

  it("WindowSlippageAboveCap: 50 bps of NAV = 400 USD lost in the window", () => {
    // 40,000 USD traded at 100 bps expected slippage loses 400 USD = 5,000 ppm.
    expect(check({ trades: [trade(40000, 100, 100)] })).to.not.include("WindowSlippageAboveCap");
    expect(
      check({ trades: [trade(40000, 100, 100)], window: { windowTurnoverPpm: 0, windowSlippagePpm: 1 } }),
    ).to.include("WindowSlippageAboveCap");
  });

  it("WeightAboveCap only when the weight rises above the cap", () => {
    // WETH cap 6,000 bps; 16 WETH + 8 USDC... keep NAV 80,000: WETH 48,000 = 6,000 bps passes.
    expect(check({ holdingsAfter: { USDC: 2000, WETH: 16, WBTC: 0.5 } })).to.not.include("WeightAboveCap");
    expect(check({ holdingsAfter: { USDC: 1997, WETH: 16.001, WBTC: 0.5 } })).to.include("WeightAboveCap");
  });

  it("ProtocolExposureAboveCap: the bitgo cap of 3,000 bps binds before WBTC's 4,000 weight cap", () => {
    expect(check({ holdingsAfter: { USDC: 26000, WETH: 10, WBTC: 0.4 } })).to.not.include("ProtocolExposureAboveCap");
    expect(check({ holdingsAfter: { USDC: 20000, WETH: 9, WBTC: 0.55 } })).to.include("ProtocolExposureAboveCap");
  });

  it("IdleBelowMin: 500 bps of NAV = 4,000 USDC", () => {
    expect(check({ holdingsAfter: { USDC: 4000, WETH: 15.333333333333334, WBTC: 0.5 } })).to.not.include(
      "IdleBelowMin",
    );
    expect(check({ holdingsAfter: { USDC: 3999, WETH: 46001 / 3000, WBTC: 0.5 } })).to.include("IdleBelowMin");
  });

  it(`TooManyTrades above ${MAX_TRADES}`, () => {
    expect(check({ trades: Array.from({ length: 10 }, () => trade(10, 0)) })).to.not.include("TooManyTrades");
    expect(check({ trades: Array.from({ length: 11 }, () => trade(10, 0)) })).to.include("TooManyTrades");
  });
});
