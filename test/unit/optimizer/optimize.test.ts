import { expect } from "chai";
import fc from "fast-check";
import { InfeasibleError } from "../../../optimizer/errors.ts";
import { createRng } from "../../../optimizer/scenarios/random.ts";
import { makeScenarioSet, portfolioLosses } from "../../../optimizer/scenarios/scenarioSet.ts";
import { simulateFactorStudentT } from "../../../optimizer/scenarios/simulate.ts";
import { cvar } from "../../../optimizer/risk/measures.ts";
import { minCvar, minCvarLp } from "../../../optimizer/optimize/minCvar.ts";
import { meanCvarFrontier } from "../../../optimizer/optimize/frontier.ts";
import { minRegret } from "../../../optimizer/optimize/regret.ts";
import {
  maxSharpe,
  maxSharpeAlongFrontier,
  meanVariance,
  minVariance,
  momentsOf,
} from "../../../optimizer/optimize/meanVariance.ts";
import { alignPrices, parsePriceCsv, simpleReturns } from "../../../optimizer/market/index.ts";
import { readFileSync } from "node:fs";
import { riskBudgeting } from "../../../optimizer/optimize/riskParity.ts";
import { yieldVersusTail } from "../../../optimizer/optimize/yieldTail.ts";
import { checkBudget } from "../../../optimizer/optimize/budget.ts";

const sum = (w: ArrayLike<number>) => Array.from(w).reduce((a, b) => a + b, 0);

/** Two zero-mean normal assets (antithetic draws, so the sample is symmetric). */
function twoNormals(s1: number, s2: number, rho: number, m: number, seed: number) {
  const rng = createRng(seed);
  const r = new Float64Array(2 * m);
  for (let k = 0; k < m / 2; k++) {
    const z1 = rng.normal();
    const z2 = rho * z1 + Math.sqrt(1 - rho * rho) * rng.normal();
    r[4 * k] = s1 * z1;
    r[4 * k + 1] = s2 * z2;
    r[4 * k + 2] = -s1 * z1;
    r[4 * k + 3] = -s2 * z2;
  }
  return makeScenarioSet(["A", "B"], r);
}

describe("optimizer/optimize", function () {
  this.timeout(60_000);

  describe("min-CVaR", () => {
    it("two normal assets: min-CVaR weights ≈ closed-form min-variance weights", async () => {
      const [s1, s2, rho] = [0.04, 0.02, 0.3];
      const set = twoNormals(s1, s2, rho, 20_000, 1);
      const wA = (s2 * s2 - rho * s1 * s2) / (s1 * s1 + s2 * s2 - 2 * rho * s1 * s2);
      const r = await minCvar(set, { alpha: 0.95 });
      expect(r.weights[0]).to.be.closeTo(wA, 0.02);
      expect(sum(r.weights)).to.be.closeTo(1, 1e-9);
    });

    it("fast cutting plane equals the plain Rockafellar-Uryasev LP optimum within 1e-6", async () => {
      for (const seed of [3, 4]) {
        const set = simulateFactorStudentT({ nAssets: 8, scenarios: 800, seed });
        const o = { alpha: 0.95, budget: { maxWeightBps: 4000 } };
        const [fast, lp] = [await minCvar(set, o), await minCvarLp(set, o)];
        expect(fast.objective).to.be.closeTo(lp.objective, 1e-6);
        expect(fast.method).to.equal("cutting-plane");
        // the reported objective is the exact CVaR of the returned weights
        expect(fast.cvar).to.be.closeTo(cvar(portfolioLosses(set, fast.weights), 0.95), 1e-12);
      }
    });

    it("fast equals LP with weighted scenarios, turnover, costs and protocol caps", async () => {
      const set0 = simulateFactorStudentT({ nAssets: 6, scenarios: 600, seed: 5 });
      const p = Float64Array.from({ length: 600 }, (_, i) => 1 + (i % 3));
      const tot = sum(p);
      const set = makeScenarioSet(
        set0.assets,
        set0.returns,
        p.map((v) => v / tot),
      );
      const budget = {
        maxWeightBps: 5000,
        protocolOf: { A0: "aave", A1: "aave" },
        protocolCapBps: { aave: 3000 },
        currentWeights: { A0: 0.5, A5: 0.5 },
        maxTurnoverBps: 6000,
        tradingCostBps: 30,
      };
      const [fast, lp] = [await minCvar(set, { alpha: 0.9, budget }), await minCvarLp(set, { alpha: 0.9, budget })];
      expect(fast.objective).to.be.closeTo(lp.objective, 1e-6);
      expect(fast.weights[0] + fast.weights[1]).to.be.at.most(0.3 + 1e-9);
      let sells = 0;
      fast.weights.forEach((w, i) => (sells += Math.max(0, [0.5, 0, 0, 0, 0, 0.5][i] - w)));
      expect(sells).to.be.at.most(0.6 + 1e-7);
    });

    it("property: weights are non-negative, sum to one and respect maxWeightBps", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 6 }),
          fc.integer({ min: 1, max: 1000 }),
          fc.integer({ min: 2500, max: 10_000 }),
          async (n, seed, capBps) => {
            fc.pre(n * capBps >= 10_000);
            const set = simulateFactorStudentT({ nAssets: n, scenarios: 200, seed });
            const r = await minCvar(set, { alpha: 0.9, budget: { maxWeightBps: capBps } });
            expect(sum(r.weights)).to.be.closeTo(1, 1e-7);
            for (const w of r.weights) {
              expect(w).to.be.at.least(0);
              expect(w).to.be.at.most(capBps / 1e4 + 1e-9);
            }
          },
        ),
        { numRuns: 25, seed: 42 },
      );
    });
  });

  it("honours extra constraints of the caller's own family (a band around targets), in both methods", async () => {
    const set = simulateFactorStudentT({ nAssets: 4, scenarios: 400, seed: 11 });
    const band = { family: "targetBand", lower: 0.3, upper: 0.35, coefs: [1, 0, 0, 0] };
    for (const solve of [minCvar, minCvarLp]) {
      const free = await solve(set, { alpha: 0.95 });
      const banded = await solve(set, { alpha: 0.95, constraints: [band] });
      expect(free.weights[0] < 0.3 || free.weights[0] > 0.35, "the band must bind for this test").to.equal(true);
      expect(banded.weights[0]).to.be.within(0.3 - 1e-9, 0.35 + 1e-9);
    }
    const err = await checkBudget(["A", "B"], { maxWeightBps: 6000 }, [
      { family: "targetBand", lower: 0.7, upper: 1, coefs: [1, 0] },
    ]).catch((e: unknown) => e);
    expect((err as InfeasibleError).constraints).to.deep.equal(["maxWeightBps", "targetBand"]);
  });

  describe("risk budget infeasibility", () => {
    it("names maxWeightBps and minIdleBps when the idle floor exceeds the base asset's cap", async () => {
      const err = await checkBudget(["ETH", "USDC"], {
        maxWeightBps: { USDC: 3000 },
        minIdleBps: 5000,
        baseAsset: "USDC",
      }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InfeasibleError);
      expect((err as InfeasibleError).constraints).to.deep.equal(["maxWeightBps", "minIdleBps"]);
    });

    it("names maxWeightBps alone when caps sum below 100 %", async () => {
      const set = simulateFactorStudentT({ nAssets: 3, scenarios: 50, seed: 1 });
      const err = await minCvar(set, { alpha: 0.9, budget: { maxWeightBps: 3000 } }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InfeasibleError);
      expect((err as InfeasibleError).constraints).to.deep.equal(["maxWeightBps"]);
    });

    it("names protocolCapBps and maxTurnoverBps when the turnover cannot reach the protocol cap", async () => {
      const err = await checkBudget(["AAVE", "COMP", "USDC"], {
        protocolOf: { AAVE: "lend", COMP: "lend" },
        protocolCapBps: { lend: 2000 },
        currentWeights: { AAVE: 0.5, COMP: 0.5 },
        maxTurnoverBps: 1000,
      }).catch((e: unknown) => e);
      expect((err as InfeasibleError).constraints).to.deep.equal(["protocolCapBps", "maxTurnoverBps"]);
    });
  });

  it("mean-CVaR frontier: CVaR is non-decreasing in the target return", async () => {
    const set = simulateFactorStudentT({ nAssets: 6, scenarios: 1000, seed: 9 });
    const pts = await meanCvarFrontier(set, { alpha: 0.95, budget: { maxWeightBps: 5000 }, points: 6 });
    expect(pts).to.have.length(6);
    for (let j = 1; j < pts.length; j++) {
      expect(pts[j].cvar).to.be.at.least(pts[j - 1].cvar - 1e-9);
      expect(pts[j].expectedReturn).to.be.at.least(pts[j].targetReturn - 1e-7);
    }
  });

  it("minimax regret: two assets that each win one scenario split 50/50 with regret 5 %", async () => {
    const set = makeScenarioSet(["A", "B"], Float64Array.from([0.1, 0, 0, 0.1]));
    const r = await minRegret(set);
    expect(r.weights[0]).to.be.closeTo(0.5, 1e-9);
    expect(r.maxRegret).to.be.closeTo(0.05, 1e-9);
    // with A capped at 30 % the hindsight best in scenario 1 is 0.03: min_w max(0.03 − 0.1w, 0.1w) → w = 0.15
    const capped = await minRegret(set, { maxWeightBps: { A: 3000 } });
    expect(capped.weights[0]).to.be.closeTo(0.15, 1e-9);
    expect(capped.maxRegret).to.be.closeTo(0.015, 1e-9);
  });

  describe("moment baselines", () => {
    const set = twoNormals(0.04, 0.02, 0.3, 2000, 2);
    const mo = momentsOf(set);

    it("min-variance matches the two-asset closed form on the sample covariance", async () => {
      const c = mo.covariance;
      const wA = (c[3] - c[1]) / (c[0] + c[3] - 2 * c[1]);
      const r = await minVariance(mo);
      expect(r.weights[0]).to.be.closeTo(wA, 1e-6);
    });

    it("mean-variance with γ = 0 puts everything on the best mean within caps", async () => {
      const m2 = { ...mo, mean: Float64Array.from([0.01, 0.02]) };
      const r = await meanVariance(m2, 0, { maxWeightBps: 7000 });
      expect(r.weights[1]).to.be.closeTo(0.7, 1e-9);
    });

    /** Two uncorrelated assets: the tangency portfolio Σ⁻¹μ = (0.5, 1), normalised (1/3, 2/3). */
    const tangencyCase = {
      assets: ["A", "B"],
      mean: Float64Array.from([0.02, 0.01]),
      covariance: Float64Array.from([0.04, 0, 0, 0.01]),
    };

    it("max-Sharpe equals the tangency portfolio Σ⁻¹μ normalised (uncorrelated assets)", async () => {
      const r = await maxSharpe(tangencyCase);
      // Σ⁻¹μ = (0.5, 1) → (1/3, 2/3)
      expect(r.weights[0]).to.be.closeTo(1 / 3, 1e-5);
    });

    it("max-Sharpe along the frontier matches the tangency portfolio where the QP works", async () => {
      const r = await maxSharpeAlongFrontier(tangencyCase);
      expect(r.weights[0]).to.be.closeTo(1 / 3, 1e-3);
    });

    it("max-Sharpe survives a near-riskless asset that makes HiGHS call the QP unbounded (real 2021-22 closes)", async () => {
      // ETH, SOL and USDC over the year to 2022-05-03: USDC's mean is -8e-8 and its variance 2.6e-7; HiGHS reported the
      // homogenised QP unbounded (12 windows of the README backtest). The fallback must return a best-Sharpe portfolio.
      const rows = parsePriceCsv(readFileSync("../shared/data/prices_daily.csv", "utf8"));
      const prices = alignPrices(rows, ["ETH", "SOL", "USDC"], { start: "2021-05-04", end: "2022-05-03" });
      const mo = momentsOf(simpleReturns(prices));
      const best = await maxSharpe(mo);
      expect(sum(best.weights)).to.be.closeTo(1, 1e-9);
      const sharpe = (w: ArrayLike<number>) => {
        let m = 0;
        let v = 0;
        for (let i = 0; i < 3; i++) {
          m += w[i] * mo.mean[i];
          for (let j = 0; j < 3; j++) v += w[i] * mo.covariance[i * 3 + j] * w[j];
        }
        return m / Math.sqrt(v);
      };
      for (let a = 0; a <= 20; a++) {
        for (let b = 0; a + b <= 20; b++) {
          expect(sharpe(best.weights)).to.be.at.least(sharpe([a / 20, b / 20, (20 - a - b) / 20]) - 1e-6);
        }
      }
    });

    it("risk parity equalises risk contributions", () => {
      const cov = Float64Array.from([0.04, 0.006, 0.002, 0.006, 0.01, 0.001, 0.002, 0.001, 0.0025]);
      const r = riskBudgeting(cov, 3);
      for (const c of r.riskContributions) expect(c).to.be.closeTo(1 / 3, 1e-9);
      expect(sum(r.weights)).to.be.closeTo(1, 1e-12);
    });
  });

  it("yield versus tail: larger λ never lowers the yield", async () => {
    const set = simulateFactorStudentT({ nAssets: 4, scenarios: 500, seed: 21 });
    const y = [0.001, 0.003, 0.0, 0.002];
    const a = await yieldVersusTail(set, { alpha: 0.95, yieldPerAsset: y, lambda: 0, budget: { maxWeightBps: 6000 } });
    const b = await yieldVersusTail(set, { alpha: 0.95, yieldPerAsset: y, lambda: 5, budget: { maxWeightBps: 6000 } });
    expect(b.totalYield).to.be.at.least(a.totalYield - 1e-9);
    expect(b.cvar).to.be.at.least(a.cvar - 1e-9);
  });
});
