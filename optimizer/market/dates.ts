/** ISO calendar dates (YYYY-MM-DD, UTC) as integer day numbers, so that gaps are plain subtraction. */
import { ValidationError } from "../errors.ts";

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO date; throws `ValidationError` on anything else (e.g. "2022-02-30"). */
export function dayNumber(date: string, context: Record<string, unknown> = {}): number {
  const m = ISO.exec(date);
  if (!m) throw new ValidationError("date must be YYYY-MM-DD", { ...context, date });
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) {
    throw new ValidationError("not a calendar date", { ...context, date });
  }
  return t / 86_400_000;
}

/** ISO date of a day number. */
export function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
