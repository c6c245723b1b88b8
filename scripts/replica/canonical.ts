/**
 * The mainnet replica at the CANONICAL mainnet addresses (scripts/lib/addressBook.ts), on any Hardhat chain (an
 * in-process network or a `hardhat node`), so that one address book serves mainnet forks and the replica alike.
 *
 * How each contract gets its mainnet address:
 *  - Real bytecode, real address — deployed by CREATE from the impersonated real deployer at the real nonce
 *    (`hardhat_impersonateAccount` + `hardhat_setNonce`), after checking `getCreateAddress(deployer, nonce)` equals the
 *    book's address. The constructor runs at that address, so immutables (e.g. the factory's NoDelegateCall
 *    `original == address(this)`) and constructor-set storage (WETH9's name, the router's `amountInCached`, the
 *    factory's owner and fee tiers) are exactly as a real deployment leaves them:
 *      UniswapV3Factory (0x6C9F…f4E9 nonce 0), SwapRouter (4), NFTDescriptor library (5),
 *      NonfungibleTokenPositionDescriptor (6), NonfungiblePositionManager (8), QuoterV2 (13), WETH9 (0x4F26…0876 nonce 446).
 *    The bytecode is the npm release (@uniswap/v3-core 1.0.1, @uniswap/v3-periphery 1.4.4, canonical-weth), the same
 *    sources as mainnet's, compiled by their authors; constructor arguments are the canonical addresses.
 *  - The descriptor PROXY (0xEe6A…4785, nonce 7; mainnet: an OpenZeppelin 3.4 TransparentUpgradeableProxy) — STAND-IN:
 *    the descriptor implementation's runtime code is placed there with `hardhat_setCode` (it has only immutables and no
 *    storage, so the copy behaves exactly like the implementation behind the proxy; the proxy's admin functions are
 *    absent). The position manager's immutable `tokenDescriptor` is the canonical proxy address.
 *  - USDC (0xA0b8…eB48) — STAND-IN `MockERC20("USD Coin (stand-in)", "USDC", 6)` deployed by CREATE from Circle's
 *    deployer at nonce 20 (the real address; the real contract is a FiatTokenProxy whose minters are Circle's).
 *  - WBTC (0x2260…C599) — STAND-IN `MockERC20("Wrapped BTC (stand-in)", "WBTC", 8)`, placed with `hardhat_setCode`:
 *    runtime code copied from a scratch deployment (the decimals immutable is in the code) and the name/symbol storage
 *    slots copied after it. Why not CREATE: the address book does not name WBTC's deployer and nonce.
 *  - Chainlink ETH/USD, BTC/USD, USDC/USD (EACAggregatorProxy on mainnet) — STAND-IN `MockAggregatorV3` (8 decimals,
 *    keeps every round), placed with `hardhat_setCode` + the `description` slot, then re-initialised through its own
 *    `setAnswerAt` with an hourly price history. Why not CREATE: the proxies' deployer/nonce are not in the book.
 *  - Pools WETH/USDC 0.05 % and WBTC/USDC 0.3 % are created by the canonical factory, hence at their mainnet CREATE2
 *    addresses (0x88e6…5640, 0x99ac…Bc35), and seeded with full-range liquidity at the feeds' last prices.
 *  - Whales (addressBook WHALES) receive the tokens the fork suite pulls from them.
 *  - Aave V3 — the REAL @aave/core-v3 bytecode (scripts/replica/aaveV3.ts), but deployed at ORDINARY addresses (by
 *    `funder`), NOT at the canonical ones of `MAINNET.aaveV3`: on mainnet the Pool and PoolConfigurator are proxies
 *    the PoolAddressesProvider created, and the real deployer's nonces cannot be reproduced. Reserves USDC, WETH,
 *    WBTC on the canonical tokens, priced by the canonical-address feeds (AaveOracle reads their `latestAnswer()`),
 *    Aave's mainnet-like risk parameters, and lender liquidity (default 20M USD per reserve) supplied by `funder`.
 *    Its addresses are returned in `CanonicalReplica.aave`; callers must take the Pool from there, not from the book.
 */
import { Contract, ContractFactory, getAddress, getCreateAddress, keccak256, toBeHex, zeroPadValue } from "ethers";
import type { InterfaceAbi, Provider, Signer } from "ethers";
import {
  MockAggregatorV3__factory,
  MockERC20__factory,
  type MockAggregatorV3,
  type MockERC20,
} from "../../types/ethers-contracts/index.js";
import { checkDeployerNonces, MAINNET, WHALES, type AddressBook } from "../lib/addressBook.ts";
import { feedAnswer, toUnits } from "../lib/units.ts";
import { AAVE_RISK_PARAMS, deployAaveV3, supplyLiquidity } from "./aaveV3.ts";
import {
  addLiquidity,
  ARTIFACTS,
  computePoolAddress,
  createPool,
  POOL_INIT_CODE_HASH,
  ReplicaError,
  type Artifact,
} from "./uniswapV3.ts";
import type { UniswapV3Context } from "./uniswapV3.ts";

const ART = ARTIFACTS;

/** What the replica needs from a chain: JSON-RPC `send` (Hardhat methods) and a signer for any (impersonated) address. */
export interface ReplicaChain {
  provider: Provider & { send(method: string, params: unknown[]): Promise<unknown> };
  getSigner(address: string): Promise<Signer>;
}

export interface CanonicalReplicaOptions {
  /** USD per whole token at the last feed round (and the pools' initial prices). */
  prices?: { ETH: number; BTC: number };
  /** Hourly feed rounds of history before the last one (a deterministic walk ending at `prices`). */
  historyRounds?: number;
  /** USD depth of each pool (half in each token), full range. */
  poolDepthUsd?: number;
  /** Whole tokens minted/wrapped to each whale. */
  whaleFunds?: { USDC: number; WETH: number; WBTC: number };
  /** USD of lender liquidity `funder` supplies to each Aave V3 reserve (USDC, WETH, WBTC). */
  aaveLenderLiquidityUsd?: number;
}

/** The replica's Aave V3 market: real bytecode at ordinary (replica) addresses, not at `MAINNET.aaveV3`. */
export interface ReplicaAaveV3 {
  /** Pool proxy (what `AaveV3LendingModule` is given). */
  pool: string;
  addressesProvider: string;
  oracle: string;
  dataProvider: string;
  /** Underlyings listed, in reserve order: USDC, WETH, WBTC (canonical addresses). */
  reserves: string[];
}

export interface CanonicalReplica {
  book: AddressBook;
  uniswap: UniswapV3Context;
  weth: Contract;
  usdc: MockERC20;
  wbtc: MockERC20;
  feeds: { ETH_USD: MockAggregatorV3; BTC_USD: MockAggregatorV3; USDC_USD: MockAggregatorV3 };
  /** Aave V3, deployed at replica addresses (not the canonical ones): see the file header. */
  aave: ReplicaAaveV3;
  /** How each address was filled: "create" (real deployer + nonce) or "setCode" (code copied), per book entry. */
  placement: Record<string, "create" | "setCode">;
  /** Named stand-ins (what is not the real mainnet contract), for deployment records and docs. */
  standIns: string[];
}

const hex = (n: bigint | number) => toBeHex(BigInt(n));

async function hasCode(chain: ReplicaChain, address: string) {
  return (await chain.provider.getCode(address)) !== "0x";
}

/** Deploys `bytecode` by CREATE from the impersonated `deployer` at `nonce`; refuses unless it lands on `expected`. */
async function createAt(
  chain: ReplicaChain,
  label: string,
  deployer: string,
  nonce: number,
  expected: string,
  abi: InterfaceAbi,
  bytecode: string,
  args: unknown[] = [],
): Promise<Contract> {
  const target = getCreateAddress({ from: deployer, nonce });
  if (target !== getAddress(expected)) {
    throw new ReplicaError(`${label}: deployer nonce does not yield the canonical address`, {
      deployer,
      nonce,
      target,
      expected,
    });
  }
  if (await hasCode(chain, target))
    throw new ReplicaError(`${label}: code already at the canonical address`, { target });
  const current = await chain.provider.getTransactionCount(deployer);
  if (current > nonce) throw new ReplicaError(`${label}: deployer nonce already past`, { deployer, current, nonce });
  await chain.provider.send("hardhat_impersonateAccount", [deployer]);
  await chain.provider.send("hardhat_setBalance", [deployer, hex(10n ** 20n)]);
  if (current < nonce) await chain.provider.send("hardhat_setNonce", [deployer, hex(nonce)]);
  const signer = await chain.getSigner(deployer);
  const contract = (await new ContractFactory(abi, bytecode, signer).deploy(...args)) as Contract;
  await contract.waitForDeployment();
  const at = await contract.getAddress();
  if (at !== target) throw new ReplicaError(`${label}: deployed at an unexpected address`, { at, target });
  return contract;
}

/** Copies the runtime code of `from` to `to`, plus the given storage slots. */
async function copyCode(chain: ReplicaChain, from: string, to: string, slots: number[]) {
  if (await hasCode(chain, to)) throw new ReplicaError("code already at the canonical address", { to });
  await chain.provider.send("hardhat_setCode", [to, await chain.provider.getCode(from)]);
  for (const slot of slots) {
    const value = await chain.provider.getStorage(from, slot);
    await chain.provider.send("hardhat_setStorageAt", [to, zeroPadValue(hex(slot), 32), value]);
  }
}

function linkLibrary(artifact: Artifact, name: string, address: string): string {
  let code = artifact.bytecode.slice(2);
  const lib = getAddress(address).slice(2).toLowerCase();
  for (const refs of Object.values(artifact.linkReferences ?? {})) {
    for (const { start, length } of refs[name] ?? []) {
      code = code.slice(0, start * 2) + lib + code.slice((start + length) * 2);
    }
  }
  return `0x${code}`;
}

/** A deterministic hourly price walk of `n` rounds ending exactly at `last` (±0.4 % steps). */
export function priceHistory(last: number, n: number, seed: number): number[] {
  let x = seed >>> 0;
  const out = [last];
  for (let i = 1; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const step = ((x / 2 ** 32) * 2 - 1) * 0.004;
    out.push(out[i - 1] / (1 + step));
  }
  return out.reverse();
}

/**
 * Puts the replica on `chain` at the canonical addresses and returns typed handles. `funder` pays for and owns the
 * pools' liquidity. Refuses (ReplicaError) if any canonical address already holds code.
 */
export async function deployCanonicalReplica(
  chain: ReplicaChain,
  funder: Signer,
  options: CanonicalReplicaOptions = {},
): Promise<CanonicalReplica> {
  const book = MAINNET;
  checkDeployerNonces(book);
  if (keccak256(ART.pool.bytecode) !== POOL_INIT_CODE_HASH) {
    throw new ReplicaError("UniswapV3Pool bytecode does not match POOL_INIT_CODE_HASH", {});
  }
  const prices = options.prices ?? { ETH: 3_000, BTC: 60_000 };
  const rounds = options.historyRounds ?? 48;
  const depthUsd = options.poolDepthUsd ?? 200_000_000;
  const whaleFunds = options.whaleFunds ?? { USDC: 50_000_000, WETH: 20_000, WBTC: 1_000 };
  const { deployers: d, deployerNonces: n, uniswapV3: u, tokens: t, feeds: f } = book;
  const placement: Record<string, "create" | "setCode"> = {};

  // Real bytecode at real addresses, by CREATE from the real deployers, in nonce order.
  const weth = await createAt(chain, "WETH9", d.weth9, n.weth9, t.WETH, ART.weth9.abi, ART.weth9.bytecode);
  placement.WETH = "create";
  const factory = await createAt(
    chain,
    "factory",
    d.uniswapV3,
    n.factory,
    u.factory,
    ART.factory.abi,
    ART.factory.bytecode,
  );
  placement.factory = "create";
  const router = await createAt(
    chain,
    "SwapRouter",
    d.uniswapV3,
    n.router,
    u.router,
    ART.swapRouter.abi,
    ART.swapRouter.bytecode,
    [u.factory, t.WETH],
  );
  placement.router = "create";
  await createAt(
    chain,
    "NFTDescriptor",
    d.uniswapV3,
    n.nftDescriptorLibrary,
    u.nftDescriptorLibrary,
    ART.nftDescriptor.abi,
    ART.nftDescriptor.bytecode,
  );
  placement.nftDescriptorLibrary = "create";
  const descriptorImpl = await createAt(
    chain,
    "NonfungibleTokenPositionDescriptor",
    d.uniswapV3,
    n.tokenDescriptorImpl,
    u.tokenDescriptorImpl,
    ART.tokenDescriptor.abi,
    linkLibrary(ART.tokenDescriptor, "NFTDescriptor", u.nftDescriptorLibrary),
    [t.WETH, "0x4554480000000000000000000000000000000000000000000000000000000000"], // bytes32("ETH")
  );
  placement.tokenDescriptorImpl = "create";
  await copyCode(chain, await descriptorImpl.getAddress(), u.tokenDescriptor, []);
  placement.tokenDescriptor = "setCode";
  const positionManager = await createAt(
    chain,
    "NonfungiblePositionManager",
    d.uniswapV3,
    n.positionManager,
    u.positionManager,
    ART.positionManager.abi,
    ART.positionManager.bytecode,
    [u.factory, t.WETH, u.tokenDescriptor],
  );
  placement.positionManager = "create";
  const quoter = await createAt(
    chain,
    "QuoterV2",
    d.uniswapV3,
    n.quoterV2,
    u.quoterV2,
    ART.quoterV2.abi,
    ART.quoterV2.bytecode,
    [u.factory, t.WETH],
  );
  placement.quoterV2 = "create";

  // USDC stand-in by CREATE from Circle's deployer at the real nonce.
  const usdcContract = await createAt(
    chain,
    "USDC (stand-in)",
    d.usdc,
    n.usdc,
    t.USDC,
    MockERC20__factory.abi,
    MockERC20__factory.bytecode,
    ["USD Coin (stand-in)", "USDC", 6],
  );
  placement.USDC = "create";
  const usdc = MockERC20__factory.connect(await usdcContract.getAddress(), funder);

  // WBTC stand-in and the feeds by setCode: code from a scratch deployment, then storage (re)initialised.
  const scratchWbtc = await new MockERC20__factory(funder).deploy("Wrapped BTC (stand-in)", "WBTC", 8);
  await scratchWbtc.waitForDeployment();
  await copyCode(chain, await scratchWbtc.getAddress(), t.WBTC, [3, 4]); // OZ ERC20: _name = slot 3, _symbol = slot 4
  placement.WBTC = "setCode";
  const wbtc = MockERC20__factory.connect(t.WBTC, funder);
  if ((await wbtc.symbol()) !== "WBTC" || Number(await wbtc.decimals()) !== 8) {
    throw new ReplicaError("WBTC stand-in storage layout mismatch", { symbol: await wbtc.symbol() });
  }

  const now = (await chain.provider.getBlock("latest"))!.timestamp;
  const placeFeed = async (key: keyof typeof f, description: string, last: number, seed: number) => {
    const scratch = await new MockAggregatorV3__factory(funder).deploy(8, description, feedAnswer(last));
    await scratch.waitForDeployment();
    await copyCode(chain, await scratch.getAddress(), f[key], [0]); // slot 0: description (decimals is immutable)
    placement[key] = "setCode";
    const feed = MockAggregatorV3__factory.connect(f[key], funder);
    if ((await feed.description()) !== description) throw new ReplicaError("feed storage layout mismatch", { key });
    const history = priceHistory(last, rounds, seed);
    for (let i = 0; i < history.length; i++) {
      const at = now - (history.length - 1 - i) * 3_600;
      await (await feed.setAnswerAt(feedAnswer(Number(history[i].toFixed(8))), at)).wait();
    }
    return feed;
  };
  const feeds = {
    ETH_USD: await placeFeed("ETH_USD", "ETH / USD", prices.ETH, 1),
    BTC_USD: await placeFeed("BTC_USD", "BTC / USD", prices.BTC, 2),
    USDC_USD: await placeFeed("USDC_USD", "USDC / USD", 1, 3),
  };

  // Pools at the canonical CREATE2 addresses, seeded at the feeds' last prices.
  const uniswap: UniswapV3Context = {
    signer: funder,
    weth: weth.connect(funder) as Contract,
    factory: factory.connect(funder) as Contract,
    router: router.connect(funder) as Contract,
    positionManager: positionManager.connect(funder) as Contract,
    quoter: quoter.connect(funder) as Contract,
    tokenDescriptor: new Contract(u.tokenDescriptor, ART.tokenDescriptor.abi, funder),
    addresses: {
      weth: t.WETH,
      factory: u.factory,
      router: u.router,
      positionManager: u.positionManager,
      quoter: u.quoterV2,
      tokenDescriptor: u.tokenDescriptor,
      nftDescriptorLibrary: u.nftDescriptorLibrary,
    },
  };
  const funderAddress = await funder.getAddress();
  const wethLiquidity = toUnits(depthUsd / 2 / prices.ETH, 18);
  const wbtcLiquidity = toUnits(depthUsd / 2 / prices.BTC, 8);
  const usdcLiquidity = toUnits(depthUsd / 2, 6);
  const balance = await chain.provider.getBalance(funderAddress);
  await chain.provider.send("hardhat_setBalance", [funderAddress, hex(balance + wethLiquidity + 10n ** 18n)]);
  await (await (weth.connect(funder) as Contract).deposit({ value: wethLiquidity })).wait();
  await (await usdc.mint(funderAddress, usdcLiquidity * 2n)).wait();
  await (await wbtc.mint(funderAddress, wbtcLiquidity)).wait();
  await createPool(uniswap, t.WETH, t.USDC, book.poolFees.WETH, prices.ETH);
  await createPool(uniswap, t.WBTC, t.USDC, book.poolFees.WBTC, prices.BTC);
  await addLiquidity(
    uniswap,
    { tokenA: t.WETH, tokenB: t.USDC, fee: book.poolFees.WETH },
    wethLiquidity,
    usdcLiquidity,
  );
  await addLiquidity(
    uniswap,
    { tokenA: t.WBTC, tokenB: t.USDC, fee: book.poolFees.WBTC },
    wbtcLiquidity,
    usdcLiquidity,
  );
  for (const [key, pool, a, fee] of [
    ["WETH_USDC_500", book.pools.WETH_USDC_500, t.WETH, book.poolFees.WETH],
    ["WBTC_USDC_3000", book.pools.WBTC_USDC_3000, t.WBTC, book.poolFees.WBTC],
  ] as const) {
    const got = getAddress(await uniswap.factory.getPool(a, t.USDC, fee));
    if (got !== getAddress(pool) || computePoolAddress(u.factory, a, t.USDC, fee) !== getAddress(pool)) {
      throw new ReplicaError("pool not at its canonical address", { key, got, expected: pool });
    }
  }

  // Whales: the same accounts the mainnet fork impersonates hold the same tokens here.
  await (await usdc.mint(WHALES.USDC, toUnits(whaleFunds.USDC, 6))).wait();
  await (await wbtc.mint(WHALES.WBTC, toUnits(whaleFunds.WBTC, 8))).wait();
  const wethWei = toUnits(whaleFunds.WETH, 18);
  await chain.provider.send("hardhat_impersonateAccount", [WHALES.WETH]);
  await chain.provider.send("hardhat_setBalance", [WHALES.WETH, hex(wethWei + 10n ** 18n)]);
  await (await (weth.connect(await chain.getSigner(WHALES.WETH)) as Contract).deposit({ value: wethWei })).wait();
  await chain.provider.send("hardhat_stopImpersonatingAccount", [WHALES.WETH]);
  for (const deployer of [d.uniswapV3, d.weth9, d.usdc]) {
    await chain.provider.send("hardhat_stopImpersonatingAccount", [deployer]);
  }

  // Aave V3 (real bytecode) at ordinary addresses, on the canonical tokens and feeds, with lender liquidity.
  const aaveCtx = await deployAaveV3(funder, {
    reserves: [
      { token: t.USDC, feed: f.USDC_USD, ...AAVE_RISK_PARAMS.USDC },
      { token: t.WETH, feed: f.ETH_USD, ...AAVE_RISK_PARAMS.WETH },
      { token: t.WBTC, feed: f.BTC_USD, ...AAVE_RISK_PARAMS.WBTC },
    ],
    marketId: "Ballast replica (Aave V3 Ethereum stand-in)",
  });
  const lenderUsd = options.aaveLenderLiquidityUsd ?? 20_000_000;
  const lender = {
    USDC: toUnits(lenderUsd, 6),
    WETH: toUnits(lenderUsd / prices.ETH, 18),
    WBTC: toUnits(lenderUsd / prices.BTC, 8),
  };
  const funderBalance = await chain.provider.getBalance(funderAddress);
  await chain.provider.send("hardhat_setBalance", [funderAddress, hex(funderBalance + lender.WETH + 10n ** 18n)]);
  await (await (weth.connect(funder) as Contract).deposit({ value: lender.WETH })).wait();
  await (await usdc.mint(funderAddress, lender.USDC)).wait();
  await (await wbtc.mint(funderAddress, lender.WBTC)).wait();
  for (const k of ["USDC", "WETH", "WBTC"] as const) await supplyLiquidity(aaveCtx, t[k], lender[k], funder);
  const aave: ReplicaAaveV3 = {
    pool: aaveCtx.addresses.pool,
    addressesProvider: aaveCtx.addresses.addressesProvider,
    oracle: aaveCtx.addresses.oracle,
    dataProvider: aaveCtx.addresses.dataProvider,
    reserves: aaveCtx.reserves.map((r) => r.token),
  };

  return {
    book,
    uniswap,
    weth,
    usdc,
    wbtc,
    feeds,
    aave,
    placement,
    standIns: [
      "USDC: MockERC20 (6 decimals) at the canonical address (CREATE from Circle's deployer, nonce 20)",
      "WBTC: MockERC20 (8 decimals) at the canonical address (hardhat_setCode)",
      "Chainlink ETH/USD, BTC/USD, USDC/USD: MockAggregatorV3 (8 decimals, every round kept) at the canonical addresses (hardhat_setCode)",
      "Uniswap V3 NFT descriptor proxy: the implementation's runtime code at the proxy address (hardhat_setCode)",
      `Aave V3 (real @aave/core-v3 bytecode): deployed at replica addresses, not the canonical ones (Pool ${aave.pool}, PoolAddressesProvider ${aave.addressesProvider}; mainnet: ${book.aaveV3.pool}, ${book.aaveV3.addressesProvider})`,
    ],
  };
}
