import { expect } from "chai";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as greeks from "../../../optimizer/cli/greeks.ts";
import * as stress from "../../../optimizer/cli/stress.ts";
import { ValidationError } from "../../../optimizer/errors.ts";
import { capture } from "./helpers/cli.ts";

const BOOK = new URL("../../../docs/examples/book.json", import.meta.url).pathname;

describe("cli: greeks", () => {
  it("exports summary and run, and prints --help", async () => {
    expect(greeks.summary).to.be.a("string");
    expect(await capture(() => greeks.run(["--help"]))).to.contain("Usage: ballast greeks");
  });

  it("prints a table for the example book and writes JSON whose portfolio is the sum of the positions", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ballast-greeks-"));
    const out = join(dir, "g.json");
    const text = await capture(() => greeks.run([BOOK, "--out", out]));
    expect(text).to.contain("PORTFOLIO");
    expect(text).to.contain("covered call 3500 30d");
    const json = JSON.parse(await readFile(out, "utf8"));
    const sum = json.positions.reduce((s: number, p: { valueUsd: number }) => s + p.valueUsd, 0);
    expect(json.portfolio.valueUsd).to.be.closeTo(sum, 1e-6);
    const dSum = json.positions.reduce((s: number, p: { delta: Record<string, number> }) => s + (p.delta.WETH ?? 0), 0);
    expect(json.portfolio.delta.WETH).to.be.closeTo(dSum, 1e-9);
  });

  it("rejects a bad book with the field named", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ballast-greeks-"));
    const bad = join(dir, "bad.json");
    await writeFile(
      bad,
      JSON.stringify({
        positions: [
          { kind: "option", underlying: "WETH", optionType: "call", strikeUsd: -1, expiryYears: 1, quantity: 1 },
        ],
      }),
    );
    try {
      await greeks.run([bad]);
      expect.fail("expected ValidationError");
    } catch (e) {
      expect(e).to.be.instanceOf(ValidationError);
      expect((e as ValidationError).details.field).to.equal("positions.0.strikeUsd");
    }
    try {
      await greeks.run([BOOK, "--bogus", "x"]);
      expect.fail("expected ValidationError");
    } catch (e) {
      expect((e as ValidationError).shortMessage).to.equal("unknown option");
    }
  });
});

describe("cli: stress", () => {
  it("revalues the example book under every scenario and says where the scenarios came from", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ballast-stress-"));
    const out = join(dir, "s.json");
    const text = await capture(() => stress.run([BOOK, "--out", out]));
    expect(text).to.match(/scenarios: (optimizer\/scenarios|built-in minimal shocks)/);
    const json = JSON.parse(await readFile(out, "utf8"));
    expect(json.scenarios.length).to.be.greaterThan(3);
    const crash = json.scenarios.find((s: { name: string }) => s.name.startsWith("crash -30"));
    if (crash) expect(crash.pnlUsd).to.be.below(0);
  });

  it("rejects an unknown smile mode", async () => {
    try {
      await stress.run([BOOK, "--smile", "sticky-delta"]);
      expect.fail("expected ValidationError");
    } catch (e) {
      expect(e).to.be.instanceOf(ValidationError);
    }
  });
});
