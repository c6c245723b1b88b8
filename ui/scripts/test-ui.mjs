// Root `npm run test:ui`: installs the UI's own dependencies (ui/package-lock.json) when they are missing or older
// than the lockfile, then runs the UI's unit tests (Vitest) and its end-to-end tests (Chromium via playwright-core).
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ui = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stamp = path.join(ui, "node_modules/.package-lock.json");
const lock = path.join(ui, "package-lock.json");
if (!existsSync(stamp) || statSync(lock).mtimeMs > statSync(stamp).mtimeMs) {
  console.error("[ui] installing the UI's dependencies with npm ci (ui/package-lock.json) ...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: ui, stdio: "inherit" });
}
execFileSync("npm", ["run", "--silent", "test"], { cwd: ui, stdio: "inherit" });
