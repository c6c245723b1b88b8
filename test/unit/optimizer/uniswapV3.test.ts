import { expect } from "chai";
import fc from "fast-check";
import {
  MAX_TICK,
  MIN_TICK,
  amountsForLiquidity,
  liquidityForAmounts,
  lpDelta,
  lpFeesUsd,
  lpGamma,
  lpLiquidityFromAmounts,
  lpTokenAmounts,
  lpValueInToken1,
  priceToTick,
  sqrtPriceRawAtTick,
  sqrtPriceX96ToPrice,
  tickToPrice,
  type UniswapV3Range,
} from "../../../optimizer/instruments/index.ts";
import {
  getAmountsForLiquidity,
  getLiquidityForAmounts,
  getSqrtRatioAtTick,
  x96ToFloat,
} from "./helpers/uniswapV3Exact.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe("uniswapV3: ticks and prices", () => {
  it("getSqrtRatioAtTick port matches the protocol's published bounds", () => {
    expect(getSqrtRatioAtTick(0)).to.equal(1n << 96n);
    expect(getSqrtRatioAtTick(MIN_TICK)).to.equal(4295128739n);
    expect(getSqrtRatioAtTick(MAX_TICK)).to.equal(1461446703485210103287273052203988822378723970342n);
  });

  // Q64.96 carries an absolute rounding of 2^-96 (TickMath rounds up): near MIN_TICK that is 2e-10 relative.
  const closeToX96 = (t: number) =>
    Math.abs(sqrtPriceRawAtTick(t) - x96ToFloat(getSqrtRatioAtTick(t))) <= 1e-12 * sqrtPriceRawAtTick(t) + 2 ** -96;

  it("float sqrt price at tick matches TickMath within 1e-9 relative, 1e-12 away from the Q96 floor", () => {
    for (const t of [MIN_TICK, -200000, -60, -1, 0, 1, 60, 195000, 200000, MAX_TICK]) {
      expect(rel(sqrtPriceRawAtTick(t), x96ToFloat(getSqrtRatioAtTick(t)))).to.be.below(1e-9, `tick ${t}`);
      expect(closeToX96(t), `tick ${t}`).to.equal(true);
    }
    fc.assert(fc.property(fc.integer({ min: MIN_TICK, max: MAX_TICK }), closeToX96), { numRuns: 300 });
  });

  it("tickToPrice applies token decimals (USDC/WETH: token0 6 decimals, token1 18)", () => {
    // tick 0: 1 wei of WETH per 1 unit of USDC = 1e-12 WETH per USDC.
    expect(rel(tickToPrice(0, 6, 18), 1e-12)).to.be.below(1e-15);
    // WETH/USDC (token0 WETH 18, token1 USDC 6) near 3000 USDC per WETH is tick ≈ -196257.
    const t = priceToTick(3000, 18, 6);
    expect(tickToPrice(t, 18, 6)).to.be.at.most(3000);
    expect(tickToPrice(t + 1, 18, 6)).to.be.above(3000);
  });

  it("priceToTick inverts tickToPrice exactly at tick prices", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -400000, max: 400000 }),
        fc.constantFrom(0, 6, 8, 18),
        fc.constantFrom(0, 6, 8, 18),
        (t, d0, d1) => priceToTick(tickToPrice(t, d0, d1), d0, d1) === t,
      ),
      { numRuns: 300 },
    );
  });

  it("sqrtPriceX96ToPrice converts an on-chain slot0 price", () => {
    const x96 = getSqrtRatioAtTick(-196257);
    expect(rel(sqrtPriceX96ToPrice(x96, 18, 6), tickToPrice(-196257, 18, 6))).to.be.below(1e-11);
  });
});

describe("uniswapV3: amounts and liquidity vs LiquidityAmounts (bigint)", () => {
  const L = 123456789012345678901n; // ~1.2e20
  const cases: [number, number, number][] = [
    // [tickLower, tickUpper, tickCurrent]
    [194000, 198000, 196000], // in range
    [194000, 198000, 193000], // below: all token0
    [194000, 198000, 199000], // above: all token1
    [194000, 198000, 194001], // just inside the lower edge
    [194000, 198000, 197999], // just inside the upper edge
    [-887220, 887220, 0], // full range
    [-60, 60, 7],
    [-100000, -90000, -95555],
  ];
  for (const [lo, hi, cur] of cases) {
    it(`getAmountsForLiquidity within 1e-9 at ticks [${lo}, ${hi}] current ${cur}`, () => {
      const [pa, pb, p] = [getSqrtRatioAtTick(lo), getSqrtRatioAtTick(hi), getSqrtRatioAtTick(cur)];
      const exact = getAmountsForLiquidity(p, pa, pb, L);
      const approx = amountsForLiquidity(x96ToFloat(p), x96ToFloat(pa), x96ToFloat(pb), Number(L));
      for (const [e, a] of [
        [exact.amount0, approx.amount0],
        [exact.amount1, approx.amount1],
      ] as const) {
        if (e === 0n) expect(a).to.equal(0);
        else expect(rel(Number(e), a)).to.be.below(1e-9);
      }
    });
    it(`getLiquidityForAmounts within 1e-9 at ticks [${lo}, ${hi}] current ${cur}`, () => {
      const [pa, pb, p] = [getSqrtRatioAtTick(lo), getSqrtRatioAtTick(hi), getSqrtRatioAtTick(cur)];
      const a0 = 5n * 10n ** 24n;
      const a1 = 7n * 10n ** 22n;
      const exact = getLiquidityForAmounts(p, pa, pb, a0, a1);
      const approx = liquidityForAmounts(x96ToFloat(p), x96ToFloat(pa), x96ToFloat(pb), Number(a0), Number(a1));
      expect(rel(Number(exact), approx)).to.be.below(1e-9);
    });
  }

  it("random ranges and prices agree with the bigint reference (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -300000, max: 300000 }),
        fc.integer({ min: 1, max: 50000 }),
        fc.integer({ min: -60000, max: 60000 }),
        (lo, width, off) => {
          const hi = lo + width;
          const cur = lo + off;
          const [pa, pb, p] = [getSqrtRatioAtTick(lo), getSqrtRatioAtTick(hi), getSqrtRatioAtTick(cur)];
          const exact = getAmountsForLiquidity(p, pa, pb, L);
          const f = amountsForLiquidity(x96ToFloat(p), x96ToFloat(pa), x96ToFloat(pb), Number(L));
          // Integer rounding in the reference dominates for tiny amounts: compare with 1 unit of slack.
          const ok = (e: bigint, a: number) => Math.abs(Number(e) - a) <= 1 + 1e-9 * Math.abs(a);
          return ok(exact.amount0, f.amount0) && ok(exact.amount1, f.amount1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("uniswapV3: position value, delta, gamma, fees", () => {
  // WETH (token0, 18) / USDC (token1, 6), range 2500..3500 USDC per WETH.
  const lo = priceToTick(2500, 18, 6);
  const hi = priceToTick(3500, 18, 6);
  const r: UniswapV3Range = {
    tickLower: lo,
    tickUpper: hi,
    liquidityRaw: lpLiquidityFromAmounts(lo, hi, 18, 6, 3000, 10, 30000),
    decimals0: 18,
    decimals1: 6,
  };

  it("minting from amounts uses the binding side and the amounts come back", () => {
    const a = lpTokenAmounts(r, 3000);
    // One side binds exactly, the other is at most what was offered.
    expect(a.amount0).to.be.at.most(10 * (1 + 1e-12));
    expect(a.amount1).to.be.at.most(30000 * (1 + 1e-12));
    expect(Math.max(a.amount0 / 10, a.amount1 / 30000)).to.be.closeTo(1, 1e-12);
  });

  it("delta is amount0 and matches a finite difference of value; gamma too", () => {
    for (const p of [2000, 2600, 3000, 3400, 4000]) {
      const h = p * 1e-5;
      const fdDelta = (lpValueInToken1(r, p + h) - lpValueInToken1(r, p - h)) / (2 * h);
      expect(rel(lpDelta(r, p), fdDelta)).to.be.below(1e-6);
      const fdGamma = (lpDelta(r, p + h) - lpDelta(r, p - h)) / (2 * h);
      if (p > 2500 && p < 3500) expect(rel(lpGamma(r, p), fdGamma)).to.be.below(1e-5);
      else expect(lpGamma(r, p)).to.equal(0);
    }
  });

  it("is all token0 below the range and all token1 above it", () => {
    expect(lpTokenAmounts(r, 2000).amount1).to.equal(0);
    expect(lpTokenAmounts(r, 4000).amount0).to.equal(0);
  });

  it("value is continuous across both range boundaries (property)", () => {
    const pa = tickToPrice(lo, 18, 6);
    const pb = tickToPrice(hi, 18, 6);
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1e-6, noNaN: true }), fc.constantFrom(pa, pb), (eps, edge) => {
        const below = lpValueInToken1(r, edge * (1 - eps));
        const above = lpValueInToken1(r, edge * (1 + eps));
        return rel(below, above) < 4 * eps + 1e-12;
      }),
    );
  });

  it("fees: volume × fee tier × liquidity share", () => {
    // 10 M USD at 0.3 % with 5 % of in-range liquidity, in range 80 % of the time: 10e6·0.003·0.05·0.8 = 1200.
    const f = lpFeesUsd({ volumeUsd: 10e6, feePips: 3000, liquidity: 5, activeLiquidity: 100, inRangeFraction: 0.8 });
    expect(f).to.be.closeTo(1200, 1e-9);
    expect(() => lpFeesUsd({ volumeUsd: 1, feePips: 3000, liquidity: 2, activeLiquidity: 1 })).to.throw(
      /liquidity share/,
    );
  });
});
