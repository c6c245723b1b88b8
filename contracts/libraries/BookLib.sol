// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ISwapAdapter} from "../interfaces/IAdapter.sol";
import {IBallastVault, RiskParams, Trade} from "../interfaces/IBallastVault.sol";
import {IPositionModule, ModuleReport} from "../interfaces/IPositionModule.sol";
import {OracleRouter} from "../OracleRouter.sol";
import {ErrorsLib} from "./ErrorsLib.sol";
import {OracleLib} from "./OracleLib.sol";
import {WindowLib} from "./WindowLib.sol";
import {BreakerLib} from "./BreakerLib.sol";
import {PositionChecksLib, Valuation} from "./PositionChecksLib.sol";
import {RiskBudget} from "../RiskBudget.sol";

/// @title BookLib
/// @notice The vault's book at oracle prices — spot holdings plus every position module (Uniswap V3 liquidity, Aave V3
/// collateral and debt) — and the execution of a rebalance plan's steps: swaps through whitelisted adapters and actions
/// on registered modules, each measured by balance deltas, never by what the adapter or module says.
/// @dev An external library (deployed once, linked into the vault; calls run in the vault's context) because the vault
/// is at the 24 KiB code-size limit. Loops are bounded: ≤ 16 listed assets, ≤ 4 modules of ≤ 4 tokens, ≤ 10 steps.
library BookLib {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant PPM = 1_000_000;

    /// @dev What every step of one rebalance shares: the vault's limits, listed assets and modules (copied to memory
    /// once), the base asset, whether only de-risking is allowed, and the plan's id.
    struct Env {
        address base;
        bool deRiskOnly; // shutdown; the breaker's observation is added in `rebalance`
        bytes32 planId;
        uint256 supplyWithVirtual; // totalSupply + the virtual shares (NAV per share for the breaker)
        RiskParams params;
        address[] assets;
        address[] modules;
    }

    /// @dev What a rebalance did, base-asset units: NAV before and after (same oracle prices), turnover, and the
    /// realised loss charged to the slippage window.
    struct Outcome {
        uint256 preNav;
        uint256 postNav;
        uint256 turnover;
        uint256 slippage;
        uint256 turnoverBps; // of NAV before, rounded up
    }

    /// @dev Running totals of a plan's execution, base-asset units at oracle prices.
    struct Totals {
        uint256 turnover; // swaps: value of the input; module actions: value in + value out
        uint256 slippage; // swaps: oracle value lost against the oracle-implied output
        uint256 moduleTurnover; // the module actions' part of `turnover`
        uint256 rounding; // oracle value of one unit of each step's tokens: what integer amounts may lose per step
        uint256 touchedMask; // bit k: module k was called by a step
    }

    // ═════════════════════════════ valuation ═════════════════════════════

    /// @notice NAV of the book at oracle prices, base-asset units. Strict: reverts with the oracle's error on an
    /// unusable price of anything held (spot or through a module). Soft (`strict = false`): `ok = false` instead.
    /// @param roundUp Round long values up (deposits price shares on the vault's side of rounding), debts down.
    function nav(
        address[] calldata assets,
        address[] calldata modules,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base,
        bool strict,
        bool roundUp
    ) external view returns (bool ok, uint256) {
        Valuation memory v;
        (ok, v) = _valuation(assets, modules, sources, base, strict, roundUp);
        return (ok, v.nav);
    }

    /// @notice The book as the risk budget sees it (every field of `Valuation`), soft: for lenses and UIs.
    function book(
        address[] calldata assets,
        address[] calldata modules,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base
    ) external view returns (bool ok, Valuation memory v) {
        return _valuation(assets, modules, sources, base, false, false);
    }

    /// @notice One rebalance plan, start to finish: the book before, the steps, the book after at the same oracle
    /// prices, then the checks in this order: value lost, turnover, the rolling window, every position limit (weights,
    /// protocols, idle buffer, health factor, gross leverage, net delta, short gamma).
    /// @return out NAV before and after, the steps' turnover and the realised loss to charge to the slippage window.
    function rebalance(
        Trade[] calldata trades,
        Env calldata env,
        mapping(address => bool) storage isAdapter,
        mapping(address => OracleRouter.PriceSource) storage sources,
        mapping(address asset => RiskBudget.AssetRisk) storage assetRisk,
        mapping(bytes32 protocolId => uint16) storage protocolCapBps,
        WindowLib.Window storage window,
        BreakerLib.Breaker storage breaker
    ) external returns (Outcome memory out) {
        (, Valuation memory pre) = _valuation(env.assets, env.modules, sources, env.base, true, false);
        if (pre.nav == 0) revert ErrorsLib.ZeroAmount();
        Totals memory totals = _runSteps(trades, pre, _observeBreaker(env, pre.nav, breaker), isAdapter, sources);
        Valuation memory post = _revalue(pre, env, sources, totals.touchedMask);
        out.slippage = _settle(pre, post, totals, env.params.maxSlippageBps);
        (out.preNav, out.postNav, out.turnover) = (pre.nav, post.nav, totals.turnover);
        out.turnoverBps = _checkTurnoverAndWindow(window, env.params, out.turnover, out.slippage, out.preNav);
        PositionChecksLib.checkPositions(assetRisk, protocolCapBps, env.params, pre, post);
    }

    /// @dev The drawdown breaker observes NAV per share before any step (same virtual shares as ERC-4626's
    /// conversions); once tripped, or under shutdown, only de-risking steps pass.
    function _observeBreaker(
        Env calldata env,
        uint256 navBefore,
        BreakerLib.Breaker storage breaker
    ) private returns (Env memory e) {
        e = env;
        uint256 sharePriceWad = Math.mulDiv(navBefore + 1, 1e18, env.supplyWithVirtual);
        bool tripped = BreakerLib.observe(
            breaker,
            sharePriceWad,
            env.params.maxDrawdownBps,
            env.params.drawdownWindowSeconds
        );
        e.deRiskOnly = env.deRiskOnly || tripped;
    }

    /// @dev The plan's steps in order: swaps through whitelisted adapters, actions on registered modules. Prices the
    /// steps need are read into `pre`.
    function _runSteps(
        Trade[] calldata trades,
        Valuation memory pre,
        Env memory env,
        mapping(address => bool) storage isAdapter,
        mapping(address => OracleRouter.PriceSource) storage sources
    ) private returns (Totals memory totals) {
        for (uint256 i; i < trades.length; ++i) {
            Trade calldata t = trades[i];
            if (isAdapter[t.adapter]) {
                _swapStep(i, t, pre, env, sources, totals);
                continue;
            }
            uint256 k = _moduleIndex(env.modules, t.adapter);
            if (k == env.modules.length) revert ErrorsLib.AdapterNotAllowed(i, t.adapter);
            totals.touchedMask |= 1 << k;
            _moduleStep(i, t, pre, env, sources, totals);
        }
    }

    /// @dev Per-rebalance turnover (exact comparison; the error reports bps rounded up), then the window sums.
    function _checkTurnoverAndWindow(
        WindowLib.Window storage window,
        RiskParams memory p,
        uint256 turnoverBase,
        uint256 slippageBase,
        uint256 navBefore
    ) private returns (uint256 turnoverBps) {
        turnoverBps = Math.ceilDiv(turnoverBase * BPS, navBefore);
        if (turnoverBase * BPS > uint256(p.maxTurnoverBps) * navBefore) {
            revert ErrorsLib.TurnoverAboveCap(turnoverBps, p.maxTurnoverBps);
        }
        (uint256 windowTurnover, uint256 windowSlippage) = WindowLib.add(
            window,
            p.windowSeconds,
            block.timestamp,
            Math.ceilDiv(turnoverBase * PPM, navBefore),
            Math.ceilDiv(slippageBase * PPM, navBefore)
        );
        if (windowTurnover > uint256(p.maxWindowTurnoverBps) * 100) {
            revert ErrorsLib.WindowTurnoverAboveCap(windowTurnover, uint256(p.maxWindowTurnoverBps) * 100);
        }
        if (windowSlippage > uint256(p.maxWindowSlippageBps) * 100) {
            revert ErrorsLib.WindowSlippageAboveCap(windowSlippage, uint256(p.maxWindowSlippageBps) * 100);
        }
    }

    function _valuation(
        address[] memory assets,
        address[] memory modules,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base,
        bool strict,
        bool roundUp
    ) private view returns (bool ok, Valuation memory v) {
        uint256 n = assets.length;
        v.tokens = assets;
        v.decimals = new uint8[](n);
        v.prices = new uint256[](n);
        (ok, v.basePriceWad) = OracleLib.read(base, sources[base], strict);
        if (!ok) return (false, v);
        ok = _fill(v, modules, sources, base, strict, roundUp);
    }

    /// @dev The same book read again at the prices of `pre` (after a plan's steps ran). A module no step called
    /// reports what it reported before: same prices, same block, same state (only its uncollected LP fees could have
    /// grown, if a swap step went through its pool; leaving them out is conservative).
    function _revalue(
        Valuation memory pre,
        Env memory env,
        mapping(address => OracleRouter.PriceSource) storage sources,
        uint256 touchedMask
    ) private view returns (Valuation memory v) {
        v.basePriceWad = pre.basePriceWad;
        v.tokens = pre.tokens;
        v.decimals = pre.decimals;
        v.prices = pre.prices;
        uint256 m = env.modules.length;
        v.reports = new ModuleReport[](m);
        for (uint256 k; k < m; ++k) {
            if (touchedMask & (1 << k) != 0) continue;
            v.reports[k] = pre.reports[k];
            v.reuseMask |= 1 << k;
        }
        _fill(v, env.modules, sources, env.base, true, false);
    }

    /// @dev What the plan lost at fixed oracle prices may not exceed the swaps' measured slippage plus
    /// `maxSlippageBps` of the module actions' turnover (`ValueLossAboveCap`). Returns the loss to charge.
    function _settle(
        Valuation memory pre,
        Valuation memory post,
        Totals memory totals,
        uint256 maxSlippageBps
    ) private pure returns (uint256 slippage) {
        slippage = totals.slippage;
        if (post.nav >= pre.nav) return slippage;
        uint256 loss = pre.nav - post.nav;
        // Amounts are integers: each step may lose up to one unit of its tokens to rounding (a satoshi is worth
        // hundreds of USDC units), and each value in NAV is rounded once more. That rounding is tolerated; anything
        // beyond it is real and is charged.
        uint256 rounding = totals.rounding + pre.tokens.length + 1;
        uint256 allowed = totals.slippage + rounding + Math.mulDiv(totals.moduleTurnover, maxSlippageBps, BPS);
        if (loss > allowed) revert ErrorsLib.ValueLossAboveCap(loss, allowed);
        if (loss > slippage + rounding) slippage = loss;
    }

    /// @notice Reverts with `ModuleNotEmpty` unless `module` reports no long amount and no debt (at unit prices: an
    /// emptiness test that needs no oracle).
    function requireEmpty(address moduleAddress) external view {
        IPositionModule module = IPositionModule(moduleAddress);
        uint256 k = module.tokens().length;
        uint256[] memory ones = new uint256[](k);
        for (uint256 j; j < k; ++j) ones[j] = 1e18;
        ModuleReport memory r = module.report(ones);
        uint256 sum;
        for (uint256 j; j < k; ++j) sum += r.longAmounts[j] + r.debtAmounts[j];
        if (sum != 0) revert ErrorsLib.ModuleNotEmpty(address(module), sum);
    }

    /// @notice Reverts with `ModuleTokenNotListed(module, asset)` when a registered module reports on `asset`: an
    /// asset cannot be delisted (and lose its price) while a module may hold or owe it.
    function requireNotInModules(address[] calldata modules, address asset) external view {
        for (uint256 k; k < modules.length; ++k) {
            address[] memory moduleTokens = IPositionModule(modules[k]).tokens();
            for (uint256 j; j < moduleTokens.length; ++j) {
                if (moduleTokens[j] == asset) revert ErrorsLib.ModuleTokenNotListed(modules[k], asset);
            }
        }
    }

    /// @notice Reverts unless `module` belongs to this vault and reports only on the base asset and listed assets.
    function requireCompatible(
        address moduleAddress,
        mapping(address => OracleRouter.PriceSource) storage sources
    ) external view returns (address[] memory moduleTokens) {
        IPositionModule module = IPositionModule(moduleAddress);
        address moduleVault = module.vault();
        if (moduleVault != address(this)) revert ErrorsLib.ModuleVaultMismatch(address(module), moduleVault);
        moduleTokens = module.tokens();
        if (moduleTokens.length > 4) revert ErrorsLib.TooManyPositions(moduleTokens.length, 4);
        for (uint256 j; j < moduleTokens.length; ++j) {
            if (sources[moduleTokens[j]].maxStalenessSeconds == 0) {
                revert ErrorsLib.ModuleTokenNotListed(address(module), moduleTokens[j]);
            }
        }
    }

    function _fill(
        Valuation memory v,
        address[] memory modules,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base,
        bool strict,
        bool roundUp
    ) private view returns (bool ok) {
        uint256 n = v.tokens.length;
        v.balances = new uint256[](n);
        v.values = new uint256[](n);
        v.debtValues = new uint256[](n);
        v.minHealthFactorWad = type(uint256).max;
        v.baseBalance = IERC20(base).balanceOf(address(this));
        uint256[] memory longAmounts = new uint256[](n); // held through modules; spot is added on top
        uint256[] memory debtAmounts = new uint256[](n);
        uint256 m = modules.length;
        v.moduleProtocols = new bytes32[](m);
        v.moduleNetValues = new uint256[](m);
        if (v.reports.length != m) v.reports = new ModuleReport[](m);
        for (uint256 k; k < m; ++k) {
            if (!_addModule(v, k, modules[k], sources, base, strict, longAmounts, debtAmounts)) return false;
        }
        uint8 baseDecimals = sources[base].tokenDecimals;
        v.longTotal = v.baseBalance + v.baseInModules;
        uint256 debtTotal = v.baseDebt;
        for (uint256 i; i < n; ++i) {
            v.balances[i] = IERC20(v.tokens[i]).balanceOf(address(this));
            longAmounts[i] += v.balances[i];
            if (longAmounts[i] == 0 && debtAmounts[i] == 0) continue;
            if (!_ensurePrice(v, i, sources, strict)) return false;
            v.values[i] = _toBase(v, i, longAmounts[i], baseDecimals, roundUp);
            v.debtValues[i] = _toBase(v, i, debtAmounts[i], baseDecimals, !roundUp);
            v.longTotal += v.values[i];
            debtTotal += v.debtValues[i];
        }
        if (debtTotal > v.longTotal) {
            if (strict) revert ErrorsLib.NegativeNav(v.longTotal, debtTotal);
            return false;
        }
        v.nav = v.longTotal - debtTotal;
        // The modules' short gamma was summed in USD (WAD); NAV's unit is the base asset.
        v.shortGammaBase = Math.mulDiv(v.shortGammaBase, 10 ** baseDecimals, v.basePriceWad);
        return true;
    }

    function _toBase(
        Valuation memory v,
        uint256 i,
        uint256 amount,
        uint8 baseDecimals,
        bool roundUp
    ) private pure returns (uint256) {
        Math.Rounding r = roundUp ? Math.Rounding.Ceil : Math.Rounding.Floor;
        return OracleLib.toBase(amount, v.prices[i], v.decimals[i], v.basePriceWad, baseDecimals, r);
    }

    /// @dev Where a module's tokens sit in a valuation (index in `tokens`, or type(uint256).max for the base asset),
    /// and their oracle prices and decimals.
    struct ModulePricing {
        uint256[] idx;
        uint256[] prices;
        uint8[] decimals;
    }

    /// @dev One module's report, priced at `v`'s oracle prices and added to the per-asset amounts.
    /// @return ok False on an unusable price (soft mode) or a reverting report.
    function _addModule(
        Valuation memory v,
        uint256 k,
        address module,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base,
        bool strict,
        uint256[] memory longAmounts,
        uint256[] memory debtAmounts
    ) private view returns (bool ok) {
        ModulePricing memory mp;
        (ok, mp) = _priceModule(v, IPositionModule(module).tokens(), sources, base, strict);
        if (!ok) return false;
        ModuleReport memory r;
        if (v.reuseMask & (1 << k) != 0) {
            r = v.reports[k];
        } else if (strict) {
            r = IPositionModule(module).report(mp.prices);
        } else {
            try IPositionModule(module).report(mp.prices) returns (ModuleReport memory soft) {
                r = soft;
            } catch {
                return false;
            }
        }
        v.reports[k] = r;
        uint256 longUsd; // the module's net value in USD (WAD): what its protocol's failure could take
        uint256 debtUsd;
        for (uint256 j; j < mp.idx.length; ++j) {
            longUsd += Math.mulDiv(r.longAmounts[j], mp.prices[j], 10 ** mp.decimals[j]);
            debtUsd += Math.mulDiv(r.debtAmounts[j], mp.prices[j], 10 ** mp.decimals[j], Math.Rounding.Ceil);
            if (mp.idx[j] == type(uint256).max) {
                v.baseInModules += r.longAmounts[j];
                v.baseDebt += r.debtAmounts[j];
            } else {
                longAmounts[mp.idx[j]] += r.longAmounts[j];
                debtAmounts[mp.idx[j]] += r.debtAmounts[j];
            }
        }
        v.moduleProtocols[k] = IPositionModule(module).protocolId();
        if (longUsd > debtUsd) {
            v.moduleNetValues[k] = Math.mulDiv(longUsd - debtUsd, 10 ** sources[base].tokenDecimals, v.basePriceWad);
        }
        v.shortGammaBase += r.shortGammaUsdWad; // USD WAD until _fill converts the sum
        if (r.healthFactorWad < v.minHealthFactorWad) {
            v.minHealthFactorWad = r.healthFactorWad;
            v.minHealthModule = module;
        }
        return true;
    }

    function _priceModule(
        Valuation memory v,
        address[] memory moduleTokens,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base,
        bool strict
    ) private view returns (bool ok, ModulePricing memory mp) {
        uint256 k = moduleTokens.length;
        mp.idx = new uint256[](k);
        mp.prices = new uint256[](k);
        mp.decimals = new uint8[](k);
        for (uint256 j; j < k; ++j) {
            (ok, mp.idx[j], mp.prices[j]) = _priceOf(v, moduleTokens[j], sources, base, strict);
            if (!ok) return (false, mp);
            mp.decimals[j] = sources[moduleTokens[j]].tokenDecimals;
        }
    }

    /// @dev Oracle price of `token` (base or listed), read into `v` on first use.
    function _priceOf(
        Valuation memory v,
        address token,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base,
        bool strict
    ) private view returns (bool ok, uint256 i, uint256 price) {
        i = _indexOf(v, token, base);
        if (i == type(uint256).max) return (true, i, v.basePriceWad);
        if (i == v.tokens.length) revert ErrorsLib.ModuleTokenNotListed(address(0), token);
        ok = _ensurePrice(v, i, sources, strict);
        price = v.prices[i];
    }

    /// @dev Where `token` sits in `v`: its index in `tokens`, type(uint256).max for the base asset, `tokens.length`
    /// when it is neither.
    function _indexOf(Valuation memory v, address token, address base) private pure returns (uint256 i) {
        if (token == base) return type(uint256).max;
        while (i < v.tokens.length && v.tokens[i] != token) ++i;
    }

    /// @dev Reads the price of asset `i` into `v` the first time it is needed: only assets held, owed or traded are
    /// priced, so a broken feed of an asset the vault has nothing to do with cannot block it.
    function _ensurePrice(
        Valuation memory v,
        uint256 i,
        mapping(address => OracleRouter.PriceSource) storage sources,
        bool strict
    ) private view returns (bool ok) {
        if (v.prices[i] != 0) return true;
        OracleRouter.PriceSource memory src = sources[v.tokens[i]];
        v.decimals[i] = src.tokenDecimals;
        (ok, v.prices[i]) = OracleLib.read(v.tokens[i], src, strict);
    }

    // ═════════════════════════════ execution ═════════════════════════════

    /// @dev Index of `a` in `modules`, or `modules.length` when it is not a registered module.
    function _moduleIndex(address[] memory modules, address a) private pure returns (uint256 k) {
        while (k < modules.length && modules[k] != a) ++k;
    }

    /// @dev Oracle prices and decimals of one step's two tokens, and the oracle-implied output.
    struct Quote {
        uint256 priceIn;
        uint256 priceOut;
        uint8 decimalsIn;
        uint8 decimalsOut;
        uint256 expectedOut;
    }

    /// @dev Price (WAD) and decimals of `token`; reverts `AssetNotAllowed` when it is neither base nor listed.
    function _quote(
        Valuation memory v,
        address token,
        uint256 i,
        mapping(address => OracleRouter.PriceSource) storage sources,
        address base
    ) private view returns (uint256, uint8) {
        uint256 j = _indexOf(v, token, base);
        if (j == type(uint256).max) return (v.basePriceWad, sources[base].tokenDecimals);
        if (j == v.tokens.length) revert ErrorsLib.AssetNotAllowed(i, token);
        _ensurePrice(v, j, sources, true);
        return (v.prices[j], v.decimals[j]);
    }

    /// @dev Oracle prices of a swap's tokens and the oracle-implied output. Slippage bounds come from oracle prices,
    /// never from the pool being traded: a `minAmountOut` below the oracle floor is refused before any interaction.
    function _swapQuote(
        uint256 i,
        Trade calldata t,
        Valuation memory v,
        Env memory env,
        mapping(address => OracleRouter.PriceSource) storage sources
    ) private view returns (Quote memory q) {
        (q.priceIn, q.decimalsIn) = _quote(v, t.tokenIn, i, sources, env.base);
        (q.priceOut, q.decimalsOut) = _quote(v, t.tokenOut, i, sources, env.base);
        q.expectedOut = OracleLib.toBase(
            t.amountIn,
            q.priceIn,
            q.decimalsIn,
            q.priceOut,
            q.decimalsOut,
            Math.Rounding.Floor
        );
        uint256 cap = env.params.maxSlippageBps;
        if (t.minAmountOut * BPS < q.expectedOut * (BPS - cap)) {
            uint256 impliedBps = Math.ceilDiv((q.expectedOut - t.minAmountOut) * BPS, q.expectedOut);
            revert ErrorsLib.SlippageAboveCap(i, impliedBps, cap);
        }
    }

    /// @dev One swap: checks before the call, the call, and what actually moved.
    function _swapStep(
        uint256 i,
        Trade calldata t,
        Valuation memory v,
        Env memory env,
        mapping(address => OracleRouter.PriceSource) storage sources,
        Totals memory totals
    ) private {
        if (t.tokenIn == t.tokenOut || t.amountIn == 0) revert ErrorsLib.InvalidTrade(i);
        if (env.deRiskOnly && t.tokenOut != env.base) revert ErrorsLib.OnlyDeRiskingAllowed(i, t.tokenOut);
        Quote memory q = _swapQuote(i, t, v, env, sources);
        (uint256 spent, uint256 received) = _swap(i, t);

        uint8 baseDecimals = sources[env.base].tokenDecimals;
        totals.turnover += OracleLib.toBase(
            spent,
            q.priceIn,
            q.decimalsIn,
            v.basePriceWad,
            baseDecimals,
            Math.Rounding.Ceil
        );
        if (received < q.expectedOut) {
            totals.slippage += OracleLib.toBase(
                q.expectedOut - received,
                q.priceOut,
                q.decimalsOut,
                v.basePriceWad,
                baseDecimals,
                Math.Rounding.Ceil
            );
        } else if (q.expectedOut > 0) {
            // Better than the oracle by more than the slippage cap: the oracle and the market disagree.
            uint256 deviationBps = ((received - q.expectedOut) * BPS) / q.expectedOut;
            if (deviationBps > env.params.maxSlippageBps) {
                revert ErrorsLib.PriceDeviationAboveCap(i, deviationBps, env.params.maxSlippageBps);
            }
        }
        totals.rounding += _unitValues(q, v.basePriceWad, baseDecimals);
        emit IBallastVault.TradeExecuted(
            env.planId,
            i,
            t.adapter,
            t.tokenIn,
            t.tokenOut,
            spent,
            received,
            q.expectedOut
        );
    }

    /// @dev Oracle value of one unit of a step's input and one of its output, rounded up, base units.
    function _unitValues(Quote memory q, uint256 basePriceWad, uint8 baseDecimals) private pure returns (uint256) {
        return
            OracleLib.toBase(1, q.priceIn, q.decimalsIn, basePriceWad, baseDecimals, Math.Rounding.Ceil) +
            OracleLib.toBase(1, q.priceOut, q.decimalsOut, basePriceWad, baseDecimals, Math.Rounding.Ceil);
    }

    /// @dev Approves exactly `amountIn`, calls the adapter, clears the approval, and measures balance deltas:
    /// the adapter's return value is not trusted.
    function _swap(uint256 i, Trade calldata t) private returns (uint256 spent, uint256 received) {
        IERC20 tokenIn = IERC20(t.tokenIn);
        IERC20 tokenOut = IERC20(t.tokenOut);
        uint256 inBefore = tokenIn.balanceOf(address(this));
        uint256 outBefore = tokenOut.balanceOf(address(this));
        tokenIn.forceApprove(t.adapter, t.amountIn);
        ISwapAdapter(t.adapter).swap(t.tokenIn, t.tokenOut, t.amountIn, t.minAmountOut, block.timestamp, t.data);
        tokenIn.forceApprove(t.adapter, 0);
        spent = inBefore - tokenIn.balanceOf(address(this));
        if (spent > t.amountIn) revert ErrorsLib.AdapterOverspent(i, spent, t.amountIn);
        received = tokenOut.balanceOf(address(this)) - outBefore;
        if (received < t.minAmountOut) revert ErrorsLib.InsufficientOutput(i, received, t.minAmountOut);
    }

    /// @dev One module action. `tokenIn`/`amountIn`: what the module may pull (exact approval, cleared after);
    /// `tokenOut`/`minAmountOut`: what must come back to the vault. Both tokens must be base or listed: the step's
    /// turnover is the oracle value that moved either way. Value lost to the module is caught by `settle`.
    function _moduleStep(
        uint256 i,
        Trade calldata t,
        Valuation memory v,
        Env memory env,
        mapping(address => OracleRouter.PriceSource) storage sources,
        Totals memory totals
    ) private {
        Quote memory q;
        (q.priceIn, q.decimalsIn) = _quote(v, t.tokenIn, i, sources, env.base);
        (q.priceOut, q.decimalsOut) = _quote(v, t.tokenOut, i, sources, env.base);
        (uint256 spent, uint256 received) = _callModule(i, t, env.deRiskOnly);
        uint8 baseDecimals = sources[env.base].tokenDecimals;
        uint256 moved =
            OracleLib.toBase(spent, q.priceIn, q.decimalsIn, v.basePriceWad, baseDecimals, Math.Rounding.Ceil) +
                OracleLib.toBase(received, q.priceOut, q.decimalsOut, v.basePriceWad, baseDecimals, Math.Rounding.Ceil);
        totals.turnover += moved;
        totals.moduleTurnover += moved;
        totals.rounding += _unitValues(q, v.basePriceWad, baseDecimals);
        emit IBallastVault.TradeExecuted(env.planId, i, t.adapter, t.tokenIn, t.tokenOut, spent, received, 0);
    }

    /// @dev Exact approval, the module call, approval cleared, balance deltas measured (one may be zero when the
    /// step's two tokens are the same).
    function _callModule(
        uint256 i,
        Trade calldata t,
        bool deRiskOnly
    ) private returns (uint256 spent, uint256 received) {
        IERC20 tokenIn = IERC20(t.tokenIn);
        uint256 inBefore = tokenIn.balanceOf(address(this));
        uint256 outBefore = IERC20(t.tokenOut).balanceOf(address(this));
        if (t.amountIn > 0) tokenIn.forceApprove(t.adapter, t.amountIn);
        IPositionModule(t.adapter).execute(t.tokenIn, t.amountIn, deRiskOnly, t.data);
        if (t.amountIn > 0) tokenIn.forceApprove(t.adapter, 0);
        uint256 inAfter = tokenIn.balanceOf(address(this));
        spent = inBefore > inAfter ? inBefore - inAfter : 0;
        if (spent > t.amountIn) revert ErrorsLib.AdapterOverspent(i, spent, t.amountIn);
        uint256 outAfter = IERC20(t.tokenOut).balanceOf(address(this));
        received = outAfter > outBefore ? outAfter - outBefore : 0;
        if (received < t.minAmountOut) revert ErrorsLib.InsufficientOutput(i, received, t.minAmountOut);
    }
}
