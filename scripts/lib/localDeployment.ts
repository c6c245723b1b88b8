/**
 * The deployment record of a local stack (scripts/lib/localStack.ts), in the same schema as every other network's
 * deployments/<network>/deployment.json, so that the keeper, the governance scripts and the UI read one format.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Deployment } from "./deployments.ts";
import type { LocalStack } from "./localStack.ts";

export async function describeLocalStack(
  ethers: HardhatEthers,
  s: LocalStack,
  networkName: string,
  rpcUrl?: string,
): Promise<Deployment> {
  const net = await ethers.provider.getNetwork();
  const block = await ethers.provider.getBlock("latest");
  const vault = await s.vault.getAddress();
  const params = await s.vault.riskParams();
  const asset = async (
    symbol: string,
    token: string,
    decimals: number,
    poolFee: number,
  ): Promise<Deployment["assets"][number]> => {
    const src = await s.vault.priceSource(token);
    const risk = await s.vault.assetRisk(token);
    return {
      symbol,
      address: token,
      decimals,
      feed: src.feed,
      maxStalenessSeconds: Number(src.maxStalenessSeconds),
      maxWeightBps: Number(risk.maxWeightBps),
      protocolId: risk.protocolId,
      protocolCapBps: Number(await s.vault.protocolCapBps(risk.protocolId)),
      poolFee,
    };
  };
  const usdc = await s.usdc.getAddress();
  const baseSrc = await s.vault.priceSource(usdc);
  return {
    network: networkName,
    chainId: Number(net.chainId),
    deployedAt: new Date().toISOString(),
    blockNumber: block!.number,
    rpcUrl,
    contracts: {
      vault,
      lens: await s.lens.getAddress(),
      timelock: await s.timelock.getAddress(),
      adapter: await s.adapter.getAddress(),
      bookLib: s.bookLib,
    },
    uniswap: {
      factory: s.uniswap.addresses.factory,
      router: s.uniswap.addresses.router,
      quoter: s.uniswap.addresses.quoter,
      positionManager: s.uniswap.addresses.positionManager,
      weth: s.uniswap.addresses.weth,
    },
    baseAsset: {
      symbol: "USDC",
      address: usdc,
      decimals: 6,
      feed: baseSrc.feed,
      maxStalenessSeconds: Number(baseSrc.maxStalenessSeconds),
    },
    assets: [
      await asset("WETH", s.uniswap.addresses.weth, 18, s.fees.WETH),
      await asset("WBTC", await s.wbtc.getAddress(), 8, s.fees.WBTC),
      ...(await Promise.all(s.extra.map(async (x) => asset(x.symbol, await x.token.getAddress(), x.decimals, x.fee)))),
    ],
    riskParams: {
      maxTurnoverBps: Number(params.maxTurnoverBps),
      maxWindowTurnoverBps: Number(params.maxWindowTurnoverBps),
      maxSlippageBps: Number(params.maxSlippageBps),
      maxWindowSlippageBps: Number(params.maxWindowSlippageBps),
      minIdleBps: Number(params.minIdleBps),
      maxDrawdownBps: Number(params.maxDrawdownBps),
      minHealthFactorBps: Number(params.minHealthFactorBps),
      maxGrossLeverageBps: Number(params.maxGrossLeverageBps),
      maxNetDeltaBps: Number(params.maxNetDeltaBps),
      maxShortGammaBps: Number(params.maxShortGammaBps),
      cooldownSeconds: Number(params.cooldownSeconds),
      windowSeconds: Number(params.windowSeconds),
      drawdownWindowSeconds: Number(params.drawdownWindowSeconds),
      depositCap: params.depositCap.toString(),
    },
    roles: {
      governor: await s.timelock.getAddress(),
      guardian: s.guardian.address,
      keepers: [s.keeper.address],
      proposers: [s.proposer.address],
      executors: [s.proposer.address],
      timelockDelaySeconds: s.timelockDelaySeconds,
    },
    standIns: [
      "USDC: MockERC20 (6 decimals)",
      "WBTC: MockERC20 (8 decimals)",
      ...s.extra.map((x) => `${x.symbol}: MockERC20 (${x.decimals} decimals)`),
      "price feeds: MockAggregatorV3 (8 decimals, every round kept)",
    ],
  };
}
