/**
 * Least-cost hedge: the trades in spot and listed options that bring portfolio delta, gamma and vega inside their
 * budgets (|greek| ≤ budget) at minimum transaction cost, solved as a linear program by HiGHS.
 *
 * LP: each instrument i trades x_i = b_i - s_i with b_i, s_i ≥ 0 (buy and sell legs, so |x_i| costs linearly);
 * minimise Σ cost_i·(b_i + s_i) subject to -B_g ≤ G_g + Σ g_{g,i}·x_i ≤ B_g for each greek g, and the size limits.
 */
import highsModule from "highs";
import type { Highs } from "highs";
import { InfeasibleError, SolverError, ValidationError } from "../errors.ts";
import { positionGreeks, type MarketState, type OptionPosition } from "../instruments/index.ts";

/** The Greeks the hedge controls, for one underlying. Units as in instruments/position.ts. */
export interface GreekVector {
  /** dV/dS, units of underlying. */
  readonly delta: number;
  /** d²V/dS², units of underlying per USD. */
  readonly gamma: number;
  /** dV/dσ per 1.00 of vol, USD. */
  readonly vega: number;
}

/** Limits |greek| ≤ budget. Omit a greek (or pass Infinity) to leave it free. */
export interface GreekBudget {
  readonly delta?: number;
  readonly gamma?: number;
  readonly vega?: number;
}

/** A tradable hedge instrument, with its Greeks and cost per unit. */
export interface HedgeInstrument {
  readonly id: string;
  /** Greeks of one unit (one token of spot, one option on one unit of underlying). */
  readonly greeks: GreekVector;
  /** Cost of buying one unit beyond its fair value (half-spread + fees), USD, ≥ 0. */
  readonly costPerUnitUsd: number;
  /** Cost of selling one unit (default: the same as buying). */
  readonly sellCostPerUnitUsd?: number;
  /** Most units that may be bought (default unlimited). */
  readonly maxBuyUnits?: number;
  /** Most units that may be sold (default unlimited; 0 for "buy only"). */
  readonly maxSellUnits?: number;
}

/** One hedge trade. */
export interface HedgeTrade {
  readonly id: string;
  /** Signed units: positive buys, negative sells. */
  readonly quantity: number;
  readonly costUsd: number;
}

/** Result of `solveGreekHedge`. */
export interface HedgeResult {
  readonly trades: readonly HedgeTrade[];
  readonly totalCostUsd: number;
  readonly greeksBefore: GreekVector;
  readonly greeksAfter: GreekVector;
}

// `highs` ships CommonJS-flavoured typings for an ESM default export: under "module": "node16" TypeScript types the
// default import as the module namespace, while Node's ESM loader hands us the loader function itself.
const loadHighs = highsModule as unknown as typeof highsModule.default;
let highsPromise: Promise<Highs> | undefined;
/** The HiGHS WebAssembly solver, loaded once per process. */
function highs(): Promise<Highs> {
  highsPromise ??= loadHighs();
  return highsPromise;
}

const GREEKS = ["delta", "gamma", "vega"] as const;

function num(x: number): string {
  // CPLEX LP text: plain decimal or exponent notation, no sign (the caller writes the sign).
  return Math.abs(x).toPrecision(17);
}

/** Builds the LP text of the hedge problem (exported for inspection and tests). */
export function hedgeLp(current: GreekVector, budget: GreekBudget, instruments: readonly HedgeInstrument[]): string {
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  instruments.forEach((ins, i) => {
    obj.push(`+ ${num(ins.costPerUnitUsd)} b${i}`, `+ ${num(ins.sellCostPerUnitUsd ?? ins.costPerUnitUsd)} s${i}`);
    bounds.push(`0 <= b${i} <= ${ins.maxBuyUnits === undefined ? "+inf" : num(ins.maxBuyUnits)}`);
    bounds.push(`0 <= s${i} <= ${ins.maxSellUnits === undefined ? "+inf" : num(ins.maxSellUnits)}`);
  });
  for (const g of GREEKS) {
    const B = budget[g];
    if (B === undefined || B === Infinity) continue;
    const terms: string[] = [];
    instruments.forEach((ins, i) => {
      const c = ins.greeks[g];
      if (c === 0) return;
      terms.push(`${c > 0 ? "+" : "-"} ${num(c)} b${i}`, `${c > 0 ? "-" : "+"} ${num(c)} s${i}`);
    });
    if (terms.length === 0) continue; // checked by the caller
    const lo = -B - current[g];
    const hi = B - current[g];
    rows.push(` ${g}_lo: ${terms.join(" ")} >= ${lo < 0 ? "-" : ""}${num(lo)}`);
    rows.push(` ${g}_hi: ${terms.join(" ")} <= ${hi < 0 ? "-" : ""}${num(hi)}`);
  }
  return [
    "Minimize",
    ` obj: ${obj.join(" ") || "0 b0"}`,
    "Subject To",
    ...rows,
    "Bounds",
    ...bounds.map((b) => ` ${b}`),
    "End",
  ].join("\n");
}

/**
 * The least-cost trades that bring `current` Greeks inside `budget`. Throws InfeasibleError naming the Greeks that
 * cannot be brought inside with the instruments and size limits given. Why: a short-gamma book (LP ranges, covered
 * calls) must be held inside its Greek limits, and every hedge trade pays a spread.
 */
export async function solveGreekHedge(
  current: GreekVector,
  budget: GreekBudget,
  instruments: readonly HedgeInstrument[],
): Promise<HedgeResult> {
  for (const ins of instruments) {
    if (!(ins.costPerUnitUsd >= 0) || !((ins.sellCostPerUnitUsd ?? 0) >= 0)) {
      throw new ValidationError("hedge costs must be ≥ 0", { id: ins.id });
    }
  }
  // A Greek no instrument moves must already be inside its budget.
  const stuck = GREEKS.filter((g) => {
    const B = budget[g];
    return B !== undefined && instruments.every((i) => i.greeks[g] === 0) && Math.abs(current[g]) > B;
  });
  if (stuck.length > 0) throw new InfeasibleError("no hedge instrument moves these Greeks", [...stuck], { current });
  if (instruments.length === 0) {
    return { trades: [], totalCostUsd: 0, greeksBefore: current, greeksAfter: current };
  }
  const h = await highs();
  const sol = h.solve(hedgeLp(current, budget, instruments), { output_flag: false });
  if (sol.Status === "Infeasible") {
    throw new InfeasibleError(
      "Greek budgets cannot be met with these instruments and size limits",
      GREEKS.filter((g) => budget[g] !== undefined && budget[g] !== Infinity),
      { current, budget },
    );
  }
  if (sol.Status !== "Optimal") throw new SolverError("HiGHS did not solve the hedge LP", { status: sol.Status });
  const trades: HedgeTrade[] = [];
  const after = { ...current };
  let total = 0;
  instruments.forEach((ins, i) => {
    const b = sol.Columns[`b${i}`]?.Primal ?? 0;
    const s = sol.Columns[`s${i}`]?.Primal ?? 0;
    const q = b - s;
    if (Math.abs(q) < 1e-12) return;
    const cost = b * ins.costPerUnitUsd + s * (ins.sellCostPerUnitUsd ?? ins.costPerUnitUsd);
    total += cost;
    trades.push({ id: ins.id, quantity: q, costUsd: cost });
    for (const g of GREEKS) after[g] += q * ins.greeks[g];
  });
  return { trades, totalCostUsd: total, greeksBefore: current, greeksAfter: after };
}

/** A spot hedge instrument: delta 1, no gamma or vega; cost = price · (spreadBps + feeBps) / 1e4 per unit. */
export function spotHedgeInstrument(id: string, priceUsd: number, costBps: number): HedgeInstrument {
  return { id, greeks: { delta: 1, gamma: 0, vega: 0 }, costPerUnitUsd: (priceUsd * costBps) / 1e4 };
}

/**
 * A listed option as a hedge instrument: its Greeks per unit from the smile in `market`, its cost per unit a
 * fraction of its premium (`costBpsOfPremium`, e.g. a half-spread of 300 bps) plus a fixed fee per unit.
 */
export function optionHedgeInstrument(
  id: string,
  option: Omit<OptionPosition, "kind" | "quantity">,
  market: MarketState,
  costBpsOfPremium: number,
  feePerUnitUsd = 0,
): HedgeInstrument {
  const g = positionGreeks({ ...option, kind: "option", quantity: 1 }, market);
  const u = option.underlying;
  return {
    id,
    greeks: { delta: g.delta[u] ?? 0, gamma: g.gamma[u] ?? 0, vega: g.vega[u] ?? 0 },
    costPerUnitUsd: (g.valueUsd * costBpsOfPremium) / 1e4 + feePerUnitUsd,
  };
}
