// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {FixedPoint128} from "@uniswap/v4-core/src/libraries/FixedPoint128.sol";
import {FullMath} from "@uniswap/v4-core/src/libraries/FullMath.sol";
import {SqrtPriceMath} from "@uniswap/v4-core/src/libraries/SqrtPriceMath.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";

import {IAdapter} from "../interfaces/IAdapter.sol";
import {IPositionModule, ModuleReport} from "../interfaces/IPositionModule.sol";
import {INonfungiblePositionManager} from "../interfaces/uniswap/INonfungiblePositionManager.sol";
import {IUniswapV3Factory} from "../interfaces/uniswap/IUniswapV3Factory.sol";
import {IUniswapV3PoolFeeState} from "../interfaces/uniswap/IUniswapV3PoolFeeState.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";

/// @title UniswapV3LiquidityModule
/// @notice Uniswap V3 range liquidity in one token pair, held for exactly one Ballast vault. The module owns the
/// position NFTs (at most `MAX_POSITIONS`, in any fee tier of the pair); the vault drives it with `execute` and values
/// it with `report` at the vault's ORACLE prices. The pool's spot price is never used to value principal: a swap can
/// move it within a block, an oracle price cannot be moved that cheaply.
/// @dev Action data is `abi.encode(uint8 op, ...)`, see the `OP_*` constants (scripts/lib/lpModule.ts encodes them):
///   FUND     (1)                           pull `amountIn` of `tokenIn` and keep it idle (stages a MINT/INCREASE)
///   MINT     (2, uint24 fee, int24 tickLower, int24 tickUpper,
///                uint256 amount0Desired, uint256 amount1Desired, uint256 amount0Min, uint256 amount1Min)
///   INCREASE (3, uint256 tokenId,
///                uint256 amount0Desired, uint256 amount1Desired, uint256 amount0Min, uint256 amount1Min)
///   DECREASE (4, uint256 tokenId, uint128 liquidity, uint256 amount0Min, uint256 amount1Min)
///   COLLECT  (5, uint256 tokenId)
///   BURN     (6, uint256 tokenId)
/// FUND, MINT and INCREASE pull `amountIn` of `tokenIn` first (none when `amountIn` is 0); MINT and INCREASE spend the
/// module's idle balances and return whatever is left to the vault, so tokens are idle here only between a FUND and
/// the MINT or INCREASE that follows it in the same rebalance. DECREASE, COLLECT and BURN pull nothing, send every
/// token they take out of the pool straight to the vault, and are the only actions allowed under `deRiskOnly`.
/// BURN removes the remaining liquidity with no minimum amounts; for slippage protection DECREASE all the liquidity
/// with minimums first, then BURN. Every allowance to the position manager is exact and reset to 0 in the same call.
contract UniswapV3LiquidityModule is IPositionModule, IERC721Receiver, ReentrancyGuardTransient, ErrorsLib {
    using SafeERC20 for IERC20;

    /// @notice `keccak256("uniswap-v3")`: the protocol whose smart-contract risk this module carries.
    bytes32 public constant PROTOCOL_ID = keccak256("uniswap-v3");
    /// @notice At most this many positions: bounds the loops of `report` and `exitProRata`.
    uint256 public constant MAX_POSITIONS = 4;

    /// @notice Operation codes: the first word of `execute`'s `data` (see the contract's NatSpec for the rest).
    uint8 public constant OP_FUND = 1;
    uint8 public constant OP_MINT = 2;
    uint8 public constant OP_INCREASE = 3;
    uint8 public constant OP_DECREASE = 4;
    uint8 public constant OP_COLLECT = 5;
    uint8 public constant OP_BURN = 6;

    /// @inheritdoc IPositionModule
    address public immutable vault;
    /// @notice The Uniswap V3 `NonfungiblePositionManager` the positions live in.
    INonfungiblePositionManager public immutable positionManager;
    /// @notice The factory of `positionManager`, used to find each position's pool.
    IUniswapV3Factory public immutable factory;
    /// @notice The pair's lower address, Uniswap's token0 (`tokens()[0]`).
    address public immutable token0;
    /// @notice The pair's higher address, Uniswap's token1 (`tokens()[1]`).
    address public immutable token1;
    /// @dev 10^decimals of token0 and token1: one whole token in base units.
    uint256 private immutable _unit0;
    uint256 private immutable _unit1;

    /// @dev The NFTs the module holds, in no particular order (burns swap-and-pop).
    uint256[] private _positionIds;

    /// @notice `payload` of MINT after the op word (same ABI encoding as the flat fields).
    struct MintAction {
        uint24 fee;
        int24 tickLower;
        int24 tickUpper;
        uint256 amount0Desired;
        uint256 amount1Desired;
        uint256 amount0Min;
        uint256 amount1Min;
    }

    /// @notice `payload` of INCREASE after the op word.
    struct IncreaseAction {
        uint256 tokenId;
        uint256 amount0Desired;
        uint256 amount1Desired;
        uint256 amount0Min;
        uint256 amount1Min;
    }

    /// @notice `payload` of DECREASE after the op word.
    struct DecreaseAction {
        uint256 tokenId;
        uint128 liquidity;
        uint256 amount0Min;
        uint256 amount1Min;
    }

    /// @notice The constructor got the same token twice.
    error IdenticalTokens(address token);
    /// @notice The position manager mints into `positionManagerFactory`'s pools, not `factory`'s.
    error FactoryMismatch(address factory, address positionManagerFactory);
    /// @notice An NFT arrived that the module did not mint itself (`collection` is the sender contract).
    error UnexpectedNft(address collection, uint256 tokenId);
    /// @notice `report` got `length` prices; it needs one per token (`expected`).
    error PricesLengthMismatch(uint256 length, uint256 expected);
    /// @notice `exitProRata` got `shares` of `supply`: the supply must be positive and hold the shares.
    error InvalidShare(uint256 shares, uint256 supply);

    /// @notice FUND, MINT or INCREASE pulled `amount` of `token` from the vault.
    event Funded(address indexed token, uint256 amount);
    /// @notice A new position NFT `tokenId` with `liquidity`, paid with `amount0` and `amount1`.
    event PositionMinted(
        uint256 indexed tokenId,
        uint24 fee,
        int24 tickLower,
        int24 tickUpper,
        uint128 liquidity,
        uint256 amount0,
        uint256 amount1
    );
    /// @notice `liquidity` added to `tokenId` for `amount0` and `amount1`.
    event LiquidityIncreased(uint256 indexed tokenId, uint128 liquidity, uint256 amount0, uint256 amount1);
    /// @notice `liquidity` removed from `tokenId`, releasing principal `amount0` and `amount1` (collected separately).
    event LiquidityDecreased(uint256 indexed tokenId, uint128 liquidity, uint256 amount0, uint256 amount1);
    /// @notice `amount0` and `amount1` (released principal and fees) of `tokenId` sent to `recipient`.
    event Collected(uint256 indexed tokenId, address indexed recipient, uint256 amount0, uint256 amount1);
    /// @notice NFT `tokenId` burned and dropped from the module's positions.
    event PositionBurned(uint256 indexed tokenId);
    /// @notice Idle `amount0` and `amount1` the module held were sent to `recipient`.
    event IdleReturned(address indexed recipient, uint256 amount0, uint256 amount1);
    /// @notice `shares` of `supply` left in kind: `receiver` got `amount0` and `amount1` in total.
    event ExitedProRata(address indexed receiver, uint256 shares, uint256 supply, uint256 amount0, uint256 amount1);

    modifier onlyVault() {
        if (msg.sender != vault) revert OnlyVault(msg.sender);
        _;
    }

    /// @param vault_ The only caller of `execute` and `exitProRata`.
    /// @param positionManager_ Uniswap V3's `NonfungiblePositionManager`.
    /// @param factory_ The Uniswap V3 factory; must be `positionManager_.factory()`.
    /// @param tokenA One token of the pair (any order).
    /// @param tokenB The other token of the pair.
    constructor(
        address vault_,
        INonfungiblePositionManager positionManager_,
        address factory_,
        address tokenA,
        address tokenB
    ) {
        if (
            vault_ == address(0) ||
            address(positionManager_) == address(0) ||
            factory_ == address(0) ||
            tokenA == address(0) ||
            tokenB == address(0)
        ) revert ZeroAddress();
        if (tokenA == tokenB) revert IdenticalTokens(tokenA);
        address managerFactory = positionManager_.factory();
        if (managerFactory != factory_) revert FactoryMismatch(factory_, managerFactory);
        (address sorted0, address sorted1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        vault = vault_;
        positionManager = positionManager_;
        factory = IUniswapV3Factory(factory_);
        token0 = sorted0;
        token1 = sorted1;
        _unit0 = 10 ** IERC20Metadata(sorted0).decimals();
        _unit1 = 10 ** IERC20Metadata(sorted1).decimals();
    }

    // ───────────────────────────── vault actions ─────────────────────────────

    /// @inheritdoc IPositionModule
    /// @dev See the contract's NatSpec for the encoding of `data`. `tokenIn` must be token0 or token1 whenever
    /// `amountIn` is pulled (FUND, MINT, INCREASE with `amountIn > 0`); DECREASE, COLLECT and BURN ignore both.
    /// Unknown ops revert with `UnknownOperation`; under `deRiskOnly`, FUND, MINT and INCREASE revert with
    /// `ModuleDeRiskOnly`. The position manager's deadline is `block.timestamp`: the vault enforces the plan's.
    function execute(
        address tokenIn,
        uint256 amountIn,
        bool deRiskOnly,
        bytes calldata data
    ) external nonReentrant onlyVault {
        uint8 op = abi.decode(data, (uint8));
        if (op == 0 || op > OP_BURN) revert UnknownOperation(op);
        if (deRiskOnly && op < OP_DECREASE) revert ModuleDeRiskOnly(op);

        if (op <= OP_INCREASE) _pull(tokenIn, amountIn);
        if (op == OP_MINT) {
            (, MintAction memory action) = abi.decode(data, (uint8, MintAction));
            _mint(action);
        } else if (op == OP_INCREASE) {
            (, IncreaseAction memory action) = abi.decode(data, (uint8, IncreaseAction));
            _increase(action);
        } else if (op == OP_DECREASE) {
            (, DecreaseAction memory action) = abi.decode(data, (uint8, DecreaseAction));
            _decrease(action);
        } else if (op == OP_COLLECT) {
            (, uint256 tokenId) = abi.decode(data, (uint8, uint256));
            _indexOf(tokenId);
            _collectAll(tokenId, vault);
        } else if (op == OP_BURN) {
            (, uint256 tokenId) = abi.decode(data, (uint8, uint256));
            _burn(tokenId);
        }
    }

    /// @inheritdoc IPositionModule
    /// @dev For each position: removes `liquidity * shares / supply` (rounded down, no minimum amounts: an in-kind
    /// exit reads no price and takes the pool's current mix), then collects to `receiver` exactly that principal plus
    /// `shares / supply` of the fees owed (rounded down), so the fees left belong to the remaining holders. Idle
    /// balances go pro rata too. `payer` is unused: the module never owes debt.
    function exitProRata(uint256 shares, uint256 supply, address, address receiver) external nonReentrant onlyVault {
        if (supply == 0 || shares > supply) revert InvalidShare(shares, supply);
        uint256 total0;
        uint256 total1;
        uint256 count = _positionIds.length;
        for (uint256 i = 0; i < count; ++i) {
            (uint256 amount0, uint256 amount1) = _exitPosition(_positionIds[i], shares, supply, receiver);
            total0 += amount0;
            total1 += amount1;
        }
        uint256 idle0 = Math.mulDiv(IERC20(token0).balanceOf(address(this)), shares, supply);
        uint256 idle1 = Math.mulDiv(IERC20(token1).balanceOf(address(this)), shares, supply);
        if (idle0 > 0) IERC20(token0).safeTransfer(receiver, idle0);
        if (idle1 > 0) IERC20(token1).safeTransfer(receiver, idle1);
        if (idle0 > 0 || idle1 > 0) emit IdleReturned(receiver, idle0, idle1);
        emit ExitedProRata(receiver, shares, supply, total0 + idle0, total1 + idle1);
    }

    /// @notice Accepts only NFTs the module itself asked the position manager for (a manager that mints with
    /// `_safeMint`); anything else is refused, so that nobody can park positions here that the module does not track.
    function onERC721Received(
        address operator,
        address,
        uint256 tokenId,
        bytes calldata
    ) external view returns (bytes4) {
        if (msg.sender != address(positionManager) || operator != address(this)) {
            revert UnexpectedNft(msg.sender, tokenId);
        }
        return IERC721Receiver.onERC721Received.selector;
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc IPositionModule
    /// @dev Per position: the token amounts its liquidity holds at the ORACLE sqrt price (`oracleSqrtPriceX96`,
    /// rounded down as the pool rounds a burn), plus its uncollected fees: `tokensOwed` and the fees accrued since its
    /// last poke, computed from the pool's fee growth exactly as the pool and the position manager do. The pool's
    /// current tick is read only to split fee growth inside/outside the range, never to value principal. Idle
    /// balances are added. `shortGammaUsdWad` = Σ over positions in range at the oracle price of L·√P/4 (token1 base
    /// units, √P = sqrtPriceX96 / 2^96), valued at token1's price. No debt; the health factor is infinite.
    /// Reverts while an action is in progress (read-only reentrancy).
    function report(uint256[] calldata pricesWad) external view nonReentrantView returns (ModuleReport memory r) {
        if (pricesWad.length != 2) revert PricesLengthMismatch(pricesWad.length, 2);
        uint160 sqrtPriceX96 = oracleSqrtPriceX96(pricesWad[0], pricesWad[1]);
        uint256 amount0 = IERC20(token0).balanceOf(address(this));
        uint256 amount1 = IERC20(token1).balanceOf(address(this));
        uint256 liquidityInRange;
        uint256 count = _positionIds.length;
        for (uint256 i = 0; i < count; ++i) {
            (uint256 position0, uint256 position1, uint128 inRange) = _valuePosition(_positionIds[i], sqrtPriceX96);
            amount0 += position0;
            amount1 += position1;
            liquidityInRange += inRange;
        }
        r.longAmounts = new uint256[](2);
        r.longAmounts[0] = amount0;
        r.longAmounts[1] = amount1;
        r.debtAmounts = new uint256[](2);
        // ½·|∂²V/∂P²|·P² = L·√P/4 token1 units = L·sqrtPriceX96 / 2^98, split as /2^64 then /2^34 so that nothing
        // overflows (L < 2^130 summed, sqrtPriceX96 < 2^160); the USD value is that times price1Wad / 10^decimals1.
        r.shortGammaUsdWad = Math.mulDiv(
            Math.mulDiv(liquidityInRange, sqrtPriceX96, 1 << 64),
            pricesWad[1],
            _unit1 << 34
        );
        r.healthFactorWad = type(uint256).max;
    }

    /// @notice The pool sqrt price implied by the oracle: sqrt(price of token0 in token1 base units) · 2^96, rounded
    /// down, where that price is `price0Wad · 10^decimals1 / (price1Wad · 10^decimals0)`. Clamped to Uniswap's
    /// [MIN_SQRT_PRICE, MAX_SQRT_PRICE] (every position is wholly in one token beyond them).
    /// @param price0Wad USD per whole token0, 1e18 fixed point.
    /// @param price1Wad USD per whole token1, 1e18 fixed point (must be positive).
    function oracleSqrtPriceX96(uint256 price0Wad, uint256 price1Wad) public view returns (uint160) {
        uint256 numerator = price0Wad * _unit1;
        uint256 denominator = price1Wad * _unit0;
        uint256 ratio = numerator / denominator; // reverts on a zero price1Wad
        uint256 sqrtPriceX96;
        if (ratio < 1 << 64) {
            // price · 2^192 < 2^256: full precision.
            sqrtPriceX96 = Math.sqrt(Math.mulDiv(numerator, 1 << 192, denominator));
        } else if (ratio < 1 << 128) {
            // price ≥ 2^64: sqrt(price · 2^128) ≥ 2^96 significant bits already, the 32-bit shift loses nothing real.
            sqrtPriceX96 = Math.sqrt(Math.mulDiv(numerator, 1 << 128, denominator)) << 32;
        } else {
            return TickMath.MAX_SQRT_PRICE;
        }
        if (sqrtPriceX96 < TickMath.MIN_SQRT_PRICE) return TickMath.MIN_SQRT_PRICE;
        if (sqrtPriceX96 > TickMath.MAX_SQRT_PRICE) return TickMath.MAX_SQRT_PRICE;
        return uint160(sqrtPriceX96);
    }

    /// @notice The position NFTs the module holds (at most `MAX_POSITIONS`), in no particular order.
    function positionIds() external view returns (uint256[] memory) {
        return _positionIds;
    }

    /// @inheritdoc IPositionModule
    function tokens() external view returns (address[] memory list) {
        list = new address[](2);
        list[0] = token0;
        list[1] = token1;
    }

    /// @inheritdoc IAdapter
    function protocolId() external pure returns (bytes32) {
        return PROTOCOL_ID;
    }

    // ───────────────────────────── actions ─────────────────────────────

    function _pull(address tokenIn, uint256 amountIn) private {
        if (amountIn == 0) return;
        if (tokenIn != token0 && tokenIn != token1) revert TokenNotInModule(tokenIn);
        IERC20(tokenIn).safeTransferFrom(vault, address(this), amountIn);
        emit Funded(tokenIn, amountIn);
    }

    function _mint(MintAction memory action) private {
        uint256 count = _positionIds.length;
        if (count >= MAX_POSITIONS) revert TooManyPositions(count + 1, MAX_POSITIONS);
        _approveManager(action.amount0Desired, action.amount1Desired);
        (uint256 tokenId, uint128 liquidity, uint256 amount0, uint256 amount1) = positionManager.mint(
            INonfungiblePositionManager.MintParams({
                token0: token0,
                token1: token1,
                fee: action.fee,
                tickLower: action.tickLower,
                tickUpper: action.tickUpper,
                amount0Desired: action.amount0Desired,
                amount1Desired: action.amount1Desired,
                amount0Min: action.amount0Min,
                amount1Min: action.amount1Min,
                recipient: address(this),
                deadline: block.timestamp
            })
        );
        _approveManager(0, 0);
        _positionIds.push(tokenId);
        emit PositionMinted(tokenId, action.fee, action.tickLower, action.tickUpper, liquidity, amount0, amount1);
        _returnIdle();
    }

    function _increase(IncreaseAction memory action) private {
        _indexOf(action.tokenId);
        _approveManager(action.amount0Desired, action.amount1Desired);
        (uint128 liquidity, uint256 amount0, uint256 amount1) = positionManager.increaseLiquidity(
            INonfungiblePositionManager.IncreaseLiquidityParams({
                tokenId: action.tokenId,
                amount0Desired: action.amount0Desired,
                amount1Desired: action.amount1Desired,
                amount0Min: action.amount0Min,
                amount1Min: action.amount1Min,
                deadline: block.timestamp
            })
        );
        _approveManager(0, 0);
        emit LiquidityIncreased(action.tokenId, liquidity, amount0, amount1);
        _returnIdle();
    }

    function _decrease(DecreaseAction memory action) private {
        _indexOf(action.tokenId);
        _decreaseLiquidity(action.tokenId, action.liquidity, action.amount0Min, action.amount1Min);
        _collectAll(action.tokenId, vault);
    }

    function _burn(uint256 tokenId) private {
        uint256 index = _indexOf(tokenId);
        uint128 liquidity = positionManager.positions(tokenId).liquidity;
        if (liquidity > 0) _decreaseLiquidity(tokenId, liquidity, 0, 0);
        _collectAll(tokenId, vault);
        positionManager.burn(tokenId);
        _positionIds[index] = _positionIds[_positionIds.length - 1];
        _positionIds.pop();
        emit PositionBurned(tokenId);
    }

    /// @dev Removes `shares / supply` of `tokenId`'s liquidity and collects that principal plus `shares / supply` of
    /// its owed fees to `receiver`. After `decreaseLiquidity`, `tokensOwed` = released principal + every fee up to
    /// this block; with no liquidity removed (a slice that rounds to 0) the owed fees are those of the last poke.
    function _exitPosition(
        uint256 tokenId,
        uint256 shares,
        uint256 supply,
        address receiver
    ) private returns (uint256 amount0, uint256 amount1) {
        INonfungiblePositionManager.Position memory position = positionManager.positions(tokenId);
        uint128 liquidity = uint128(Math.mulDiv(position.liquidity, shares, supply));
        uint256 principal0;
        uint256 principal1;
        if (liquidity > 0) {
            (principal0, principal1) = _decreaseLiquidity(tokenId, liquidity, 0, 0);
            position = positionManager.positions(tokenId);
        }
        amount0 = principal0 + Math.mulDiv(position.tokensOwed0 - principal0, shares, supply);
        amount1 = principal1 + Math.mulDiv(position.tokensOwed1 - principal1, shares, supply);
        if (amount0 == 0 && amount1 == 0) return (0, 0); // the manager refuses a collect of nothing
        // Both fit: each is at most the uint128 tokensOwed.
        (amount0, amount1) = positionManager.collect(
            INonfungiblePositionManager.CollectParams({
                tokenId: tokenId,
                recipient: receiver,
                amount0Max: uint128(amount0),
                amount1Max: uint128(amount1)
            })
        );
        emit Collected(tokenId, receiver, amount0, amount1);
    }

    function _decreaseLiquidity(
        uint256 tokenId,
        uint128 liquidity,
        uint256 amount0Min,
        uint256 amount1Min
    ) private returns (uint256 amount0, uint256 amount1) {
        (amount0, amount1) = positionManager.decreaseLiquidity(
            INonfungiblePositionManager.DecreaseLiquidityParams({
                tokenId: tokenId,
                liquidity: liquidity,
                amount0Min: amount0Min,
                amount1Min: amount1Min,
                deadline: block.timestamp
            })
        );
        emit LiquidityDecreased(tokenId, liquidity, amount0, amount1);
    }

    function _collectAll(uint256 tokenId, address recipient) private {
        (uint256 amount0, uint256 amount1) = positionManager.collect(
            INonfungiblePositionManager.CollectParams({
                tokenId: tokenId,
                recipient: recipient,
                amount0Max: type(uint128).max,
                amount1Max: type(uint128).max
            })
        );
        emit Collected(tokenId, recipient, amount0, amount1);
    }

    /// @dev Sends every idle unit of the pair back to the vault (what a MINT or INCREASE did not use).
    function _returnIdle() private {
        uint256 idle0 = IERC20(token0).balanceOf(address(this));
        uint256 idle1 = IERC20(token1).balanceOf(address(this));
        if (idle0 > 0) IERC20(token0).safeTransfer(vault, idle0);
        if (idle1 > 0) IERC20(token1).safeTransfer(vault, idle1);
        if (idle0 > 0 || idle1 > 0) emit IdleReturned(vault, idle0, idle1);
    }

    function _approveManager(uint256 amount0, uint256 amount1) private {
        IERC20(token0).forceApprove(address(positionManager), amount0);
        IERC20(token1).forceApprove(address(positionManager), amount1);
    }

    /// @dev Index of `tokenId` in `_positionIds`; reverts with `PositionNotHeld` if the module does not hold it.
    function _indexOf(uint256 tokenId) private view returns (uint256) {
        uint256 count = _positionIds.length;
        for (uint256 i = 0; i < count; ++i) {
            if (_positionIds[i] == tokenId) return i;
        }
        revert PositionNotHeld(tokenId);
    }

    // ───────────────────────────── valuation ─────────────────────────────

    /// @dev Amounts of `tokenId` at `sqrtPriceX96` (principal + uncollected fees) and its liquidity if in range.
    function _valuePosition(
        uint256 tokenId,
        uint160 sqrtPriceX96
    ) private view returns (uint256 amount0, uint256 amount1, uint128 liquidityInRange) {
        INonfungiblePositionManager.Position memory position = positionManager.positions(tokenId);
        uint160 sqrtLowerX96 = TickMath.getSqrtPriceAtTick(position.tickLower);
        uint160 sqrtUpperX96 = TickMath.getSqrtPriceAtTick(position.tickUpper);
        // LiquidityAmounts.getAmountsForLiquidity, rounded down like a burn.
        uint128 liquidity = position.liquidity;
        if (sqrtPriceX96 <= sqrtLowerX96) {
            amount0 = SqrtPriceMath.getAmount0Delta(sqrtLowerX96, sqrtUpperX96, liquidity, false);
        } else if (sqrtPriceX96 < sqrtUpperX96) {
            amount0 = SqrtPriceMath.getAmount0Delta(sqrtPriceX96, sqrtUpperX96, liquidity, false);
            amount1 = SqrtPriceMath.getAmount1Delta(sqrtLowerX96, sqrtPriceX96, liquidity, false);
            liquidityInRange = liquidity;
        } else {
            amount1 = SqrtPriceMath.getAmount1Delta(sqrtLowerX96, sqrtUpperX96, liquidity, false);
        }
        (uint256 fees0, uint256 fees1) = _uncollectedFees(position);
        amount0 += fees0;
        amount1 += fees1;
    }

    /// @dev `tokensOwed` plus the fees accrued since the position's last poke: (feeGrowthInside now − at the last
    /// poke) · liquidity / 2^128, as `NonfungiblePositionManager` credits them on its next poke.
    function _uncollectedFees(
        INonfungiblePositionManager.Position memory position
    ) private view returns (uint256 fees0, uint256 fees1) {
        fees0 = position.tokensOwed0;
        fees1 = position.tokensOwed1;
        if (position.liquidity == 0) return (fees0, fees1);
        IUniswapV3PoolFeeState pool = IUniswapV3PoolFeeState(factory.getPool(token0, token1, position.fee));
        (uint256 inside0X128, uint256 inside1X128) = _feeGrowthInside(pool, position.tickLower, position.tickUpper);
        unchecked {
            // Fee growth is modular (it may wrap); the difference is what accrued.
            fees0 += FullMath.mulDiv(
                inside0X128 - position.feeGrowthInside0LastX128,
                position.liquidity,
                FixedPoint128.Q128
            );
            fees1 += FullMath.mulDiv(
                inside1X128 - position.feeGrowthInside1LastX128,
                position.liquidity,
                FixedPoint128.Q128
            );
        }
    }

    /// @dev Uniswap V3 `Tick.getFeeGrowthInside`: global growth minus the growth below the lower tick and above the
    /// upper tick, each side read from the tick's `feeGrowthOutside` relative to the pool's current tick. Unchecked:
    /// all fee growth is modulo 2^256 by design.
    function _feeGrowthInside(
        IUniswapV3PoolFeeState pool,
        int24 tickLower,
        int24 tickUpper
    ) private view returns (uint256 inside0X128, uint256 inside1X128) {
        int24 tickCurrent = pool.slot0().tick;
        uint256 global0X128 = pool.feeGrowthGlobal0X128();
        uint256 global1X128 = pool.feeGrowthGlobal1X128();
        IUniswapV3PoolFeeState.TickInfo memory lower = pool.ticks(tickLower);
        IUniswapV3PoolFeeState.TickInfo memory upper = pool.ticks(tickUpper);
        unchecked {
            uint256 below0 =
                tickCurrent >= tickLower ? lower.feeGrowthOutside0X128 : global0X128 - lower.feeGrowthOutside0X128;
            uint256 below1 =
                tickCurrent >= tickLower ? lower.feeGrowthOutside1X128 : global1X128 - lower.feeGrowthOutside1X128;
            uint256 above0 =
                tickCurrent < tickUpper ? upper.feeGrowthOutside0X128 : global0X128 - upper.feeGrowthOutside0X128;
            uint256 above1 =
                tickCurrent < tickUpper ? upper.feeGrowthOutside1X128 : global1X128 - upper.feeGrowthOutside1X128;
            inside0X128 = global0X128 - below0 - above0;
            inside1X128 = global1X128 - below1 - above1;
        }
    }
}
