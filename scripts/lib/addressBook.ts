/**
 * One address book for Ethereum mainnet and for the local replica that mirrors it (scripts/replica/canonical.ts):
 * the canonical addresses of the tokens, Uniswap V3 contracts, Aave V3 market and Chainlink feeds Ballast touches, the block the fork
 * suite pins, and the accounts ("whales") it impersonates to fund a depositor.
 *
 * The replica places its contracts at exactly these addresses (the real deployers' CREATE addresses where the real
 * bytecode is deployed, `hardhat_setCode` for stand-ins; Aave V3 is the one exception, see `aaveV3`), so the fork suite, the keeper and the governance scripts use
 * the same addresses whether they run against mainnet (MAINNET_RPC_URL) or the replica.
 */
import { getAddress, getCreateAddress } from "ethers";

/** Canonical mainnet addresses (checksummed). */
export const MAINNET = {
  chainId: 1,
  tokens: {
    /** WETH9 (Dec 2017), deployed by `deployers.weth9` at nonce 446. */
    WETH: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
    /** USDC: Circle's FiatTokenProxy, deployed by `deployers.usdc` at nonce 20. 6 decimals. */
    USDC: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    /** WBTC (BitGo custodian token). 8 decimals. */
    WBTC: "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599",
  },
  decimals: { WETH: 18, USDC: 6, WBTC: 8 },
  uniswapV3: {
    /** UniswapV3Factory: deployer nonce 0. */
    factory: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
    /** SwapRouter (v1, `exactInput(params)` with a deadline): deployer nonce 4. */
    router: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
    /** NFTDescriptor library: deployer nonce 5. */
    nftDescriptorLibrary: "0x42B24A95702b9986e82d421cC3568932790A48Ec",
    /** NonfungibleTokenPositionDescriptor implementation: deployer nonce 6. */
    tokenDescriptorImpl: "0x91ae842A5Ffd8d12023116943e72A606179294f3",
    /** TransparentUpgradeableProxy in front of the descriptor: deployer nonce 7 (NPM's `tokenDescriptor`). */
    tokenDescriptor: "0xEe6A57eC80ea46401049E92587E52f5Ec1c24785",
    /** NonfungiblePositionManager: deployer nonce 8. */
    positionManager: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
    /** QuoterV2: deployer nonce 13. */
    quoterV2: "0x61fFE014bA17989E743c5F6cB21bF9697530B21e",
  },
  /** Uniswap V3 pools the keeper trades through (CREATE2 from the factory; checked in the fork suite). */
  pools: {
    /** WETH/USDC 0.05 %. */
    WETH_USDC_500: "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
    /** WBTC/USDC 0.3 %. */
    WBTC_USDC_3000: "0x99ac8cA7087fA4A2A1FB6357269965A2014ABc35",
  },
  poolFees: { WETH: 500, WBTC: 3000 },
  /**
   * Aave V3 Ethereum market (live since January 2023, so at PINNED_BLOCK too), from Aave's address book
   * (bgd-labs/aave-address-book, `AaveV3Ethereum`). The Pool is an upgradeable proxy the PoolAddressesProvider created
   * (its implementation changes with governance upgrades, the proxy address does not): the replica cannot place these
   * at their canonical addresses and deploys its Aave V3 at ordinary addresses instead (scripts/replica/canonical.ts).
   */
  aaveV3: {
    /** Pool proxy: `supply`, `borrow`, `getUserAccountData` (what the lending module is an account of). */
    pool: "0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2",
    /** PoolAddressesProvider: the market's registry (`getPool()` returns the address above). */
    addressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e",
  },
  /** Chainlink EACAggregatorProxy feeds, all 8 decimals, USD quoted. */
  feeds: {
    ETH_USD: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
    BTC_USD: "0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c",
    USDC_USD: "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6",
  },
  /** The EOAs that created the contracts above, and the nonce of each creation (see `checkDeployerNonces`). */
  deployers: {
    uniswapV3: "0x6C9FC64A53c1b71FB3f9Af64d1ae3A4931A5f4E9",
    weth9: "0x4F26FfBe5F04ED43630fdC30A87638d53D0b0876",
    usdc: "0x95Ba4cF87D6723ad9C0Db21737D862bE80e93911",
  },
  deployerNonces: {
    factory: 0,
    router: 4,
    nftDescriptorLibrary: 5,
    tokenDescriptorImpl: 6,
    tokenDescriptor: 7,
    positionManager: 8,
    quoterV2: 13,
    weth9: 446,
    usdc: 20,
  },
} as const;

/**
 * The block the fork suite pins when MAINNET_RPC_URL is set: 19,000,000 (2024-01-13). Pinning makes runs repeatable
 * and lets an archive RPC cache the state; the whales below held the funds the suite needs at that block.
 */
export const PINNED_BLOCK = 19_000_000;

/**
 * Accounts holding large balances at PINNED_BLOCK, impersonated to fund the suite's depositor. On the replica,
 * scripts/replica/canonical.ts mints/wraps the same tokens to these same addresses, so the funding code is identical.
 */
export const WHALES = {
  /** Binance 14 hot wallet: a large USDC holder throughout 2023-2024. */
  USDC: "0x28C6c06298d514Db089934071355E5743bf21d60",
  /** MakerDAO ETH-A GemJoin: holds the WETH collateral of ETH-A vaults. */
  WETH: "0x2F0b23f53734252Bda2277357e97e1517d6B042A",
  /** Aave V2 aWBTC: holds the WBTC supplied to Aave V2. */
  WBTC: "0x9ff58f4fFB29fA2266Ab25e75e2A8b3503311656",
} as const;

export type AddressBook = typeof MAINNET;

/** Every CREATE address in the book must be what its deployer's nonce yields; throws naming the first mismatch. */
export function checkDeployerNonces(book: AddressBook = MAINNET): void {
  const { deployers: d, deployerNonces: n, uniswapV3: u, tokens: t } = book;
  const expected: [string, string, number, string][] = [
    ["factory", d.uniswapV3, n.factory, u.factory],
    ["router", d.uniswapV3, n.router, u.router],
    ["nftDescriptorLibrary", d.uniswapV3, n.nftDescriptorLibrary, u.nftDescriptorLibrary],
    ["tokenDescriptorImpl", d.uniswapV3, n.tokenDescriptorImpl, u.tokenDescriptorImpl],
    ["tokenDescriptor", d.uniswapV3, n.tokenDescriptor, u.tokenDescriptor],
    ["positionManager", d.uniswapV3, n.positionManager, u.positionManager],
    ["quoterV2", d.uniswapV3, n.quoterV2, u.quoterV2],
    ["weth9", d.weth9, n.weth9, t.WETH],
    ["usdc", d.usdc, n.usdc, t.USDC],
  ];
  for (const [name, from, nonce, address] of expected) {
    const got = getCreateAddress({ from, nonce });
    if (got !== getAddress(address)) {
      throw new Error(`address book: ${name} is ${address}, but ${from} at nonce ${nonce} creates ${got}`);
    }
  }
}
