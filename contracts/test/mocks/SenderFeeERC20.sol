// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC-20 that charges the sender 1% on top of every transfer: the recipient gets the full
/// amount, so a "received == price" check passes, but a holder paying out loses more than it sends.
contract SenderFeeERC20 is ERC20 {
    constructor() ERC20("SenderFee", "SFEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) super._update(from, address(0), value / 100);
        super._update(from, to, value);
    }
}
