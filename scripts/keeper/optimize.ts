/**
 * optimize: target weights. Min-CVaR (optimizer/optimize, HiGHS) over the oracle history's returns, filtered to
 * today's volatility, within ±maxTiltBps of the strategic targets and under the on-chain budget with the same names
 * (`maxWeightBps` per asset, `protocolCapBps` per protocol, `minIdleBps` of the base asset). When the method is
 * "static", the history is too short, or the solver fails, the strategic targets are used and the note says why.
 */
import { filteredHistoricalSimulation } from "../../optimizer/scenarios/simulate.ts";
import { makeScenarioSet } from "../../optimizer/scenarios/scenarioSet.ts";
import { minCvar, type WeightConstraint } from "../../optimizer/optimize/index.ts";
import { currentWeights } from "./readState.ts";
import type { KeeperContext, Targets, VaultState } from "./types.ts";

/** Returns r_t = p_t/p_{t-1} - 1 over the common tail of every series (oldest first), one row per step. */
function alignedReturns(symbols: string[], history: Record<string, number[]>): Float64Array | string {
  const len = Math.min(...symbols.map((s) => history[s]?.length ?? 0));
  if (len < 2) return `history has ${len} price(s) for the shortest series`;
  const n = symbols.length;
  const out = new Float64Array((len - 1) * n);
  symbols.forEach((s, a) => {
    const p = history[s].slice(-len);
    for (let t = 1; t < len; t++) out[(t - 1) * n + a] = p[t] / p[t - 1] - 1;
  });
  return out;
}

/** Strategic targets clipped to the on-chain caps, the excess parked in the base asset. */
function staticTargets(ctx: KeeperContext, s: VaultState): Record<string, number> {
  const w: Record<string, number> = { ...ctx.config.targets };
  let excess = 0;
  for (const a of s.assets) {
    const cap = a.maxWeightBps / 1e4;
    if ((w[a.symbol] ?? 0) > cap) {
      excess += w[a.symbol] - cap;
      w[a.symbol] = cap;
    }
  }
  w[s.base.symbol] = (w[s.base.symbol] ?? 0) + excess;
  return w;
}

export async function optimize(ctx: KeeperContext, s: VaultState): Promise<Targets> {
  const cfg = ctx.config.optimizer;
  const fallback = (why: string): Targets => ({ weights: staticTargets(ctx, s), method: "static", note: why });
  if (cfg.method === "static") return fallback("static targets (optimizer.method = static)");

  const symbols = [s.base.symbol, ...s.assets.map((a) => a.symbol)];
  const returns = alignedReturns(symbols, s.history);
  if (typeof returns === "string") return fallback(`static targets: ${returns}`);
  const m = returns.length / symbols.length;
  if (m < cfg.minReturns) return fallback(`static targets: ${m} returns in the history, fewer than ${cfg.minReturns}`);

  const tilt = cfg.maxTiltBps / 1e4;
  const constraints: WeightConstraint[] = symbols.map((sym, i) => {
    const coefs = new Float64Array(symbols.length);
    coefs[i] = 1;
    const t = ctx.config.targets[sym] ?? 0;
    // Its own family, so that an infeasible band is named as such ("targetBand") in InfeasibleError.
    return { family: "targetBand", lower: Math.max(0, t - tilt), upper: Math.min(1, t + tilt), coefs };
  });
  try {
    const set = filteredHistoricalSimulation(makeScenarioSet(symbols, returns));
    const r = await minCvar(set, {
      alpha: cfg.alpha,
      constraints,
      budget: {
        maxWeightBps: Object.fromEntries(s.assets.map((a) => [a.symbol, a.maxWeightBps])),
        protocolOf: Object.fromEntries(s.assets.map((a) => [a.symbol, a.protocolId])),
        protocolCapBps: Object.fromEntries(s.assets.map((a) => [a.protocolId, a.protocolCapBps])),
        minIdleBps: s.params.minIdleBps,
        baseAsset: s.base.symbol,
        currentWeights: currentWeights(s),
      },
    });
    const weights: Record<string, number> = {};
    let sum = 0;
    symbols.forEach((sym, i) => {
      weights[sym] = Math.max(0, r.weights[i]);
      sum += weights[sym];
    });
    for (const sym of symbols) weights[sym] /= sum; // solver round-off: the planner wants an exact 1
    return {
      weights,
      method: "minCvar",
      note: `min-CVaR(${cfg.alpha}) over ${m} returns from ${s.historySource}: CVaR ${(r.cvar * 100).toFixed(2)} % of NAV, ${r.iterations} cut(s)`,
    };
  } catch (err) {
    return fallback(`static targets: the optimizer failed (${(err as Error).message})`);
  }
}
