/**
 * `npm run test:e2e` (ui/) — makes sure Debian's Chromium is installed (installs it with apt when missing: CI runs as
 * root on a fresh machine), builds ui/dist, then runs the Playwright tests under node:test.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM, UI } from "./harness.mjs";

const log = (m) => console.error(`[ui e2e] ${m}`);

if (!existsSync(CHROMIUM)) {
  log(`${CHROMIUM} is missing: installing Debian's chromium (apt-get update && apt-get install -y chromium) ...`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const sh = (args) =>
    execFileSync(sudo.length ? "sudo" : args[0], sudo.length ? args : args.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  sh(["apt-get", "update", "-qq"]);
  sh(["apt-get", "install", "-y", "-qq", "chromium"]);
  log(`installed: ${execFileSync(CHROMIUM, ["--version"]).toString().trim()}`);
} else {
  log(`using ${CHROMIUM}`);
}

log("building ui/dist ...");
execFileSync("npm", ["run", "--silent", "build"], { cwd: UI, stdio: ["ignore", "ignore", "inherit"] });

const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "e2e/vault.e2e.test.mjs"], {
  cwd: UI,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
