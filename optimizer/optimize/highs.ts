/**
 * The one place that talks to HiGHS (npm `highs`, WebAssembly). Models are built as sparse rows (CSR) in a small
 * `LinearModel`, passed to a persistent HiGHS model, solved, and the status is turned into typed errors. Loading the
 * WebAssembly is asynchronous and done once per process.
 */
import * as highsModule from "highs";
import type { Highs } from "highs";
import { SolverError, UnboundedError } from "../errors.ts";

let loading: Promise<Highs> | undefined;

/** The HiGHS instance of this process (loaded on first use, about 50 ms). */
export function getHighs(): Promise<Highs> {
  // `highs` ships CJS and ESM builds; under TypeScript's node16 resolution its default export is typed through the
  // CJS namespace, at run time (ESM) it is the loader itself. Accept both shapes.
  const mod = highsModule as unknown as { default: (() => Promise<Highs>) | { default: () => Promise<Highs> } };
  const load = typeof mod.default === "function" ? mod.default : mod.default.default;
  loading ??= load();
  return loading;
}

/** A linear (or convex quadratic) minimisation model under construction: columns, bounds, rows in CSR. */
export interface LinearModel {
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  colNames: string[];
  rowLower: number[];
  rowUpper: number[];
  rowNames: string[];
  starts: number[];
  indices: number[];
  values: number[];
  /** Optional dense-by-column lower-triangular Hessian entries (i >= j) of ½xᵀQx: [col, row, value]. */
  hessian?: [number, number, number][];
}

/** An empty model. */
export function newModel(): LinearModel {
  return {
    colCost: [],
    colLower: [],
    colUpper: [],
    colNames: [],
    rowLower: [],
    rowUpper: [],
    rowNames: [],
    starts: [0],
    indices: [],
    values: [],
  };
}

/** Appends a column (variable) and returns its index. */
export function addColumn(m: LinearModel, name: string, cost: number, lower: number, upper: number): number {
  m.colCost.push(cost);
  m.colLower.push(lower);
  m.colUpper.push(upper);
  m.colNames.push(name);
  return m.colCost.length - 1;
}

/** Appends a row lower <= Σ values·x[indices] <= upper and returns its index. */
export function addConstraint(
  m: LinearModel,
  name: string,
  lower: number,
  upper: number,
  indices: ArrayLike<number>,
  values: ArrayLike<number>,
): number {
  for (let k = 0; k < indices.length; k++) {
    if (values[k] !== 0) {
      m.indices.push(indices[k]);
      m.values.push(values[k]);
    }
  }
  m.starts.push(m.indices.length);
  m.rowLower.push(lower);
  m.rowUpper.push(upper);
  m.rowNames.push(name);
  return m.rowLower.length - 1;
}

/** Outcome of a successful solve. */
export interface LpSolution {
  /** Column values. */
  readonly x: Float64Array;
  /** Row duals. */
  readonly rowDual: Float64Array;
  readonly objective: number;
  /** Seconds spent inside HiGHS. */
  readonly seconds: number;
}

/** HiGHS options we set; the rest stay at their defaults. */
export interface SolveOptions {
  readonly timeLimitSeconds?: number;
  readonly solver?: "choose" | "simplex" | "ipm";
}

/** Result of `runModel`: optimal, or a named non-optimal status for the caller to explain. */
export type RunOutcome = { status: "optimal"; solution: LpSolution } | { status: "infeasible" | "unbounded" };

/** Turns a `LinearModel` into HiGHS model data. */
export function toModelData(h: Highs, m: LinearModel) {
  const numCols = m.colCost.length;
  const numRows = m.rowLower.length;
  const inf = h.infinity;
  const clip = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  let hessian;
  if (m.hessian && m.hessian.length > 0) {
    const byCol: [number, number][][] = Array.from({ length: numCols }, () => []);
    for (const [c, r, v] of m.hessian) byCol[c].push([r, v]);
    const starts = new Int32Array(numCols + 1);
    const idx: number[] = [];
    const val: number[] = [];
    for (let c = 0; c < numCols; c++) {
      byCol[c].sort((a, b) => a[0] - b[0]);
      for (const [r, v] of byCol[c]) {
        idx.push(r);
        val.push(v);
      }
      starts[c + 1] = idx.length;
    }
    hessian = {
      format: "triangular" as const,
      dimension: numCols,
      starts,
      indices: Int32Array.from(idx),
      values: Float64Array.from(val),
    };
  }
  return {
    numCols,
    numRows,
    colCost: Float64Array.from(m.colCost),
    colLower: Float64Array.from(m.colLower, clip),
    colUpper: Float64Array.from(m.colUpper, clip),
    rowLower: Float64Array.from(m.rowLower, clip),
    rowUpper: Float64Array.from(m.rowUpper, clip),
    matrix: {
      format: "csr" as const,
      numRows,
      numCols,
      starts: Int32Array.from(m.starts),
      indices: Int32Array.from(m.indices),
      values: Float64Array.from(m.values),
    },
    ...(hessian ? { hessian } : {}),
  };
}

/**
 * Solves `m` (minimisation) with HiGHS and returns the solution or "infeasible"/"unbounded"; any other status throws
 * `SolverError` with the HiGHS status code.
 */
export async function runModel(m: LinearModel, o: SolveOptions = {}): Promise<RunOutcome> {
  const h = await getHighs();
  const model = h.createModel(toModelData(h, m));
  try {
    model.options.set({ output_flag: false });
    if (o.timeLimitSeconds !== undefined) model.options.set({ time_limit: o.timeLimitSeconds });
    if (o.solver !== undefined) model.options.set({ solver: o.solver });
    const t0 = performance.now();
    model.run();
    const seconds = (performance.now() - t0) / 1000;
    return outcome(h, model, seconds);
  } finally {
    model.dispose();
  }
}

/** Maps a solved HiGHS model to a `RunOutcome` (used by `runModel` and by persistent-model loops). */
export function outcome(h: Highs, model: ReturnType<Highs["createModel"]>, seconds: number): RunOutcome {
  const st = model.getModelStatus();
  const S = h.constants.modelStatus;
  if (st === S.optimal) {
    const sol = model.getSolution();
    return {
      status: "optimal",
      solution: { x: sol.colValue, rowDual: sol.rowDual, objective: model.getObjectiveValue(), seconds },
    };
  }
  if (st === S.infeasible) return { status: "infeasible" };
  if (st === S.unbounded || st === S.unboundedOrInfeasible) return { status: "unbounded" };
  throw new SolverError("HiGHS did not reach an optimal solution", { modelStatus: st });
}

/** Unwraps an optimal outcome or throws the typed error the caller names. */
export function expectOptimal(r: RunOutcome, what: string): LpSolution {
  if (r.status === "optimal") return r.solution;
  if (r.status === "unbounded") {
    throw new UnboundedError(`${what} is unbounded`, {
      hint: "an objective term has no floor; check bounds and signs",
    });
  }
  throw new SolverError(`${what} is infeasible although its constraint families were checked feasible`, {});
}
