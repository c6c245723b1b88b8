/**
 * Aave V3 on a local chain, from the REAL production bytecode.
 *
 * Every Aave contract deployed here comes byte for byte from the artifacts Aave publishes on npm
 * (`@aave/core-v3@1.19.3`, `artifacts/contracts/...`; no recompilation, no edits), the release of Aave V3.0.2:
 *   - PoolAddressesProvider       (it deploys the Pool and PoolConfigurator proxies itself:
 *                                  InitializableImmutableAdminUpgradeabilityProxy, bytecode inside its own artifact)
 *   - ACLManager
 *   - Pool                        + its external logic libraries SupplyLogic, BorrowLogic, LiquidationLogic,
 *                                  EModeLogic, BridgeLogic, FlashLoanLogic (itself linked to BorrowLogic), PoolLogic
 *   - PoolConfigurator            + ConfiguratorLogic
 *   - AaveOracle, AaveProtocolDataProvider
 *   - AToken, VariableDebtToken, StableDebtToken (implementations; the configurator puts one proxy of each per reserve)
 *   - DefaultReserveInterestRateStrategy (one per reserve)
 * Link placeholders are filled from each artifact's own `linkReferences`; a placeholder left unfilled is an error.
 *
 * The price sources are the caller's Chainlink-style feeds (on the local chain the same `MockAggregatorV3` stand-ins
 * the vault reads; AaveOracle calls their `latestAnswer()`), in USD with 8 decimals: BASE_CURRENCY = address(0),
 * BASE_CURRENCY_UNIT = 1e8, as on Aave's Ethereum market. The deployer is the provider owner, ACL admin and pool admin.
 *
 * Units are in the names: `amountWei` = token base units, `...Bps` = 1/10,000, `...Ray` = 1e27 fixed point (Aave's
 * rates), `...UsdE8` = USD with 8 decimals (Aave's "base currency" here), `healthFactorWad` = 1e18 fixed point
 * (below 1e18 the account can be liquidated). `liquidationBonusBps` is the liquidator's EXTRA collateral (500 = 5 %);
 * Aave's configurator stores 10,000 + that.
 */
import { createRequire } from "node:module";
import { Contract, ContractFactory, getAddress, resolveAddress, ZeroAddress } from "ethers";
import type { ContractTransactionResponse, Signer } from "ethers";
import { ReplicaError, type Artifact, type TokenRef } from "./uniswapV3.ts";

const require = createRequire(import.meta.url);
const AAVE = "@aave/core-v3/artifacts/contracts";

/** A Hardhat artifact from the npm package; `deployedBytecode` lets tests compare runtime code byte for byte. */
export type AaveArtifact = Artifact & { deployedBytecode: string };

/** The production artifacts, exactly as published on npm in @aave/core-v3@1.19.3. */
export const AAVE_ARTIFACTS = {
  addressesProvider: require(
    `${AAVE}/protocol/configuration/PoolAddressesProvider.sol/PoolAddressesProvider.json`,
  ) as AaveArtifact,
  aclManager: require(`${AAVE}/protocol/configuration/ACLManager.sol/ACLManager.json`) as AaveArtifact,
  pool: require(`${AAVE}/protocol/pool/Pool.sol/Pool.json`) as AaveArtifact,
  configurator: require(`${AAVE}/protocol/pool/PoolConfigurator.sol/PoolConfigurator.json`) as AaveArtifact,
  supplyLogic: require(`${AAVE}/protocol/libraries/logic/SupplyLogic.sol/SupplyLogic.json`) as AaveArtifact,
  borrowLogic: require(`${AAVE}/protocol/libraries/logic/BorrowLogic.sol/BorrowLogic.json`) as AaveArtifact,
  liquidationLogic: require(
    `${AAVE}/protocol/libraries/logic/LiquidationLogic.sol/LiquidationLogic.json`,
  ) as AaveArtifact,
  eModeLogic: require(`${AAVE}/protocol/libraries/logic/EModeLogic.sol/EModeLogic.json`) as AaveArtifact,
  bridgeLogic: require(`${AAVE}/protocol/libraries/logic/BridgeLogic.sol/BridgeLogic.json`) as AaveArtifact,
  flashLoanLogic: require(`${AAVE}/protocol/libraries/logic/FlashLoanLogic.sol/FlashLoanLogic.json`) as AaveArtifact,
  poolLogic: require(`${AAVE}/protocol/libraries/logic/PoolLogic.sol/PoolLogic.json`) as AaveArtifact,
  configuratorLogic: require(
    `${AAVE}/protocol/libraries/logic/ConfiguratorLogic.sol/ConfiguratorLogic.json`,
  ) as AaveArtifact,
  oracle: require(`${AAVE}/misc/AaveOracle.sol/AaveOracle.json`) as AaveArtifact,
  dataProvider: require(`${AAVE}/misc/AaveProtocolDataProvider.sol/AaveProtocolDataProvider.json`) as AaveArtifact,
  aToken: require(`${AAVE}/protocol/tokenization/AToken.sol/AToken.json`) as AaveArtifact,
  variableDebtToken: require(
    `${AAVE}/protocol/tokenization/VariableDebtToken.sol/VariableDebtToken.json`,
  ) as AaveArtifact,
  stableDebtToken: require(`${AAVE}/protocol/tokenization/StableDebtToken.sol/StableDebtToken.json`) as AaveArtifact,
  interestRateStrategy: require(
    `${AAVE}/protocol/pool/DefaultReserveInterestRateStrategy.sol/DefaultReserveInterestRateStrategy.json`,
  ) as AaveArtifact,
};

/** AaveOracle's base currency: USD (address(0)) with 8 decimals, like Chainlink's USD feeds. */
export const BASE_CURRENCY = ZeroAddress;
export const BASE_CURRENCY_UNIT = 10n ** 8n;
/** Aave's `InterestRateMode.VARIABLE` (stable borrowing stays disabled on every reserve deployed here). */
export const VARIABLE_RATE_MODE = 2;
/** Health factor at which liquidation starts (1e18). */
export const HEALTH_FACTOR_LIQUIDATION_WAD = 10n ** 18n;

const RAY_PER_BPS = 10n ** 23n; // 1e27 / 1e4

/** DefaultReserveInterestRateStrategy parameters (Aave's kinked curve), as fractions in bps. */
export interface InterestRateParams {
  /** Utilisation at the kink. */
  optimalUsageBps: number;
  baseVariableRateBps: number;
  /** Variable rate added from 0 to optimal utilisation. */
  variableRateSlope1Bps: number;
  /** Variable rate added from optimal to 100 % utilisation. */
  variableRateSlope2Bps: number;
}

/** Risk parameters of one reserve (see `AAVE_RISK_PARAMS` for the defaults). */
export interface ReserveRiskParams {
  /** Borrowing power of the collateral (0 = not usable to borrow against). */
  ltvBps: number;
  /** Weighted into the health factor; above it the account can be liquidated (0 = not collateral). */
  liquidationThresholdBps: number;
  /** Liquidator's extra collateral, on top of the debt it repays (500 = 5 %). 0 when not collateral. */
  liquidationBonusBps: number;
  /** Variable-rate borrowing enabled. */
  borrowable: boolean;
  /** Share of interest kept by the treasury. */
  reserveFactorBps: number;
  /** Share of the liquidation bonus taken by the treasury (Aave's Ethereum market: 10 %). */
  liquidationProtocolFeeBps: number;
  rates: InterestRateParams;
}

/**
 * Mainnet-like defaults (Aave V3 Ethereum, rounded): WETH 80 / 82.5 / 5 %, WBTC 73 / 78 / 5 %, USDC 77 / 80 / 4.5 %
 * (LTV / liquidation threshold / bonus), all borrowable at a variable rate.
 */
export const AAVE_RISK_PARAMS = {
  WETH: {
    ltvBps: 8_000,
    liquidationThresholdBps: 8_250,
    liquidationBonusBps: 500,
    borrowable: true,
    reserveFactorBps: 1_500,
    liquidationProtocolFeeBps: 1_000,
    rates: { optimalUsageBps: 8_000, baseVariableRateBps: 0, variableRateSlope1Bps: 380, variableRateSlope2Bps: 8_000 },
  },
  WBTC: {
    ltvBps: 7_300,
    liquidationThresholdBps: 7_800,
    liquidationBonusBps: 500,
    borrowable: true,
    reserveFactorBps: 2_000,
    liquidationProtocolFeeBps: 1_000,
    rates: {
      optimalUsageBps: 4_500,
      baseVariableRateBps: 0,
      variableRateSlope1Bps: 400,
      variableRateSlope2Bps: 30_000,
    },
  },
  USDC: {
    ltvBps: 7_700,
    liquidationThresholdBps: 8_000,
    liquidationBonusBps: 450,
    borrowable: true,
    reserveFactorBps: 1_000,
    liquidationProtocolFeeBps: 1_000,
    rates: { optimalUsageBps: 9_000, baseVariableRateBps: 0, variableRateSlope1Bps: 400, variableRateSlope2Bps: 6_000 },
  },
} as const satisfies Record<string, ReserveRiskParams>;

/** One reserve to list: the token, its USD feed (8 decimals) and its risk parameters. */
export interface AaveReserveConfig extends ReserveRiskParams {
  token: TokenRef;
  feed: TokenRef;
}

export interface AaveV3Options {
  reserves: AaveReserveConfig[];
  /** Receives the reserve factor and liquidation protocol fees. Default: the deployer. */
  treasury?: string;
  marketId?: string;
}

/** One listed reserve: the underlying and the proxies the configurator created for it. */
export interface AaveReserve {
  token: string;
  feed: string;
  symbol: string;
  decimals: number;
  aToken: string;
  variableDebtToken: string;
  stableDebtToken: string;
  interestRateStrategy: string;
}

export interface AaveV3Addresses {
  addressesProvider: string;
  aclManager: string;
  /** Proxies (what users call). */
  pool: string;
  configurator: string;
  oracle: string;
  dataProvider: string;
  implementations: {
    pool: string;
    configurator: string;
    aToken: string;
    variableDebtToken: string;
    stableDebtToken: string;
  };
  libraries: Record<string, string>;
}

/** What `deployAaveV3` returns and every helper takes. Contracts use the npm ABIs and are connected to `signer`. */
export interface AaveV3Context {
  signer: Signer;
  addressesProvider: Contract;
  aclManager: Contract;
  /** The Pool proxy with the Pool ABI. */
  pool: Contract;
  /** The PoolConfigurator proxy with the PoolConfigurator ABI. */
  configurator: Contract;
  oracle: Contract;
  dataProvider: Contract;
  /** In the order of `options.reserves`. */
  reserves: AaveReserve[];
  addresses: AaveV3Addresses;
}

const ERC20_ABI = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function balanceOf(address owner) view returns (uint256)",
];

// ───────────────────────────── deployment ─────────────────────────────

async function deploy(artifact: Artifact, signer: Signer, args: unknown[] = [], bytecode = artifact.bytecode) {
  const contract = (await new ContractFactory(artifact.abi, bytecode, signer).deploy(...args)) as Contract;
  await contract.waitForDeployment();
  return contract;
}

/**
 * `artifact.bytecode` with every link placeholder filled from `libraries` (name -> address). Throws if a library the
 * artifact references is missing, or if a placeholder would remain (the code would call address 0x5f5f...).
 */
export function linkLibraries(artifact: Artifact, libraries: Record<string, string>): string {
  let hex = artifact.bytecode.slice(2);
  for (const [file, refs] of Object.entries(artifact.linkReferences ?? {})) {
    for (const [name, positions] of Object.entries(refs)) {
      const address = libraries[name];
      if (address === undefined) throw new ReplicaError("no address for a linked library", { file, name });
      const raw = getAddress(address).slice(2).toLowerCase();
      for (const { start, length } of positions) {
        hex = hex.slice(0, start * 2) + raw + hex.slice((start + length) * 2);
      }
    }
  }
  if (hex.includes("__")) throw new ReplicaError("unlinked library placeholder left in bytecode", {});
  return `0x${hex}`;
}

async function send(tx: Promise<ContractTransactionResponse>) {
  await (await tx).wait();
}

function rateRay(bps: number): bigint {
  return BigInt(bps) * RAY_PER_BPS;
}

/**
 * Deploys and configures a complete Aave V3 market from the npm artifacts, from `signer`:
 * provider → ACL (signer = ACL admin and pool admin) → logic libraries → Pool (implementation initialised, proxy via
 * the provider) → PoolConfigurator (likewise) → AaveOracle (the given feeds, USD 1e8) → data provider → token
 * implementations → one interest-rate strategy per reserve → `initReserves` → collateral parameters, variable
 * borrowing, reserve factor and liquidation protocol fee per reserve.
 */
export async function deployAaveV3(signer: Signer, options: AaveV3Options): Promise<AaveV3Context> {
  const A = AAVE_ARTIFACTS;
  const deployer = await signer.getAddress();
  const treasury = options.treasury ?? deployer;

  const addressesProvider = await deploy(A.addressesProvider, signer, [options.marketId ?? "Ballast local", deployer]);
  const providerAddress = await addressesProvider.getAddress();
  await send(addressesProvider.setACLAdmin(deployer));
  const aclManager = await deploy(A.aclManager, signer, [providerAddress]);
  const aclAddress = await aclManager.getAddress();
  await send(addressesProvider.setACLManager(aclAddress));
  await send(aclManager.addPoolAdmin(deployer));

  // Logic libraries: FlashLoanLogic calls BorrowLogic's public functions, so it is linked to it first.
  const libraries: Record<string, string> = {};
  for (const [name, artifact] of [
    ["SupplyLogic", A.supplyLogic],
    ["BorrowLogic", A.borrowLogic],
    ["LiquidationLogic", A.liquidationLogic],
    ["EModeLogic", A.eModeLogic],
    ["BridgeLogic", A.bridgeLogic],
    ["FlashLoanLogic", A.flashLoanLogic],
    ["PoolLogic", A.poolLogic],
    ["ConfiguratorLogic", A.configuratorLogic],
  ] as const) {
    const library = await deploy(artifact, signer, [], linkLibraries(artifact, libraries));
    libraries[name] = await library.getAddress();
  }

  // Implementations are initialised right away (as Aave's own deploy scripts do), so no one else can.
  const poolImpl = await deploy(A.pool, signer, [providerAddress], linkLibraries(A.pool, libraries));
  await send(poolImpl.initialize(providerAddress));
  await send(addressesProvider.setPoolImpl(await poolImpl.getAddress()));
  const poolAddress: string = await addressesProvider.getPool();
  const pool = new Contract(poolAddress, A.pool.abi, signer);

  const configuratorImpl = await deploy(A.configurator, signer, [], linkLibraries(A.configurator, libraries));
  await send(configuratorImpl.initialize(providerAddress));
  await send(addressesProvider.setPoolConfiguratorImpl(await configuratorImpl.getAddress()));
  const configuratorAddress: string = await addressesProvider.getPoolConfigurator();
  const configurator = new Contract(configuratorAddress, A.configurator.abi, signer);

  const tokens = await Promise.all(options.reserves.map(async (r) => getAddress(await resolveAddress(r.token))));
  const feeds = await Promise.all(options.reserves.map(async (r) => getAddress(await resolveAddress(r.feed))));
  const oracle = await deploy(A.oracle, signer, [
    providerAddress,
    tokens,
    feeds,
    ZeroAddress,
    BASE_CURRENCY,
    BASE_CURRENCY_UNIT,
  ]);
  await send(addressesProvider.setPriceOracle(await oracle.getAddress()));
  const dataProvider = await deploy(A.dataProvider, signer, [providerAddress]);
  await send(addressesProvider.setPoolDataProvider(await dataProvider.getAddress()));

  const aTokenImpl = await deploy(A.aToken, signer, [poolAddress]);
  await send(
    aTokenImpl.initialize(poolAddress, ZeroAddress, ZeroAddress, ZeroAddress, 0, "ATOKEN_IMPL", "ATOKEN_IMPL", "0x"),
  );
  const stableDebtImpl = await deploy(A.stableDebtToken, signer, [poolAddress]);
  await send(stableDebtImpl.initialize(poolAddress, ZeroAddress, ZeroAddress, 0, "STABLE_IMPL", "STABLE_IMPL", "0x"));
  const variableDebtImpl = await deploy(A.variableDebtToken, signer, [poolAddress]);
  await send(
    variableDebtImpl.initialize(poolAddress, ZeroAddress, ZeroAddress, 0, "VARIABLE_IMPL", "VARIABLE_IMPL", "0x"),
  );

  const inputs = [];
  const metas: { symbol: string; decimals: number; strategy: string }[] = [];
  for (const [i, reserve] of options.reserves.entries()) {
    const erc20 = new Contract(tokens[i], ERC20_ABI, signer);
    const [symbol, decimals] = [String(await erc20.symbol()), Number(await erc20.decimals())];
    const { rates } = reserve;
    // Stable borrowing is never enabled here; its parameters only need to be valid (Aave's launch values).
    const strategy = await deploy(A.interestRateStrategy, signer, [
      providerAddress,
      rateRay(rates.optimalUsageBps),
      rateRay(rates.baseVariableRateBps),
      rateRay(rates.variableRateSlope1Bps),
      rateRay(rates.variableRateSlope2Bps),
      rateRay(50),
      rateRay(30_000),
      rateRay(200),
      rateRay(500),
      rateRay(2_000),
    ]);
    const strategyAddress = await strategy.getAddress();
    metas.push({ symbol, decimals, strategy: strategyAddress });
    inputs.push({
      aTokenImpl: await aTokenImpl.getAddress(),
      stableDebtTokenImpl: await stableDebtImpl.getAddress(),
      variableDebtTokenImpl: await variableDebtImpl.getAddress(),
      underlyingAssetDecimals: decimals,
      interestRateStrategyAddress: strategyAddress,
      underlyingAsset: tokens[i],
      treasury,
      incentivesController: ZeroAddress,
      aTokenName: `Aave Local ${symbol}`,
      aTokenSymbol: `aLoc${symbol}`,
      variableDebtTokenName: `Aave Local Variable Debt ${symbol}`,
      variableDebtTokenSymbol: `variableDebtLoc${symbol}`,
      stableDebtTokenName: `Aave Local Stable Debt ${symbol}`,
      stableDebtTokenSymbol: `stableDebtLoc${symbol}`,
      params: "0x",
    });
  }
  await send(configurator.initReserves(inputs));

  const reserves: AaveReserve[] = [];
  for (const [i, reserve] of options.reserves.entries()) {
    const token = tokens[i];
    const bonusBps = reserve.liquidationThresholdBps === 0 ? 0 : 10_000 + reserve.liquidationBonusBps;
    await send(
      configurator.configureReserveAsCollateral(token, reserve.ltvBps, reserve.liquidationThresholdBps, bonusBps),
    );
    if (reserve.borrowable) await send(configurator.setReserveBorrowing(token, true));
    await send(configurator.setReserveFactor(token, reserve.reserveFactorBps));
    if (reserve.liquidationThresholdBps !== 0) {
      await send(configurator.setLiquidationProtocolFee(token, reserve.liquidationProtocolFeeBps));
    }
    const [aToken, stableDebtToken, variableDebtToken] = (await dataProvider.getReserveTokensAddresses(token)) as [
      string,
      string,
      string,
    ];
    reserves.push({
      token,
      feed: feeds[i],
      symbol: metas[i].symbol,
      decimals: metas[i].decimals,
      aToken,
      variableDebtToken,
      stableDebtToken,
      interestRateStrategy: metas[i].strategy,
    });
  }

  return {
    signer,
    addressesProvider,
    aclManager,
    pool,
    configurator,
    oracle,
    dataProvider,
    reserves,
    addresses: {
      addressesProvider: providerAddress,
      aclManager: aclAddress,
      pool: poolAddress,
      configurator: configuratorAddress,
      oracle: await oracle.getAddress(),
      dataProvider: await dataProvider.getAddress(),
      implementations: {
        pool: await poolImpl.getAddress(),
        configurator: await configuratorImpl.getAddress(),
        aToken: await aTokenImpl.getAddress(),
        variableDebtToken: await variableDebtImpl.getAddress(),
        stableDebtToken: await stableDebtImpl.getAddress(),
      },
      libraries,
    },
  };
}

// ───────────────────────────── helpers ─────────────────────────────

/** The listed reserve of `token`; a `ReplicaError` if the market does not list it. */
export async function findReserve(ctx: AaveV3Context, token: TokenRef): Promise<AaveReserve> {
  const address = getAddress(await resolveAddress(token));
  const reserve = ctx.reserves.find((r) => r.token === address);
  if (!reserve) throw new ReplicaError("token not listed on this Aave market", { token: address });
  return reserve;
}

/** `Pool.getUserAccountData`, named with units. Base currency: USD with 8 decimals. */
export interface AccountData {
  totalCollateralUsdE8: bigint;
  totalDebtUsdE8: bigint;
  availableBorrowsUsdE8: bigint;
  /** Collateral-weighted average liquidation threshold. */
  liquidationThresholdBps: bigint;
  /** Collateral-weighted average LTV. */
  ltvBps: bigint;
  /** type(uint256).max when nothing is owed; below 1e18 the account can be liquidated. */
  healthFactorWad: bigint;
}

/** `user`'s account on the Pool (any contract with Aave's `getUserAccountData`, e.g. `ctx.pool`). */
export async function accountData(pool: Contract, user: TokenRef): Promise<AccountData> {
  const [
    totalCollateralUsdE8,
    totalDebtUsdE8,
    availableBorrowsUsdE8,
    liquidationThresholdBps,
    ltvBps,
    healthFactorWad,
  ] = (await pool.getUserAccountData(await resolveAddress(user))) as bigint[];
  return {
    totalCollateralUsdE8,
    totalDebtUsdE8,
    availableBorrowsUsdE8,
    liquidationThresholdBps,
    ltvBps,
    healthFactorWad,
  };
}

/**
 * Supplies `amountWei` of `token` from `lender` (which must hold it) for itself: lender liquidity that borrowers can
 * then take. Approves the Pool for exactly that amount first. Returns the lender's aToken balance after.
 */
export async function supplyLiquidity(
  ctx: AaveV3Context,
  token: TokenRef,
  amountWei: bigint,
  lender: Signer = ctx.signer,
): Promise<bigint> {
  const reserve = await findReserve(ctx, token);
  const lenderAddress = await lender.getAddress();
  await send(new Contract(reserve.token, ERC20_ABI, lender).approve(ctx.addresses.pool, amountWei));
  await send((ctx.pool.connect(lender) as Contract).supply(reserve.token, amountWei, lenderAddress, 0));
  return (await new Contract(reserve.aToken, ERC20_ABI, lender).balanceOf(lenderAddress)) as bigint;
}

/** Aave's oracle price of `token` in USD with 8 decimals (what the Pool values collateral and debt at). */
export async function oraclePriceUsdE8(ctx: AaveV3Context, token: TokenRef): Promise<bigint> {
  return (await ctx.oracle.getAssetPrice(await resolveAddress(token))) as bigint;
}
