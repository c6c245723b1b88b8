import { expect } from "chai";
import fc from "fast-check";
import {
  bsGreeks,
  bsPrice,
  debtUsd,
  forwardUsd,
  healthFactor,
  healthFactorAfterShock,
  liquidationShock,
  normCdf,
  normPdf,
  portfolioGreeks,
  positionGreeks,
  priceToTick,
  probabilityInTheMoney,
  revalue,
  revalueBook,
  smileVol,
  type BsInputs,
  type LendingAccount,
  type MarketState,
  type Position,
} from "../../../optimizer/instruments/index.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe("instruments: normal distribution", () => {
  it("normCdf matches reference values to 1e-14 absolute and 1e-13 relative in the tail (A&S 7.1.26: 1e-7)", () => {
    // Reference values: 0.5·erfc(-x/√2) from C's libm (CPython math.erfc).
    const ref: [number, number][] = [
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [1, 0.8413447460685429],
      [-1.96, 0.024997895148220435],
      [2, 0.9772498680518208],
      [-3, 0.0013498980316300957],
      [-6, 9.865876450377012e-10],
      [-10, 7.619853024160593e-24],
      [-20, 2.7536241186063314e-89],
    ];
    for (const [x, p] of ref) {
      expect(Math.abs(normCdf(x) - p), `x=${x}`).to.be.below(1e-14);
      if (x < -2) expect(rel(normCdf(x), p), `tail x=${x}`).to.be.below(1e-13);
    }
  });

  it("normCdf is symmetric and its derivative is normPdf", () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        const h = 1e-5;
        const fd = (normCdf(x + h) - normCdf(x - h)) / (2 * h);
        return Math.abs(normCdf(x) + normCdf(-x) - 1) < 1e-15 && Math.abs(fd - normPdf(x)) < 1e-9;
      }),
    );
  });
});

describe("instruments: Black-Scholes with a smile", () => {
  const base: BsInputs = {
    type: "call",
    spotUsd: 3000,
    strikeUsd: 3200,
    expiryYears: 0.25,
    volAnnual: 0.7,
    rateAnnual: 0.04,
    yieldAnnual: 0.03,
  };

  it("matches a textbook value (Hull: S=42, K=40, r=10 %, σ=20 %, T=0.5 → call 4.76, put 0.81)", () => {
    const o = { spotUsd: 42, strikeUsd: 40, rateAnnual: 0.1, volAnnual: 0.2, expiryYears: 0.5 } as const;
    expect(bsPrice({ ...o, type: "call" })).to.be.closeTo(4.7594, 1e-4);
    expect(bsPrice({ ...o, type: "put" })).to.be.closeTo(0.8086, 1e-4);
  });

  it("put-call parity: C - P = S e^{-qT} - K e^{-rT} (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 10, max: 10000, noNaN: true }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (S, m, T, vol, r, q) => {
          const o = { spotUsd: S, strikeUsd: S * m, expiryYears: T, volAnnual: vol, rateAnnual: r, yieldAnnual: q };
          const lhs = bsPrice({ ...o, type: "call" }) - bsPrice({ ...o, type: "put" });
          const rhs = S * Math.exp(-q * T) - S * m * Math.exp(-r * T);
          return Math.abs(lhs - rhs) < 1e-9 * S;
        },
      ),
    );
  });

  for (const type of ["call", "put"] as const) {
    it(`${type} Greeks match finite differences of the price`, () => {
      for (const K of [2000, 3000, 3200, 4500]) {
        const o = { ...base, type, strikeUsd: K };
        const g = bsGreeks(o);
        const hS = 0.01 * 1e-2 * o.spotUsd;
        const at = (dS: number, dv = 0, dT = 0) =>
          bsPrice({ ...o, spotUsd: o.spotUsd + dS, volAnnual: o.volAnnual + dv, expiryYears: o.expiryYears + dT });
        const fdDelta = (at(hS) - at(-hS)) / (2 * hS);
        const fdGamma = (at(hS) - 2 * at(0) + at(-hS)) / (hS * hS);
        const fdVega = (at(0, 1e-5) - at(0, -1e-5)) / 2e-5;
        const fdTheta = -(at(0, 0, 1e-6) - at(0, 0, -1e-6)) / 2e-6;
        expect(Math.abs(g.delta - fdDelta), `delta K=${K}`).to.be.below(1e-7);
        expect(rel(g.gamma, fdGamma), `gamma K=${K}`).to.be.below(1e-4);
        expect(rel(g.vega, fdVega), `vega K=${K}`).to.be.below(1e-7);
        expect(rel(g.theta, fdTheta), `theta K=${K}`).to.be.below(1e-6);
      }
    });
  }

  it("call delta lies in [0, e^{-qT}], put delta in [-e^{-qT}, 0], gamma and vega ≥ 0 (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: 0.001, max: 3, noNaN: true }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        (m, T, vol) => {
          const o = { ...base, strikeUsd: 3000 * m, expiryYears: T, volAnnual: vol };
          const c = bsGreeks({ ...o, type: "call" });
          const p = bsGreeks({ ...o, type: "put" });
          const cap = Math.exp(-0.03 * T) + 1e-15;
          return c.delta >= 0 && c.delta <= cap && p.delta <= 0 && p.delta >= -cap && c.gamma >= 0 && c.vega >= 0;
        },
      ),
    );
  });

  it("expired options are worth intrinsic value", () => {
    expect(bsPrice({ ...base, expiryYears: 0, strikeUsd: 2500 })).to.equal(500);
    expect(bsPrice({ ...base, type: "put", expiryYears: 0, strikeUsd: 2500 })).to.equal(0);
  });

  it("smile: ATM at the forward, put skew, convexity, clamped at the floor", () => {
    const s = { atmVol: 0.6, skew: -0.2, smile: 0.5 };
    const F = forwardUsd(3000, 0.25, 0.04, 0.03);
    expect(smileVol(s, F, F)).to.be.closeTo(0.6, 1e-15);
    const k = Math.log(2500 / F);
    expect(smileVol(s, 2500, F)).to.be.closeTo(0.6 - 0.2 * k + 0.5 * k * k, 1e-15);
    expect(smileVol(s, 2500, F)).to.be.above(smileVol(s, 3500, F) - 0.05);
    expect(smileVol({ atmVol: 0.1, skew: 1, smile: 0 }, 10, 3000)).to.equal(0.01);
  });

  it("probability in the money: risk-neutral N(d2) and a real-world drift", () => {
    const o = { ...base, volAnnual: 0.5 };
    const rn = probabilityInTheMoney(o);
    const sd = 0.5 * Math.sqrt(0.25);
    const d2 = (Math.log(3000 / 3200) + 0.01 * 0.25) / sd - 0.5 * sd;
    expect(rn).to.be.closeTo(normCdf(d2), 1e-15);
    expect(probabilityInTheMoney(o, 0.3)).to.be.above(rn);
    expect(probabilityInTheMoney({ ...o, type: "put" }) + rn).to.be.closeTo(1, 1e-15);
  });
});

describe("instruments: lending (Aave-style health factor)", () => {
  const acct: LendingAccount = {
    collateral: [{ asset: "WETH", amountToken: 10, liquidationThresholdBps: 8250 }],
    debt: [{ asset: "USDC", amountToken: 15000 }],
  };
  const px = { WETH: 3000, USDC: 1 };

  it("health factor by hand: 10 · 3000 · 0.825 / 15000 = 1.65", () => {
    expect(healthFactor(acct, px)).to.be.closeTo(1.65, 1e-12);
    expect(debtUsd(acct, px)).to.equal(15000);
    expect(healthFactor({ collateral: acct.collateral, debt: [] }, px)).to.equal(Infinity);
  });

  it("health factor after a 30 % fall: 10 · 2100 · 0.825 / 15000 = 1.155", () => {
    expect(healthFactorAfterShock(acct, px, "WETH", -0.3)).to.be.closeTo(1.155, 1e-12);
  });

  it("the liquidating shock is 1/1.65 - 1 and the health factor there is exactly 1", () => {
    const s = liquidationShock(acct, px, "WETH")!;
    expect(s).to.be.closeTo(1 / 1.65 - 1, 1e-12);
    expect(healthFactorAfterShock(acct, px, "WETH", s)).to.be.closeTo(1, 1e-12);
    expect(liquidationShock(acct, px, "BTC")).to.equal(null);
  });

  it("a rise of the borrowed asset liquidates too (short-delta hedge)", () => {
    const short: LendingAccount = {
      collateral: [{ asset: "USDC", amountToken: 20000, liquidationThresholdBps: 8000 }],
      debt: [{ asset: "WETH", amountToken: 4 }],
    };
    const s = liquidationShock(short, px, "WETH")!;
    expect(s).to.be.closeTo(16000 / 12000 - 1, 1e-12);
    expect(healthFactorAfterShock(short, px, "WETH", s)).to.be.closeTo(1, 1e-12);
  });
});

describe("instruments: positions, portfolio Greeks, full revaluation", () => {
  const market: MarketState = {
    pricesUsd: { WETH: 3000, USDC: 1, WBTC: 60000 },
    smiles: { WETH: { atmVol: 0.65, skew: -0.25, smile: 0.6 }, WBTC: { atmVol: 0.5, skew: -0.15, smile: 0.4 } },
    rateAnnual: 0.04,
    yieldsAnnual: { WETH: 0.03 },
  };
  const lo = priceToTick(2500, 18, 6);
  const hi = priceToTick(3600, 18, 6);
  const book: Position[] = [
    { kind: "spot", asset: "WETH", amountToken: 20 },
    { kind: "spot", asset: "USDC", amountToken: 50000 },
    { kind: "option", underlying: "WETH", optionType: "call", strikeUsd: 3500, expiryYears: 30 / 365, quantity: -10 },
    { kind: "option", underlying: "WETH", optionType: "put", strikeUsd: 2600, expiryYears: 60 / 365, quantity: 5 },
    { kind: "option", underlying: "WBTC", optionType: "put", strikeUsd: 50000, expiryYears: 0.5, quantity: 0.5 },
    {
      kind: "uniswapV3",
      token0: "WETH",
      token1: "USDC",
      decimals0: 18,
      decimals1: 6,
      tickLower: lo,
      tickUpper: hi,
      liquidityRaw: 2e15,
    },
    {
      kind: "lending",
      collateral: [{ asset: "WETH", amountToken: 5, liquidationThresholdBps: 8250 }],
      debt: [{ asset: "USDC", amountToken: 6000 }],
    },
  ];
  const bump = (asset: string, f: number): MarketState => ({
    ...market,
    pricesUsd: { ...market.pricesUsd, [asset]: market.pricesUsd[asset] * f },
  });

  it("portfolio delta and gamma equal the sums of position Greeks and match finite differences", () => {
    const g = portfolioGreeks(book, market);
    let sumDelta = 0;
    for (const p of book) sumDelta += positionGreeks(p, market).delta.WETH ?? 0;
    expect(g.delta.WETH).to.be.closeTo(sumDelta, 1e-9);
    // Finite difference of the full book value. Options: smile re-read at the bumped forward (sticky moneyness),
    // so compare only the non-option part exactly and the whole book loosely.
    const value = (m: MarketState) => book.reduce((s, p) => s + revalue(p, m), 0);
    const h = 1e-4;
    const fd = (value(bump("WETH", 1 + h)) - value(bump("WETH", 1 - h))) / (2 * h * 3000);
    const nonOpt = book.filter((p) => p.kind !== "option");
    const fdNonOpt =
      (nonOpt.reduce((s, p) => s + revalue(p, bump("WETH", 1 + h)), 0) -
        nonOpt.reduce((s, p) => s + revalue(p, bump("WETH", 1 - h)), 0)) /
      (2 * h * 3000);
    expect(portfolioGreeks(nonOpt, market).delta.WETH).to.be.closeTo(fdNonOpt, 1e-6);
    expect(g.delta.WETH).to.be.closeTo(fd, 0.5);
    expect(g.gamma.WETH).to.be.below(0); // short call + LP dominate
    expect(g.vega.WETH).to.be.a("number");
    expect(g.dollarDeltaUsd).to.be.closeTo(g.delta.WETH * 3000 + g.delta.USDC * 1 + (g.delta.WBTC ?? 0) * 60000, 1e-6);
  });

  it("LP gamma in USD matches a finite difference of its USD delta", () => {
    const lp = book[5];
    const h = 1e-4;
    const d = (m: MarketState) => positionGreeks(lp, m).delta.WETH;
    const fd = (d(bump("WETH", 1 + h)) - d(bump("WETH", 1 - h))) / (2 * h * 3000);
    expect(rel(positionGreeks(lp, market).gamma.WETH, fd)).to.be.below(1e-6);
  });

  it("revalueBook equals scalar revaluation scenario by scenario (sticky moneyness, vol shifts, horizon)", () => {
    const assets = ["WETH", "WBTC", "USDC"];
    const n = 200;
    const mult = new Float64Array(n * 3);
    const vs = new Float64Array(n * 3);
    for (let s = 0; s < n; s++) {
      mult[s * 3] = 0.4 + (1.2 * s) / n;
      mult[s * 3 + 1] = 1.3 - (0.8 * s) / n;
      mult[s * 3 + 2] = s % 17 === 0 ? 0.9 : 1;
      vs[s * 3] = 0.1;
    }
    const horizon = 1 / 365;
    const res = revalueBook(
      book,
      market,
      { assets, nScenarios: n, priceMultipliers: mult, volShifts: vs, horizonYears: horizon },
      { smileDynamics: "stickyMoneyness", perPosition: true },
    );
    const base = book.reduce((s, p) => s + revalue(p, market), 0);
    expect(res.baseValueUsd).to.be.closeTo(base, 1e-6);
    for (const s of [0, 17, 99, 199]) {
      const m: MarketState = {
        ...market,
        pricesUsd: { WETH: 3000 * mult[s * 3], WBTC: 60000 * mult[s * 3 + 1], USDC: mult[s * 3 + 2] },
        smiles: {
          WETH: { ...market.smiles!.WETH, atmVol: 0.75 },
          WBTC: market.smiles!.WBTC,
        },
      };
      const aged = book.map((p) => (p.kind === "option" ? { ...p, expiryYears: p.expiryYears - horizon } : p));
      const v = aged.reduce((acc, p) => acc + revalue(p, m), 0);
      expect(res.pnlUsd[s]).to.be.closeTo(v - base, 1e-6 * Math.abs(base));
    }
  });

  it("revalueBook at unit multipliers is zero P&L (sticky strike)", () => {
    const res = revalueBook(book, market, {
      assets: ["WETH"],
      nScenarios: 3,
      priceMultipliers: new Float64Array([1, 1, 1]),
    });
    for (const x of res.pnlUsd) expect(Math.abs(x)).to.be.below(1e-8);
  });
});
