// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC-20 that calls a hook on the sender before each `transferFrom` (ERC-777-like callback),
/// so that a malicious payer can try to re-enter.
contract CallbackERC20 is ERC20 {
    constructor() ERC20("Callback", "CB") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (from.code.length != 0) ITokenHook(from).onTokenTransfer();
        return super.transferFrom(from, to, value);
    }
}

interface ITokenHook {
    function onTokenTransfer() external;
}
