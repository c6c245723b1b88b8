import { expect } from "chai";
import * as ballast from "../../../optimizer/index.ts";

describe("optimizer public surface (optimizer/index.ts)", () => {
  it("exposes one namespace per concern and the typed errors", () => {
    expect(ballast.optimize.minCvar).to.be.a("function");
    expect(ballast.optimize.minCvarLp).to.be.a("function");
    expect(ballast.risk.cvar).to.be.a("function");
    expect(ballast.plan.planTrades).to.be.a("function");
    expect(ballast.hedge.solveGreekHedge).to.be.a("function");
    expect(ballast.scenarios.stressLibrary).to.be.a("function");
    expect(ballast.backtest.runBacktest).to.be.a("function");
    expect(new ballast.InfeasibleError("x", ["maxWeightBps"])).to.be.instanceOf(ballast.BallastError);
  });
});
