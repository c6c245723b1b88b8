import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../../../optimizer/errors.ts";
import { parsePriceCsv, type PriceRow } from "../../../optimizer/market/prices.ts";
import { buildPanel, withPricesAfter } from "../../../optimizer/backtest/panel.ts";
import { runBacktest, type BacktestOptions, type BacktestRun } from "../../../optimizer/backtest/engine.ts";
import { newBreaker, observeBreaker } from "../../../optimizer/backtest/breaker.ts";
import { computeMetrics, crashResults } from "../../../optimizer/backtest/metrics.ts";
import { fitToBudget } from "../../../optimizer/backtest/strategies.ts";
import { buildReport } from "../../../optimizer/backtest/report.ts";

const csv = fileURLToPath(new URL("../../../../shared/data/prices_daily.csv", import.meta.url));
let rows: PriceRow[];
before(() => {
  rows = parsePriceCsv(readFileSync(csv, "utf8"));
});

/** Costs that vanish: fee 0, pools a million times deeper than any trade, gas 0. */
const FREE = { poolDepthUsd: 1e15, feePips: 0, gasPriceGwei: 0 };

describe("optimizer/backtest", function () {
  this.timeout(30_000);

  describe("panel (universe rule, validation)", () => {
    it("clamps the end to the data and lists late starters and early leavers", () => {
      const p = buildPanel(rows, ["BTC", "SOL", "AAVE", "USDC"], {
        from: "2020-01-01",
        to: "2025-12-31",
        baseAsset: "USDC",
      });
      expect(p.dates[p.startIndex]).to.equal("2020-01-01");
      expect(p.dates[p.dates.length - 1]).to.equal("2025-02-11");
      expect(p.notes.join("\n"))
        .to.contain("end clamped from 2025-12-31 to 2025-02-11")
        .and.to.contain("SOL enters the universe when its history starts, 2020-04-10")
        .and.to.contain("AAVE leaves the universe after its last price, 2024-02-09");
    });

    it("names the asset when the window is impossible for it", () => {
      try {
        buildPanel(rows, ["AAVE", "USDC"], { from: "2024-06-01", to: "2024-12-31", baseAsset: "USDC" });
        expect.fail("should throw");
      } catch (e) {
        expect(e).to.be.instanceOf(ValidationError);
        expect((e as ValidationError).details.asset).to.equal("AAVE");
        expect((e as ValidationError).details.lastDate).to.equal("2024-02-09");
      }
    });

    it("carries a short gap forward (reported), refuses a long one naming the asset", () => {
      const mk = (skip: string[]): PriceRow[] => {
        const out: PriceRow[] = [];
        for (let d = 1; d <= 20; d++) {
          const date = `2021-01-${String(d).padStart(2, "0")}`;
          out.push({ date, asset: "USDC", close: 1 + d * 1e-4 });
          if (!skip.includes(date)) out.push({ date, asset: "X", close: 100 + d });
        }
        return out;
      };
      const p = buildPanel(mk(["2021-01-10", "2021-01-11"]), ["X", "USDC"], { baseAsset: "USDC", historyDays: 0 });
      expect(p.gaps).to.deep.equal([{ asset: "X", date: "2021-01-09", missingDays: 2 }]);
      const t = p.dates.indexOf("2021-01-11");
      expect(p.closes[t * 2]).to.equal(109); // carried forward from 01-09
      expect(p.observed[t * 2]).to.equal(0);
      expect(() =>
        buildPanel(mk(["2021-01-10", "2021-01-11", "2021-01-12", "2021-01-13"]), ["X", "USDC"], {
          baseAsset: "USDC",
        }),
      )
        .to.throw(ValidationError, "gap in price history")
        .with.property("details")
        .that.includes({ asset: "X", gapDays: 5 });
    });
  });

  describe("engine on real slices (hand-checked)", () => {
    it("buy-and-hold BTC/ETH/USDC 2022-06-01..18 without costs = mean of the price relatives", async () => {
      const panel = buildPanel(rows, ["BTC", "ETH", "USDC"], {
        from: "2022-06-01",
        to: "2022-06-18",
        baseAsset: "USDC",
      });
      const run = await runBacktest(panel, {
        strategy: { kind: "buy-and-hold", withBudget: false },
        baseAsset: "USDC",
        initialNavUsd: 1_000_000,
        costs: FREE,
      });
      // Closes from the CSV: BTC 29799.08008 → 19017.64258, ETH 1823.569336 → 993.6367798 (README spot check),
      // USDC 1.000130057 → 1.000314951. Equal thirds bought at the 06-01 close:
      // (0.638195626 + 0.544885659 + 1.000184870) / 3 = 0.727755385.
      expect(run.dates[run.dates.length - 1]).to.equal("2022-06-18");
      expect(run.navUsd[run.navUsd.length - 1] / 1e6).to.be.closeTo(0.727755385, 1e-6);
      expect(run.trades.map((t) => `${t.side} ${t.asset}`).sort()).to.deep.equal(["buy BTC", "buy ETH"]);
      const m = computeMetrics(run);
      expect(m.totalReturn).to.be.closeTo(-0.272244615, 1e-6);
      expect(m.rebalances).to.equal(1);
    });

    it("costs: a 30 bps pool fee on the initial buy costs 30 bps of the amount bought", async () => {
      const panel = buildPanel(rows, ["BTC", "USDC"], { from: "2022-06-01", to: "2022-06-01", baseAsset: "USDC" });
      const run = await runBacktest(panel, {
        strategy: { kind: "buy-and-hold", withBudget: false },
        baseAsset: "USDC",
        costs: { ...FREE, feePips: 3000 },
      });
      // half of 1,000,000 USD buys BTC; the fee takes 0.3 % of it: NAV = 1,000,000 − 1,500
      expect(run.trades).to.have.length(1);
      expect(run.trades[0].feeUsd).to.be.closeTo(1500, 0.01);
      expect(run.navUsd[0]).to.be.closeTo(998_500, 0.01);
    });

    it("an asset whose data ends is sold into the base asset at its last close", async () => {
      const panel = buildPanel(rows, ["AAVE", "ETH", "USDC"], {
        from: "2024-01-15",
        to: "2024-02-20",
        baseAsset: "USDC",
      });
      const run = await runBacktest(panel, {
        strategy: { kind: "equal-weight", withBudget: false },
        baseAsset: "USDC",
        costs: FREE,
      });
      const exit = run.trades.find((t) => t.reason === "dataEnds");
      expect(exit?.asset).to.equal("AAVE");
      expect(exit?.date).to.equal("2024-02-10");
      const a = run.assets.indexOf("AAVE");
      const last = run.dates.length - 1;
      expect(run.weights[last * run.assets.length + a]).to.equal(0);
      expect(run.events.some((e) => e.kind === "assetLeaves" && e.detail.startsWith("AAVE"))).to.equal(true);
    });

    it("with the budget, weights stay within maxWeightBps and minIdleBps after every rebalance", async () => {
      const panel = buildPanel(rows, ["BTC", "ETH", "SOL", "USDC"], {
        from: "2021-01-01",
        to: "2021-06-30",
        baseAsset: "USDC",
      });
      const run = await runBacktest(panel, { strategy: { kind: "min-regret", withBudget: true }, baseAsset: "USDC" });
      const n = run.assets.length;
      for (const r of run.rebalances) {
        for (const [a, w] of Object.entries(r.targets)) if (a !== "USDC") expect(w).to.be.at.most(0.3 + 1e-9);
        expect(r.targets.USDC ?? 0).to.be.at.least(0.1 - 1e-9);
      }
      // per rebalance turnover never exceeds maxTurnoverBps (5000)
      for (const r of run.rebalances) expect(r.turnover).to.be.at.most(0.5 + 1e-9);
      expect(run.weights.length).to.equal(run.dates.length * n);
    });
  });

  describe("no look-ahead", () => {
    it("corrupting every price after a date changes no decision up to that date", async () => {
      const assets = ["BTC", "ETH", "SOL", "USDC"];
      const panel = buildPanel(rows, assets, { from: "2021-03-01", to: "2021-07-31", baseAsset: "USDC" });
      const cut = "2021-05-15";
      // wild, asset- and day-dependent prices after the cut (a crash then a melt-up)
      const bad = withPricesAfter(panel, cut, (t, a, c) => c * (a === 3 ? 1 : 0.2 + ((t * 7 + a * 13) % 17) / 4));
      for (const kind of ["min-cvar", "mean-variance", "min-regret"] as const) {
        const o: BacktestOptions = { strategy: { kind, withBudget: true }, baseAsset: "USDC" };
        const [good, evil] = [await runBacktest(panel, o), await runBacktest(bad, o)];
        const upTo = (r: BacktestRun) => r.rebalances.filter((x) => x.date <= cut);
        expect(upTo(evil)).to.deep.equal(upTo(good));
        const k = good.dates.indexOf(cut);
        expect(Array.from(evil.navUsd.subarray(0, k + 1))).to.deep.equal(Array.from(good.navUsd.subarray(0, k + 1)));
        expect(Array.from(evil.weights.subarray(0, (k + 1) * 4))).to.deep.equal(
          Array.from(good.weights.subarray(0, (k + 1) * 4)),
        );
        // and the corruption does matter afterwards
        expect(evil.navUsd[evil.navUsd.length - 1]).to.not.equal(good.navUsd[good.navUsd.length - 1]);
      }
    });
  });

  describe("determinism", () => {
    it("the same seed gives the same run; another seed other targets", async () => {
      const panel = buildPanel(rows, ["BTC", "ETH", "USDC"], {
        from: "2022-01-01",
        to: "2022-03-31",
        baseAsset: "USDC",
      });
      const o = (seed: number): BacktestOptions => ({
        strategy: { kind: "min-cvar", withBudget: false },
        baseAsset: "USDC",
        scenarios: { kind: "bootstrap", count: 500, seed },
        estimationDays: 120,
      });
      const a = await runBacktest(panel, o(7));
      const b = await runBacktest(panel, o(7));
      const c = await runBacktest(panel, o(8));
      expect(Array.from(a.navUsd)).to.deep.equal(Array.from(b.navUsd));
      expect(a.rebalances).to.deep.equal(b.rebalances);
      expect(JSON.stringify(c.rebalances.map((r) => r.targets))).to.not.equal(
        JSON.stringify(a.rebalances.map((r) => r.targets)),
      );
    });
  });

  describe("drawdown breaker (as RiskBudget.sol)", () => {
    const p = { maxDrawdownBps: 2000, drawdownWindowSeconds: 30 * 86_400, resetAfterDays: 10 };
    it("does not trip at exactly the limit, trips just beyond, resets after resetAfterDays", () => {
      const s = newBreaker();
      expect(observeBreaker(s, p, 0, 1)).to.equal(undefined);
      expect(observeBreaker(s, p, 1, 0.8)).to.equal(undefined); // exactly −20 %
      expect(observeBreaker(s, p, 2, 0.7999)).to.equal("tripped");
      expect(observeBreaker(s, p, 5, 1.2)).to.equal(undefined); // a new high moves the mark but does not clear
      expect(s.tripped).to.equal(true);
      expect(observeBreaker(s, p, 12, 0.9)).to.equal("reset");
      expect(s.highWaterMark).to.equal(0.9);
    });
    it("the mark rolls after drawdownWindowSeconds", () => {
      const s = newBreaker();
      observeBreaker(s, p, 0, 1);
      expect(observeBreaker(s, p, 31, 0.7)).to.equal(undefined); // mark older than 30 days: restarts at 0.7
      expect(s.highWaterMark).to.equal(0.7);
    });
    it("in a backtest: once tripped, only sales into the base asset until the reset", async () => {
      const panel = buildPanel(rows, ["BTC", "ETH", "USDC"], {
        from: "2022-04-01",
        to: "2022-07-31",
        baseAsset: "USDC",
      });
      const run = await runBacktest(panel, {
        strategy: { kind: "equal-weight", withBudget: true },
        baseAsset: "USDC",
        rebalance: { kind: "calendar", everyDays: 7 },
      });
      const trip = run.events.find((e) => e.kind === "breakerTripped");
      expect(trip, "the May-June 2022 fall trips a 20 % breaker").to.not.equal(undefined);
      const reset = run.events.find((e) => e.kind === "breakerReset")?.date ?? "9999";
      const during = run.trades.filter((t) => t.date >= trip!.date && t.date < reset);
      expect(during.length).to.be.greaterThan(0);
      for (const t of during) expect(t.side).to.equal("sell");
    });
  });

  describe("metrics (hand-checked)", () => {
    const fake = (nav: number[], dates?: string[]): BacktestRun => ({
      name: "x",
      strategy: { kind: "equal-weight", withBudget: false },
      assets: ["A"],
      dates: dates ?? nav.map((_, i) => `2021-01-${String(i + 1).padStart(2, "0")}`),
      navUsd: Float64Array.from(nav),
      weights: new Float64Array(nav.length),
      breakerTripped: new Uint8Array(nav.length),
      rebalances: [],
      trades: [],
      events: [],
      initialNavUsd: 100,
    });
    it("return, drawdown, time under water, worst day and week", () => {
      // path 100 → 110, 99, 121, 108.9, 108.9, 130.68, 117.612, 120
      const m = computeMetrics(fake([110, 99, 121, 108.9, 108.9, 130.68, 117.612, 120]));
      expect(m.totalReturn).to.be.closeTo(0.2, 1e-12);
      expect(m.maxDrawdown).to.be.closeTo(0.1, 1e-12); // 110 → 99 and 121 → 108.9 and 130.68 → 117.612, all −10 %
      expect(m.worstDay).to.be.closeTo(-0.1, 1e-12);
      expect(m.timeUnderWater).to.be.closeTo(5 / 8, 1e-12); // days 2, 4, 5, 7, 8
      expect(m.longestUnderWaterDays).to.equal(2);
      expect(m.worstWeek).to.be.closeTo(120 / 110 - 1, 1e-12); // 7-day returns: 120/110 (days 1→8), 117.612/100
      expect(m.annualReturn).to.be.closeTo(Math.pow(1.2, 365 / 8) - 1, 1e-9);
    });
    it("crash windows: return and drawdown inside the window", () => {
      const dates = ["2022-04-29", "2022-04-30", "2022-05-01", "2022-05-02", "2022-05-31", "2022-06-01"];
      const r = crashResults(fake([100, 100, 80, 90, 95, 99], dates), [
        { name: "May", start: "2022-05-01", end: "2022-05-31" },
        { name: "2020", start: "2020-03-01", end: "2020-03-31" },
      ]);
      expect(r[0].covered).to.equal(true);
      expect(r[0].totalReturn).to.be.closeTo(-0.05, 1e-12);
      expect(r[0].maxDrawdown).to.be.closeTo(0.2, 1e-12);
      expect(r[1].covered).to.equal(false);
    });
  });

  it("fitToBudget clips to caps, parks the excess in the base asset, keeps the idle floor", () => {
    const w = fitToBudget(
      ["A", "B", "USDC"],
      Float64Array.from([0.7, 0.3, 0]),
      { maxWeightBps: { A: 4000, B: 4000 }, minIdleBps: 1000, baseAsset: "USDC" },
      "USDC",
    );
    expect(Array.from(w).map((x) => +x.toFixed(12))).to.deep.equal([0.4, 0.3, 0.3]);
    const v = fitToBudget(["A", "USDC"], Float64Array.from([1, 0]), { minIdleBps: 1000, baseAsset: "USDC" }, "USDC");
    expect(Array.from(v).map((x) => +x.toFixed(12))).to.deep.equal([0.9, 0.1]);
  });

  it("report: self-contained HTML with inline SVG, and a CSV per series", async () => {
    const panel = buildPanel(rows, ["BTC", "ETH", "USDC"], { from: "2022-05-01", to: "2022-06-30", baseAsset: "USDC" });
    const runs = [
      await runBacktest(panel, { strategy: { kind: "equal-weight", withBudget: false }, baseAsset: "USDC" }),
      await runBacktest(panel, { strategy: { kind: "min-cvar", withBudget: true }, baseAsset: "USDC" }),
    ];
    const files = buildReport({
      title: "t",
      settings: {},
      dataNotes: [],
      runs,
      metrics: runs.map((r) => computeMetrics(r)),
      crashes: runs.map((r) => crashResults(r)),
      alpha: 0.95,
    });
    const html = files["index.html"];
    expect(html)
      .to.contain("<svg")
      .and.not.to.match(/<script|<link|src="http/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).to.not.contain("http");
    expect(Object.keys(files)).to.include.members([
      "nav.csv",
      "drawdown.csv",
      "trades.csv",
      "metrics.csv",
      "crash_windows.csv",
      "results.json",
      "weights/min-cvar+budget.csv",
    ]);
    expect(files["nav.csv"].split("\n")[0]).to.equal("date,equal-weight,min-cvar+budget");
  });
});
