import { expect } from "chai";
import { readFileSync } from "node:fs";
import { ValidationError } from "../../../optimizer/errors.ts";
import { alignPrices, parsePriceCsv, type PriceRow } from "../../../optimizer/market/prices.ts";
import { returnsBetween, simpleReturns } from "../../../optimizer/market/returns.ts";

/** Daily rows for `asset` from `start` for `days` days, price = f(day index). */
function series(asset: string, start: string, days: number, f: (t: number) => number = (t) => 100 + t): PriceRow[] {
  const t0 = Date.parse(start + "T00:00:00Z");
  return Array.from({ length: days }, (_, t) => ({
    asset,
    date: new Date(t0 + t * 86_400_000).toISOString().slice(0, 10),
    close: f(t),
  }));
}

function expectValidation(f: () => unknown, asset: string, date?: string): ValidationError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ValidationError);
    const v = e as ValidationError;
    expect(v.details.asset).to.equal(asset);
    if (date) expect(v.details.date).to.equal(date);
    return v;
  }
  throw new Error("expected a ValidationError");
}

describe("optimizer/market", () => {
  const ok = [...series("BTC", "2022-01-01", 60), ...series("ETH", "2022-01-01", 60, (t) => 50 + (t % 7))];

  it("aligns long rows into a matrix over common dates and computes returns", () => {
    const m = alignPrices(ok, ["BTC", "ETH"]);
    expect(m.dates.length).to.equal(60);
    expect(m.closes[0]).to.equal(100);
    const r = simpleReturns(m);
    expect(r.returns[0]).to.be.closeTo(0.01, 1e-15);
    expect(r.dates[0]).to.equal("2022-01-02");
    expect(returnsBetween(r, "2022-01-10", "2022-01-19").probabilities.length).to.equal(10);
  });

  it("names asset and date of a non-positive or NaN price", () => {
    const bad = ok.map((r) => (r.asset === "ETH" && r.date === "2022-01-15" ? { ...r, close: 0 } : r));
    expectValidation(() => alignPrices(bad, ["BTC", "ETH"]), "ETH", "2022-01-15");
    const nan = ok.map((r) => (r.asset === "BTC" && r.date === "2022-02-01" ? { ...r, close: NaN } : r));
    expectValidation(() => alignPrices(nan, ["BTC", "ETH"]), "BTC", "2022-02-01");
  });

  it("names asset and date of a gap", () => {
    const gappy = ok.filter((r) => !(r.asset === "ETH" && r.date >= "2022-01-20" && r.date <= "2022-01-25"));
    const e = expectValidation(() => alignPrices(gappy, ["BTC", "ETH"]), "ETH", "2022-01-19");
    expect(e.details.nextDate).to.equal("2022-01-26");
  });

  it("names the asset whose history does not cover the window (misaligned histories)", () => {
    const late = [...series("BTC", "2022-01-01", 60), ...series("AAVE", "2022-01-20", 60)];
    expectValidation(
      () => alignPrices(late, ["BTC", "AAVE"], { start: "2022-01-01", end: "2022-02-15" }),
      "AAVE",
      "2022-01-20",
    );
  });

  it("names a stale (frozen) series", () => {
    const frozen = ok.map((r) =>
      r.asset === "BTC" && r.date >= "2022-01-10" && r.date <= "2022-01-20" ? { ...r, close: 7 } : r,
    );
    expectValidation(() => alignPrices(frozen, ["BTC", "ETH"]), "BTC", "2022-01-10");
  });

  it("rejects too short a history, duplicates and unknown assets", () => {
    expect(() => alignPrices(series("X", "2022-01-01", 10), ["X"])).to.throw(ValidationError, /too short/);
    expectValidation(() => alignPrices([...ok, ok[3]], ["BTC", "ETH"]), "BTC", ok[3].date);
    expectValidation(() => alignPrices(ok, ["BTC", "DOGE"]), "DOGE");
  });

  it("parses the shared CSV; AAVE's history ends in 2024-02 and is named when the window goes past it", () => {
    const rows = parsePriceCsv(
      readFileSync(new URL("../../../../shared/data/prices_daily.csv", import.meta.url), "utf8"),
    );
    const assets = ["BTC", "ETH", "SOL", "LINK", "UNI", "AAVE", "USDC"];
    const m = alignPrices(rows, assets);
    expect(m.dates[0] >= "2020-10-01").to.equal(true);
    expectValidation(() => alignPrices(rows, assets, { start: "2023-06-01", end: "2024-12-31" }), "AAVE", "2024-02-09");
    expect(() => parsePriceCsv("date,asset\n2022-01-01,BTC")).to.throw(ValidationError, /close/);
  });
});
