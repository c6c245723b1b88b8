import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

const require = createRequire(import.meta.url);

/**
 * The Solidity compiler comes from the `solc` npm package (pinned to exactly this version in package.json):
 * Hardhat cannot download compilers on machines without internet access.
 */
const SOLC_VERSION = "0.8.28";

/** Fuzz and invariant depth: CI uses the defaults below; `FUZZ_RUNS=5000 ./ballast test` goes deeper on demand. */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 256);
const INVARIANT_RUNS = Number(process.env.INVARIANT_RUNS ?? 64);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: {
      default: {
        version: SOLC_VERSION,
        path: require.resolve("solc/soljson.js"),
        settings: { optimizer: { enabled: true, runs: 1 }, evmVersion: "cancun" },
      },
    },
  },
  paths: {
    // Mocha tests that need a chain live in test/chain/ and run under Hardhat; the optimizer's pure unit tests
    // (test/unit/optimizer/) run under plain mocha: they need no chain, and Hardhat's chai matchers redefine closeTo
    // for bigints.
    tests: { mocha: "test/chain", solidity: "contracts/test" },
  },
  test: {
    solidity: {
      fuzz: { runs: FUZZ_RUNS },
      invariant: { runs: INVARIANT_RUNS, depth: 32, failOnRevert: false },
    },
    mocha: { timeout: 120_000 },
  },
  networks: {
    localhost: { type: "http", url: process.env.BALLAST_RPC_URL ?? "http://127.0.0.1:8545" },
  },
});
