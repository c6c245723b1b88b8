import { expect } from "chai";
import { InfeasibleError } from "../../../optimizer/errors.ts";
import {
  hedgeLp,
  optionHedgeInstrument,
  rankCoveredCalls,
  solveGreekHedge,
  spotHedgeInstrument,
  type HedgeInstrument,
} from "../../../optimizer/hedge/index.ts";
import {
  normCdf,
  portfolioGreeks,
  priceToTick,
  type MarketState,
  type Position,
} from "../../../optimizer/instruments/index.ts";

describe("hedge: least-cost Greek hedge (HiGHS)", () => {
  // Hand-solvable: gamma from -10 to -2 needs 8 units of gamma. X costs 2 per gamma and adds 0.5 delta (which the
  // spot then removes at 0.1 each: 2.05 net); Y costs 3 and removes 0.5 delta (2.95 net). So: buy 8 X, sell 49 spot.
  const X: HedgeInstrument = { id: "X", greeks: { delta: 0.5, gamma: 1, vega: 10 }, costPerUnitUsd: 2 };
  const Y: HedgeInstrument = { id: "Y", greeks: { delta: -0.5, gamma: 1, vega: 12 }, costPerUnitUsd: 3 };
  const S: HedgeInstrument = { id: "spot", greeks: { delta: 1, gamma: 0, vega: 0 }, costPerUnitUsd: 0.1 };
  const current = { delta: 50, gamma: -10, vega: 0 };
  const budget = { delta: 5, gamma: 2, vega: 1000 };

  it("finds the hand-computed cheapest hedge: buy 8 X, sell 49 spot, cost 20.9", async () => {
    const r = await solveGreekHedge(current, budget, [X, Y, S]);
    const q = Object.fromEntries(r.trades.map((t) => [t.id, t.quantity]));
    expect(q.X).to.be.closeTo(8, 1e-7);
    expect(q.Y ?? 0).to.be.closeTo(0, 1e-7);
    expect(q.spot).to.be.closeTo(-49, 1e-7);
    expect(r.totalCostUsd).to.be.closeTo(20.9, 1e-7);
    expect(r.greeksAfter.delta).to.be.closeTo(5, 1e-7);
    expect(r.greeksAfter.gamma).to.be.closeTo(-2, 1e-7);
  });

  it("a binding vega budget forces a spread of the two options; the result stays inside every budget", async () => {
    const r = await solveGreekHedge(current, { ...budget, vega: 50 }, [X, Y, S]);
    expect(Math.abs(r.greeksAfter.delta)).to.be.at.most(5 + 1e-7);
    expect(Math.abs(r.greeksAfter.gamma)).to.be.at.most(2 + 1e-7);
    expect(Math.abs(r.greeksAfter.vega)).to.be.at.most(50 + 1e-7);
    expect(r.totalCostUsd).to.be.above(20.9); // a tighter budget cannot be cheaper
  });

  it("names the Greeks when the budgets cannot be met", async () => {
    try {
      // Buy-only options: 8 gamma bought carries at least 80 vega, above a vega budget of 50.
      const buyOnly = [X, Y].map((i) => ({ ...i, maxSellUnits: 0 }));
      await solveGreekHedge(current, { ...budget, vega: 50 }, [...buyOnly, S]);
      expect.fail("expected InfeasibleError");
    } catch (e) {
      expect(e).to.be.instanceOf(InfeasibleError);
      expect((e as InfeasibleError).constraints).to.include("vega");
    }
    try {
      await solveGreekHedge(current, budget, [S]);
      expect.fail("expected InfeasibleError");
    } catch (e) {
      expect((e as InfeasibleError).constraints).to.deep.equal(["gamma"]);
    }
  });

  it("does nothing when the book is already inside its budgets", async () => {
    const r = await solveGreekHedge({ delta: 1, gamma: -1, vega: 3 }, budget, [X, Y, S]);
    expect(r.trades).to.have.length(0);
    expect(r.totalCostUsd).to.equal(0);
  });

  it("hedges a real book (short calls + LP) with listed options and spot into its budgets", async () => {
    const market: MarketState = {
      pricesUsd: { WETH: 3000, USDC: 1 },
      smiles: { WETH: { atmVol: 0.65, skew: -0.25, smile: 0.6 } },
      rateAnnual: 0.04,
    };
    const book: Position[] = [
      { kind: "spot", asset: "WETH", amountToken: 40 },
      { kind: "option", underlying: "WETH", optionType: "call", strikeUsd: 3300, expiryYears: 30 / 365, quantity: -30 },
      {
        kind: "uniswapV3",
        token0: "WETH",
        token1: "USDC",
        decimals0: 18,
        decimals1: 6,
        tickLower: priceToTick(2700, 18, 6),
        tickUpper: priceToTick(3300, 18, 6),
        liquidityRaw: 3e15,
      },
    ];
    const g = portfolioGreeks(book, market);
    const cur = { delta: g.delta.WETH, gamma: g.gamma.WETH, vega: g.vega.WETH ?? 0 };
    const instruments = [
      spotHedgeInstrument("WETH", 3000, 5),
      optionHedgeInstrument(
        "C3000-30d",
        { underlying: "WETH", optionType: "call", strikeUsd: 3000, expiryYears: 30 / 365 },
        market,
        300,
      ),
      optionHedgeInstrument(
        "P2800-30d",
        { underlying: "WETH", optionType: "put", strikeUsd: 2800, expiryYears: 30 / 365 },
        market,
        300,
      ),
      optionHedgeInstrument(
        "C3000-90d",
        { underlying: "WETH", optionType: "call", strikeUsd: 3000, expiryYears: 90 / 365 },
        market,
        300,
      ),
    ];
    const b = { delta: 2, gamma: 0.002, vega: 500 };
    const r = await solveGreekHedge(cur, b, instruments);
    expect(Math.abs(r.greeksAfter.delta)).to.be.at.most(2 + 1e-6);
    expect(Math.abs(r.greeksAfter.gamma)).to.be.at.most(0.002 + 1e-9);
    expect(Math.abs(r.greeksAfter.vega)).to.be.at.most(500 + 1e-6);
    // Re-price the hedged book: the trades' Greeks add up to what the solver reports.
    const hedged: Position[] = [...book];
    for (const t of r.trades) {
      if (t.id === "WETH") hedged.push({ kind: "spot", asset: "WETH", amountToken: t.quantity });
      else {
        const [kind, days] = t.id.split("-");
        hedged.push({
          kind: "option",
          underlying: "WETH",
          optionType: kind[0] === "C" ? "call" : "put",
          strikeUsd: Number(kind.slice(1)),
          expiryYears: Number(days.replace("d", "")) / 365,
          quantity: t.quantity,
        });
      }
    }
    const g2 = portfolioGreeks(hedged, market);
    expect(g2.delta.WETH).to.be.closeTo(r.greeksAfter.delta, 1e-6);
    expect(g2.gamma.WETH).to.be.closeTo(r.greeksAfter.gamma, 1e-9);
  });

  it("writes a readable LP", () => {
    const lp = hedgeLp(current, budget, [X, S]);
    expect(lp).to.match(/^Minimize/);
    expect(lp).to.contain("gamma_lo:");
    expect(lp).to.contain("Bounds");
  });
});

describe("hedge: covered-call ranking", () => {
  const base = {
    spotUsd: 3000,
    smile: { atmVol: 0.6, skew: -0.1, smile: 0.8 },
    rateAnnual: 0.04,
    strikesUsd: [3000, 3300, 3600, 4000, 4500],
    expiriesYears: [7 / 365, 30 / 365, 90 / 365],
  };

  it("premium and assignment probability fall with the strike; N(d2) is the risk-neutral probability", () => {
    const rows = rankCoveredCalls(base)
      .filter((r) => r.expiryYears === 30 / 365)
      .sort((a, b) => a.strikeUsd - b.strikeUsd);
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k].premiumUsd).to.be.below(rows[k - 1].premiumUsd);
      expect(rows[k].assignmentProbRiskNeutral).to.be.below(rows[k - 1].assignmentProbRiskNeutral);
    }
    const r = rows[1];
    const sd = r.impliedVol * Math.sqrt(r.expiryYears);
    const d2 = (Math.log(3000 / r.strikeUsd) + 0.04 * r.expiryYears) / sd - 0.5 * sd;
    expect(r.assignmentProbRiskNeutral).to.be.closeTo(normCdf(d2), 1e-14);
  });

  it("with no view (μ = r, realised vol = implied, flat smile) the edge is zero: the call is fairly priced", () => {
    const rows = rankCoveredCalls({ ...base, smile: { atmVol: 0.6, skew: 0, smile: 0 } });
    for (const r of rows) expect(Math.abs(r.expectedEdgeUsd)).to.be.below(1e-9);
  });

  it("a variance premium (realised below implied) makes every call worth writing; the rich wing ranks first", () => {
    const rows = rankCoveredCalls({ ...base, realWorldVolAnnual: 0.45 });
    expect(rows.every((r) => r.expectedEdgeUsd > 0)).to.equal(true);
    for (let k = 1; k < rows.length; k++)
      expect(rows[k].expectedEdgeAnnual).to.be.at.most(rows[k - 1].expectedEdgeAnnual);
  });

  it("a bullish drift raises the real-world assignment probability and can filter by it", () => {
    const neutral = rankCoveredCalls(base);
    const bull = rankCoveredCalls({ ...base, realWorldDriftAnnual: 0.5 });
    const find = (rs: typeof neutral) => rs.find((r) => r.strikeUsd === 3300 && r.expiryYears === 90 / 365)!;
    expect(find(bull).assignmentProbRealWorld).to.be.above(find(neutral).assignmentProbRealWorld);
    const capped = rankCoveredCalls({ ...base, maxAssignmentProbability: 0.2 });
    expect(capped.every((r) => r.assignmentProbRealWorld <= 0.2)).to.equal(true);
    expect(capped.length).to.be.below(neutral.length);
  });
});
