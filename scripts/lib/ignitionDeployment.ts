/**
 * The deployment record (scripts/lib/deployments.ts) of a stack deployed with the Ignition module
 * (ignition/modules/Ballast.ts), read back from the chain: the listed assets, their feeds and caps, the risk parameters
 * and the timelock's delay come from the contracts themselves, not from what the deployer meant to set.
 */
import type { Provider } from "ethers";
import {
  BallastTimelock__factory,
  BallastVault__factory,
  MockERC20__factory,
} from "../../types/ethers-contracts/index.js";
import type { Deployment } from "./deployments.ts";
import { riskParamsFromChain } from "./deployVault.ts";

export interface IgnitionAddresses {
  vault: string;
  lens: string;
  timelock: string;
  adapter: string;
  bookLib: string;
}

export async function describeIgnitionDeployment(
  provider: Provider,
  args: {
    network: string;
    contracts: IgnitionAddresses;
    uniswap: Deployment["uniswap"];
    /** Uniswap V3 fee tier of each asset's pool against the base asset, by token symbol. */
    poolFees: Record<string, number>;
    guardian: string;
    keepers: string[];
    proposers: string[];
    executors: string[];
    rpcUrl?: string;
    standIns?: string[];
  },
): Promise<Deployment> {
  const vault = BallastVault__factory.connect(args.contracts.vault, provider);
  const timelock = BallastTimelock__factory.connect(args.contracts.timelock, provider);
  const net = await provider.getNetwork();
  const block = (await provider.getBlock("latest"))!;
  const token = async (address: string) => {
    const erc20 = MockERC20__factory.connect(address, provider); // the ERC-20 surface only
    const src = await vault.priceSource(address);
    return {
      symbol: await erc20.symbol(),
      address,
      decimals: Number(await erc20.decimals()),
      feed: src.feed,
      maxStalenessSeconds: Number(src.maxStalenessSeconds),
    };
  };
  const assets = [];
  for (const address of await vault.listedAssets()) {
    const t = await token(address);
    const risk = await vault.assetRisk(address);
    const poolFee = args.poolFees[t.symbol];
    if (poolFee === undefined) throw new Error(`no pool fee given for listed asset ${t.symbol} (${address})`);
    assets.push({
      ...t,
      maxWeightBps: Number(risk.maxWeightBps),
      protocolId: risk.protocolId,
      protocolCapBps: Number(await vault.protocolCapBps(risk.protocolId)),
      poolFee,
    });
  }
  const p = await vault.riskParams();
  return {
    network: args.network,
    chainId: Number(net.chainId),
    deployedAt: new Date(block.timestamp * 1_000).toISOString(),
    blockNumber: block.number,
    rpcUrl: args.rpcUrl,
    contracts: args.contracts,
    uniswap: args.uniswap,
    baseAsset: await token(await vault.asset()),
    assets,
    riskParams: { ...riskParamsFromChain(p), depositCap: p.depositCap.toString() },
    roles: {
      governor: args.contracts.timelock,
      guardian: args.guardian,
      keepers: args.keepers,
      proposers: args.proposers,
      executors: args.executors,
      timelockDelaySeconds: Number(await timelock.getMinDelay()),
    },
    standIns: args.standIns ?? [],
  };
}
