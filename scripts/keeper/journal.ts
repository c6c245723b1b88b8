/**
 * The keeper's journal: one SQLite row per plan (node:sqlite, built into Node 22), one row per step. Each step is
 * written BEFORE the next begins, and the signed transaction (hash, nonce, raw bytes) is written before it is
 * broadcast, so that a keeper killed at any point resumes from the journal and never sends a plan twice (resume.ts).
 */
import type { DatabaseSync as DatabaseSyncType } from "node:sqlite";

export type JournalStep = "planned" | "simulated" | "signed" | "sent" | "confirmed" | "failed" | "abandoned";

export interface PlanRow {
  plan_id: string;
  status: JournalStep;
  created_at: string;
  updated_at: string;
  trades_json: string;
  targets_json: string | null;
  deadline: string;
  tx_hash: string | null;
  nonce: number | null;
  raw_tx: string | null;
  detail: string | null;
}

/**
 * node:sqlite is flagged experimental in Node 22 and prints an ExperimentalWarning when first loaded. The keeper loads
 * it lazily with that one warning silenced (every other warning still prints).
 */
async function loadSqlite(): Promise<typeof import("node:sqlite")> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("node:sqlite");
  } finally {
    process.emitWarning = emit;
  }
}

export class Journal {
  private constructor(private readonly db: DatabaseSyncType) {}

  static async open(path: string): Promise<Journal> {
    const { DatabaseSync } = await loadSqlite();
    const db = new DatabaseSync(path);
    db.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS plans (
        plan_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        trades_json TEXT NOT NULL, targets_json TEXT, deadline TEXT NOT NULL,
        tx_hash TEXT, nonce INTEGER, raw_tx TEXT, detail TEXT);
      CREATE TABLE IF NOT EXISTS steps (
        id INTEGER PRIMARY KEY AUTOINCREMENT, plan_id TEXT NOT NULL, step TEXT NOT NULL, at TEXT NOT NULL, detail TEXT);
    `);
    return new Journal(db);
  }

  close(): void {
    this.db.close();
  }

  private step(planId: string, step: JournalStep, detail: string | null): void {
    const now = new Date().toISOString();
    this.db
      .prepare("UPDATE plans SET status = ?, updated_at = ?, detail = ? WHERE plan_id = ?")
      .run(step, now, detail, planId);
    this.db.prepare("INSERT INTO steps (plan_id, step, at, detail) VALUES (?, ?, ?, ?)").run(planId, step, now, detail);
  }

  planned(planId: string, tradesJson: string, targetsJson: string, deadline: bigint): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        "INSERT INTO plans (plan_id, status, created_at, updated_at, trades_json, targets_json, deadline) VALUES (?, 'planned', ?, ?, ?, ?, ?)",
      )
      .run(planId, now, now, tradesJson, targetsJson, deadline.toString());
    this.db.prepare("INSERT INTO steps (plan_id, step, at, detail) VALUES (?, 'planned', ?, NULL)").run(planId, now);
  }

  simulated(planId: string, gasEstimate: bigint): void {
    this.step(planId, "simulated", `gas ${gasEstimate}`);
  }

  /** The signed transaction, before broadcast: from here on the plan may be on-chain. */
  signed(planId: string, txHash: string, nonce: number, rawTx: string): void {
    this.db
      .prepare("UPDATE plans SET tx_hash = ?, nonce = ?, raw_tx = ? WHERE plan_id = ?")
      .run(txHash, nonce, rawTx, planId);
    this.step(planId, "signed", txHash);
  }

  sent(planId: string, txHash: string): void {
    this.step(planId, "sent", txHash);
  }

  confirmed(planId: string, detail: string): void {
    this.step(planId, "confirmed", detail);
  }

  failed(planId: string, detail: string): void {
    this.step(planId, "failed", detail);
  }

  abandoned(planId: string, detail: string): void {
    this.step(planId, "abandoned", detail);
  }

  /** Plans not yet confirmed, failed or abandoned: what resume() must settle before a new plan is made. */
  unsettled(): PlanRow[] {
    return this.db
      .prepare("SELECT * FROM plans WHERE status IN ('planned', 'simulated', 'signed', 'sent') ORDER BY created_at")
      .all() as unknown as PlanRow[];
  }

  plan(planId: string): PlanRow | undefined {
    return this.db.prepare("SELECT * FROM plans WHERE plan_id = ?").get(planId) as unknown as PlanRow | undefined;
  }

  plans(): PlanRow[] {
    return this.db.prepare("SELECT * FROM plans ORDER BY created_at, rowid").all() as unknown as PlanRow[];
  }

  steps(planId: string): { step: JournalStep; detail: string | null }[] {
    return this.db.prepare("SELECT step, detail FROM steps WHERE plan_id = ? ORDER BY id").all(planId) as unknown as {
      step: JournalStep;
      detail: string | null;
    }[];
  }
}
