/**
 * Deploys the local stack for the UI's end-to-end tests onto a running `hardhat node`, funds a depositor with test
 * USDC, and writes the deployment file the UI reads (same format as deployments/localhost/deployment.json, plus an
 * `e2e` section the tests use to act as the keeper, with the position modules' addresses).
 *
 *   BALLAST_RPC_URL=http://127.0.0.1:<port> DEPLOYMENT_OUT=<file> hardhat run --network localhost ui/e2e/deploy.ts
 */
import { writeFileSync } from "node:fs";
import { network } from "hardhat";
import { deployLocalStack } from "../../scripts/lib/localStack.ts";
import { toUnits } from "../../scripts/lib/units.ts";

const out = process.env.DEPLOYMENT_OUT;
const rpcUrl = process.env.BALLAST_RPC_URL;
if (!out || !rpcUrl) throw new Error("set DEPLOYMENT_OUT and BALLAST_RPC_URL");

const { ethers } = await network.create();
// With the non-linear book: real Aave V3 and the vault's two position modules (Aave lending, Uniswap V3 liquidity).
const s = await deployLocalStack(ethers, { book: true });
if (!s.book) throw new Error("deployLocalStack did not deploy the book");
const signers = await ethers.getSigners();
const depositor = signers[4];
await (await s.usdc.mint(depositor.address, toUnits(50_000_000, 6))).wait();
const { chainId } = await ethers.provider.getNetwork();
const startBlock = 0;

const deployment = {
  chainId: Number(chainId),
  rpcUrl,
  startBlock,
  contracts: {
    vault: await s.vault.getAddress(),
    lens: await s.lens.getAddress(),
    usdc: await s.usdc.getAddress(),
    weth: await s.weth.getAddress(),
    wbtc: await s.wbtc.getAddress(),
    adapter: await s.adapter.getAddress(),
    timelock: await s.timelock.getAddress(),
  },
  e2e: {
    depositor: depositor.address,
    keeper: s.keeper.address,
    guardian: s.guardian.address,
    paths: s.paths,
    modules: {
      lending: await s.book.lending.getAddress(),
      liquidity: await s.book.liquidity.getAddress(),
    },
  },
};
writeFileSync(out, JSON.stringify(deployment, null, 2));
console.log(`deployed: vault ${deployment.contracts.vault} (chain ${deployment.chainId})`);
