/**
 * Hedges that bring a non-linear book inside its limits while keeping liquidation out of reach of the stress set.
 *
 * 1. Gamma: each in-range LP whose short gamma pushes the book above `maxShortGammaBps` is burned and re-minted, at
 *    the same value (less the cost of the swap that rebalances its tokens), in the narrowest range around the current
 *    price, snapped to its pool's tick spacing, that brings the book under the cap (largest gamma first).
 * 2. Delta: for each non-base asset whose |net delta| exceeds `maxNetDeltaBps`, the trade that lands it on
 *    `targetNetDeltaBps` (default 0), in one lending account (the hedge account):
 *    - positive delta: first deleverage (withdraw the asset's collateral, sell it, repay base-asset debt: less debt,
 *      less leverage, a higher health factor), then turn the rest of that collateral into base-asset collateral, and
 *      only then borrow the asset against base-asset collateral and sell it, supplying the proceeds as collateral
 *      (borrowing an asset the account also supplies would add debt and gross leverage for nothing);
 *    - negative delta: buy the asset with idle base (then with base collateral withdrawn) and repay its debt; what is
 *      left over is held as spot.
 *    The size is then checked against the hedge account's health factor now (≥ minHealthFactorBps) and after every
 *    stress shock (≥ minStressedHealthFactor) and the book's gross leverage (≤ maxGrossLeverageBps), with idle base
 *    supplied as extra collateral when that is what it takes; when no amount of idle collateral is enough, the hedge
 *    is cut to the largest size that passes, and the report names the limit that bound.
 * 3. Collateral: any account still below its (stressed) health-factor floor gets the idle base that lifts it there.
 *
 * Swaps execute at oracle prices less `swapCostBps`. Deterministic: grid scans and bisections, no randomness.
 */
import { ValidationError } from "../errors.ts";
import {
  MAX_TICK,
  MIN_TICK,
  amountsForLiquidity,
  floorTickToSpacing,
  healthFactor,
  priceToTick,
  toHumanRange,
  type CollateralLeg,
  type DebtLeg,
  type LendingPosition,
  type MarketState,
  type Position,
  type UniswapV3Position,
} from "../instruments/index.ts";
import type { StressShock } from "../scenarios/stress.ts";
import {
  bookAssets,
  bookRiskUnchecked,
  bookStressLibrary,
  lpExposure,
  shockedPrices,
  validateBookLimits,
  validateBookPositions,
  validateStress,
  valueBook,
} from "./risk.ts";
import {
  DEFAULT_MIN_STRESSED_HEALTH_FACTOR,
  type BookAction,
  type BookHedgePlan,
  type BookLimits,
  type BookPosition,
  type CollateralTopUpReport,
  type DeltaHedgeReport,
  type GammaHedgeReport,
  type HedgeBinding,
} from "./types.ts";

/** Options of `planBookHedge`. */
export interface BookHedgeOptions {
  /** Shocks the health factors must survive (default `bookStressLibrary` of the book's assets and the base asset). */
  readonly stress?: readonly StressShock[];
  /** Net delta to land on when an asset is above its cap, bps of NAV, signed (default 0); |target| ≤ the cap. */
  readonly targetNetDeltaBps?: number;
  /**
   * Tick spacing of the LP positions' pools (10 for 0.05 %, 60 for 0.3 %, 200 for 1 %): one number for all, or a
   * record by position id or by "token0/token1". Required for every in-range LP when short gamma is above its cap.
   */
  readonly tickSpacing?: number | Readonly<Record<string, number>>;
  /**
   * Liquidation thresholds (bps) of assets the hedge may newly supply as collateral, by asset; an asset already
   * supplied somewhere in the book keeps the threshold it has there.
   */
  readonly liquidationThresholdBps?: Readonly<Record<string, number>>;
  /** Cost of every swap, bps of its input's oracle value (fee + slippage; default 0). */
  readonly swapCostBps?: number;
  /** Id of the lending position to hedge in (default: the first lending position; a new one when there is none). */
  readonly lendingPositionId?: string;
  /** Idle base asset the hedge must leave untouched, whole tokens (default 0), e.g. the withdrawal buffer. */
  readonly reserveBaseToken?: number;
}

const HEDGE_ACCOUNT_ID = "hedge";
const GRID = 32;
const BISECT = 50;

function invalid(field: string, problem: string, value?: unknown): ValidationError {
  return new ValidationError(problem, value === undefined ? { field } : { field, value });
}

function validateOptions(o: BookHedgeOptions, limits: BookLimits, positions: readonly BookPosition[]): void {
  const t = o.targetNetDeltaBps;
  if (t !== undefined && (!Number.isFinite(t) || Math.abs(t) > limits.maxNetDeltaBps)) {
    throw invalid("options.targetNetDeltaBps", "must be finite and within ±limits.maxNetDeltaBps", t);
  }
  const c = o.swapCostBps;
  if (c !== undefined && (!Number.isFinite(c) || c < 0 || c >= 1e4)) {
    throw invalid("options.swapCostBps", "must be in [0, 10000)", c);
  }
  const r = o.reserveBaseToken;
  if (r !== undefined && (!Number.isFinite(r) || r < 0)) throw invalid("options.reserveBaseToken", "must be ≥ 0", r);
  const ts = o.tickSpacing;
  const spacings = typeof ts === "number" ? [["", ts] as const] : Object.entries(ts ?? {});
  for (const [k, v] of spacings) {
    if (!Number.isInteger(v) || v < 1 || v > 16384) {
      throw invalid(k === "" ? "options.tickSpacing" : `options.tickSpacing.${k}`, "must be an integer in 1..16384", v);
    }
  }
  for (const [k, v] of Object.entries(o.liquidationThresholdBps ?? {})) {
    if (!Number.isFinite(v) || v < 0 || v > 1e4) {
      throw invalid(`options.liquidationThresholdBps.${k}`, "must be in [0, 10000]", v);
    }
  }
  if (o.lendingPositionId !== undefined) {
    if (!positions.some((p) => p.kind === "lending" && p.id === o.lendingPositionId)) {
      throw invalid("options.lendingPositionId", "no lending position has this id", o.lendingPositionId);
    }
  }
}

// ───────────────────────────── immutable book edits ─────────────────────────────

const EPS_TOKEN = 1e-12;
function clean(x: number): number {
  return Math.abs(x) < EPS_TOKEN ? 0 : x;
}

/** Adds `delta` tokens to the first spot position of `asset` (appending one if needed). */
function addSpot(book: BookPosition[], asset: string, delta: number): BookPosition[] {
  const i = book.findIndex((p) => p.kind === "spot" && p.asset === asset);
  if (i < 0) return delta > 0 ? [...book, { kind: "spot", asset, amountToken: delta }] : book;
  const p = book[i] as Extract<BookPosition, { kind: "spot" }>;
  const out = book.slice();
  out[i] = { ...p, amountToken: Math.max(0, clean(p.amountToken + delta)) };
  return out;
}

function editLending(
  book: BookPosition[],
  i: number,
  f: (l: LendingPosition) => { collateral: CollateralLeg[]; debt: DebtLeg[] },
): BookPosition[] {
  const out = book.slice();
  out[i] = { ...(book[i] as LendingPosition), ...f(book[i] as LendingPosition) };
  return out;
}

function addCollateral(book: BookPosition[], i: number, asset: string, delta: number, ltBps: number): BookPosition[] {
  return editLending(book, i, (l) => {
    const collateral = l.collateral.slice();
    const j = collateral.findIndex((c) => c.asset === asset);
    if (j < 0) {
      if (delta > 0) collateral.push({ asset, amountToken: delta, liquidationThresholdBps: ltBps });
    } else {
      const amountToken = Math.max(0, clean(collateral[j].amountToken + delta));
      if (amountToken > 0) collateral[j] = { ...collateral[j], amountToken };
      else collateral.splice(j, 1);
    }
    return { collateral, debt: l.debt.slice() };
  });
}

function addDebt(book: BookPosition[], i: number, asset: string, delta: number): BookPosition[] {
  return editLending(book, i, (l) => {
    const debt = l.debt.slice();
    const j = debt.findIndex((d) => d.asset === asset);
    if (j < 0) {
      if (delta > 0) debt.push({ asset, amountToken: delta });
    } else {
      const amountToken = Math.max(0, clean(debt[j].amountToken + delta));
      if (amountToken > 0) debt[j] = { ...debt[j], amountToken };
      else debt.splice(j, 1);
    }
    return { collateral: l.collateral.slice(), debt };
  });
}

function spotOf(book: readonly BookPosition[], asset: string): number {
  let s = 0;
  for (const p of book) if (p.kind === "spot" && p.asset === asset) s += p.amountToken;
  return s;
}

function collateralOf(l: LendingPosition, asset: string): number {
  return l.collateral.find((c) => c.asset === asset)?.amountToken ?? 0;
}

function debtOf(l: LendingPosition, asset: string): number {
  return l.debt.find((d) => d.asset === asset)?.amountToken ?? 0;
}

/** A candidate book with the actions that make it. */
interface Built {
  readonly book: BookPosition[];
  readonly actions: BookAction[];
}

// ───────────────────────────── the planner ─────────────────────────────

/**
 * Plans the hedge of `positions` into `limits` (see the module comment for the method). Returns the actions in
 * execution order (amounts in whole tokens, `positionIndex` into `after.positions`), per-step reports naming what
 * bound each step, and the book before and after with its `bookRisk` (same limits and stress set):
 * `after.risk.breaches` is what the hedge could not fix.
 *
 * The actions describe the end state; a keeper may need to split a large borrow into steps for Aave's per-borrow
 * loan-to-value check. Throws ValidationError naming the field on bad input.
 */
export function planBookHedge(
  positions: readonly Position[],
  market: MarketState,
  limits: BookLimits,
  options: BookHedgeOptions = {},
): BookHedgePlan {
  validateBookPositions(positions);
  validateBookLimits(limits, market);
  const base = limits.baseAsset;
  const assets = [...new Set([...bookAssets(positions), base])].sort();
  for (const a of assets) {
    const p = market.pricesUsd?.[a];
    if (!(typeof p === "number" && Number.isFinite(p) && p > 0)) {
      throw invalid(`market.pricesUsd.${a}`, "missing or non-positive price", p);
    }
  }
  validateOptions(options, limits, positions);
  const stress = options.stress ?? bookStressLibrary(assets);
  validateStress(stress, assets);

  const prices = market.pricesUsd;
  const cost = (options.swapCostBps ?? 0) / 1e4;
  const reserve = options.reserveBaseToken ?? 0;
  const floor = limits.minStressedHealthFactor ?? DEFAULT_MIN_STRESSED_HEALTH_FACTOR;
  const minHf = limits.minHealthFactorBps / 1e4;
  const stressedPrices = stress.map((s) => shockedPrices(prices, s, assets));
  const beforeRisk = bookRiskUnchecked(positions, market, limits, stress);

  let work: BookPosition[] = positions.map((p) => ({ ...p }) as BookPosition);
  const actions: BookAction[] = [];

  const ltOf = (asset: string, accountIndex: number): number => {
    const own = (work[accountIndex] as LendingPosition).collateral.find((c) => c.asset === asset);
    if (own) return own.liquidationThresholdBps;
    const opt = options.liquidationThresholdBps?.[asset];
    if (opt !== undefined) return opt;
    for (const p of work) {
      const c = p.kind === "lending" ? p.collateral.find((x) => x.asset === asset) : undefined;
      if (c) return c.liquidationThresholdBps;
    }
    throw invalid(
      `options.liquidationThresholdBps.${asset}`,
      `needed: the hedge supplies ${asset} as collateral and no account holds it yet`,
    );
  };
  const swapOut = (assetIn: string, amountIn: number, assetOut: string) =>
    (amountIn * prices[assetIn] * (1 - cost)) / prices[assetOut];

  // ── 1. gamma ──
  const gamma: GammaHedgeReport[] = [];
  const gammaBps = (b: readonly BookPosition[]) => {
    const v = valueBook(b, prices);
    return (v.shortGammaUsd / v.navUsd) * 1e4;
  };
  if (beforeRisk.shortGammaBps > limits.maxShortGammaBps) {
    const lps = beforeRisk.lps.filter((l) => l.shortGammaUsd > 0).sort((a, b) => b.shortGammaUsd - a.shortGammaUsd);
    const spacingOf = (i: number): number => {
      const p = work[i] as UniswapV3Position;
      const ts = options.tickSpacing;
      const s = typeof ts === "number" ? ts : (ts?.[p.id ?? ""] ?? ts?.[`${p.token0}/${p.token1}`]);
      if (s === undefined) {
        throw invalid("options.tickSpacing", `needed to widen LP position #${i} (${p.token0}/${p.token1})`);
      }
      return s;
    };
    for (const l of lps) spacingOf(l.positionIndex); // all or nothing: fail before planning anything
    for (const l of lps) {
      if (gammaBps(work) <= limits.maxShortGammaBps) break;
      const i = l.positionIndex;
      const lp = work[i] as UniswapV3Position;
      const s = spacingOf(i);
      const lo = Math.ceil(MIN_TICK / s) * s;
      const hi = Math.floor(MAX_TICK / s) * s;
      const center = floorTickToSpacing(
        priceToTick(prices[lp.token0] / prices[lp.token1], lp.decimals0, lp.decimals1),
        s,
      );
      const rangeAt = (k: number): [number, number] => [
        Math.max(lo, center - k * s),
        Math.min(hi, center + (k + 1) * s),
      ];
      const kMax = Math.max(0, Math.ceil(Math.max((center - lo) / s, (hi - center) / s - 1)));
      const candidate = (k: number) => rerange(work, i, ...rangeAt(k));
      const fits = (k: number) => gammaBps(candidate(k).book) <= limits.maxShortGammaBps;
      let k = kMax;
      let binding: GammaHedgeReport["binding"] = "fullRange";
      if (fits(kMax)) {
        binding = "ShortGammaAboveCap";
        let a = -1; // does not fit (or is not a range)
        let b = kMax; // fits
        while (b - a > 1) {
          const m = Math.floor((a + b) / 2);
          if (m >= 0 && fits(m)) b = m;
          else a = m;
        }
        k = b;
      }
      const [tl, tu] = rangeAt(k);
      if (tl === lp.tickLower && tu === lp.tickUpper) continue;
      const r = rerange(work, i, tl, tu);
      const after = lpExposure(r.book[i] as UniswapV3Position, prices[lp.token0], prices[lp.token1]);
      work = r.book;
      actions.push(...r.actions);
      gamma.push({
        positionIndex: i,
        tickLowerBefore: lp.tickLower,
        tickUpperBefore: lp.tickUpper,
        tickLowerAfter: tl,
        tickUpperAfter: tu,
        shortGammaUsdBefore: l.shortGammaUsd,
        shortGammaUsdAfter: after.shortGammaUsd,
        valueUsdBefore: l.valueUsd,
        valueUsdAfter: after.amount0Token * prices[lp.token0] + after.amount1Token * prices[lp.token1],
        binding,
      });
    }
  }

  /** Burns LP `i` and re-mints it in [tl, tu] at the same value less the rebalancing swap's cost. */
  function rerange(book: BookPosition[], i: number, tl: number, tu: number): Built {
    const lp = book[i] as UniswapV3Position;
    const p0 = prices[lp.token0];
    const p1 = prices[lp.token1];
    const old = lpExposure(lp, p0, p1);
    const x0 = old.amount0Token;
    const x1 = old.amount1Token;
    const h = toHumanRange({ ...lp, tickLower: tl, tickUpper: tu, liquidityRaw: 1 });
    const unitScale = 10 ** (-(lp.decimals0 + lp.decimals1) / 2); // human L per raw L
    const u = amountsForLiquidity(Math.sqrt(p0 / p1), h.sqrtLower, h.sqrtUpper, unitScale);
    const k = 1 / (1 - cost);
    // Short of token0: pay token1 for it at cost; else the other way round. Value: Σ kept + bought = Σ minted.
    let L = (x1 * p1 + x0 * p0 * k) / (u.amount1 * p1 + u.amount0 * p0 * k);
    if (L * u.amount0 < x0) L = (x0 * p0 + x1 * p1 * k) / (u.amount0 * p0 + u.amount1 * p1 * k);
    const y0 = L * u.amount0;
    const y1 = L * u.amount1;
    const reason = `short gamma above maxShortGammaBps (${limits.maxShortGammaBps}): widen the range`;
    const out = book.slice();
    out[i] = { ...lp, tickLower: tl, tickUpper: tu, liquidityRaw: L };
    const acts: BookAction[] = [
      {
        kind: "lpBurn",
        positionIndex: i,
        token0: lp.token0,
        token1: lp.token1,
        tickLower: lp.tickLower,
        tickUpper: lp.tickUpper,
        liquidityRaw: lp.liquidityRaw,
        amount0Token: x0,
        amount1Token: x1,
        reason,
      },
    ];
    if (y0 > x0 + EPS_TOKEN) {
      const amountIn = ((y0 - x0) * p0 * k) / p1;
      acts.push({
        kind: "swap",
        assetIn: lp.token1,
        amountInToken: amountIn,
        assetOut: lp.token0,
        amountOutToken: y0 - x0,
        reason,
      });
    } else if (y1 > x1 + EPS_TOKEN) {
      const amountIn = ((y1 - x1) * p1 * k) / p0;
      acts.push({
        kind: "swap",
        assetIn: lp.token0,
        amountInToken: amountIn,
        assetOut: lp.token1,
        amountOutToken: y1 - x1,
        reason,
      });
    }
    acts.push({
      kind: "lpMint",
      positionIndex: i,
      token0: lp.token0,
      token1: lp.token1,
      tickLower: tl,
      tickUpper: tu,
      liquidityRaw: L,
      amount0Token: y0,
      amount1Token: y1,
      reason,
    });
    return { book: out, actions: acts };
  }

  // ── 2. delta ──
  const delta: DeltaHedgeReport[] = [];
  const target = options.targetNetDeltaBps ?? 0;
  const tau = target / 1e4;
  let accountIndex = options.lendingPositionId
    ? work.findIndex((p) => p.kind === "lending" && p.id === options.lendingPositionId)
    : work.findIndex((p) => p.kind === "lending");
  let appendedAccount = false;
  const idleBase = (b: readonly BookPosition[]) => Math.max(0, spotOf(b, base) - reserve);

  /** Slack of each limit the hedge account must keep (≥ 0 = holds), relative to the limit. */
  const slackOf = (b: readonly BookPosition[], ai: number) => {
    const acct = b[ai] as LendingPosition;
    let stressed = Number.POSITIVE_INFINITY;
    for (const sp of stressedPrices) stressed = Math.min(stressed, healthFactor(acct, sp));
    const v = valueBook(b, prices);
    const gross = (v.longUsd / v.navUsd) * 1e4;
    return {
      HealthFactorBelowMin: (healthFactor(acct, prices) - minHf) / Math.max(minHf, 1e-9),
      StressedHealthFactorBelowMin: (stressed - floor) / Math.max(floor, 1e-9),
      GrossLeverageAboveCap: (limits.maxGrossLeverageBps - gross) / Math.max(limits.maxGrossLeverageBps, 1),
    };
  };
  type Slack = ReturnType<typeof slackOf>;
  const worst = (s: Slack): [HedgeBinding, number] => {
    let name: HedgeBinding = "HealthFactorBelowMin";
    let min = Number.POSITIVE_INFINITY;
    for (const [k, v] of Object.entries(s)) {
      if (v < min || Number.isNaN(v)) [name, min] = [k as HedgeBinding, Number.isNaN(v) ? -Infinity : v];
    }
    return [name, min];
  };

  const nonBase = assets.filter((a) => a !== base);
  for (const A of nonBase) {
    const v = valueBook(work, prices);
    const nav = v.navUsd;
    const row = v.byAsset.get(A);
    const N = row ? row.spot + row.lp + row.collateral - row.debt : 0;
    const pA = prices[A];
    const pB = prices[base];
    const before = ((N * pA) / nav) * 1e4;
    if (Math.abs(before) <= limits.maxNetDeltaBps) continue;
    if (accountIndex < 0) {
      work = [...work, { kind: "lending", id: HEDGE_ACCOUNT_ID, collateral: [], debt: [] }];
      accountIndex = work.length - 1;
      appendedAccount = true;
    }
    const ai = accountIndex;
    const start = work;
    const sell = before > 0;
    // Tokens to trade so that (N ∓ s)·P = τ·(NAV − cost of the swap).
    const needed = sell
      ? (N * pA - tau * nav) / (pA * (1 - tau * cost))
      : (tau * nav - N * pA) / (pA * (1 + (tau * cost) / (1 - cost)));
    const acct0 = start[ai] as LendingPosition;
    // Most that can be bought: idle base, then the account's base collateral.
    const buyMax = sell ? Infinity : swapOut(base, idleBase(start) + collateralOf(acct0, base), A);
    const sStar = Math.min(needed, buyMax);
    const reason = `net delta of ${A} ${before.toFixed(0)} bps above maxNetDeltaBps (${limits.maxNetDeltaBps}): move to ${target} bps`;

    const build = (s: number, phi: number): Built & { parts: [number, number, number, number, number] } => {
      let b = start;
      const acts: BookAction[] = [];
      let deleveraged = 0;
      let swapped = 0;
      let borrowed = 0;
      let repaid = 0;
      let extra = 0;
      if (sell) {
        const acct = b[ai] as LendingPosition;
        const dMax = Math.min(collateralOf(acct, A), (debtOf(acct, base) * pB) / (pA * (1 - cost)));
        deleveraged = Math.min(s, dMax);
        swapped = Math.min(s - deleveraged, collateralOf(acct, A) - deleveraged);
        borrowed = s - deleveraged - swapped;
        extra = phi * idleBase(b);
        if (extra > 0) {
          b = addSpot(b, base, -extra);
          b = addCollateral(b, ai, base, extra, ltOf(base, ai));
          acts.push({
            kind: "supply",
            positionIndex: ai,
            asset: base,
            amountToken: extra,
            reason: "extra collateral for the health factor",
          });
        }
        if (deleveraged > 0) {
          const out = swapOut(A, deleveraged, base);
          b = addCollateral(b, ai, A, -deleveraged, 0);
          b = addDebt(b, ai, base, -out);
          acts.push(
            {
              kind: "withdraw",
              positionIndex: ai,
              asset: A,
              amountToken: deleveraged,
              reason: `${reason} (deleverage)`,
            },
            { kind: "swap", assetIn: A, amountInToken: deleveraged, assetOut: base, amountOutToken: out, reason },
            { kind: "repay", positionIndex: ai, asset: base, amountToken: out, reason: `${reason} (deleverage)` },
          );
        }
        if (swapped > 0) {
          const out = swapOut(A, swapped, base);
          b = addCollateral(b, ai, A, -swapped, 0);
          b = addCollateral(b, ai, base, out, ltOf(base, ai));
          acts.push(
            {
              kind: "withdraw",
              positionIndex: ai,
              asset: A,
              amountToken: swapped,
              reason: `${reason} (collateral into ${base})`,
            },
            { kind: "swap", assetIn: A, amountInToken: swapped, assetOut: base, amountOutToken: out, reason },
            {
              kind: "supply",
              positionIndex: ai,
              asset: base,
              amountToken: out,
              reason: `${reason} (collateral into ${base})`,
            },
          );
        }
        if (borrowed > 0) {
          const out = swapOut(A, borrowed, base);
          b = addDebt(b, ai, A, borrowed);
          b = addCollateral(b, ai, base, out, ltOf(base, ai));
          acts.push(
            { kind: "borrow", positionIndex: ai, asset: A, amountToken: borrowed, reason },
            { kind: "swap", assetIn: A, amountInToken: borrowed, assetOut: base, amountOutToken: out, reason },
            {
              kind: "supply",
              positionIndex: ai,
              asset: base,
              amountToken: out,
              reason: `${reason} (proceeds as collateral)`,
            },
          );
        }
      } else if (s > 0) {
        const payBase = (s * pA) / ((1 - cost) * pB);
        const fromIdle = Math.min(payBase, idleBase(b));
        const fromCollateral = Math.min(payBase - fromIdle, collateralOf(b[ai] as LendingPosition, base));
        if (fromCollateral > 0) {
          b = addCollateral(b, ai, base, -fromCollateral, 0);
          b = addSpot(b, base, fromCollateral);
          acts.push({ kind: "withdraw", positionIndex: ai, asset: base, amountToken: fromCollateral, reason });
        }
        b = addSpot(b, base, -payBase);
        acts.push({ kind: "swap", assetIn: base, amountInToken: payBase, assetOut: A, amountOutToken: s, reason });
        repaid = Math.min(s, debtOf(b[ai] as LendingPosition, A));
        if (repaid > 0) {
          b = addDebt(b, ai, A, -repaid);
          acts.push({ kind: "repay", positionIndex: ai, asset: A, amountToken: repaid, reason });
        }
        if (s - repaid > 0) b = addSpot(b, A, s - repaid);
        extra = phi * idleBase(b);
        if (extra > 0) {
          b = addSpot(b, base, -extra);
          b = addCollateral(b, ai, base, extra, ltOf(base, ai));
          acts.push({
            kind: "supply",
            positionIndex: ai,
            asset: base,
            amountToken: extra,
            reason: "extra collateral for the health factor",
          });
        }
      }
      return { book: b, actions: acts, parts: [deleveraged, swapped, borrowed, repaid, extra] };
    };
    const minSlack = (s: number, phi: number) => worst(slackOf(build(s, phi).book, ai));

    // Size: the target if some idle collateral makes it pass; else the largest size on a grid that passes, refined.
    let s = sStar;
    let binding: HedgeBinding = needed > buyMax ? "idleBase" : "target";
    let feasible = true;
    const [topName, topSlack] = minSlack(sStar, 1);
    if (topSlack < 0) {
      binding = topName;
      let k = GRID - 1;
      while (k >= 0 && minSlack((sStar * k) / GRID, 1)[1] < 0) k--;
      if (k >= 0) {
        let lo = (sStar * k) / GRID;
        let hi = (sStar * (k + 1)) / GRID;
        for (let it = 0; it < BISECT; it++) {
          const m = (lo + hi) / 2;
          if (minSlack(m, 1)[1] >= 0) lo = m;
          else hi = m;
        }
        s = lo;
        binding = minSlack(hi, 1)[0]; // the limit that stops the hedge here, not necessarily the one at the target
      } else {
        // Nothing passes: the least-bad size (the largest on ties).
        feasible = false;
        let best = -Infinity;
        for (let j = GRID; j >= 0; j--) {
          const [name, sl] = minSlack((sStar * j) / GRID, 1);
          if (sl > best) [best, s, binding] = [sl, (sStar * j) / GRID, name];
        }
      }
    }
    // Collateral: the least idle base that keeps the limits (all of it when nothing is enough).
    let phi = 0;
    if (minSlack(s, 0)[1] < 0) {
      phi = 1;
      if (minSlack(s, 1)[1] >= 0) {
        let lo = 0;
        for (let it = 0; it < BISECT; it++) {
          const m = (lo + phi) / 2;
          if (minSlack(s, m)[1] >= 0) phi = m;
          else lo = m;
        }
      }
    }
    const chosen = build(s, phi);
    work = chosen.book;
    actions.push(...chosen.actions);
    const vAfter = valueBook(work, prices);
    const rowAfter = vAfter.byAsset.get(A)!;
    const nAfter = rowAfter.spot + rowAfter.lp + rowAfter.collateral - rowAfter.debt;
    delta.push({
      asset: A,
      netDeltaBpsBefore: before,
      targetNetDeltaBps: target,
      netDeltaBpsAfter: ((nAfter * pA) / vAfter.navUsd) * 1e4,
      tradedToken: sell ? s : -s,
      neededToken: sell ? needed : -needed,
      deleveragedToken: chosen.parts[0],
      collateralSwappedToken: chosen.parts[1],
      borrowedToken: chosen.parts[2],
      repaidToken: chosen.parts[3],
      extraCollateralToken: chosen.parts[4],
      binding,
      feasible,
    });
  }

  // ── 3. collateral top-up ──
  const collateral: CollateralTopUpReport[] = [];
  for (let ai = 0; ai < work.length; ai++) {
    const p = work[ai];
    if (p.kind !== "lending" || p.debt.every((d) => d.amountToken === 0)) continue;
    const ok = (b: readonly BookPosition[]) => {
      const sl = slackOf(b, ai);
      return Math.min(sl.HealthFactorBelowMin, sl.StressedHealthFactorBelowMin) >= 0;
    };
    if (ok(work)) continue;
    const idle = idleBase(work);
    if (!(idle > 0)) {
      collateral.push({ positionIndex: ai, suppliedToken: 0, binding: "idleBase" });
      continue;
    }
    const lt = ltOf(base, ai);
    const withX = (x: number) => addCollateral(addSpot(work, base, -x), ai, base, x, lt);
    let x = idle;
    let binding: CollateralTopUpReport["binding"] = "idleBase";
    if (ok(withX(idle))) {
      binding = "target";
      let lo = 0;
      for (let it = 0; it < BISECT; it++) {
        const m = (lo + x) / 2;
        if (ok(withX(m))) x = m;
        else lo = m;
      }
    }
    work = withX(x);
    actions.push({
      kind: "supply",
      positionIndex: ai,
      asset: base,
      amountToken: x,
      reason: "health factor below its (stressed) floor: top up collateral",
    });
    collateral.push({ positionIndex: ai, suppliedToken: x, binding });
  }

  if (appendedAccount) {
    const acct = work[accountIndex] as LendingPosition;
    if (acct.collateral.length === 0 && acct.debt.length === 0) work = work.filter((_, i) => i !== accountIndex);
  }
  return {
    actions,
    gamma,
    delta,
    collateral,
    before: { positions, risk: beforeRisk },
    after: { positions: work, risk: bookRiskUnchecked(work, market, limits, stress) },
  };
}
