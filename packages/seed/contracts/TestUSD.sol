// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Test USD
/// @notice The demo market's ERC-20 price currency on local chains: six decimals like most dollar
/// tokens, freely mintable, worth nothing. Never deploy it to a network with real value.
contract TestUSD is ERC20 {
    constructor() ERC20("Test USD (no value)", "tUSD") {}

    /// @notice Six decimals, as USDC.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to`; anyone may (it is a test currency).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
