// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ErrorsLib
/// @notice Every custom error of the Ballast vault, in one place. Each risk-limit error is named after the rule it
/// protects and carries the limit and the observed value, so that a keeper, a UI or an auditor can tell at once what
/// was broken and by how much. Units are in the names: `Bps` = 1/10,000 of NAV, `Ppm` = 1/1,000,000 of NAV,
/// `Wad` = 1e18 fixed point, plain amounts are in the token's own decimals.
/// @dev An interface rather than a library: the vault inherits it, so that every error, including those raised
/// inside the linked PositionChecksLib, is in the vault's ABI and decodes with the vault's bindings alone.
interface ErrorsLib {
    // ───────────────────────────── risk budget (checked in rebalance) ─────────────────────────────

    /// @notice After the trades, `asset` would weigh `weightBps` of NAV, above its cap (and more than before).
    error WeightAboveCap(address asset, uint256 weightBps, uint256 capBps);
    /// @notice After the trades, assets of `protocolId` would weigh `exposureBps` of NAV, above the protocol's cap.
    error ProtocolExposureAboveCap(bytes32 protocolId, uint256 exposureBps, uint256 capBps);
    /// @notice The trades' notional (sum of oracle value of the inputs) is `turnoverBps` of NAV, above the cap.
    error TurnoverAboveCap(uint256 turnoverBps, uint256 capBps);
    /// @notice Turnover inside the rolling window would reach `turnoverPpm` of NAV, above the window cap.
    error WindowTurnoverAboveCap(uint256 turnoverPpm, uint256 capPpm);
    /// @notice Trade `tradeIndex` accepts `slippageBps` below the oracle-implied output (its minAmountOut is too low).
    error SlippageAboveCap(uint256 tradeIndex, uint256 slippageBps, uint256 capBps);
    /// @notice Realised slippage inside the rolling window would reach `slippagePpm` of NAV, above the window budget.
    error WindowSlippageAboveCap(uint256 slippagePpm, uint256 capPpm);
    /// @notice Trade `tradeIndex` executed `deviationBps` better than the oracle: the oracle and the market disagree.
    error PriceDeviationAboveCap(uint256 tradeIndex, uint256 deviationBps, uint256 capBps);
    /// @notice After the trades, idle base asset would be `idleBps` of NAV, below the minimum buffer (and lower
    /// than before).
    error IdleBelowMin(uint256 idleBps, uint256 minBps);
    /// @notice The previous rebalance was too recent; the next one is allowed at `readyAt`.
    error CooldownActive(uint256 readyAt, uint256 nowTimestamp);
    /// @notice A deposit of `assets` would take NAV above the deposit cap; only `remaining` fits.
    error DepositCapExceeded(uint256 assets, uint256 remaining, uint256 cap);
    /// @notice The drawdown breaker is tripped or shutdown is active: trade `tradeIndex` must sell into the base asset.
    error OnlyDeRiskingAllowed(uint256 tradeIndex, address tokenOut);
    /// @notice A plan holds `count` trades; at most `max` fit in one rebalance (bounded loop).
    error TooManyTrades(uint256 count, uint256 max);

    /// @notice After the rebalance, `module`'s protocol health factor would be `healthFactorWad`, below the minimum
    /// (both 1e18 fixed point; liquidation starts below 1e18).
    error HealthFactorBelowMin(address module, uint256 healthFactorWad, uint256 minHealthFactorWad);
    /// @notice After the rebalance, gross exposure (every long position at oracle value) would be `leverageBps` of
    /// NAV, above the cap (and more than before).
    error GrossLeverageAboveCap(uint256 leverageBps, uint256 capBps);
    /// @notice After the rebalance, the net delta of `asset` (spot + LP amounts + collateral − debt, at oracle value)
    /// would be `netDeltaBps` of NAV in absolute value, above the cap (and more than before).
    error NetDeltaAboveCap(address asset, int256 netDeltaBps, uint256 capBps);
    /// @notice After the rebalance, the short gamma of the LP positions (½·|Γ|·P², USD) would be `shortGammaBps` of
    /// NAV, above the cap (and more than before).
    error ShortGammaAboveCap(uint256 shortGammaBps, uint256 capBps);
    /// @notice The rebalance lost `lossBase` of NAV at fixed oracle prices, more than the `allowedBase` its swaps'
    /// slippage and `maxSlippageBps` of its module actions' turnover allow.
    error ValueLossAboveCap(uint256 lossBase, uint256 allowedBase);
    /// @notice Debt (at oracle value) would exceed every long position: NAV would be negative.
    error NegativeNav(uint256 longBase, uint256 debtBase);

    // ───────────────────────────── rebalance mechanics ─────────────────────────────

    /// @notice `planId` was executed already; a replayed plan is refused.
    error PlanAlreadyExecuted(bytes32 planId);
    /// @notice The rebalance was mined after its `deadline`.
    error DeadlineExpired(uint256 deadline, uint256 nowTimestamp);
    /// @notice A plan with no trades.
    error EmptyPlan();
    /// @notice Trade `tradeIndex` names an adapter governance has not whitelisted.
    error AdapterNotAllowed(uint256 tradeIndex, address adapter);
    /// @notice Trade `tradeIndex` names a token that is not a whitelisted asset of the vault.
    error AssetNotAllowed(uint256 tradeIndex, address token);
    /// @notice Trade `tradeIndex` has the same token in and out, or a zero amount.
    error InvalidTrade(uint256 tradeIndex);
    /// @notice The adapter took `spent` of the input, more than the `amountIn` it was approved for.
    error AdapterOverspent(uint256 tradeIndex, uint256 spent, uint256 amountIn);
    /// @notice Trade `tradeIndex` delivered `received` (balance delta), less than its `minAmountOut`.
    error InsufficientOutput(uint256 tradeIndex, uint256 received, uint256 minAmountOut);

    // ───────────────────────────── position modules ─────────────────────────────

    /// @notice A module function that only the module's vault may call was called by `caller`.
    error OnlyVault(address caller);
    /// @notice The module does not know operation `op` (first word of the action data).
    error UnknownOperation(uint8 op);
    /// @notice The module would hold `count` positions; at most `max` (bounds every valuation loop).
    error TooManyPositions(uint256 count, uint256 max);
    /// @notice The module holds no position `positionId`.
    error PositionNotHeld(uint256 positionId);
    /// @notice `token` is not one of the module's tokens.
    error TokenNotInModule(address token);
    /// @notice Operation `op` adds risk and is refused while only de-risking is allowed (breaker or shutdown).
    error ModuleDeRiskOnly(uint8 op);
    /// @notice Operation `op` spends `token`, but the vault approved the module for `tokenIn`.
    error ModuleInputMismatch(uint8 op, address tokenIn, address token);
    /// @notice `module` reports on `token`, which is neither the base asset nor a listed asset of the vault.
    error ModuleTokenNotListed(address module, address token);
    /// @notice The vault has `max` modules already (bounds every NAV loop).
    error TooManyModules(uint256 max);
    /// @notice `module` is already registered.
    error ModuleAlreadyAdded(address module);
    /// @notice `module` is not registered with this vault.
    error ModuleNotAdded(address module);
    /// @notice `module` still holds positions or debt worth `valueBase`; unwind it before removing it.
    error ModuleNotEmpty(address module, uint256 valueBase);
    /// @notice `module` was deployed for another vault (`moduleVault`).
    error ModuleVaultMismatch(address module, address moduleVault);

    // ───────────────────────────── oracle ─────────────────────────────

    /// @notice The feed of `asset` answered `answer`; a price must be > 0.
    error InvalidPrice(address asset, int256 answer);
    /// @notice The feed of `asset` returned an incomplete round (`answeredInRound` < `roundId` or no timestamp).
    error IncompleteRound(address asset, uint80 roundId, uint80 answeredInRound);
    /// @notice The feed of `asset` was last updated at `updatedAt`, older than its `maxStalenessSeconds`.
    error StalePrice(address asset, uint256 updatedAt, uint256 maxStalenessSeconds);
    /// @notice The feed reports more than 18 decimals, which the router does not normalise.
    error UnsupportedFeedDecimals(address feed, uint8 decimals);

    // ───────────────────────────── deposits and withdrawals ─────────────────────────────

    /// @notice The guardian paused the vault: no deposits or rebalances (exits stay open).
    error EnforcedPause();
    /// @notice Shutdown is active: no new deposits.
    error VaultShutdown();
    /// @notice Idle base asset (`idle`) cannot cover `assets`; use `redeemInKind` to leave with a pro-rata share.
    error InsufficientIdle(uint256 assets, uint256 idle);
    /// @notice A deposit, mint, withdrawal or redemption of zero.
    error ZeroAmount();

    // ───────────────────────────── governance ─────────────────────────────

    /// @notice The guardian may only tighten: `field` would go from `current` to the looser `proposed`.
    error NotATightening(bytes32 field, uint256 current, uint256 proposed);
    /// @notice A parameter is outside its sane range (e.g. a bps value above 10,000, a zero window).
    error InvalidParameter(bytes32 field, uint256 value);
    /// @notice `asset` is already whitelisted.
    error AssetAlreadyListed(address asset);
    /// @notice `asset` is not whitelisted.
    error AssetNotListed(address asset);
    /// @notice The vault lists `max` assets already (bounds every NAV loop).
    error TooManyAssets(uint256 max);
    /// @notice `asset` still has a balance of `balance`; sell it before delisting.
    error AssetHasBalance(address asset, uint256 balance);
    /// @notice The zero address where an address is required.
    error ZeroAddress();
}
