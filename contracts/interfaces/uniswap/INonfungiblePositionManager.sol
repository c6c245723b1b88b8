// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title INonfungiblePositionManager (minimal)
/// @notice The part of Uniswap V3's `NonfungiblePositionManager` (periphery 1.x) that Ballast's liquidity module calls,
/// declared for Solidity 0.8 (the periphery's own interfaces pin `<0.8`). Signatures and ABI layouts are the
/// periphery's; `positions` returns its twelve static words as one struct, which encodes identically.
interface INonfungiblePositionManager {
    /// @notice A position as `positions(tokenId)` returns it.
    /// @dev `feeGrowthInside{0,1}LastX128` is the pool's fee growth inside the range at the position's last poke;
    /// `tokensOwed{0,1}` holds principal released by `decreaseLiquidity` plus fees computed at that poke, not yet
    /// collected.
    struct Position {
        uint96 nonce;
        address operator;
        address token0;
        address token1;
        uint24 fee;
        int24 tickLower;
        int24 tickUpper;
        uint128 liquidity;
        uint256 feeGrowthInside0LastX128;
        uint256 feeGrowthInside1LastX128;
        uint128 tokensOwed0;
        uint128 tokensOwed1;
    }

    struct MintParams {
        address token0;
        address token1;
        uint24 fee;
        int24 tickLower;
        int24 tickUpper;
        uint256 amount0Desired;
        uint256 amount1Desired;
        uint256 amount0Min;
        uint256 amount1Min;
        address recipient;
        uint256 deadline;
    }

    struct IncreaseLiquidityParams {
        uint256 tokenId;
        uint256 amount0Desired;
        uint256 amount1Desired;
        uint256 amount0Min;
        uint256 amount1Min;
        uint256 deadline;
    }

    struct DecreaseLiquidityParams {
        uint256 tokenId;
        uint128 liquidity;
        uint256 amount0Min;
        uint256 amount1Min;
        uint256 deadline;
    }

    struct CollectParams {
        uint256 tokenId;
        address recipient;
        uint128 amount0Max;
        uint128 amount1Max;
    }

    /// @notice The Uniswap V3 factory whose pools this manager mints into.
    function factory() external view returns (address);

    /// @notice The position behind NFT `tokenId` (reverts "Invalid token ID" once burned).
    function positions(uint256 tokenId) external view returns (Position memory);

    /// @notice Creates a position NFT for `params.recipient`; pulls the tokens from the caller.
    function mint(
        MintParams calldata params
    ) external payable returns (uint256 tokenId, uint128 liquidity, uint256 amount0, uint256 amount1);

    /// @notice Adds liquidity to `params.tokenId`; pulls the tokens from the caller.
    function increaseLiquidity(
        IncreaseLiquidityParams calldata params
    ) external payable returns (uint128 liquidity, uint256 amount0, uint256 amount1);

    /// @notice Removes liquidity and credits the principal (and the fees accrued so far) to `tokensOwed`.
    function decreaseLiquidity(
        DecreaseLiquidityParams calldata params
    ) external payable returns (uint256 amount0, uint256 amount1);

    /// @notice Sends up to `amount{0,1}Max` of what `params.tokenId` is owed (principal and fees) to `recipient`.
    function collect(CollectParams calldata params) external payable returns (uint256 amount0, uint256 amount1);

    /// @notice Burns an NFT whose liquidity and owed tokens are all zero.
    function burn(uint256 tokenId) external payable;

    /// @notice ERC-721 owner of `tokenId`.
    function ownerOf(uint256 tokenId) external view returns (address);
}
