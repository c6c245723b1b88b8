import { expect } from "chai";
import { ValidationError } from "../../../optimizer/errors.ts";
import { createRng } from "../../../optimizer/scenarios/random.ts";
import { makeScenarioSet, portfolioLosses } from "../../../optimizer/scenarios/scenarioSet.ts";
import {
  filteredHistoricalSimulation,
  simulateFactorStudentT,
  simulateStudentT,
} from "../../../optimizer/scenarios/simulate.ts";
import { blockBootstrap, historicalScenarios } from "../../../optimizer/scenarios/bootstrap.ts";
import {
  correlationToOne,
  liquidationCascade,
  protocolFailure,
  stablecoinDepeg,
  stressLibrary,
  userScenarios,
  volatilitySpike,
  withScenarios,
} from "../../../optimizer/scenarios/stress.ts";
import { cvar, mean, volatility } from "../../../optimizer/risk/measures.ts";
import { covariance } from "../../../optimizer/risk/moments.ts";

describe("optimizer/scenarios", () => {
  describe("seeded randomness", () => {
    it("same seed, same draws; different seed, different draws", () => {
      const a = createRng(42);
      const b = createRng(42);
      const c = createRng(43);
      const xa = Array.from({ length: 5 }, () => a.uniform());
      expect(Array.from({ length: 5 }, () => b.uniform())).to.deep.equal(xa);
      expect(Array.from({ length: 5 }, () => c.uniform())).to.not.deep.equal(xa);
    });

    it("normal, gamma and Student-t draws have the right moments", () => {
      const r = createRng(1);
      const N = 200_000;
      const z = Float64Array.from({ length: N }, () => r.normal());
      expect(mean(z)).to.be.closeTo(0, 0.01);
      expect(volatility(z)).to.be.closeTo(1, 0.01);
      const g = Float64Array.from({ length: N }, () => r.gamma(2.5));
      expect(mean(g)).to.be.closeTo(2.5, 0.02);
      expect(volatility(g) ** 2).to.be.closeTo(2.5, 0.05);
      const t = Float64Array.from({ length: N }, () => r.studentT(5));
      expect(volatility(t) ** 2).to.be.closeTo(5 / 3, 0.06);
    });

    it("simulations are deterministic given the seed", () => {
      const a = simulateFactorStudentT({ nAssets: 3, scenarios: 100, seed: 9 });
      const b = simulateFactorStudentT({ nAssets: 3, scenarios: 100, seed: 9 });
      expect(Array.from(a.returns)).to.deep.equal(Array.from(b.returns));
    });
  });

  it("multivariate Student-t matches the requested covariance and has fat tails", () => {
    const cov = Float64Array.from([0.0016, 0.0006, 0.0006, 0.0009]);
    const set = simulateStudentT({
      assets: ["X", "Y"],
      mean: [0, 0],
      covariance: cov,
      nu: 5,
      scenarios: 100_000,
      seed: 3,
    });
    const c = covariance(set);
    expect(c[0]).to.be.closeTo(0.0016, 0.0001);
    expect(c[1]).to.be.closeTo(0.0006, 0.00006);
    // a normal's CVaR99/σ is 2.665; a t5 scaled to the same σ has a heavier tail
    const x = portfolioLosses(set, [1, 0]);
    expect(cvar(x, 0.99) / 0.04).to.be.greaterThan(2.75);
  });

  it("filtered historical simulation rescales to the latest volatility", () => {
    const r = new Float64Array(200);
    for (let t = 0; t < 200; t++) r[t] = (t % 2 ? 1 : -1) * (t < 100 ? 0.01 : 0.04);
    const fhs = filteredHistoricalSimulation(makeScenarioSet(["X"], r));
    // calm-period returns are replayed at the (high) current vol: first half now about as big as the second
    expect(Math.abs(fhs.returns[50])).to.be.greaterThan(0.03);
  });

  it("historical horizon compounding and seeded block bootstrap", () => {
    const hist = makeScenarioSet(["X"], Float64Array.from([0.1, -0.1, 0.2]));
    const h2 = historicalScenarios(hist, 2);
    expect(h2.returns[0]).to.be.closeTo(1.1 * 0.9 - 1, 1e-15);
    expect(h2.returns[1]).to.be.closeTo(0.9 * 1.2 - 1, 1e-15);
    const b1 = blockBootstrap(hist, { scenarios: 50, horizon: 2, blockLength: 2, seed: 5 });
    const b2 = blockBootstrap(hist, { scenarios: 50, horizon: 2, blockLength: 2, seed: 5 });
    expect(Array.from(b1.returns)).to.deep.equal(Array.from(b2.returns));
    const allowed = [1.1 * 0.9, 0.9 * 1.2, 1.2 * 1.1].map((g) => g - 1);
    for (const v of b1.returns) expect(allowed.some((a) => Math.abs(a - v) < 1e-12)).to.equal(true);
  });

  describe("stress library", () => {
    const base = simulateFactorStudentT({ nAssets: 3, scenarios: 1000, seed: 2 });

    it("named shocks cover crash, vol spike, depeg, cascade and protocol failure", () => {
      const lib = stressLibrary(["ETH", "AAVE", "USDC"]);
      const names = lib.map((s) => s.name).join(" | ");
      for (const k of ["crash", "volatility spike", "USDC depeg", "cascade", "AAVE protocol failure"]) {
        expect(names).to.contain(k);
      }
      expect(lib.find((s) => s.name.startsWith("USDC depeg"))!.returns).to.deep.equal({ USDC: -0.13 });
    });

    it("protocol failure is a binary jump with its exact probability", () => {
      const s = protocolFailure(base, { assets: ["A0"], lossFraction: 1, probability: 0.01 });
      expect(s.probabilities.length).to.equal(2000);
      const lossA0 = portfolioLosses(s, [1, 0, 0]);
      // a 1 % total-loss jump puts all of CVaR99 at −100 %
      expect(cvar(lossA0, 0.99, s.probabilities)).to.be.closeTo(1, 1e-9);
      expect(cvar(lossA0, 0.98, s.probabilities)).to.be.lessThan(1);
    });

    it("correlation → 1 keeps marginals and removes diversification", () => {
      const c = correlationToOne(base);
      const w = [1 / 3, 1 / 3, 1 / 3];
      expect(cvar(portfolioLosses(c, w), 0.95)).to.be.greaterThan(cvar(portfolioLosses(base, w), 0.95));
      const m0 = Array.from(base.returns.filter((_, k) => k % 3 === 0)).sort((a, b) => a - b);
      const m1 = Array.from(c.returns.filter((_, k) => k % 3 === 0));
      expect(m1).to.deep.equal(m0);
    });

    it("volatility spike, depeg, cascade and user scenarios keep probabilities summing to one", () => {
      const v = volatilitySpike(base, 2);
      expect(volatility(portfolioLosses(v, [1, 0, 0]))).to.be.closeTo(
        2 * volatility(portfolioLosses(base, [1, 0, 0])),
        1e-12,
      );
      const d = stablecoinDepeg(base, "A2", 0.13, 0.02);
      const l = liquidationCascade(d, { drop: 0.3, probability: 0.01 });
      const u = withScenarios(l, [{ name: "mine", returns: { A0: -0.5 }, probability: 0.05 }]);
      expect(u.probabilities.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
      const only = userScenarios(
        ["A", "B"],
        [
          { name: "up", returns: { A: 0.1 }, probability: 0.5 },
          { name: "down", returns: { B: -0.2 }, probability: 0.5 },
        ],
      );
      expect(Array.from(only.returns)).to.deep.equal([0.1, 0, 0, -0.2]);
      expect(() => withScenarios(base, [{ name: "x", returns: { NOPE: -1 }, probability: 0.1 }])).to.throw(
        ValidationError,
        /NOPE/,
      );
    });
  });
});
