// After `vite build`: ui/dist/deployment.json -> ../../deployments/localhost/deployment.json (a relative symlink), so
// that any static server of ui/dist (the demo's `--serve` among them) hands the UI the local deployment the demo
// writes, without copying a file that changes at every run.
import { existsSync, lstatSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist");
const link = path.join(dist, "deployment.json");
if (existsSync(dist)) {
  try {
    if (lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link);
    symlinkSync("../../deployments/localhost/deployment.json", link);
  } catch (err) {
    console.error(`[ui] could not link dist/deployment.json: ${err.message}`);
  }
}
