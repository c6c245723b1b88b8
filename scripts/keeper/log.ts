/** Log lines: one per event, prefixed with the time, saying what was (not) sent. */
export function consoleLog(line: string): void {
  console.log(`[keeper ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

export const fmtPct = (x: number) => `${(x * 100).toFixed(2)} %`;
