/**
 * The risk budget as optimiser constraints, with the same names as on-chain (`IBallastVault.RiskParams`,
 * `RiskBudget.sol`): `maxWeightBps` per asset, `protocolCapBps` per protocol, `maxTurnoverBps` per rebalance (sum of the
 * trades' input value, i.e. total sells, bps of NAV), `minIdleBps` of the base asset. Weights are fractions of NAV in
 * the optimiser (cap = bps/1e4). Always: long-only and fully invested (`fullyInvested`).
 *
 * When a budget admits no portfolio, `checkBudget` re-solves with constraint families dropped and throws
 * `InfeasibleError` naming the smallest set of families that conflict.
 */
import { InfeasibleError, ValidationError } from "../errors.ts";
import { addColumn, addConstraint, newModel, runModel, type LinearModel } from "./highs.ts";

/** Basis points per unit. */
export const BPS = 10_000;

/** Off-chain mirror of the on-chain risk budget, plus trading costs. */
export interface RiskBudget {
  /** Per-asset weight cap, bps of NAV: one number for every asset, or per asset (missing = 10,000). */
  readonly maxWeightBps?: number | Readonly<Record<string, number>>;
  /** protocolId of each asset (assets not listed belong to no protocol). */
  readonly protocolOf?: Readonly<Record<string, string>>;
  /** Per-protocol exposure cap, bps of NAV, keyed by protocolId. */
  readonly protocolCapBps?: Readonly<Record<string, number>>;
  /** Max total sells (= trades' input value) of one rebalance, bps of NAV; needs `currentWeights`. */
  readonly maxTurnoverBps?: number;
  /** Minimum weight of `baseAsset` (idle liquidity for withdrawals), bps of NAV. */
  readonly minIdleBps?: number;
  /** The vault's base asset (e.g. "USDC"); required with `minIdleBps`. */
  readonly baseAsset?: string;
  /** Weights before the rebalance, fractions summing to 1 (missing assets = 0). */
  readonly currentWeights?: Readonly<Record<string, number>>;
  /** Linear trading cost per unit of weight bought or sold, bps (one number or per asset). */
  readonly tradingCostBps?: number | Readonly<Record<string, number>>;
}

/** Names of the constraint families, as reported in `InfeasibleError.constraints`. */
export type ConstraintFamily =
  "maxWeightBps" | "protocolCapBps" | "maxTurnoverBps" | "minIdleBps" | "targetReturn" | (string & {});

/** An extra linear constraint on the weights, lower <= coefs·w <= upper, belonging to a named family. */
export interface WeightConstraint {
  readonly family: ConstraintFamily;
  readonly lower: number;
  readonly upper: number;
  readonly coefs: ArrayLike<number>;
}

/** Column indices of the portfolio variables inside a model built by `addPortfolio`. */
export interface PortfolioColumns {
  /** Weight columns w[a], in asset order. */
  readonly weights: number[];
  /** Buy/sell columns when trades are modelled (turnover or costs), else empty. */
  readonly buys: number[];
  readonly sells: number[];
  /** Linear cost per unit traded, fraction of NAV, per asset (0 when not modelled). */
  readonly cost: Float64Array;
}

function bpsToFraction(name: string, v: number, where: Record<string, unknown>): number {
  if (!Number.isFinite(v) || v < 0 || v > BPS) {
    throw new ValidationError(`${name} must be in [0, 10000] bps`, { ...where, value: v });
  }
  return v / BPS;
}

/** Per-asset caps as fractions, from `maxWeightBps`. */
export function assetCaps(assets: readonly string[], b: RiskBudget): Float64Array {
  const m = b.maxWeightBps;
  return Float64Array.from(assets, (a) => {
    const v = m === undefined ? BPS : typeof m === "number" ? m : (m[a] ?? BPS);
    return bpsToFraction("maxWeightBps", v, { asset: a });
  });
}

/** Current weights as a vector in asset order (zeros when absent), validated to be >= 0 and sum to 1. */
export function currentWeightVector(assets: readonly string[], b: RiskBudget): Float64Array | undefined {
  if (b.currentWeights === undefined) return undefined;
  for (const k of Object.keys(b.currentWeights)) {
    if (!assets.includes(k)) throw new ValidationError("current weight for an asset not optimised", { asset: k });
  }
  const w = Float64Array.from(assets, (a) => b.currentWeights![a] ?? 0);
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] >= 0)) throw new ValidationError("current weight must be >= 0", { asset: assets[i], value: w[i] });
    s += w[i];
  }
  if (Math.abs(s - 1) > 1e-6) throw new ValidationError("current weights must sum to 1", { sum: s });
  return w;
}

/** Validates the budget's shape against `assets` (unknown assets, missing base asset, bps ranges). */
export function validateBudget(assets: readonly string[], b: RiskBudget): void {
  assetCaps(assets, b);
  if (typeof b.maxWeightBps === "object") {
    for (const k of Object.keys(b.maxWeightBps)) {
      if (!assets.includes(k)) throw new ValidationError("maxWeightBps names an asset not optimised", { asset: k });
    }
  }
  if (b.minIdleBps !== undefined) {
    bpsToFraction("minIdleBps", b.minIdleBps, {});
    if (b.baseAsset === undefined || !assets.includes(b.baseAsset)) {
      throw new ValidationError("minIdleBps needs baseAsset among the assets", { baseAsset: b.baseAsset ?? null });
    }
  }
  if (b.maxTurnoverBps !== undefined) {
    bpsToFraction("maxTurnoverBps", b.maxTurnoverBps, {});
    if (b.currentWeights === undefined) throw new ValidationError("maxTurnoverBps needs currentWeights");
  }
  for (const [p, v] of Object.entries(b.protocolCapBps ?? {})) bpsToFraction("protocolCapBps", v, { protocolId: p });
  for (const [a, p] of Object.entries(b.protocolOf ?? {})) {
    if (!assets.includes(a)) throw new ValidationError("protocolOf names an asset not optimised", { asset: a });
    if (b.protocolCapBps?.[p] === undefined) {
      continue; // a protocol without a cap is allowed (no limit)
    }
  }
  currentWeightVector(assets, b);
}

/**
 * Adds the portfolio variables and the budget constraints of the enabled `families` to `m`: weights w ∈ [0, cap],
 * Σw = 1, protocol sums, idle floor, and (when current weights are given and turnover or costs are set) buy/sell
 * columns with w − buy + sell = w₀ and Σ sell <= maxTurnover. Trading costs go into the objective as cost·(buy+sell)
 * times `costScale` (1 for objectives in NAV fractions).
 */
export function addPortfolio(
  m: LinearModel,
  assets: readonly string[],
  b: RiskBudget,
  families: ReadonlySet<string> = ALL_FAMILIES,
  extra: readonly WeightConstraint[] = [],
  costScale = 1,
): PortfolioColumns {
  const n = assets.length;
  const caps = families.has("maxWeightBps") ? assetCaps(assets, b) : new Float64Array(n).fill(1);
  const lower = new Float64Array(n);
  if (families.has("minIdleBps") && b.minIdleBps !== undefined && b.baseAsset !== undefined) {
    lower[assets.indexOf(b.baseAsset)] = b.minIdleBps / BPS;
  }
  const weights = assets.map((a, i) => addColumn(m, `w_${i}`, 0, lower[i], caps[i]));
  addConstraint(m, "fullyInvested", 1, 1, weights, new Float64Array(n).fill(1));
  if (families.has("protocolCapBps") && b.protocolCapBps && b.protocolOf) {
    for (const [p, capBps] of Object.entries(b.protocolCapBps)) {
      const members = weights.filter((_, i) => b.protocolOf![assets[i]] === p);
      if (members.length > 0) {
        addConstraint(
          m,
          `protocolCap_${p}`,
          -Infinity,
          capBps / BPS,
          members,
          new Float64Array(members.length).fill(1),
        );
      }
    }
  }
  // ALL_FAMILIES means "everything", the caller's own families included; an explicit subset (the infeasibility
  // search) names exactly the families it keeps.
  for (const [k, c] of extra.entries()) {
    if (families === ALL_FAMILIES || families.has(c.family)) {
      addConstraint(m, `${c.family}_${k}`, c.lower, c.upper, weights, c.coefs);
    }
  }
  const w0 = currentWeightVector(assets, b);
  const cost = new Float64Array(n);
  const tc = b.tradingCostBps;
  if (tc !== undefined) {
    for (let i = 0; i < n; i++) {
      const v = typeof tc === "number" ? tc : (tc[assets[i]] ?? 0);
      if (!(v >= 0) || !Number.isFinite(v))
        throw new ValidationError("tradingCostBps must be >= 0", { asset: assets[i] });
      cost[i] = v / BPS;
    }
  }
  const hasCost = cost.some((c) => c > 0);
  const turnover = families.has("maxTurnoverBps") && b.maxTurnoverBps !== undefined;
  const buys: number[] = [];
  const sells: number[] = [];
  if (w0 !== undefined && (turnover || hasCost)) {
    for (let i = 0; i < n; i++) {
      buys.push(addColumn(m, `buy_${i}`, cost[i] * costScale, 0, Infinity));
      sells.push(addColumn(m, `sell_${i}`, cost[i] * costScale, 0, Infinity));
      addConstraint(m, `trade_${i}`, w0[i], w0[i], [weights[i], buys[i], sells[i]], [1, -1, 1]);
    }
    if (turnover) {
      addConstraint(m, "maxTurnover", -Infinity, b.maxTurnoverBps! / BPS, sells, new Float64Array(n).fill(1));
    }
  } else if (hasCost) {
    throw new ValidationError("tradingCostBps needs currentWeights (costs are charged on the change of weights)");
  }
  return { weights, buys, sells, cost: w0 !== undefined && hasCost ? cost : new Float64Array(n) };
}

/** Every droppable family. */
export const ALL_FAMILIES: ReadonlySet<string> = new Set([
  "maxWeightBps",
  "protocolCapBps",
  "maxTurnoverBps",
  "minIdleBps",
  "targetReturn",
]);

function activeFamilies(b: RiskBudget, extra: readonly WeightConstraint[]): string[] {
  const f: string[] = [];
  if (b.maxWeightBps !== undefined) f.push("maxWeightBps");
  if (b.protocolCapBps !== undefined && b.protocolOf !== undefined) f.push("protocolCapBps");
  if (b.maxTurnoverBps !== undefined) f.push("maxTurnoverBps");
  if (b.minIdleBps !== undefined) f.push("minIdleBps");
  for (const c of extra) if (!f.includes(c.family)) f.push(c.family);
  return f;
}

async function feasiblePoint(
  assets: readonly string[],
  b: RiskBudget,
  families: ReadonlySet<string>,
  extra: readonly WeightConstraint[],
): Promise<Float64Array | undefined> {
  const m = newModel();
  const cols = addPortfolio(m, assets, { ...b, tradingCostBps: undefined }, families, extra);
  // a central-ish point: maximise nothing, HiGHS returns a vertex; that is enough as a feasibility witness
  const r = await runModel(m);
  if (r.status === "infeasible") return undefined;
  if (r.status !== "optimal") return undefined;
  return Float64Array.from(cols.weights, (c) => r.solution.x[c]);
}

/**
 * Checks that the budget (and `extra` constraints) admit a long-only, fully invested portfolio and returns one such
 * weight vector. Otherwise throws `InfeasibleError` whose `constraints` are the smallest combination of families that
 * is infeasible on its own (found by re-solving with families dropped), e.g. ["maxWeightBps", "minIdleBps"].
 */
export async function checkBudget(
  assets: readonly string[],
  b: RiskBudget,
  extra: readonly WeightConstraint[] = [],
): Promise<Float64Array> {
  validateBudget(assets, b);
  const caps = assetCaps(assets, b);
  // quick, explainable pre-checks
  let capSum = 0;
  for (const c of caps) capSum += c;
  if (capSum < 1 - 1e-12) {
    throw new InfeasibleError(
      "per-asset caps sum to less than 100 %: no fully invested portfolio fits",
      ["maxWeightBps"],
      { capSumBps: capSum * BPS },
    );
  }
  const all = await feasiblePoint(assets, b, ALL_FAMILIES, extra);
  if (all !== undefined) return all;
  const fams = activeFamilies(b, extra);
  for (let size = 1; size <= fams.length; size++) {
    for (const subset of combinations(fams, size)) {
      const p = await feasiblePoint(assets, b, new Set(subset), extra);
      if (p === undefined) {
        throw new InfeasibleError(
          `constraints ${subset.join(" + ")} cannot all hold for a long-only, fully invested portfolio`,
          subset,
        );
      }
    }
  }
  throw new InfeasibleError("the risk budget admits no portfolio", fams);
}

function* combinations<T>(xs: readonly T[], k: number, start = 0, acc: T[] = []): Generator<T[]> {
  if (acc.length === k) {
    yield [...acc];
    return;
  }
  for (let i = start; i < xs.length; i++) {
    acc.push(xs[i]);
    yield* combinations(xs, k, i + 1, acc);
    acc.pop();
  }
}
