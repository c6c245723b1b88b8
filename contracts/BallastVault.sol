// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {IPositionModule} from "./interfaces/IPositionModule.sol";
import {IBallastVault, RiskParams, Trade} from "./interfaces/IBallastVault.sol";
import {ErrorsLib} from "./libraries/ErrorsLib.sol";
import {EventsLib} from "./libraries/EventsLib.sol";
import {WindowLib} from "./libraries/WindowLib.sol";
import {BookLib} from "./libraries/BookLib.sol";
import {OracleLib} from "./libraries/OracleLib.sol";
import {BreakerLib} from "./libraries/BreakerLib.sol";
import {OracleRouter} from "./OracleRouter.sol";
import {RiskBudget} from "./RiskBudget.sol";

/// @title BallastVault
/// @notice An ERC-4626 vault over a base asset (e.g. USDC) that holds a basket of whitelisted assets and enforces a
/// risk budget on-chain. NAV (`totalAssets`) is the base balance plus every asset's balance at oracle prices. Keepers
/// rebalance through whitelisted adapters; after the trades the vault checks the whole budget against oracle prices and
/// reverts with the first limit the new state breaks. The keeper is never trusted.
/// @dev Roles — governance (`GOVERNOR_ROLE`, held by a TimelockController, also `DEFAULT_ADMIN_ROLE`) loosens limits
/// and lists assets, feeds and adapters after the timelock delay; the guardian (`GUARDIAN_ROLE`) pauses, tightens and
/// starts shutdown at once; keepers (`KEEPER_ROLE`) can only `rebalance` within the budget.
/// Exits: `withdraw`/`redeem` pay idle base asset at oracle NAV; `redeemInKind` pays a pro-rata slice of every holding,
/// reads no price, and works when paused, shut down or with broken feeds: a depositor can always leave.
/// Invariants (tested in contracts/test): shares are backed pro-rata by holdings; a successful rebalance never creates
/// or worsens a breach of a position limit (weight, protocol exposure, idle buffer); only the named role can call each
/// privileged function.
contract BallastVault is
    ERC4626,
    AccessControl,
    ReentrancyGuardTransient,
    OracleRouter,
    RiskBudget,
    IBallastVault,
    ErrorsLib
{
    using Math for uint256;
    using SafeERC20 for IERC20;

    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    /// @notice At most this many non-base assets: bounds every loop over holdings.
    uint256 public constant MAX_ASSETS = 16;
    /// @notice At most this many trades per rebalance: bounds the keeper-supplied loop.
    uint256 public constant MAX_TRADES = 10;
    /// @notice At most this many position modules (Uniswap V3 liquidity, Aave V3 account…): bounds every NAV loop.
    uint256 public constant MAX_MODULES = 4;
    /// @notice Virtual shares: 10^6 per unit of base asset, against the first-depositor inflation attack.
    uint8 public constant DECIMALS_OFFSET = 6;

    address[] internal _assets; // non-base assets, in listing order
    address[] internal _modules; // position modules, in registration order
    mapping(address adapter => bool) public isAdapter;
    mapping(bytes32 planId => bool) public planExecuted;
    bool public isShutdown;
    /// @notice Set by the guardian: no deposits and no rebalances; every exit stays open.
    bool public paused;
    uint8 private immutable _baseDecimals;

    /// @param baseAsset_ The asset deposited and withdrawn (e.g. USDC, 6 decimals).
    /// @param baseFeed Chainlink-style USD feed of the base asset (needed to value other assets in base units).
    /// @param baseMaxStalenessSeconds Staleness limit of `baseFeed`.
    /// @param params Initial vault-wide limits.
    /// @param governor The TimelockController: `DEFAULT_ADMIN_ROLE`, `GOVERNOR_ROLE` and `GUARDIAN_ROLE`
    /// (so that governance, too, can pause or reset the breaker).
    /// @param guardian The guardian (e.g. a multisig): `GUARDIAN_ROLE`.
    constructor(
        IERC20 baseAsset_,
        string memory name_,
        string memory symbol_,
        AggregatorV3Interface baseFeed,
        uint32 baseMaxStalenessSeconds,
        RiskParams memory params,
        address governor,
        address guardian
    ) ERC4626(baseAsset_) ERC20(name_, symbol_) {
        if (governor == address(0) || guardian == address(0)) revert ErrorsLib.ZeroAddress();
        _setSource(address(baseAsset_), baseFeed, baseMaxStalenessSeconds);
        _baseDecimals = _sources[address(baseAsset_)].tokenDecimals;
        _setParams(params, false);
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(GUARDIAN_ROLE, governor);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    modifier whenNotPaused() {
        if (paused) revert ErrorsLib.EnforcedPause();
        _;
    }

    // ═════════════════════════════ ERC-4626: deposits and withdrawals ═════════════════════════════

    /// @notice NAV: idle base asset plus every listed asset's balance at oracle prices, in base-asset units (rounded
    /// down). Reverts with the oracle's named error when a held asset's price is unusable.
    function totalAssets() public view override returns (uint256) {
        return _nav(Math.Rounding.Floor);
    }

    /// @notice Deposits `assets` of the base asset for shares priced at oracle NAV (rounded up: the vault's favour).
    /// @dev Reverts when paused, shut down, above the deposit cap (`DepositCapExceeded`) or with a bad oracle price.
    function deposit(
        uint256 assets,
        address receiver
    ) public override nonReentrant whenNotPaused returns (uint256 shares) {
        if (assets == 0) revert ErrorsLib.ZeroAmount();
        uint256 nav = _nav(Math.Rounding.Ceil);
        _checkDepositCap(assets, nav);
        shares = _toShares(assets, nav, Math.Rounding.Floor);
        if (shares == 0) revert ErrorsLib.ZeroAmount();
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @notice Mints exactly `shares`, pulling the base asset they cost at oracle NAV (rounded up).
    /// @dev Same checks as `deposit`.
    function mint(
        uint256 shares,
        address receiver
    ) public override nonReentrant whenNotPaused returns (uint256 assets) {
        if (shares == 0) revert ErrorsLib.ZeroAmount();
        uint256 nav = _nav(Math.Rounding.Ceil);
        assets = _toAssets(shares, nav, Math.Rounding.Ceil);
        _checkDepositCap(assets, nav);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @notice Withdraws `assets` of idle base asset, burning the shares they are worth at oracle NAV (rounded up).
    /// @dev Open when paused or shut down. Reverts with `InsufficientIdle` when idle base asset is short: then use
    /// `redeemInKind`. Needs usable prices; `redeemInKind` does not.
    function withdraw(
        uint256 assets,
        address receiver,
        address owner
    ) public override nonReentrant returns (uint256 shares) {
        if (assets == 0) revert ErrorsLib.ZeroAmount();
        uint256 nav = _nav(Math.Rounding.Floor);
        shares = _toShares(assets, nav, Math.Rounding.Ceil);
        _requireIdle(assets);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @notice Redeems `shares` for idle base asset at oracle NAV (rounded down).
    /// @dev Open when paused or shut down; `InsufficientIdle` when idle base asset is short (use `redeemInKind`).
    function redeem(
        uint256 shares,
        address receiver,
        address owner
    ) public override nonReentrant returns (uint256 assets) {
        if (shares == 0) revert ErrorsLib.ZeroAmount();
        uint256 nav = _nav(Math.Rounding.Floor);
        assets = _toAssets(shares, nav, Math.Rounding.Floor);
        _requireIdle(assets);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @notice Burns `shares` of `owner` and pays `receiver` the same fraction of every holding (base asset included),
    /// rounded down. Reads no price and is open when paused or shut down: the exit that always works.
    /// @return tokens The base asset then each listed asset; @return amounts What was paid of each.
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner
    ) external nonReentrant returns (address[] memory tokens, uint256[] memory amounts) {
        if (shares == 0) revert ErrorsLib.ZeroAmount();
        address caller = _msgSender();
        if (caller != owner) _spendAllowance(owner, caller, shares);
        // The virtual shares keep their slice: rounding in the vault's favour.
        uint256 supply = totalSupply() + 10 ** DECIMALS_OFFSET;
        uint256 n = _assets.length;
        tokens = new address[](n + 1);
        amounts = new uint256[](n + 1);
        tokens[0] = asset();
        for (uint256 i; i <= n; ++i) {
            if (i > 0) tokens[i] = _assets[i - 1];
            amounts[i] = IERC20(tokens[i]).balanceOf(address(this)).mulDiv(shares, supply, Math.Rounding.Floor);
        }
        _burn(owner, shares); // effects before interactions
        for (uint256 i; i <= n; ++i) {
            if (amounts[i] > 0) IERC20(tokens[i]).safeTransfer(receiver, amounts[i]);
        }
        // Position modules unwind the same fraction straight to the receiver; debt is repaid from the caller.
        for (uint256 k; k < _modules.length; ++k) {
            IPositionModule(_modules[k]).exitProRata(shares, supply, caller, receiver);
        }
        emit EventsLib.RedeemedInKind(caller, receiver, owner, shares, tokens, amounts);
    }

    /// @notice Remaining room under the deposit cap; 0 when paused, shut down or when a price is unusable.
    function maxDeposit(address) public view override returns (uint256) {
        if (paused || isShutdown) return 0;
        (bool ok, uint256 nav) = _tryNav();
        if (!ok) return 0;
        uint256 cap = _params.depositCap;
        return nav >= cap ? 0 : cap - nav;
    }

    /// @notice Shares that `maxDeposit` would mint.
    function maxMint(address receiver) public view override returns (uint256) {
        uint256 room = maxDeposit(receiver);
        return room == 0 ? 0 : previewDeposit(room);
    }

    /// @notice What `owner` can withdraw now: their assets, limited by idle base asset; 0 when a price is unusable.
    function maxWithdraw(address owner) public view override returns (uint256) {
        (bool ok, uint256 nav) = _tryNav();
        if (!ok) return 0;
        uint256 owned = _toAssets(balanceOf(owner), nav, Math.Rounding.Floor);
        return Math.min(owned, IERC20(asset()).balanceOf(address(this)));
    }

    /// @notice Shares `owner` can redeem now for base asset (see `maxWithdraw`); `redeemInKind` has no such limit.
    function maxRedeem(address owner) public view override returns (uint256) {
        uint256 assets = maxWithdraw(owner);
        uint256 shares = balanceOf(owner);
        if (assets == 0) return 0;
        uint256 forAssets = previewWithdraw(assets);
        return Math.min(shares, forAssets);
    }

    /// @notice Shares minted for `assets` now (NAV rounded up, shares down: never more than `deposit` mints).
    function previewDeposit(uint256 assets) public view override returns (uint256) {
        return _toShares(assets, _nav(Math.Rounding.Ceil), Math.Rounding.Floor);
    }

    /// @notice Base asset pulled to mint `shares` now (rounded up).
    function previewMint(uint256 shares) public view override returns (uint256) {
        return _toAssets(shares, _nav(Math.Rounding.Ceil), Math.Rounding.Ceil);
    }

    /// @notice Shares burned to withdraw `assets` now (rounded up).
    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        return _toShares(assets, _nav(Math.Rounding.Floor), Math.Rounding.Ceil);
    }

    /// @notice Base asset paid for redeeming `shares` now (rounded down).
    function previewRedeem(uint256 shares) public view override returns (uint256) {
        return _toAssets(shares, _nav(Math.Rounding.Floor), Math.Rounding.Floor);
    }

    // ═════════════════════════════ rebalance ═════════════════════════════

    /// @notice Executes `trades` through whitelisted adapters, then checks the whole risk budget on the result.
    /// @dev Before any interaction: deadline, plan replay, cooldown, trade count, adapter/asset whitelist, de-risk-only
    /// mode (breaker or shutdown) and each trade's `minAmountOut` against the vault's own oracle floor
    /// (`SlippageAboveCap`). After the trades: the output actually received, realised slippage and oracle deviation,
    /// turnover (per rebalance and per window), weights, protocol exposure and the idle buffer. Reverts with the first
    /// limit broken. `planId` can be used once.
    /// @param deadline Unix time after which the rebalance must not execute (a keeper transaction stuck in a mempool).
    function rebalance(
        Trade[] calldata trades,
        bytes32 planId,
        uint256 deadline
    ) external onlyRole(KEEPER_ROLE) whenNotPaused nonReentrant {
        if (block.timestamp > deadline) revert ErrorsLib.DeadlineExpired(deadline, block.timestamp);
        if (trades.length == 0) revert ErrorsLib.EmptyPlan();
        if (trades.length > MAX_TRADES) revert ErrorsLib.TooManyTrades(trades.length, MAX_TRADES);
        if (planExecuted[planId]) revert ErrorsLib.PlanAlreadyExecuted(planId);
        _checkCooldown();
        planExecuted[planId] = true;
        _breaker.lastRebalanceAt = uint64(block.timestamp);

        // The breaker observes NAV per share inside BookLib, from the same valuation the plan is checked on.
        BookLib.Env memory env = BookLib.Env(
            asset(),
            isShutdown,
            planId,
            totalSupply() + 10 ** DECIMALS_OFFSET,
            _params,
            _assets,
            _modules
        );
        BookLib.Outcome memory out = BookLib.rebalance(
            trades,
            env,
            isAdapter,
            _sources,
            _assetRisk,
            _protocolCapBps,
            _window,
            _breaker
        );
        emit EventsLib.Rebalanced(
            planId,
            _msgSender(),
            out.preNav,
            out.postNav,
            out.turnoverBps,
            out.slippage,
            trades.length
        );
    }

    /// @notice Observes NAV per share at oracle prices and trips the drawdown breaker if the fall from the
    /// high-water mark exceeds `maxDrawdownBps`. Anyone may call it: it can only make the vault safer.
    function pokeBreaker() external nonReentrant returns (bool tripped) {
        return _observeSharePrice(_sharePriceWad(_nav(Math.Rounding.Floor)));
    }

    // ═════════════════════════════ governance (timelocked) ═════════════════════════════

    /// @notice Replaces the vault-wide limits, looser or tighter. Governance only: it sits behind the timelock delay.
    function setRiskParams(RiskParams calldata params) external onlyRole(GOVERNOR_ROLE) {
        _setParams(params, false);
    }

    /// @notice Lists `asset` with its USD feed, staleness limit, weight cap and protocol. Governance only.
    function addAsset(
        address asset_,
        AggregatorV3Interface feed,
        uint32 maxStalenessSeconds,
        uint16 maxWeightBps,
        bytes32 protocolId
    ) external onlyRole(GOVERNOR_ROLE) {
        if (asset_ == asset() || _sources[asset_].maxStalenessSeconds != 0) {
            revert ErrorsLib.AssetAlreadyListed(asset_);
        }
        if (_assets.length >= MAX_ASSETS) revert ErrorsLib.TooManyAssets(MAX_ASSETS);
        _setSource(asset_, feed, maxStalenessSeconds);
        _assetRisk[asset_].protocolId = protocolId;
        _setAssetCap(asset_, maxWeightBps, false);
        _assets.push(asset_);
        emit EventsLib.AssetAdded(asset_, address(feed), maxStalenessSeconds, maxWeightBps, protocolId);
    }

    /// @notice Delists `asset`; its balance must be zero (sell it first). Governance only.
    function removeAsset(address asset_) external onlyRole(GOVERNOR_ROLE) {
        uint256 n = _assets.length;
        for (uint256 i; i < n; ++i) {
            if (_assets[i] != asset_) continue;
            uint256 bal = IERC20(asset_).balanceOf(address(this));
            if (bal != 0) revert ErrorsLib.AssetHasBalance(asset_, bal);
            BookLib.requireNotInModules(_modules, asset_);
            _assets[i] = _assets[n - 1];
            _assets.pop();
            delete _sources[asset_];
            delete _assetRisk[asset_];
            emit EventsLib.AssetRemoved(asset_);
            return;
        }
        revert ErrorsLib.AssetNotListed(asset_);
    }

    /// @notice Points `asset` (or the base asset) at a new feed and staleness limit. Governance only.
    function setFeed(
        address asset_,
        AggregatorV3Interface feed,
        uint32 maxStalenessSeconds
    ) external onlyRole(GOVERNOR_ROLE) {
        if (_sources[asset_].maxStalenessSeconds == 0) revert ErrorsLib.AssetNotListed(asset_);
        _setSource(asset_, feed, maxStalenessSeconds);
        emit EventsLib.FeedUpdated(asset_, address(feed), maxStalenessSeconds);
    }

    /// @notice Sets the weight cap of `asset`, looser or tighter. Governance only.
    function setAssetCap(address asset_, uint16 maxWeightBps) external onlyRole(GOVERNOR_ROLE) {
        _requireListed(asset_);
        _setAssetCap(asset_, maxWeightBps, false);
    }

    /// @notice Sets the exposure cap of `protocolId`, looser or tighter. Governance only.
    function setProtocolCap(bytes32 protocolId, uint16 capBps) external onlyRole(GOVERNOR_ROLE) {
        _setProtocolCap(protocolId, capBps, false);
    }

    /// @notice Whitelists or delists a swap adapter. Governance only (the guardian can only delist: `disableAdapter`).
    function setAdapter(address adapter, bool allowed) external onlyRole(GOVERNOR_ROLE) {
        if (adapter == address(0)) revert ErrorsLib.ZeroAddress();
        isAdapter[adapter] = allowed;
        emit EventsLib.AdapterUpdated(adapter, allowed, _msgSender());
    }

    /// @notice Registers a position module (its NFTs, collateral and debt join NAV and the risk budget). Governance
    /// only. The module must be deployed for this vault and report only on the base asset and listed assets.
    function addModule(IPositionModule module) external onlyRole(GOVERNOR_ROLE) {
        uint256 n = _modules.length;
        if (n >= MAX_MODULES) revert ErrorsLib.TooManyModules(MAX_MODULES);
        for (uint256 k; k < n; ++k)
            if (_modules[k] == address(module)) revert ErrorsLib.ModuleAlreadyAdded(_modules[k]);
        address[] memory moduleTokens = BookLib.requireCompatible(address(module), _sources);
        _modules.push(address(module));
        emit EventsLib.ModuleAdded(address(module), module.protocolId(), moduleTokens, _msgSender());
    }

    /// @notice Deregisters an empty position module (`ModuleNotEmpty` while it holds anything). Governance only.
    function removeModule(IPositionModule module) external onlyRole(GOVERNOR_ROLE) {
        uint256 n = _modules.length;
        for (uint256 k; k < n; ++k) {
            if (_modules[k] != address(module)) continue;
            BookLib.requireEmpty(address(module));
            _modules[k] = _modules[n - 1];
            _modules.pop();
            emit EventsLib.ModuleRemoved(address(module), _msgSender());
            return;
        }
        revert ErrorsLib.ModuleNotAdded(address(module));
    }

    /// @notice Lifts a pause. Governance only: unpausing loosens, so it waits for the timelock.
    function unpause() external onlyRole(GOVERNOR_ROLE) {
        paused = false;
        emit EventsLib.Unpaused(_msgSender());
    }

    // ═════════════════════════════ guardian (instant, can only make things safer) ═════════════════════════════

    /// @notice Stops deposits and rebalances at once. Withdrawals, redemptions and `redeemInKind` stay open.
    function pause() external onlyRole(GUARDIAN_ROLE) {
        paused = true;
        emit EventsLib.Paused(_msgSender());
    }

    /// @notice Starts shutdown, for good: no new deposits, keepers may only sell into the base asset, exits stay open.
    function shutdown() external onlyRole(GUARDIAN_ROLE) {
        isShutdown = true;
        emit EventsLib.ShutdownStarted(_msgSender());
    }

    /// @notice Replaces the vault-wide limits with tighter (or equal) ones, at once. Reverts with `NotATightening`
    /// naming the first field that would loosen.
    function tightenRiskParams(RiskParams calldata params) external onlyRole(GUARDIAN_ROLE) {
        _setParams(params, true);
    }

    /// @notice Lowers the weight cap of `asset`, at once.
    function tightenAssetCap(address asset_, uint16 maxWeightBps) external onlyRole(GUARDIAN_ROLE) {
        _requireListed(asset_);
        _setAssetCap(asset_, maxWeightBps, true);
    }

    /// @notice Lowers the exposure cap of `protocolId`, at once.
    function tightenProtocolCap(bytes32 protocolId, uint16 capBps) external onlyRole(GUARDIAN_ROLE) {
        _setProtocolCap(protocolId, capBps, true);
    }

    /// @notice Delists a swap adapter, at once.
    function disableAdapter(address adapter) external onlyRole(GUARDIAN_ROLE) {
        isAdapter[adapter] = false;
        emit EventsLib.AdapterUpdated(adapter, false, _msgSender());
    }

    /// @notice Clears a tripped drawdown breaker and restarts the high-water mark at today's NAV per share.
    /// @dev `GUARDIAN_ROLE` is held by the guardian and by governance (the timelock): either may reset.
    function resetBreaker() external onlyRole(GUARDIAN_ROLE) {
        _resetBreaker(_sharePriceWad(_nav(Math.Rounding.Floor)));
    }

    // ═════════════════════════════ views ═════════════════════════════

    /// @notice The non-base assets, in listing order.
    function listedAssets() external view returns (address[] memory) {
        return _assets;
    }

    /// @notice The registered position modules.
    function modules() external view returns (address[] memory) {
        return _modules;
    }

    /// @notice Soft oracle read for views and lenses: `(false, 0)` instead of a revert when the price is unusable.
    function tryPriceWad(address asset_) external view returns (bool ok, uint256 priceWad_) {
        return OracleLib.tryPriceWad(_sources[asset_]);
    }

    /// @notice Turnover and realised slippage inside the rolling window as of now, ppm of NAV.
    function windowUsage() external view returns (uint256 turnoverPpm, uint256 slippagePpm) {
        return WindowLib.usage(_window, _params.windowSeconds, block.timestamp);
    }

    /// @notice The drawdown breaker's state: high-water mark (NAV per share, WAD), when it was set, whether tripped,
    /// and the time of the last rebalance.
    function breakerState()
        external
        view
        returns (uint256 highWaterMarkWad, uint256 highWaterMarkAt, bool tripped, uint256 lastRebalanceAt)
    {
        BreakerLib.Breaker memory b = _breaker;
        return (b.highWaterMarkWad, b.highWaterMarkAt, b.tripped, b.lastRebalanceAt);
    }

    /// @notice NAV per share in WAD at `nav` base units (same virtual shares as the ERC-4626 conversions).
    function sharePriceWad(uint256 nav) external view returns (uint256) {
        return _sharePriceWad(nav);
    }

    /// @notice ERC-165 through AccessControl.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IBallastVault).interfaceId || super.supportsInterface(interfaceId);
    }

    // ═════════════════════════════ internals ═════════════════════════════

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    /// @dev ERC-4626's conversion with virtual shares and asset, at a NAV computed once by the caller.
    function _toShares(uint256 assets, uint256 nav, Math.Rounding rounding) private view returns (uint256) {
        return assets.mulDiv(totalSupply() + 10 ** DECIMALS_OFFSET, nav + 1, rounding);
    }

    function _toAssets(uint256 shares, uint256 nav, Math.Rounding rounding) private view returns (uint256) {
        return shares.mulDiv(nav + 1, totalSupply() + 10 ** DECIMALS_OFFSET, rounding);
    }

    /// @dev NAV per share in WAD, with the same virtual shares and asset as ERC-4626's conversions.
    function _sharePriceWad(uint256 nav) internal view returns (uint256) {
        return (nav + 1).mulDiv(1e18, totalSupply() + 10 ** DECIMALS_OFFSET);
    }

    function _checkDepositCap(uint256 assets, uint256 nav) private view {
        if (isShutdown) revert ErrorsLib.VaultShutdown();
        uint256 cap = _params.depositCap;
        if (nav + assets > cap) revert ErrorsLib.DepositCapExceeded(assets, nav >= cap ? 0 : cap - nav, cap);
    }

    function _requireIdle(uint256 assets) private view {
        uint256 idle = IERC20(asset()).balanceOf(address(this));
        if (assets > idle) revert ErrorsLib.InsufficientIdle(assets, idle);
    }

    function _requireListed(address asset_) private view {
        if (asset_ == asset() || _sources[asset_].maxStalenessSeconds == 0) revert ErrorsLib.AssetNotListed(asset_);
    }

    /// @dev Strict NAV: reads a feed only for assets actually held, and reverts with the oracle's error on a bad price.
    function _nav(Math.Rounding rounding) internal view returns (uint256 nav) {
        (, nav) = _navWith(true, rounding);
    }

    /// @dev Soft NAV for the `max*` views: (false, 0) when any held asset's price is unusable.
    function _tryNav() internal view returns (bool ok, uint256 nav) {
        return _navWith(false, Math.Rounding.Floor);
    }

    function _navWith(bool strict, Math.Rounding rounding) private view returns (bool ok, uint256 nav) {
        if (_modules.length != 0) {
            return BookLib.nav(_assets, _modules, _sources, asset(), strict, rounding == Math.Rounding.Ceil);
        }
        nav = IERC20(asset()).balanceOf(address(this));
        uint256 basePrice; // read once, and only when a non-base asset is held
        uint256 n = _assets.length;
        for (uint256 i; i < n; ++i) {
            address a = _assets[i];
            uint256 bal = IERC20(a).balanceOf(address(this));
            if (bal == 0) continue;
            if (basePrice == 0) {
                (ok, basePrice) = OracleLib.read(asset(), _sources[asset()], strict);
                if (!ok) return (false, 0);
            }
            uint256 value;
            (ok, value) = _valueOf(a, bal, basePrice, strict, rounding);
            if (!ok) return (false, 0);
            nav += value;
        }
        ok = true;
    }

    function _valueOf(
        address a,
        uint256 bal,
        uint256 basePrice,
        bool strict,
        Math.Rounding rounding
    ) private view returns (bool ok, uint256 value) {
        PriceSource memory src = _sources[a];
        uint256 p;
        (ok, p) = OracleLib.read(a, src, strict);
        if (ok) value = OracleLib.toBase(bal, p, src.tokenDecimals, basePrice, _baseDecimals, rounding);
    }
}
