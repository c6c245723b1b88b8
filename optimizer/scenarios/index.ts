/**
 * Scenario generation: the scenario-set type, seeded randomness, historical windows and block bootstrap, fat-tailed
 * simulation (Student-t, filtered historical), and the stress library.
 */
export * from "./scenarioSet.ts";
export * from "./random.ts";
export * from "./simulate.ts";
export * from "./bootstrap.ts";
export * from "./stress.ts";
