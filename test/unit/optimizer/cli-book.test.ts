import { expect } from "chai";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as book from "../../../optimizer/cli/book.ts";
import { ValidationError } from "../../../optimizer/errors.ts";
import { capture } from "./helpers/cli.ts";

const BOOK = new URL("../../../docs/examples/levered-book.json", import.meta.url).pathname;

describe("cli: book", () => {
  it("prints --help", async () => {
    expect(book.summary).to.be.a("string");
    expect(await capture(() => book.run(["--help"]))).to.contain("Usage: ballast book");
  });

  it("prints the example's breaches before and none after, and writes the plan as JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ballast-book-"));
    const out = join(dir, "plan.json");
    const text = await capture(() => book.run([BOOK, "--out", out]));
    const [before, after] = text.split(/\nafter: /);
    expect(before).to.contain("NetDeltaAboveCap");
    expect(before).to.contain("StressedHealthFactorBelowMin");
    expect(after).to.contain("breaches: none");
    const plan = JSON.parse(await readFile(out, "utf8"));
    expect(plan.after.risk.breaches).to.deep.equal([]);
    expect(plan.actions.map((a: { kind: string }) => a.kind)).to.include.members([
      "lpBurn",
      "lpMint",
      "repay",
      "borrow",
    ]);
    expect(plan.before.risk.stress.scenarios[0].liquidatable).to.equal(true);
  });

  it("rejects a book without limits, naming the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ballast-book-"));
    const bad = join(dir, "bad.json");
    const json = JSON.parse(await readFile(BOOK, "utf8"));
    delete json.limits.maxNetDeltaBps;
    await writeFile(bad, JSON.stringify(json));
    try {
      await book.run([bad]);
      expect.fail("expected ValidationError");
    } catch (e) {
      expect(e).to.be.instanceOf(ValidationError);
      expect((e as ValidationError).details.field).to.equal("limits.maxNetDeltaBps");
    }
  });
});
