import { expect } from "chai";
import fc from "fast-check";
import {
  cdar,
  cvar,
  drawdowns,
  maxDrawdown,
  maxRegret,
  regret,
  valueAtRisk,
  volatility,
  worstCase,
} from "../../../optimizer/risk/measures.ts";
import { ValidationError } from "../../../optimizer/errors.ts";

const f64 = (xs: number[]) => Float64Array.from(xs);

describe("optimizer/risk", () => {
  describe("VaR and CVaR of known discrete distributions", () => {
    // losses 1..100 (%), equally likely: VaR95 = 95, CVaR95 = mean(96..100) = 98
    const hundred = Float64Array.from({ length: 100 }, (_, i) => (i + 1) / 100);

    it("equal weights: VaR95 = 0.95, CVaR95 = 0.98 (by hand)", () => {
      expect(valueAtRisk(hundred, 0.95)).to.be.closeTo(0.95, 1e-12);
      expect(cvar(hundred, 0.95)).to.be.closeTo(0.98, 1e-12);
    });

    it("fractional boundary scenario: 10 losses, alpha 0.85 → 1.5 scenarios in the tail", () => {
      const l = f64([0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.4]);
      // tail mass 0.15: all of 0.4 (p = 0.1) and half of 0.1 (0.05) → (0.1·0.4 + 0.05·0.1)/0.15 = 0.3
      expect(cvar(l, 0.85)).to.be.closeTo(0.3, 1e-12);
      expect(valueAtRisk(l, 0.85)).to.be.closeTo(0.1, 1e-12);
    });

    it("scenario weights: P(loss 0.5) = 0.02, P(0.1) = 0.08, P(0) = 0.9 at alpha 0.95", () => {
      const l = f64([0.5, 0.1, 0]);
      const p = f64([0.02, 0.08, 0.9]);
      // tail 0.05 = 0.02 of 0.5 + 0.03 of 0.1 → (0.01 + 0.003)/0.05 = 0.26
      expect(cvar(l, 0.95, p)).to.be.closeTo(0.26, 1e-12);
      expect(valueAtRisk(l, 0.95, p)).to.be.closeTo(0.1, 1e-12);
    });

    it("CVaR equals the Rockafellar-Uryasev minimum over ζ (property)", () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
          fc.double({ min: 0.5, max: 0.99, noNaN: true }),
          (xs, alpha) => {
            const l = Float64Array.from(xs);
            const ru = (z: number) => z + l.reduce((s, v) => s + Math.max(v - z, 0), 0) / (l.length * (1 - alpha));
            const best = Math.min(...xs.map(ru));
            const c = cvar(l, alpha);
            expect(c).to.be.closeTo(best, 1e-9);
            expect(c).to.be.at.least(valueAtRisk(l, alpha) - 1e-12);
            expect(c).to.be.at.most(worstCase(l) + 1e-12);
          },
        ),
        { numRuns: 200, seed: 7 },
      );
    });

    it("rejects alpha outside (0, 1) and mismatched weights", () => {
      expect(() => cvar(hundred, 1)).to.throw(ValidationError);
      expect(() => cvar(hundred, 0.9, f64([1]))).to.throw(ValidationError);
    });
  });

  it("volatility of ±1 equally likely is 1", () => {
    expect(volatility(f64([1, -1, 1, -1]))).to.be.closeTo(1, 1e-15);
  });

  it("drawdowns, max drawdown and CDaR of a NAV path", () => {
    const nav = f64([100, 120, 90, 60, 130, 117]);
    expect(Array.from(drawdowns(nav))).to.deep.equal([0, 0, 0.25, 0.5, 0, 1 - 117 / 130]);
    expect(maxDrawdown(nav)).to.be.closeTo(0.5, 1e-15);
    // worst 1/3 of six drawdowns: 0.5 and 0.25 → 0.375
    expect(cdar(nav, 2 / 3)).to.be.closeTo(0.375, 1e-12);
  });

  it("regret against the best candidate per scenario", () => {
    const [ra, rb] = regret([f64([0.1, 0]), f64([0, 0.05])]);
    expect(Array.from(ra)).to.deep.equal([0, 0.05]);
    expect(Array.from(rb)).to.deep.equal([0.1, 0]);
    expect(maxRegret(ra)).to.equal(0.05);
  });
});
