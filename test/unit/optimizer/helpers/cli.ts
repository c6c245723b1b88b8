import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Runs `fn` with console.log captured; returns what it printed, one line per call. */
export async function capture(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    await fn();
  } finally {
    console.log = orig;
  }
  return lines.join("\n");
}

const root = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs the CLI as `./ballast` does (tsx on optimizer/cli/main.ts) in its own process and captures its output. */
export function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "optimizer/cli/main.ts", ...args],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
