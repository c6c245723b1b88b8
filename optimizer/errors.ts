/**
 * Typed errors of the optimizer library, in the style of viem: a short message for people, structured details for
 * programs. Every error the library throws on purpose is a `BallastError`.
 */
export class BallastError extends Error {
  override readonly name: string = "BallastError";
  /** One line a person can act on. */
  readonly shortMessage: string;
  /** Structured context (asset, date, constraint names, values). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(shortMessage: string, details: Record<string, unknown> = {}) {
    const extra = Object.entries(details)
      .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join("; ");
    super(extra ? `${shortMessage} (${extra})` : shortMessage);
    this.shortMessage = shortMessage;
    this.details = details;
  }
}

/** Bad input data: names what is wrong and where (asset, date, field). */
export class ValidationError extends BallastError {
  override readonly name = "ValidationError";
}

/** The optimisation problem has no feasible point; `constraints` names the constraint sets that conflict. */
export class InfeasibleError extends BallastError {
  override readonly name = "InfeasibleError";
  readonly constraints: readonly string[];
  constructor(shortMessage: string, constraints: string[], details: Record<string, unknown> = {}) {
    super(shortMessage, { ...details, constraints });
    this.constraints = constraints;
  }
}

/** The optimisation problem is unbounded (an objective without a floor); names the likely cause. */
export class UnboundedError extends BallastError {
  override readonly name = "UnboundedError";
}

/** The solver failed for a reason other than infeasibility or unboundedness. */
export class SolverError extends BallastError {
  override readonly name = "SolverError";
}
