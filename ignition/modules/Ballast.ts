/**
 * The Ballast vault stack for a live network (Hardhat Ignition): BookLib, the vault (linked), BudgetLens,
 * the TimelockController as governor, and the Uniswap V3 swap adapter. The deployer never holds the governor role:
 * listing assets, feeds, caps and the adapter are timelock proposals (scripts/governance/propose.ts) after deploy.
 *
 *   npx hardhat ignition deploy ignition/modules/Ballast.ts --network <net> --parameters ignition/parameters/<net>.json
 *
 * Then record the addresses, parameters and roles in deployments/<net>/deployment.json (schema and writer:
 * scripts/lib/deployments.ts), which the keeper, the governance scripts and the UI read.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { defaultRiskParams } from "../../scripts/lib/deployVault.ts";

export default buildModule("Ballast", (m) => {
  const baseAsset = m.getParameter<string>("baseAsset"); // e.g. USDC 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48
  const baseFeed = m.getParameter<string>("baseFeed"); // Chainlink USDC/USD
  const baseMaxStalenessSeconds = m.getParameter<number>("baseMaxStalenessSeconds", 86_400);
  const swapRouter = m.getParameter<string>("swapRouter", "0xE592427A0AEce92De3Edee1F18E0157C05861564");
  const guardian = m.getParameter<string>("guardian");
  const proposers = m.getParameter<string[]>("proposers");
  const executors = m.getParameter<string[]>("executors");
  const minDelaySeconds = m.getParameter<number>("minDelaySeconds", 2 * 86_400);
  const riskParams = m.getParameter("riskParams", { ...defaultRiskParams() });

  const timelock = m.contract("BallastTimelock", [
    minDelaySeconds,
    proposers,
    executors,
    "0x0000000000000000000000000000000000000000",
  ]);
  const bookLib = m.library("BookLib");
  const vault = m.contract(
    "BallastVault",
    [baseAsset, "Ballast USDC", "bUSDC", baseFeed, baseMaxStalenessSeconds, riskParams, timelock, guardian],
    { libraries: { BookLib: bookLib } },
  );
  const lens = m.contract("BudgetLens");
  const adapter = m.contract("UniswapV3SwapAdapter", [swapRouter]);
  return { timelock, bookLib, vault, lens, adapter };
});
