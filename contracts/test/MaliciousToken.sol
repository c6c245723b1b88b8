// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MaliciousToken — TEST ONLY
/// @notice An ERC-20 (18 decimals, open `mint` like MockERC20, so MockSwapAdapter can deliver it) that, once armed,
/// re-enters `victim` with `payload` whenever `victim` sends it (a transfer out of the vault, e.g. in redeemInKind or
/// an adapter's transferFrom). The re-entry must fail; by default its revert bubbles, so the outer call reverts.
/// Mode `Block` makes every transfer out of `victim` revert (a paused or blacklisting token).
contract MaliciousToken is ERC20 {
    enum Mode {
        Off,
        Reenter,
        Block
    }

    error TransfersBlocked();

    address public victim; // not `target`: that name would clash with ethers' Contract.target in the bindings
    bytes public payload;
    Mode public mode;
    bool public swallow;
    bytes public lastReentryError;
    bool public reentrySucceeded;

    constructor() ERC20("Malicious", "EVIL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, Mode mode_, bytes calldata payload_, bool swallow_) external {
        victim = target_;
        mode = mode_;
        payload = payload_;
        swallow = swallow_;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && from == victim) {
            if (mode == Mode.Block) revert TransfersBlocked();
            if (mode == Mode.Reenter) {
                (bool ok, bytes memory ret) = victim.call(payload);
                if (ok) reentrySucceeded = true;
                else if (!swallow) {
                    assembly {
                        revert(add(ret, 0x20), mload(ret))
                    }
                } else lastReentryError = ret;
            }
        }
        super._update(from, to, value);
    }
}
