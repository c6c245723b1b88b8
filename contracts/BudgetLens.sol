// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BallastVault} from "./BallastVault.sol";
import {OracleRouter} from "./OracleRouter.sol";
import {RiskBudget} from "./RiskBudget.sol";
import {AssetView, BudgetView} from "./interfaces/IBallastVault.sol";

/// @title BudgetLens
/// @notice The whole risk budget of a Ballast vault and its current use, in one call: limits, per-asset caps,
/// balances, prices and values, protocol caps, rolling-window usage, high-water mark and breaker, cooldown, pause and
/// shutdown. The optimizer, the keeper and the UI read it. Stateless; one lens serves every vault.
/// @dev A separate contract because the vault is at the 24 KiB code-size limit. It reads only the vault's own views, so
/// it shows exactly what the vault would check. Never reverts on a bad price: affected entries report
/// `priceOk = false`, and `nav`/`sharePriceWad` are 0 when any held asset's price is unusable. Per-asset values are
/// spot holdings; with position modules, `nav` is the vault's full NAV (LP, collateral, debt included).
contract BudgetLens {
    /// @notice Everything the risk budget of `vault` consists of, and how much of it is used now.
    function budget(BallastVault vault) external view returns (BudgetView memory v) {
        v.params = vault.riskParams();
        v.baseAsset = vault.asset();
        v.base = _assetView(vault, v.baseAsset);
        v.base.maxWeightBps = 10_000;
        v.base.valueBase = v.base.balance;
        v.pricesOk = v.base.priceOk;
        uint8 baseDecimals = vault.priceSource(v.baseAsset).tokenDecimals;
        address[] memory listed = vault.listedAssets();
        v.assets = new AssetView[](listed.length);
        uint256 nav = v.base.balance;
        for (uint256 i; i < listed.length; ++i) {
            AssetView memory a = _assetView(vault, listed[i]);
            if (a.priceOk && v.base.priceOk) {
                uint256 num = a.priceWad * 10 ** baseDecimals;
                uint256 den = v.base.priceWad * 10 ** vault.priceSource(a.asset).tokenDecimals;
                a.valueBase = Math.mulDiv(a.balance, num, den);
            } else if (a.balance > 0) {
                v.pricesOk = false;
            }
            nav += a.valueBase;
            v.assets[i] = a;
        }
        // With position modules (LP, collateral, debt) NAV is more than the spot values: take the vault's own.
        if (v.pricesOk && vault.modules().length > 0) {
            try vault.totalAssets() returns (uint256 full) {
                nav = full;
            } catch {
                v.pricesOk = false;
            }
        }
        if (v.pricesOk) {
            v.nav = nav;
            v.sharePriceWad = vault.sharePriceWad(nav);
        }
        (v.windowTurnoverPpm, v.windowSlippagePpm) = vault.windowUsage();
        (v.highWaterMarkWad, v.highWaterMarkAt, v.breakerTripped, v.lastRebalanceAt) = vault.breakerState();
        v.nextRebalanceAt = v.lastRebalanceAt == 0 ? 0 : v.lastRebalanceAt + v.params.cooldownSeconds;
        v.paused = vault.paused();
        v.shutdown = vault.isShutdown();
    }

    function _assetView(BallastVault vault, address a) private view returns (AssetView memory v) {
        OracleRouter.PriceSource memory src = vault.priceSource(a);
        RiskBudget.AssetRisk memory r = vault.assetRisk(a);
        v.asset = a;
        v.feed = address(src.feed);
        v.maxStalenessSeconds = src.maxStalenessSeconds;
        v.maxWeightBps = r.maxWeightBps;
        v.protocolId = r.protocolId;
        v.protocolCapBps = vault.protocolCapBps(r.protocolId);
        v.balance = IERC20(a).balanceOf(address(vault));
        (v.priceOk, v.priceWad) = vault.tryPriceWad(a);
    }
}
