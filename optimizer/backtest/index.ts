/** Walk-forward backtests on real history: price panel, engine, strategies, metrics, breaker, report. */
export * from "./panel.ts";
export * from "./breaker.ts";
export * from "./strategies.ts";
export * from "./engine.ts";
export * from "./metrics.ts";
export * from "./report.ts";
export * from "./svg.ts";
