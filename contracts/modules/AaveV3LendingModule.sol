// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAdapter} from "../interfaces/IAdapter.sol";
import {IPositionModule, ModuleReport} from "../interfaces/IPositionModule.sol";
import {IPool, ReserveData} from "../interfaces/aave/IPool.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";

/// @title AaveV3LendingModule
/// @notice One Aave V3 account held for one vault: the module itself supplies collateral (holds the aTokens) and
/// owes the variable-rate debt, on at most `MAX_TOKENS` reserves fixed at deployment. Only the vault acts on it, one
/// protocol action per `execute`; every token the module takes out of Aave (withdrawals, borrows, unspent repayment)
/// goes straight back to the vault, and every token it puts in is pulled from the vault with the exact allowance the
/// vault granted. The vault values the account through `report` and checks the health factor after each rebalance.
/// @dev Action data: `abi.encode(uint8 op, address token, uint256 amount)`.
///  - `OP_SUPPLY` (1): supply `amountIn` of `tokenIn` (`token` must equal `tokenIn`; `amount` is not read).
///  - `OP_WITHDRAW` (2): withdraw `amount` of `token` to the vault; type(uint256).max = all of it, plus any idle
///    balance of `token` the module holds.
///  - `OP_BORROW` (3): borrow `amount` of `token` at the variable rate and send it to the vault.
///  - `OP_REPAY` (4): repay up to `amountIn` of `tokenIn`'s variable debt (`token` must equal `tokenIn`; `amount` is
///    not read); what the debt did not need goes back to the vault.
/// Under `deRiskOnly` BORROW is refused, and WITHDRAW too while any debt is outstanding; SUPPLY and REPAY only lower
/// risk and stay open. Loops run over at most `MAX_TOKENS` reserves.
contract AaveV3LendingModule is IPositionModule, ErrorsLib, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice `keccak256("aave-v3")`: the protocol whose smart-contract risk this module carries.
    bytes32 public constant PROTOCOL_ID = keccak256("aave-v3");
    /// @notice At most this many reserves, so that `report` and `exitProRata` stay bounded.
    uint256 public constant MAX_TOKENS = 4;
    /// @notice Aave's variable interest rate mode (stable borrowing is never used).
    uint256 public constant VARIABLE_RATE_MODE = 2;

    uint8 public constant OP_SUPPLY = 1;
    uint8 public constant OP_WITHDRAW = 2;
    uint8 public constant OP_BORROW = 3;
    uint8 public constant OP_REPAY = 4;

    /// @dev One Aave reserve the module may use: the underlying and its aToken and variable debt token.
    struct Market {
        address token;
        address aToken;
        address variableDebtToken;
    }

    /// @inheritdoc IPositionModule
    address public immutable vault;
    /// @notice The Aave V3 Pool (proxy) this account lives on.
    IPool public immutable pool;

    Market[] private _markets;

    /// @notice `amount` of `token` was supplied from the vault's funds.
    event Supplied(address indexed token, uint256 amount);
    /// @notice `amount` of `token` (collateral withdrawn from Aave, plus idle balance) was sent to `to`.
    event Withdrawn(address indexed token, uint256 amount, address indexed to);
    /// @notice `amount` of `token` was borrowed at the variable rate and sent to the vault.
    event Borrowed(address indexed token, uint256 amount);
    /// @notice `amount` of `token` debt was repaid with tokens pulled from `payer`.
    event Repaid(address indexed token, uint256 amount, address indexed payer);
    /// @notice `shares / supply` of the account was unwound: debt repaid by `payer`, collateral sent to `receiver`.
    event ExitedProRata(uint256 shares, uint256 supply, address indexed payer, address indexed receiver);

    /// @notice `token` is not a reserve of `pool` (no aToken).
    error ReserveNotListed(address token);
    /// @notice `token` appears twice in the constructor's list.
    error DuplicateToken(address token);

    modifier onlyVault() {
        if (msg.sender != vault) revert OnlyVault(msg.sender);
        _;
    }

    /// @param vault_ The only caller of `execute` and `exitProRata`.
    /// @param pool_ The Aave V3 Pool (proxy).
    /// @param tokens_ 1 to `MAX_TOKENS` distinct underlyings listed on `pool_` (e.g. [USDC, WETH, WBTC]); their aToken
    /// and variable debt token addresses are read from the Pool once, here.
    constructor(address vault_, IPool pool_, address[] memory tokens_) {
        if (vault_ == address(0) || address(pool_) == address(0)) revert ZeroAddress();
        if (tokens_.length == 0 || tokens_.length > MAX_TOKENS) revert InvalidParameter("tokens", tokens_.length);
        vault = vault_;
        pool = pool_;
        for (uint256 i; i < tokens_.length; ++i) {
            address token = tokens_[i];
            for (uint256 j; j < i; ++j) if (tokens_[j] == token) revert DuplicateToken(token);
            ReserveData memory reserve = pool_.getReserveData(token);
            if (reserve.aTokenAddress == address(0)) revert ReserveNotListed(token);
            _markets.push(Market(token, reserve.aTokenAddress, reserve.variableDebtTokenAddress));
        }
    }

    /// @inheritdoc IPositionModule
    /// @dev `data` = abi.encode(uint8 op, address token, uint256 amount); see the contract's NatSpec for each op.
    /// Reverts `UnknownOperation`, `TokenNotInModule`, `ModuleInputMismatch`, `ModuleDeRiskOnly`, or with Aave's own
    /// error code (e.g. "35": health factor too low to borrow or withdraw).
    function execute(
        address tokenIn,
        uint256 amountIn,
        bool deRiskOnly,
        bytes calldata data
    ) external onlyVault nonReentrant {
        (uint8 op, address token, uint256 amount) = abi.decode(data, (uint8, address, uint256));
        if (op == 0 || op > OP_REPAY) revert UnknownOperation(op);
        Market memory market = _market(token);
        if (op == OP_SUPPLY || op == OP_REPAY) {
            if (tokenIn != token) revert ModuleInputMismatch(op, tokenIn, token);
            IERC20(token).safeTransferFrom(vault, address(this), amountIn);
            if (op == OP_SUPPLY) {
                _supply(token, amountIn);
            } else {
                uint256 repaid = _repay(token, amountIn, vault);
                if (repaid < amountIn) IERC20(token).safeTransfer(vault, amountIn - repaid);
            }
        } else if (op == OP_WITHDRAW) {
            if (deRiskOnly && _hasDebt()) revert ModuleDeRiskOnly(op);
            if (amount == type(uint256).max) {
                // Everything: the exact aToken balance (0 is skipped; Aave refuses it) and the idle balance.
                uint256 collateral = IERC20(market.aToken).balanceOf(address(this));
                _withdraw(market, collateral, IERC20(token).balanceOf(address(this)), vault);
            } else {
                _withdraw(market, amount, 0, vault);
            }
        } else {
            if (deRiskOnly) revert ModuleDeRiskOnly(op);
            pool.borrow(token, amount, VARIABLE_RATE_MODE, 0, address(this));
            IERC20(token).safeTransfer(vault, amount);
            emit Borrowed(token, amount);
        }
    }

    /// @inheritdoc IPositionModule
    /// @dev Debt of every token is repaid first (rounded up, so the exiting holder never leaves debt behind), then
    /// collateral and idle balances are withdrawn (rounded down): the health factor of what stays is never lower
    /// than before. The payer must have approved this module for `ceil(debt * shares / supply)` of each debt token's
    /// underlying, read at execution (debt accrues every second: approve a little more; what is not needed is
    /// returned). Reverts if Aave refuses a withdrawal (an account already below the liquidation line).
    function exitProRata(
        uint256 shares,
        uint256 supply,
        address payer,
        address receiver
    ) external onlyVault nonReentrant {
        if (shares == 0) revert ZeroAmount();
        if (shares > supply) revert InvalidParameter("shares", shares);
        uint256 n = _markets.length;
        for (uint256 i; i < n; ++i) {
            Market memory market = _markets[i];
            uint256 debt = IERC20(market.variableDebtToken).balanceOf(address(this));
            uint256 owed = Math.mulDiv(debt, shares, supply, Math.Rounding.Ceil);
            if (owed == 0) continue;
            IERC20(market.token).safeTransferFrom(payer, address(this), owed);
            uint256 repaid = _repay(market.token, owed, payer);
            if (repaid < owed) IERC20(market.token).safeTransfer(payer, owed - repaid);
        }
        for (uint256 i; i < n; ++i) {
            Market memory market = _markets[i];
            uint256 collateral = IERC20(market.aToken).balanceOf(address(this));
            uint256 idle = IERC20(market.token).balanceOf(address(this));
            _withdraw(market, Math.mulDiv(collateral, shares, supply), Math.mulDiv(idle, shares, supply), receiver);
        }
        emit ExitedProRata(shares, supply, payer, receiver);
    }

    /// @inheritdoc IPositionModule
    /// @dev Amounts only, so `pricesWad` is not read. Long = aToken balance (collateral with accrued interest) +
    /// idle balance; debt = variable debt with accrued interest. The health factor is Aave's own, at Aave's oracle
    /// prices (type(uint256).max when nothing is owed). Not callable in the middle of an `execute`.
    function report(uint256[] calldata) external view nonReentrantView returns (ModuleReport memory r) {
        uint256 n = _markets.length;
        r.longAmounts = new uint256[](n);
        r.debtAmounts = new uint256[](n);
        bool hasDebt;
        for (uint256 i; i < n; ++i) {
            Market memory market = _markets[i];
            r.longAmounts[i] =
                IERC20(market.aToken).balanceOf(address(this)) + IERC20(market.token).balanceOf(address(this));
            r.debtAmounts[i] = IERC20(market.variableDebtToken).balanceOf(address(this));
            if (r.debtAmounts[i] != 0) hasDebt = true;
        }
        if (hasDebt) {
            (, , , , , r.healthFactorWad) = pool.getUserAccountData(address(this));
        } else {
            r.healthFactorWad = type(uint256).max;
        }
    }

    /// @inheritdoc IPositionModule
    function tokens() external view returns (address[] memory list) {
        uint256 n = _markets.length;
        list = new address[](n);
        for (uint256 i; i < n; ++i) list[i] = _markets[i].token;
    }

    /// @inheritdoc IAdapter
    function protocolId() external pure returns (bytes32) {
        return PROTOCOL_ID;
    }

    /// @dev The market of `token`; reverts `TokenNotInModule` if the module was not deployed with it.
    function _market(address token) private view returns (Market memory) {
        uint256 n = _markets.length;
        for (uint256 i; i < n; ++i) if (_markets[i].token == token) return _markets[i];
        revert TokenNotInModule(token);
    }

    /// @dev True if the account owes anything on any of its reserves.
    function _hasDebt() private view returns (bool) {
        uint256 n = _markets.length;
        for (uint256 i; i < n; ++i) {
            if (IERC20(_markets[i].variableDebtToken).balanceOf(address(this)) != 0) return true;
        }
        return false;
    }

    /// @dev Supplies `amount` of `token` held by the module, for the module, with an exact allowance cleared after.
    function _supply(address token, uint256 amount) private {
        IERC20(token).forceApprove(address(pool), amount);
        pool.supply(token, amount, address(this), 0);
        IERC20(token).forceApprove(address(pool), 0);
        emit Supplied(token, amount);
    }

    /// @dev Repays up to `amount` of the module's variable debt in `token` with tokens the module holds (pulled from
    /// `payer`); returns what Aave actually took.
    function _repay(address token, uint256 amount, address payer) private returns (uint256 repaid) {
        IERC20(token).forceApprove(address(pool), amount);
        repaid = pool.repay(token, amount, VARIABLE_RATE_MODE, address(this));
        IERC20(token).forceApprove(address(pool), 0);
        emit Repaid(token, repaid, payer);
    }

    /// @dev Withdraws `collateral` of `market` from Aave (type(uint256).max = all) and sends it, plus `idle` of the
    /// module's own balance, to `to`. Zero amounts are skipped (Aave refuses a zero withdrawal).
    function _withdraw(Market memory market, uint256 collateral, uint256 idle, address to) private {
        uint256 withdrawn;
        if (collateral != 0) withdrawn = pool.withdraw(market.token, collateral, to);
        if (idle != 0) IERC20(market.token).safeTransfer(to, idle);
        if (withdrawn + idle != 0) emit Withdrawn(market.token, withdrawn + idle, to);
    }
}
