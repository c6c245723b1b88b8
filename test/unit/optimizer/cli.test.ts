import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "./helpers/cli.ts";

describe("optimizer/cli (optimize, frontier)", function () {
  this.timeout(60_000);
  const prices = "../shared/data/prices_daily.csv";
  const assets = "BTC,ETH,SOL,LINK,UNI,AAVE,USDC";

  it("--help at top level and per command", async () => {
    const top = await cli(["--help"]);
    expect(top.code).to.equal(0);
    expect(top.stdout).to.contain("optimize").and.to.contain("frontier");
    const opt = await cli(["optimize", "--help"]);
    expect(opt.stdout).to.contain("--eval-window");
  });

  it("acceptance: optimize --objective all reports CVaR on the 2022 drawdown and writes JSON", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ballast-")), "opt.json");
    const r = await cli([
      "optimize",
      "--prices",
      prices,
      "--assets",
      assets,
      "--objective",
      "all",
      "--max-weight-bps",
      "4000",
      "--eval-window",
      "2022-01-01:2022-12-31",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("min-cvar").and.to.contain("min-regret").and.to.contain("mean-variance");
    expect(r.stdout).to.contain("2022-01-01..2022-12-31");
    const json = JSON.parse(readFileSync(out, "utf8"));
    const byObj = Object.fromEntries(json.results.map((x: { objective: string }) => [x.objective, x]));
    for (const k of ["min-cvar", "min-regret", "mean-variance"]) {
      const w = Object.values(byObj[k].weights as Record<string, number>);
      expect(w.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-7);
      expect(Math.max(...w)).to.be.at.most(0.4 + 1e-9);
      expect(byObj[k].evaluation.cvar).to.be.greaterThan(0);
    }
    // in-sample, min-CVaR has the least CVaR among the capped objectives
    expect(byObj["min-cvar"].estimation.cvar).to.be.at.most(byObj["mean-variance"].estimation.cvar + 1e-12);
    expect(r.stderr).to.contain("solving min-cvar");
  });

  it("names the asset whose data does not cover the window, and the conflicting budget constraints", async () => {
    const a = await cli(["optimize", "--prices", prices, "--assets", assets, "--window", "2023-06-01:2024-12-31"]);
    expect(a.code).to.equal(2);
    expect(a.stderr).to.contain("AAVE").and.to.contain("2024-02-09");
    const b = await cli(["optimize", "--prices", prices, "--assets", "BTC,ETH,USDC", "--max-weight-bps", "3000"]);
    expect(b.code).to.equal(2);
    expect(b.stderr).to.contain("maxWeightBps");
    const c = await cli(["optimize", "--prices", prices, "--assets", "BTC,ETH", "--alpha", "1.5"]);
    expect(c.stderr).to.contain("--alpha");
  });

  it("frontier prints k points", async () => {
    const r = await cli([
      "frontier",
      "--prices",
      prices,
      "--assets",
      "BTC,ETH,USDC",
      "--points",
      "4",
      "--max-weight-bps",
      "6000",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split("\n")).to.have.length(2 + 4);
  });
});
