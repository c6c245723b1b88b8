/**
 * The optimizer CLI dispatcher: `./ballast <command> ...` and `npm run opt -- <command> ...` land here. Each command
 * is a module exporting `summary` and `run(argv)`; this file only maps names to them and turns typed errors into
 * one-line messages with exit code 2 (bad input / infeasible) or 1 (anything else).
 */
import { BallastError, InfeasibleError, ValidationError } from "../errors.ts";
import * as optimize from "./optimize.ts";
import * as frontier from "./frontier.ts";
import * as greeks from "./greeks.ts";
import * as stress from "./stress.ts";
import * as backtest from "./backtest.ts";
import * as book from "./book.ts";

/** A CLI command. */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<void>;
}

/** Every command, by name. */
export const commands: Record<string, Command> = {
  optimize,
  frontier,
  // ── registration point: one line per command module (greeks/stress: optimizer/instruments helper) ──
  greeks,
  stress,
  backtest,
  book,
};

function usage(): string {
  const w = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    "Usage: ballast <command> [options]    (or: npm run opt -- <command> [options])",
    "",
    "Commands:",
    ...Object.entries(commands).map(([k, c]) => `  ${k.padEnd(w)}  ${c.summary}`),
    "",
    "Run `ballast <command> --help` for a command's options.",
  ].join("\n");
}

/** Dispatches `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`ballast: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    await cmd.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof InfeasibleError) {
      console.error(`ballast ${name}: infeasible: ${e.message}`);
      return 2;
    }
    if (e instanceof ValidationError) {
      console.error(`ballast ${name}: ${e.message}`);
      return 2;
    }
    if (e instanceof BallastError) {
      console.error(`ballast ${name}: ${e.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
