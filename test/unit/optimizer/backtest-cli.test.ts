import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "./helpers/cli.ts";

describe("optimizer/cli backtest", function () {
  this.timeout(60_000);
  const prices = "../shared/data/prices_daily.csv";

  it("--help lists the options; the dispatcher lists the command", async () => {
    const h = await cli(["backtest", "--help"]);
    expect(h.code).to.equal(0);
    expect(h.stdout).to.contain("--report").and.to.contain("--rebalance").and.to.contain("Universe rule");
    expect((await cli(["--help"])).stdout).to.contain("backtest");
  });

  it("an impossible window is a validation error naming the asset (exit 2)", async () => {
    const r = await cli(["backtest", "--prices", prices, "--assets", "AAVE,USDC", "--from", "2024-06-01"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("asset has no prices inside the backtest window").and.to.contain("asset: AAVE");
  });

  it("writes the report and prints the headline table", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "ballast-bt-")), "report");
    const r = await cli([
      "backtest",
      "--prices",
      prices,
      "--assets",
      "BTC,ETH,USDC",
      "--from",
      "2022-04-01",
      "--to",
      "2022-12-31",
      "--strategies",
      "equal-weight,min-cvar",
      "--report",
      dir,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("min-cvar+budget").and.to.contain("Nov 2022 (FTX)");
    expect(r.stderr).to.contain("100%"); // progress reached the end
    expect(readFileSync(join(dir, "index.html"), "utf8")).to.contain("<svg");
    expect(existsSync(join(dir, "weights", "equal-weight.csv"))).to.equal(true);
  });
});
