// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IPositionModule, ModuleReport} from "../interfaces/IPositionModule.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {MockERC20} from "../mocks/MockERC20.sol";

/// @title MockPositionModule — a TEST STAND-IN for a position module (Solidity unit tests only)
/// @notice Reports whatever the test sets up, so that each book limit of the vault (health factor, gross leverage, net
/// delta, short gamma, protocol exposure, value loss) can be driven exactly to its edge. "Borrowing" mints the test
/// token to the vault and records the debt. The real modules (Uniswap V3 liquidity, Aave V3) are tested against the
/// real protocols in test/chain/integration.
contract MockPositionModule is IPositionModule {
    using SafeERC20 for IERC20;

    uint8 public constant DEPOSIT = 1; // pull amountIn of tokenIn and hold it (long)
    uint8 public constant BORROW = 2; // mint `amount` of `token` to the vault, record it as debt
    uint8 public constant REPAY = 3; // pull amountIn of tokenIn, reduce its debt
    uint8 public constant SET_GAMMA = 4; // shortGammaUsdWad = amount
    uint8 public constant SET_HEALTH = 5; // healthFactorWad = amount
    uint8 public constant LOSE = 6; // burn `amount` of held `token` (a module that loses value)
    uint8 public constant WITHDRAW = 7; // send `amount` of held `token` back to the vault

    address public immutable vault;
    bytes32 public immutable protocolId;
    address[] internal _tokens;
    mapping(address token => uint256) public debt;
    uint256 public shortGammaUsdWad;
    uint256 public healthFactorWad = type(uint256).max;

    constructor(address vault_, bytes32 protocolId_, address[] memory tokens_) {
        vault = vault_;
        protocolId = protocolId_;
        _tokens = tokens_;
    }

    function tokens() external view returns (address[] memory) {
        return _tokens;
    }

    function report(uint256[] calldata) external view returns (ModuleReport memory r) {
        uint256 n = _tokens.length;
        r.longAmounts = new uint256[](n);
        r.debtAmounts = new uint256[](n);
        for (uint256 j; j < n; ++j) {
            r.longAmounts[j] = IERC20(_tokens[j]).balanceOf(address(this));
            r.debtAmounts[j] = debt[_tokens[j]];
        }
        r.shortGammaUsdWad = shortGammaUsdWad;
        r.healthFactorWad = healthFactorWad;
    }

    function execute(address tokenIn, uint256 amountIn, bool deRiskOnly, bytes calldata data) external {
        if (msg.sender != vault) revert ErrorsLib.OnlyVault(msg.sender);
        (uint8 op, address token, uint256 amount) = abi.decode(data, (uint8, address, uint256));
        if (deRiskOnly && (op == BORROW || op == SET_GAMMA)) revert ErrorsLib.ModuleDeRiskOnly(op);
        if (op == DEPOSIT) {
            IERC20(tokenIn).safeTransferFrom(vault, address(this), amountIn);
        } else if (op == BORROW) {
            debt[token] += amount;
            MockERC20(token).mint(vault, amount);
        } else if (op == REPAY) {
            IERC20(tokenIn).safeTransferFrom(vault, address(0xdead), amountIn); // repaid: gone to the lender
            debt[tokenIn] -= amountIn;
        } else if (op == SET_GAMMA) {
            shortGammaUsdWad = amount;
        } else if (op == SET_HEALTH) {
            healthFactorWad = amount;
        } else if (op == LOSE) {
            IERC20(token).safeTransfer(address(0xdead), amount);
        } else if (op == WITHDRAW) {
            IERC20(token).safeTransfer(vault, amount);
        } else {
            revert ErrorsLib.UnknownOperation(op);
        }
    }

    function exitProRata(uint256 shares, uint256 supply, address payer, address receiver) external {
        if (msg.sender != vault) revert ErrorsLib.OnlyVault(msg.sender);
        for (uint256 j; j < _tokens.length; ++j) {
            IERC20 t = IERC20(_tokens[j]);
            uint256 owed = (debt[_tokens[j]] * shares + supply - 1) / supply;
            if (owed > 0) {
                t.safeTransferFrom(payer, address(0xdead), owed); // repaid: gone to the lender
                debt[_tokens[j]] -= owed;
            }
            uint256 out = (t.balanceOf(address(this)) * shares) / supply;
            if (out > 0) t.safeTransfer(receiver, out);
        }
    }
}
