// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SqrtPriceMath} from "@uniswap/v4-core/src/libraries/SqrtPriceMath.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";

import {IPositionModule, ModuleReport} from "../interfaces/IPositionModule.sol";
import {
    INonfungiblePositionManager,
    IUniswapV3FactoryLite,
    IUniswapV3PoolLite
} from "../interfaces/uniswap/IUniswapV3Liquidity.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";

/// @title UniswapV3LiquidityModule
/// @notice A Ballast vault's Uniswap V3 liquidity on one token pair, held as NFTs of the real
/// NonfungiblePositionManager. The vault values it through `report` at ITS OWN ORACLE PRICES: each position's token
/// amounts are computed at the oracle's sqrt price (the pool's spot can be moved by anyone, the oracle cannot), plus
/// uncollected fees (owed + accrued since the last poke, from the pool's fee growth) and idle balances. Short gamma of
/// a position in range is ½·|∂²V/∂P²|·P² = L·√P/4 (token1), priced in USD.
/// @dev Only the vault acts. Actions: `data = abi.encode(uint8 op, bytes args)`:
/// FUND (1): pull `amountIn` of `tokenIn` and hold it (stages the first token of a mint);
/// MINT (2): pull `amountIn` of `tokenIn`, then mint `args = (uint24 fee, int24 tickLower, int24 tickUpper,
///   uint256 amount0Desired, uint256 amount1Desired, uint256 amount0Min, uint256 amount1Min)` from idle balances;
/// INCREASE (3): same funding, `args = (uint256 tokenId, amount0Desired, amount1Desired, amount0Min, amount1Min)`;
/// DECREASE (4): `args = (uint256 tokenId, uint128 liquidity, amount0Min, amount1Min)`, then collect all to the vault;
/// COLLECT (5): `args = (uint256 tokenId)`: fees to the vault; BURN (6): `args = (uint256 tokenId, amount0Min,
/// amount1Min)`: remove all liquidity, collect all to the vault, burn the NFT.
/// After MINT and INCREASE every idle token goes back to the vault. With `deRiskOnly` only DECREASE, COLLECT and BURN.
contract UniswapV3LiquidityModule is IPositionModule, IERC721Receiver, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint8 public constant FUND = 1;
    uint8 public constant MINT = 2;
    uint8 public constant INCREASE = 3;
    uint8 public constant DECREASE = 4;
    uint8 public constant COLLECT = 5;
    uint8 public constant BURN = 6;
    /// @notice At most this many positions: bounds every valuation loop.
    uint256 public constant MAX_POSITIONS = 4;
    uint256 private constant Q96 = 2 ** 96;
    uint256 private constant Q128 = 2 ** 128;
    uint256 private constant Q192 = 2 ** 192;

    address public immutable vault;
    INonfungiblePositionManager public immutable positionManager;
    IUniswapV3FactoryLite public immutable factory;
    address public immutable token0;
    address public immutable token1;
    uint8 private immutable _decimals0;
    uint8 private immutable _decimals1;
    uint256[] internal _positions;

    event LiquidityAction(uint8 indexed op, uint256 indexed tokenId, uint256 amount0, uint256 amount1);
    event LiquidityExit(address indexed receiver, uint256 shares, uint256 supply, uint256 amount0, uint256 amount1);

    modifier onlyVault() {
        if (msg.sender != vault) revert ErrorsLib.OnlyVault(msg.sender);
        _;
    }

    /// @param vault_ The only caller of `execute` and `exitProRata`.
    /// @param positionManager_ Uniswap V3's NonfungiblePositionManager.
    /// @param factory_ The factory of the pools the positions sit in (fee growth is read from them).
    /// @param tokenA One token of the pair.
    /// @param tokenB The other (sorted into token0/token1 here).
    constructor(
        address vault_,
        INonfungiblePositionManager positionManager_,
        IUniswapV3FactoryLite factory_,
        address tokenA,
        address tokenB
    ) {
        if (vault_ == address(0) || tokenA == address(0) || tokenB == address(0) || tokenA == tokenB) {
            revert ErrorsLib.ZeroAddress();
        }
        vault = vault_;
        positionManager = positionManager_;
        factory = factory_;
        (token0, token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        _decimals0 = IERC20Metadata(token0).decimals();
        _decimals1 = IERC20Metadata(token1).decimals();
    }

    /// @notice keccak256("uniswap-v3"): the protocol whose failure this module exposes the vault to.
    function protocolId() external pure returns (bytes32) {
        return keccak256("uniswap-v3");
    }

    /// @inheritdoc IPositionModule
    function tokens() external view returns (address[] memory t) {
        t = new address[](2);
        (t[0], t[1]) = (token0, token1);
    }

    /// @notice The NFT ids this module holds.
    function positionIds() external view returns (uint256[] memory) {
        return _positions;
    }

    // ═════════════════════════════ valuation ═════════════════════════════

    /// @dev One position as the valuation needs it.
    struct Pos {
        uint24 fee;
        int24 tickLower;
        int24 tickUpper;
        uint128 liquidity;
        uint256 insideLast0;
        uint256 insideLast1;
        uint128 owed0;
        uint128 owed1;
    }

    /// @inheritdoc IPositionModule
    /// @dev `pricesWad` = [token0, token1] USD prices. Amounts at the oracle's sqrt price, rounded down.
    function report(uint256[] calldata pricesWad) external view returns (ModuleReport memory r) {
        r.longAmounts = new uint256[](2);
        r.debtAmounts = new uint256[](2);
        r.healthFactorWad = type(uint256).max;
        r.longAmounts[0] = IERC20(token0).balanceOf(address(this));
        r.longAmounts[1] = IERC20(token1).balanceOf(address(this));
        uint160 sqrtP = oracleSqrtPriceX96(pricesWad[0], pricesWad[1]);
        for (uint256 k; k < _positions.length; ++k) {
            Pos memory p = _position(_positions[k]);
            (uint256 a0, uint256 a1, uint256 gamma1) = _amountsAt(p, sqrtP);
            (uint256 f0, uint256 f1) = _fees(p);
            r.longAmounts[0] += a0 + f0;
            r.longAmounts[1] += a1 + f1;
            r.shortGammaUsdWad += Math.mulDiv(gamma1, pricesWad[1], 10 ** _decimals1);
        }
    }

    /// @notice sqrt(token1 per token0, raw units) · 2^96 implied by two USD prices (WAD): the price the module values
    /// its positions at.
    function oracleSqrtPriceX96(uint256 price0Wad, uint256 price1Wad) public view returns (uint160) {
        uint256 ratioX192 = Math.mulDiv(price0Wad * 10 ** _decimals1, Q192, price1Wad * 10 ** _decimals0);
        return uint160(Math.sqrt(ratioX192));
    }

    /// @notice Token amounts of position `tokenId` at `sqrtPriceX96` (no fees) and its short gamma in token1 units.
    function amountsAt(
        uint256 tokenId,
        uint160 sqrtPriceX96
    ) external view returns (uint256 amount0, uint256 amount1, uint256 shortGamma1) {
        return _amountsAt(_position(tokenId), sqrtPriceX96);
    }

    /// @notice Uncollected fees of position `tokenId` (owed + accrued in the pool since the last poke).
    function feesOf(uint256 tokenId) external view returns (uint256 fees0, uint256 fees1) {
        return _fees(_position(tokenId));
    }

    function _position(uint256 tokenId) private view returns (Pos memory p) {
        (, , , , p.fee, p.tickLower, p.tickUpper, p.liquidity, p.insideLast0, p.insideLast1, p.owed0, p.owed1) = (
            positionManager.positions(tokenId)
        );
    }

    function _amountsAt(
        Pos memory p,
        uint160 sqrtP
    ) private pure returns (uint256 amount0, uint256 amount1, uint256 shortGamma1) {
        uint160 sqrtA = TickMath.getSqrtPriceAtTick(p.tickLower);
        uint160 sqrtB = TickMath.getSqrtPriceAtTick(p.tickUpper);
        if (p.liquidity == 0) return (0, 0, 0);
        if (sqrtP <= sqrtA) {
            amount0 = SqrtPriceMath.getAmount0Delta(sqrtA, sqrtB, p.liquidity, false);
        } else if (sqrtP < sqrtB) {
            amount0 = SqrtPriceMath.getAmount0Delta(sqrtP, sqrtB, p.liquidity, false);
            amount1 = SqrtPriceMath.getAmount1Delta(sqrtA, sqrtP, p.liquidity, false);
            // ½·|V''|·P² with V in token1 and P = (sqrtP/2^96)²: L·√P/4.
            shortGamma1 = Math.mulDiv(p.liquidity, sqrtP, Q96 * 4);
        } else {
            amount1 = SqrtPriceMath.getAmount1Delta(sqrtA, sqrtB, p.liquidity, false);
        }
    }

    /// @dev Uncollected fees exactly as the pool would credit them on a poke: fee growth inside the range since the
    /// position's last snapshot (modulo 2^256, as Uniswap V3 computes it), times liquidity, plus tokens owed.
    function _fees(Pos memory p) private view returns (uint256 fees0, uint256 fees1) {
        IUniswapV3PoolLite pool = IUniswapV3PoolLite(factory.getPool(token0, token1, p.fee));
        (, int24 tick, , , , , ) = pool.slot0();
        uint256 inside0 = _inside(pool, p, tick, pool.feeGrowthGlobal0X128(), true);
        uint256 inside1 = _inside(pool, p, tick, pool.feeGrowthGlobal1X128(), false);
        unchecked {
            fees0 = Math.mulDiv(inside0 - p.insideLast0, p.liquidity, Q128) + p.owed0;
            fees1 = Math.mulDiv(inside1 - p.insideLast1, p.liquidity, Q128) + p.owed1;
        }
    }

    function _inside(
        IUniswapV3PoolLite pool,
        Pos memory p,
        int24 tick,
        uint256 global,
        bool zero
    ) private view returns (uint256) {
        (, , uint256 lower0, uint256 lower1, , , , ) = pool.ticks(p.tickLower);
        (, , uint256 upper0, uint256 upper1, , , , ) = pool.ticks(p.tickUpper);
        uint256 lower = zero ? lower0 : lower1;
        uint256 upper = zero ? upper0 : upper1;
        unchecked {
            uint256 below = tick >= p.tickLower ? lower : global - lower;
            uint256 above = tick < p.tickUpper ? upper : global - upper;
            return global - below - above;
        }
    }

    // ═════════════════════════════ actions ═════════════════════════════

    /// @inheritdoc IPositionModule
    function execute(
        address tokenIn,
        uint256 amountIn,
        bool deRiskOnly,
        bytes calldata data
    ) external onlyVault nonReentrant {
        (uint8 op, bytes memory args) = abi.decode(data, (uint8, bytes));
        if (deRiskOnly && op != DECREASE && op != COLLECT && op != BURN) revert ErrorsLib.ModuleDeRiskOnly(op);
        if (amountIn > 0) {
            if (tokenIn != token0 && tokenIn != token1) revert ErrorsLib.TokenNotInModule(tokenIn);
            IERC20(tokenIn).safeTransferFrom(vault, address(this), amountIn);
        }
        if (op == FUND) {
            emit LiquidityAction(op, 0, tokenIn == token0 ? amountIn : 0, tokenIn == token1 ? amountIn : 0);
        } else if (op == MINT) {
            _mint(args);
        } else if (op == INCREASE) {
            _increase(args);
        } else if (op == DECREASE) {
            (uint256 tokenId, uint128 liquidity, uint256 min0, uint256 min1) = abi.decode(
                args,
                (uint256, uint128, uint256, uint256)
            );
            _requireHeld(tokenId);
            _decrease(tokenId, liquidity, min0, min1);
            _collect(tokenId, vault, type(uint128).max, type(uint128).max, op);
        } else if (op == COLLECT) {
            uint256 tokenId = abi.decode(args, (uint256));
            _requireHeld(tokenId);
            _collect(tokenId, vault, type(uint128).max, type(uint128).max, op);
        } else if (op == BURN) {
            _burn(args);
        } else {
            revert ErrorsLib.UnknownOperation(op);
        }
    }

    function _mint(bytes memory args) private {
        if (_positions.length >= MAX_POSITIONS) revert ErrorsLib.TooManyPositions(_positions.length + 1, MAX_POSITIONS);
        INonfungiblePositionManager.MintParams memory m;
        (m.fee, m.tickLower, m.tickUpper, m.amount0Desired, m.amount1Desired, m.amount0Min, m.amount1Min) = abi.decode(
            args,
            (uint24, int24, int24, uint256, uint256, uint256, uint256)
        );
        (m.token0, m.token1, m.recipient, m.deadline) = (token0, token1, address(this), block.timestamp);
        _approve(m.amount0Desired, m.amount1Desired);
        (uint256 tokenId, , uint256 a0, uint256 a1) = positionManager.mint(m);
        _approve(0, 0);
        _positions.push(tokenId);
        _refund();
        emit LiquidityAction(MINT, tokenId, a0, a1);
    }

    function _increase(bytes memory args) private {
        INonfungiblePositionManager.IncreaseLiquidityParams memory m;
        (m.tokenId, m.amount0Desired, m.amount1Desired, m.amount0Min, m.amount1Min) = abi.decode(
            args,
            (uint256, uint256, uint256, uint256, uint256)
        );
        _requireHeld(m.tokenId);
        m.deadline = block.timestamp;
        _approve(m.amount0Desired, m.amount1Desired);
        (, uint256 a0, uint256 a1) = positionManager.increaseLiquidity(m);
        _approve(0, 0);
        _refund();
        emit LiquidityAction(INCREASE, m.tokenId, a0, a1);
    }

    function _burn(bytes memory args) private {
        (uint256 tokenId, uint256 min0, uint256 min1) = abi.decode(args, (uint256, uint256, uint256));
        uint256 k = _requireHeld(tokenId);
        uint128 liquidity = _position(tokenId).liquidity;
        if (liquidity > 0) _decrease(tokenId, liquidity, min0, min1);
        _collect(tokenId, vault, type(uint128).max, type(uint128).max, BURN);
        positionManager.burn(tokenId);
        _positions[k] = _positions[_positions.length - 1];
        _positions.pop();
    }

    function _decrease(
        uint256 tokenId,
        uint128 liquidity,
        uint256 min0,
        uint256 min1
    ) private returns (uint256, uint256) {
        return
            positionManager.decreaseLiquidity(
                INonfungiblePositionManager.DecreaseLiquidityParams(tokenId, liquidity, min0, min1, block.timestamp)
            );
    }

    function _collect(uint256 tokenId, address to, uint128 max0, uint128 max1, uint8 op) private {
        (uint256 a0, uint256 a1) = positionManager.collect(
            INonfungiblePositionManager.CollectParams(tokenId, to, max0, max1)
        );
        emit LiquidityAction(op, tokenId, a0, a1);
    }

    function _approve(uint256 amount0, uint256 amount1) private {
        IERC20(token0).forceApprove(address(positionManager), amount0);
        IERC20(token1).forceApprove(address(positionManager), amount1);
    }

    /// @dev Every idle token goes back to the vault: the module holds liquidity, not cash.
    function _refund() private {
        uint256 b0 = IERC20(token0).balanceOf(address(this));
        uint256 b1 = IERC20(token1).balanceOf(address(this));
        if (b0 > 0) IERC20(token0).safeTransfer(vault, b0);
        if (b1 > 0) IERC20(token1).safeTransfer(vault, b1);
    }

    function _requireHeld(uint256 tokenId) private view returns (uint256 k) {
        for (k = 0; k < _positions.length; ++k) if (_positions[k] == tokenId) return k;
        revert ErrorsLib.PositionNotHeld(tokenId);
    }

    // ═════════════════════════════ in-kind exit ═════════════════════════════

    /// @inheritdoc IPositionModule
    /// @dev For each position: removes `shares/supply` of its liquidity (rounded down) and collects to `receiver`
    /// exactly the principal just released plus `shares/supply` of the fees owed; the rest of the fees stays for the
    /// remaining holders. Idle balances pro rata. No debt, so `payer` is unused. Reads no price.
    function exitProRata(uint256 shares, uint256 supply, address, address receiver) external onlyVault nonReentrant {
        uint256 out0;
        uint256 out1;
        for (uint256 k; k < _positions.length; ++k) {
            (uint256 c0, uint256 c1) = _exitPosition(_positions[k], shares, supply, receiver);
            out0 += c0;
            out1 += c1;
        }
        uint256 idle0 = (IERC20(token0).balanceOf(address(this)) * shares) / supply;
        uint256 idle1 = (IERC20(token1).balanceOf(address(this)) * shares) / supply;
        if (idle0 > 0) IERC20(token0).safeTransfer(receiver, idle0);
        if (idle1 > 0) IERC20(token1).safeTransfer(receiver, idle1);
        emit LiquidityExit(receiver, shares, supply, out0 + idle0, out1 + idle1);
    }

    function _exitPosition(
        uint256 tokenId,
        uint256 shares,
        uint256 supply,
        address receiver
    ) private returns (uint256, uint256) {
        uint128 liquidity = uint128((uint256(_position(tokenId).liquidity) * shares) / supply);
        (uint256 principal0, uint256 principal1) = liquidity > 0 ? _decrease(tokenId, liquidity, 0, 0) : (0, 0);
        Pos memory p = _position(tokenId); // owed now = principal just released + every fee accrued so far
        uint128 take0 = uint128(principal0 + ((p.owed0 - principal0) * shares) / supply);
        uint128 take1 = uint128(principal1 + ((p.owed1 - principal1) * shares) / supply);
        if (take0 == 0 && take1 == 0) return (0, 0);
        return positionManager.collect(INonfungiblePositionManager.CollectParams(tokenId, receiver, take0, take1));
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}
