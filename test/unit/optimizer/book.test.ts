import { expect } from "chai";
import fc from "fast-check";
import * as ballast from "../../../optimizer/index.ts";
import { ValidationError } from "../../../optimizer/errors.ts";
import {
  bookRisk,
  bookStressLibrary,
  planBookHedge,
  type BookHedgeOptions,
  type BookLimits,
  type BookRisk,
} from "../../../optimizer/book/index.ts";
import {
  MAX_TICK,
  MIN_TICK,
  amountsForLiquidity,
  lpLiquidityFromAmounts,
  lpValueUsd,
  priceToTick,
  revalueBook,
  toHumanRange,
  type LendingPosition,
  type MarketState,
  type Position,
  type UniswapV3Position,
} from "../../../optimizer/instruments/index.ts";
import { shockVector, stressLibrary } from "../../../optimizer/scenarios/index.ts";

const ETH = 3000;
const market: MarketState = { pricesUsd: { WETH: ETH, USDC: 1 }, rateAnnual: 0 };
const SPACING = 60;
const limits: BookLimits = {
  baseAsset: "USDC",
  maxNetDeltaBps: 2000,
  maxGrossLeverageBps: 30000,
  maxShortGammaBps: 1000,
  minHealthFactorBps: 15000,
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

/** A WETH/USDC LP (token0 WETH 18 decimals, token1 USDC 6) over ±`halfWidthTicks` around `price`, holding `weth`. */
function lp(weth: number, halfWidthTicks: number, price = ETH, id = "lp"): UniswapV3Position {
  const t = priceToTick(price, 18, 6);
  const tickLower = Math.floor((t - halfWidthTicks) / SPACING) * SPACING;
  const tickUpper = Math.ceil((t + halfWidthTicks) / SPACING) * SPACING;
  const liquidityRaw = lpLiquidityFromAmounts(tickLower, tickUpper, 18, 6, price, weth, 1e12);
  return {
    kind: "uniswapV3",
    id,
    token0: "WETH",
    token1: "USDC",
    decimals0: 18,
    decimals1: 6,
    tickLower,
    tickUpper,
    liquidityRaw,
  };
}

function lending(collateral: [string, number, number][], debt: [string, number][], id = "aave"): LendingPosition {
  return {
    kind: "lending",
    id,
    collateral: collateral.map(([asset, amountToken, liquidationThresholdBps]) => ({
      asset,
      amountToken,
      liquidationThresholdBps,
    })),
    debt: debt.map(([asset, amountToken]) => ({ asset, amountToken })),
  };
}

const lpValue = (p: UniswapV3Position, m: MarketState = market) =>
  lpValueUsd(toHumanRange(p), m.pricesUsd[p.token0], m.pricesUsd[p.token1]);

/** Every number in `x` (deeply) that is NaN, with its path. */
function nanPaths(x: unknown, path = "$"): string[] {
  if (typeof x === "number") return Number.isNaN(x) ? [path] : [];
  if (x === null || typeof x !== "object") return [];
  return Object.entries(x).flatMap(([k, v]) => nanPaths(v, `${path}.${k}`));
}

function expectValidation(f: () => unknown, field: string): void {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ValidationError);
    expect((e as ValidationError).details.field).to.equal(field);
    return;
  }
  expect.fail(`expected a ValidationError on ${field}`);
}

describe("book: public surface", () => {
  it("is exported from optimizer/index.ts as the `book` namespace", () => {
    expect(ballast.book.bookRisk).to.equal(bookRisk);
    expect(ballast.book.planBookHedge).to.equal(planBookHedge);
  });
});

describe("book: risk as the vault computes it", () => {
  it("a full-range LP's short gamma is V/8, and L·√P/4 (token1) for any in-range position", () => {
    const full: UniswapV3Position = {
      ...lp(10, 1000),
      tickLower: Math.ceil(MIN_TICK / SPACING) * SPACING,
      tickUpper: Math.floor(MAX_TICK / SPACING) * SPACING,
    };
    const r = bookRisk([full], market);
    expect(rel(r.shortGammaUsd, r.navUsd / 8)).to.be.below(1e-6);
    expect(r.lps[0].inRange).to.equal(true);

    // Narrow range, by hand in raw units: L_raw·√P_raw/4 token1 wei, /1e6 to USDC, ×1 USD.
    const narrow = lp(10, 600);
    const sqrtRaw = Math.sqrt(ETH * 10 ** (6 - 18));
    const byHand = (narrow.liquidityRaw * sqrtRaw) / 4 / 1e6;
    const rn = bookRisk([narrow], market);
    expect(rel(rn.shortGammaUsd, byHand)).to.be.below(1e-9);
    expect(rn.shortGammaBps).to.be.closeTo((byHand / rn.navUsd) * 1e4, 1e-6);
    // And it is ½·|V''|·P²: the central second difference of the value in the WETH price.
    const h = 1e-4;
    const v = (x: number) => lpValue(narrow, { ...market, pricesUsd: { WETH: ETH * x, USDC: 1 } });
    const secondDiff = (v(1 + h) - 2 * v(1) + v(1 - h)) / (h * h); // = V''·P²
    expect(rel(rn.shortGammaUsd, -secondDiff / 2)).to.be.below(1e-4);
    // Out of range: no gamma.
    const out = bookRisk([narrow], { ...market, pricesUsd: { WETH: ETH * 1.5, USDC: 1 } });
    expect(out.lps[0].inRange).to.equal(false);
    expect(out.shortGammaUsd).to.equal(0);
  });

  it("health factor, NAV, net delta with debt and gross leverage match the hand calculation", () => {
    const book: Position[] = [
      { kind: "spot", asset: "WETH", amountToken: 5 },
      { kind: "spot", asset: "USDC", amountToken: 20000 },
      lending(
        [
          ["WETH", 10, 8250],
          ["USDC", 5000, 7800],
        ],
        [
          ["USDC", 10000],
          ["WETH", 2],
        ],
      ),
    ];
    const r = bookRisk(book, market, limits);
    // HF = (10·3000·0.825 + 5000·0.78) / (10000 + 2·3000) = 28650 / 16000.
    expect(r.healthFactor).to.be.closeTo(28650 / 16000, 1e-12);
    expect(r.lending[0].healthFactor).to.be.closeTo(1.790625, 1e-12);
    // long = 15000 + 20000 + 30000 + 5000 = 70000; debt = 16000; NAV = 54000.
    expect(r.longUsd).to.be.closeTo(70000, 1e-9);
    expect(r.debtUsd).to.be.closeTo(16000, 1e-9);
    expect(r.navUsd).to.be.closeTo(54000, 1e-9);
    // net WETH = 5 + 10 − 2 = 13 tokens = 39000 USD.
    const weth = r.assets.find((a) => a.asset === "WETH")!;
    expect(weth.netToken).to.be.closeTo(13, 1e-12);
    expect(r.netDeltaBps.WETH).to.be.closeTo((39000 / 54000) * 1e4, 1e-9);
    expect(r.netDeltaBps).to.not.have.property("USDC"); // the base asset has no delta limit
    expect(r.grossLeverageBps).to.be.closeTo((70000 / 54000) * 1e4, 1e-9);
    expect(r.greeks.delta.WETH).to.be.closeTo(13, 1e-12); // portfolioGreeks agrees
    expect(r.greeks.valueUsd).to.be.closeTo(r.navUsd, 1e-9);
    // Without debt the health factor is infinite, and no limit is broken by it.
    const noDebt = bookRisk([lending([["WETH", 1, 8250]], [])], market, { ...limits, maxNetDeltaBps: 1e4 });
    expect(noDebt.healthFactor).to.equal(Number.POSITIVE_INFINITY);
    expect(noDebt.breaches).to.deep.equal([]);
  });

  describe("each limit: the case that just passes and the one that just fails", () => {
    const book: Position[] = [
      { kind: "spot", asset: "USDC", amountToken: 50000 },
      lp(10, 1200),
      lending([["WETH", 20, 8250]], [["USDC", 30000]]),
    ];
    const r0 = bookRisk(book, market);
    const names = (l: BookLimits) => bookRisk(book, market, l).breaches.map((b) => b.name);
    const loose: BookLimits = {
      baseAsset: "USDC",
      maxNetDeltaBps: 1e6,
      maxGrossLeverageBps: 1e6,
      maxShortGammaBps: 1e6,
      minHealthFactorBps: 0,
    };
    it("HealthFactorBelowMin", () => {
      expect(names({ ...loose, minHealthFactorBps: r0.healthFactor * 1e4 - 1e-6 })).to.deep.equal([]);
      expect(names({ ...loose, minHealthFactorBps: r0.healthFactor * 1e4 + 1e-3 })).to.deep.equal([
        "HealthFactorBelowMin",
      ]);
    });
    it("GrossLeverageAboveCap", () => {
      expect(names({ ...loose, maxGrossLeverageBps: r0.grossLeverageBps + 1e-6 })).to.deep.equal([]);
      expect(names({ ...loose, maxGrossLeverageBps: r0.grossLeverageBps - 1e-3 })).to.deep.equal([
        "GrossLeverageAboveCap",
      ]);
    });
    it("NetDeltaAboveCap", () => {
      expect(names({ ...loose, maxNetDeltaBps: r0.netDeltaBps.WETH + 1e-6 })).to.deep.equal([]);
      const b = bookRisk(book, market, { ...loose, maxNetDeltaBps: r0.netDeltaBps.WETH - 1e-3 }).breaches;
      expect(b.map((x) => [x.name, x.asset])).to.deep.equal([["NetDeltaAboveCap", "WETH"]]);
    });
    it("ShortGammaAboveCap", () => {
      expect(names({ ...loose, maxShortGammaBps: r0.shortGammaBps + 1e-6 })).to.deep.equal([]);
      expect(names({ ...loose, maxShortGammaBps: r0.shortGammaBps - 1e-3 })).to.deep.equal(["ShortGammaAboveCap"]);
    });
    it("StressedHealthFactorBelowMin (off-chain floor under the stress set)", () => {
      const stress = bookStressLibrary(["USDC", "WETH"]);
      const s = bookRisk(book, market, undefined, stress).stress!;
      const at = (floor: number) =>
        bookRisk(book, market, { ...loose, minStressedHealthFactor: floor }, stress).breaches;
      expect(at(s.minHealthFactor - 1e-9)).to.deep.equal([]);
      const b = at(s.minHealthFactor + 1e-6);
      expect(b.map((x) => [x.name, x.scenario])).to.deep.equal([["StressedHealthFactorBelowMin", s.worstScenario]]);
    });
  });

  it("stress: full revaluation agrees with instruments' revalueBook, and P&L is NAV after minus NAV before", () => {
    const book: Position[] = [
      { kind: "spot", asset: "USDC", amountToken: 50000 },
      lp(10, 1200),
      lending([["WETH", 20, 8250]], [["USDC", 30000]]),
    ];
    const assets = ["USDC", "WETH"];
    const shocks = stressLibrary(assets);
    const r = bookRisk(book, market, undefined, shocks);
    const m = new Float64Array(shocks.length * assets.length);
    shocks.forEach((s, k) => shockVector(assets, s).forEach((x, j) => (m[k * assets.length + j] = 1 + x)));
    const ref = revalueBook(book, market, { assets, nScenarios: shocks.length, priceMultipliers: m });
    expect(r.stress!.scenarios).to.have.length(shocks.length);
    r.stress!.scenarios.forEach((s, k) => {
      expect(s.pnlUsd).to.be.closeTo(ref.pnlUsd[k], 1e-6 * r.navUsd);
      expect(s.navUsd - r.navUsd).to.be.closeTo(s.pnlUsd, 1e-9 * r.navUsd);
    });
  });
});

describe("book: stressed health factors", () => {
  const stress = bookStressLibrary(["USDC", "WETH"]);
  const hfIn = (r: BookRisk, name: RegExp) => r.stress!.scenarios.find((s) => name.test(s.name))!.minHealthFactor;

  it("a crash hurts WETH collateral / USDC debt; a rally helps it", () => {
    const r = bookRisk([lending([["WETH", 100, 8250]], [["USDC", 150000]])], market, undefined, stress);
    expect(r.healthFactor).to.be.closeTo(1.65, 1e-12);
    expect(hfIn(r, /^market crash/)).to.be.closeTo(1.65 * 0.6, 1e-12);
    expect(hfIn(r, /cascade/)).to.be.below(hfIn(r, /^market crash/));
    expect(hfIn(r, /^market rally/)).to.be.above(r.healthFactor);
    expect(r.stress!.worstScenario).to.match(/cascade/);
    expect(r.stress!.anyLiquidatable).to.equal(true);
  });

  it("a rally hurts USDC collateral / WETH debt; a crash helps it", () => {
    const r = bookRisk([lending([["USDC", 300000, 7800]], [["WETH", 40]])], market, undefined, stress);
    expect(r.healthFactor).to.be.closeTo(234000 / 120000, 1e-12);
    expect(hfIn(r, /^market rally/)).to.be.closeTo(234000 / 120000 / 1.4, 1e-12);
    expect(hfIn(r, /^market crash -40 %$/)).to.be.above(r.healthFactor);
    expect(hfIn(r, /USDC depeg/)).to.be.below(r.healthFactor);
    expect(r.stress!.worstScenario).to.match(/rally/);
    expect(r.stress!.anyLiquidatable).to.equal(false);
  });

  it("bookStressLibrary = the stress library less protocol failures, plus a rally as large as the crash", () => {
    const names = bookStressLibrary(["USDC", "WETH"], { crash: 0.3 }).map((s) => s.name);
    expect(names).to.include("market rally +30 %");
    expect(names.some((n) => /protocol failure/.test(n))).to.equal(false);
    expect(names).to.include.members(
      stressLibrary(["USDC", "WETH"], { crash: 0.3 })
        .map((s) => s.name)
        .filter((n) => !/protocol/.test(n)),
    );
  });
});

describe("book: delta hedge", () => {
  it("property: lands net delta on the target, or stops exactly at the limit that binds; stressed HFs stay ≥ the floor", () => {
    const stress = bookStressLibrary(["USDC", "WETH"]);
    const arb = fc.record({
      price: fc.double({ min: 500, max: 6000, noNaN: true }),
      spotWeth: fc.double({ min: 0, max: 50, noNaN: true }),
      idleUsdc: fc.double({ min: 0, max: 400000, noNaN: true }),
      lpWeth: fc.double({ min: 0, max: 40, noNaN: true }),
      lpHalfWidth: fc.integer({ min: 200, max: 20000 }),
      side: fc.constantFrom("long", "short", "none"),
      size: fc.double({ min: 1, max: 100, noNaN: true }),
      debtFrac: fc.double({ min: 0, max: 0.3, noNaN: true }),
      maxNetDeltaBps: fc.integer({ min: 0, max: 4000 }),
      minHealthFactorBps: fc.integer({ min: 10000, max: 20000 }),
      targetFrac: fc.double({ min: -1, max: 1, noNaN: true }),
      swapCostBps: fc.double({ min: 0, max: 50, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, (x) => {
        const m: MarketState = { pricesUsd: { WETH: x.price, USDC: 1 }, rateAnnual: 0 };
        const book: Position[] = [
          { kind: "spot", asset: "WETH", amountToken: x.spotWeth },
          { kind: "spot", asset: "USDC", amountToken: x.idleUsdc + 1000 },
        ];
        if (x.lpWeth > 0) book.push(lp(x.lpWeth, x.lpHalfWidth, x.price));
        // Accounts that survive the stress set before the hedge: long with debt ≤ 30 % of collateral, short with
        // debt ≤ 30 % of collateral (HF ≥ 0.78/0.3/1.4 = 1.86 after the rally).
        if (x.side === "long") book.push(lending([["WETH", x.size, 8250]], [["USDC", x.size * x.price * x.debtFrac]]));
        if (x.side === "short") book.push(lending([["USDC", x.size * x.price, 7800]], [["WETH", x.size * x.debtFrac]]));
        const l: BookLimits = {
          ...limits,
          maxNetDeltaBps: x.maxNetDeltaBps,
          minHealthFactorBps: x.minHealthFactorBps,
          maxShortGammaBps: 1e6,
          maxGrossLeverageBps: 1e6,
        };
        const target = Math.round(x.targetFrac * x.maxNetDeltaBps);
        const opts: BookHedgeOptions = {
          targetNetDeltaBps: target,
          swapCostBps: x.swapCostBps,
          liquidationThresholdBps: { USDC: 7800 },
        };
        const plan = planBookHedge(book, m, l, opts);
        const after = plan.after.risk;
        expect(nanPaths(plan)).to.deep.equal([]);
        const floor = 1.05;
        expect(after.stress!.minHealthFactor).to.be.at.least(floor * (1 - 1e-9));
        const minHf = x.minHealthFactorBps / 1e4;
        expect(after.healthFactor).to.be.at.least(minHf * (1 - 1e-9));
        // Independent bookkeeping: bookRisk of the after-book, recomputed from scratch.
        const again = bookRisk(plan.after.positions, m, l, stress);
        expect(again.netDeltaBps.WETH ?? 0).to.be.closeTo(after.netDeltaBps.WETH ?? 0, 1e-9);
        const before = bookRisk(book, m, l).netDeltaBps.WETH ?? 0;
        if (Math.abs(before) <= x.maxNetDeltaBps) {
          expect(plan.delta).to.have.length(0);
          return;
        }
        expect(plan.delta).to.have.length(1);
        const d = plan.delta[0];
        expect(d.feasible).to.equal(true);
        if (d.binding === "target") {
          expect(after.netDeltaBps.WETH).to.be.closeTo(target, 1e-6);
          expect(after.breaches.map((b) => b.name)).to.not.include("NetDeltaAboveCap");
        } else {
          // Hedged less, and only as far as the named limit allows: it sits on that limit.
          expect(Math.abs(after.netDeltaBps.WETH - target)).to.be.below(Math.abs(before - target));
          expect(after.lending).to.have.length(1); // the one account the hedge used
          if (d.binding === "HealthFactorBelowMin") expect(after.lending[0].healthFactor).to.be.closeTo(minHf, 1e-6);
          else if (d.binding === "StressedHealthFactorBelowMin") {
            expect(after.stress!.minHealthFactor).to.be.closeTo(floor, 1e-6);
          } else expect(d.binding).to.equal("idleBase");
        }
      }),
      { numRuns: 150, seed: 20261124 },
    );
  });

  it("a positive delta is cut by deleveraging first, then collateral into USDC, then borrowing WETH", () => {
    const book: Position[] = [
      { kind: "spot", asset: "USDC", amountToken: 100000 },
      lp(10, 3000),
      lending([["WETH", 20, 8250]], [["USDC", 30000]]),
    ];
    const plan = planBookHedge(
      book,
      market,
      { ...limits, maxShortGammaBps: 1e6 },
      { tickSpacing: SPACING, liquidationThresholdBps: { USDC: 7800 } },
    );
    const d = plan.delta[0];
    expect(d.binding).to.equal("target");
    expect(d.extraCollateralToken).to.equal(0); // the proceeds alone keep HF ≥ 1.5 and ≥ 1.05 in the rally
    expect(d.deleveragedToken).to.be.closeTo(10, 1e-9); // 30000 USDC of debt at 3000
    expect(d.collateralSwappedToken).to.be.closeTo(10, 1e-9);
    const lpWeth = plan.before.risk.lps[0].amount0Token;
    expect(d.borrowedToken).to.be.closeTo(lpWeth, 1e-9); // the rest is the LP's WETH
    expect(plan.actions.map((a) => a.kind)).to.deep.equal([
      "withdraw",
      "swap",
      "repay",
      "withdraw",
      "swap",
      "supply",
      "borrow",
      "swap",
      "supply",
    ]);
    const acct = plan.after.positions[2] as LendingPosition;
    expect(acct.collateral.map((c) => c.asset)).to.deep.equal(["USDC"]);
    expect(acct.debt.map((x) => [x.asset, x.amountToken])).to.deep.equal([["WETH", d.borrowedToken]]);
    expect(plan.after.risk.netDeltaBps.WETH).to.be.closeTo(0, 1e-9);
    // Deleveraging takes out as much long value as the borrow adds back: gross exposure is unchanged, where
    // borrowing all 30 WETH would have added 90000 USD of it.
    expect(plan.after.risk.longUsd).to.be.closeTo(plan.before.risk.longUsd, 1e-6);
  });

  it("a negative delta is cut by buying WETH with idle USDC and repaying WETH debt", () => {
    const book: Position[] = [
      { kind: "spot", asset: "USDC", amountToken: 100000 },
      lending([["USDC", 100000, 7800]], [["WETH", 20]]),
    ];
    const plan = planBookHedge(book, market, limits, { targetNetDeltaBps: -1000 });
    const d = plan.delta[0];
    expect(d.netDeltaBpsBefore).to.be.closeTo((-60000 / 140000) * 1e4, 1e-9);
    expect(d.binding).to.equal("target");
    expect(plan.after.risk.netDeltaBps.WETH).to.be.closeTo(-1000, 1e-9);
    // −1000 bps of 140000 = −14000 USD: keep 14000/3000 WETH of debt, repay the rest.
    expect(d.repaidToken).to.be.closeTo(20 - 14000 / 3000, 1e-9);
    expect(plan.actions.map((a) => a.kind)).to.deep.equal(["swap", "repay"]);
  });

  it("hedges less, and says so, when the health-factor floor binds", () => {
    // No idle USDC: the borrowed WETH is collateralised by its own proceeds only (HF = 0.78 < 1.5).
    // Borrowing X of WETH: HF = 0.78·(30000 + X)/X ≥ 1.5 caps X at 32500 USD, short of the LP's ~60000.
    const book: Position[] = [lp(20, 3000), lending([["USDC", 30000, 7800]], [])];
    const plan = planBookHedge(book, market, { ...limits, maxNetDeltaBps: 1000, maxShortGammaBps: 1e6 });
    const d = plan.delta[0];
    expect(d.binding).to.equal("HealthFactorBelowMin");
    expect(d.feasible).to.equal(true);
    expect(Math.abs(d.tradedToken)).to.be.below(Math.abs(d.neededToken));
    expect(plan.after.risk.healthFactor).to.be.closeTo(1.5, 1e-9);
    expect(d.borrowedToken * ETH).to.be.closeTo(32500, 1e-6);
    expect(plan.after.risk.breaches.map((b) => b.name)).to.deep.equal(["NetDeltaAboveCap"]);
  });
});

describe("book: gamma hedge", () => {
  const book: Position[] = [{ kind: "spot", asset: "USDC", amountToken: 200000 }, lp(30, 1000)];
  const l: BookLimits = { ...limits, maxNetDeltaBps: 1e4, maxShortGammaBps: 1500 };

  it("widens the range to the narrowest spacing-aligned one under the cap, at the same value", () => {
    const before = bookRisk(book, market, l);
    expect(before.breaches.map((b) => b.name)).to.deep.equal(["ShortGammaAboveCap"]);
    const plan = planBookHedge(book, market, l, { tickSpacing: SPACING });
    const g = plan.gamma[0];
    expect(g.binding).to.equal("ShortGammaAboveCap");
    expect(plan.after.risk.shortGammaBps).to.be.at.most(1500);
    expect(plan.after.risk.breaches).to.deep.equal([]);
    expect(g.valueUsdAfter).to.be.closeTo(g.valueUsdBefore, 1e-9 * g.valueUsdBefore);
    expect(plan.after.risk.navUsd).to.be.closeTo(before.navUsd, 1e-9 * before.navUsd);
    const p = plan.after.positions[1] as UniswapV3Position;
    expect(p.tickLower % SPACING).to.equal(0);
    expect(p.tickUpper % SPACING).to.equal(0);
    expect(p.tickLower).to.be.below(g.tickLowerBefore);
    expect(p.tickUpper).to.be.above(g.tickUpperBefore);
    expect(plan.actions.map((a) => a.kind)).to.deep.equal(["lpBurn", "swap", "lpMint"]);
    // Narrowest: one spacing narrower on each side, at the same value, is above the cap.
    const narrower = { ...p, tickLower: p.tickLower + SPACING, tickUpper: p.tickUpper - SPACING };
    const h = toHumanRange({ ...narrower, liquidityRaw: 1 });
    const u = amountsForLiquidity(Math.sqrt(ETH), h.sqrtLower, h.sqrtUpper, h.liquidity);
    const liquidityRaw = g.valueUsdBefore / (u.amount0 * ETH + u.amount1);
    const n = bookRisk([book[0], { ...narrower, liquidityRaw }], market, l);
    expect(n.breaches.map((b) => b.name)).to.deep.equal(["ShortGammaAboveCap"]);
  });

  it("re-runs the delta hedge on the re-minted LP's amounts", () => {
    const plan = planBookHedge(
      book,
      market,
      { ...l, maxNetDeltaBps: 100 },
      { tickSpacing: SPACING, liquidationThresholdBps: { USDC: 7800 } },
    );
    expect(plan.gamma).to.have.length(1);
    expect(plan.delta[0].borrowedToken).to.be.closeTo(plan.after.risk.lps[0].amount0Token, 1e-9);
    expect(plan.after.risk.netDeltaBps.WETH).to.be.closeTo(0, 1e-9);
    expect(plan.after.risk.breaches).to.deep.equal([]);
  });

  it("a swap cost is paid out of the position's value, and nothing else", () => {
    const plan = planBookHedge(book, market, l, { tickSpacing: SPACING, swapCostBps: 30 });
    const swap = plan.actions.find((a) => a.kind === "swap")!;
    expect(swap.kind).to.equal("swap");
    const lost = plan.gamma[0].valueUsdBefore - plan.gamma[0].valueUsdAfter;
    if (swap.kind === "swap")
      expect(lost).to.be.closeTo(swap.amountInToken * market.pricesUsd[swap.assetIn] * 0.003, 1e-6);
  });

  it("names fullRange when even the full range is above the cap (V/8 of the position)", () => {
    const plan = planBookHedge(book, market, { ...l, maxShortGammaBps: 100 }, { tickSpacing: SPACING });
    expect(plan.gamma[0].binding).to.equal("fullRange");
    expect(plan.gamma[0].tickLowerAfter).to.equal(Math.ceil(MIN_TICK / SPACING) * SPACING);
    expect(plan.after.risk.breaches.map((b) => b.name)).to.deep.equal(["ShortGammaAboveCap"]);
    expect(plan.after.risk.shortGammaUsd).to.be.closeTo(plan.gamma[0].valueUsdAfter / 8, 1e-3);
  });
});

describe("book: a levered long under the stress library", () => {
  // Borrow USDC against WETH, hold an LP: long ETH twice over.
  const book: Position[] = [
    { kind: "spot", asset: "USDC", amountToken: 100000 },
    lp(10, 1000),
    lending([["WETH", 100, 8250]], [["USDC", 150000]]),
  ];
  const assets = ["USDC", "WETH"];

  it("is liquidatable in the library's crash unhedged; hedged, its lowest stressed HF stays ≥ the floor", () => {
    const lib = stressLibrary(assets);
    const before = bookRisk(book, market, limits, lib);
    const crash = before.stress!.scenarios.find((s) => s.name === "market crash -40 %")!;
    expect(crash.liquidatable).to.equal(true);
    expect(crash.minHealthFactor).to.be.closeTo(0.99, 1e-12);
    expect(before.breaches.map((b) => b.name)).to.include.members(["NetDeltaAboveCap", "StressedHealthFactorBelowMin"]);

    const plan = planBookHedge(book, market, limits, { tickSpacing: SPACING, liquidationThresholdBps: { USDC: 7800 } });
    const after = bookRisk(plan.after.positions, market, limits, lib);
    expect(after.stress!.anyLiquidatable).to.equal(false);
    expect(after.stress!.minHealthFactor).to.be.at.least(1.05);
    expect(plan.after.risk.stress!.minHealthFactor).to.be.at.least(1.05); // and under the default set, with the rally
    expect(after.breaches).to.deep.equal([]);
    expect(plan.after.risk.breaches).to.deep.equal([]);
  });
});

describe("book: validation at the boundary", () => {
  const ok: Position[] = [{ kind: "spot", asset: "USDC", amountToken: 1000 }, lp(1, 1000)];
  it("names the field", () => {
    expectValidation(
      () =>
        bookRisk(
          [{ kind: "option", underlying: "WETH", optionType: "call", strikeUsd: 1, expiryYears: 1, quantity: 1 }],
          market,
        ),
      "positions[0].kind",
    );
    expectValidation(
      () => bookRisk([ok[0], { kind: "spot", asset: "WETH", amountToken: -1 }], market),
      "positions[1].amountToken",
    );
    expectValidation(
      () => bookRisk([{ ...lp(1, 1000), tickUpper: lp(1, 1000).tickLower }], market),
      "positions[0].tickUpper",
    );
    expectValidation(() => bookRisk([{ ...lp(1, 1000), liquidityRaw: NaN }], market), "positions[0].liquidityRaw");
    expectValidation(
      () => bookRisk([lending([["WETH", 1, 12000]], [])], market),
      "positions[0].collateral[0].liquidationThresholdBps",
    );
    expectValidation(() => bookRisk(ok, { ...market, pricesUsd: { USDC: 1 } }), "market.pricesUsd.WETH");
    expectValidation(() => bookRisk(ok, market, { ...limits, maxNetDeltaBps: -1 }), "limits.maxNetDeltaBps");
    expectValidation(
      () => bookRisk(ok, market, { ...limits, minStressedHealthFactor: 0 }),
      "limits.minStressedHealthFactor",
    );
    expectValidation(
      () => bookRisk(ok, market, undefined, [{ name: "x", returns: { WETH: -1.5 } }]),
      "stress[0].returns.WETH",
    );
    expectValidation(() => bookRisk([lending([["WETH", 1, 8000]], [["USDC", 5000]])], market), "positions");
    expectValidation(() => planBookHedge(ok, market, limits, { targetNetDeltaBps: 2500 }), "options.targetNetDeltaBps");
    expectValidation(() => planBookHedge(ok, market, limits, { swapCostBps: -1 }), "options.swapCostBps");
    expectValidation(() => planBookHedge(ok, market, limits, { tickSpacing: 0 }), "options.tickSpacing");
    expectValidation(
      () => planBookHedge(ok, market, limits, { lendingPositionId: "nope" }),
      "options.lendingPositionId",
    );
  });

  it("asks for what a hedge needs only when it needs it: tick spacing to widen, a threshold to supply", () => {
    const book: Position[] = [{ kind: "spot", asset: "USDC", amountToken: 200000 }, lp(30, 1000)];
    expectValidation(() => planBookHedge(book, market, { ...limits, maxNetDeltaBps: 1e4 }), "options.tickSpacing");
    expectValidation(
      () => planBookHedge(book, market, { ...limits, maxShortGammaBps: 1e6 }),
      "options.liquidationThresholdBps.USDC",
    );
    // Inside every limit: nothing needed, nothing done.
    const calm = planBookHedge(book, market, { ...limits, maxNetDeltaBps: 1e4, maxShortGammaBps: 1e6 });
    expect(calm.actions).to.deep.equal([]);
    expect(calm.after.positions).to.deep.equal(book);
  });
});
