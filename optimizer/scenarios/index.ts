/** Scenario generation: the scenario-set type, seeded randomness, historical windows, bootstrap, fat-tailed simulation, stress library. */
export * from "./scenarioSet.ts";
export * from "./random.ts";
export * from "./simulate.ts";
