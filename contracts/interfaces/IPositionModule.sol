// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IAdapter} from "./IAdapter.sol";

/// @notice What a position module holds, valued at the oracle prices the vault passes in. Index i of the arrays is
/// `tokens()[i]`. Amounts are in each token's own decimals.
struct ModuleReport {
    /// @dev Long exposure per token: LP token amounts at the oracle price (uncollected fees included), collateral
    /// supplied, and idle balances the module holds.
    uint256[] longAmounts;
    /// @dev Debt per token (variable debt, interest included).
    uint256[] debtAmounts;
    /// @dev Short gamma of the module's positions, USD in WAD: ½·|∂²V/∂P²|·P² summed over positions at the oracle
    /// price, i.e. the second-order loss for a relative price move r is about `shortGammaUsdWad`·r². 0 when none.
    uint256 shortGammaUsdWad;
    /// @dev The protocol's own health factor (WAD, 1e18 = liquidation line); type(uint256).max when nothing is owed.
    uint256 healthFactorWad;
}

/// @title IPositionModule
/// @notice A non-spot position held for exactly one vault: Uniswap V3 liquidity (NFTs) or an Aave V3 account. The
/// module is the protocol-facing account (it owns the NFTs, the aTokens and the debt); only its vault can act on it.
/// The vault values it through `report` at the vault's own oracle prices and checks the whole risk budget (health
/// factor, leverage, net delta, short gamma, protocol exposure) after every rebalance that touches it.
/// @dev Every amount a module takes from the vault is pulled with an exact allowance; everything it takes out of the
/// protocol (withdrawals, borrows, collected fees, burned liquidity) goes straight back to the vault.
interface IPositionModule is IAdapter {
    /// @notice The only caller of `execute` and `exitProRata`.
    function vault() external view returns (address);

    /// @notice The tokens this module reports on, fixed at deployment (at most 4). Each must be the vault's base asset
    /// or one of its listed assets.
    function tokens() external view returns (address[] memory);

    /// @notice Exposure at `pricesWad` (USD per whole token, 1e18 fixed point, in `tokens()` order).
    function report(uint256[] calldata pricesWad) external view returns (ModuleReport memory);

    /// @notice Vault only: one protocol action. The module may pull at most `amountIn` of `tokenIn` from the vault
    /// (the vault approves exactly that much, 0 for actions that need no input). `data` = abi.encode(uint8 op, ...),
    /// module-specific. With `deRiskOnly` (breaker tripped or shutdown) only actions that reduce risk are accepted.
    function execute(address tokenIn, uint256 amountIn, bool deRiskOnly, bytes calldata data) external;

    /// @notice Vault only, for `redeemInKind`: unwinds `shares / supply` of every position and sends the proceeds to
    /// `receiver`. Debt is repaid pro rata with tokens pulled from `payer` (the redeeming caller must approve the
    /// module for its slice of the debt): an in-kind exit takes its share of the liabilities too, and reads no price.
    function exitProRata(uint256 shares, uint256 supply, address payer, address receiver) external;
}
