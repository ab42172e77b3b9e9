// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GeneratedWork} from "../../src/interfaces/IWorks.sol";

interface IMarketProbe {
    function jobStatus(uint256 jobId) external view returns (uint8);
    function creditOf(address account, address currency) external view returns (uint256);
}

/// @notice Stands in for `Works` behind a `GenerationMarket`: when the market calls `mintGenerated`, it
/// records what the market's state looks like at that moment (checks-effects-interactions).
contract ProbeWorks {
    uint8 public seenStatus;
    uint256 public seenNodeCredit;
    address public node;
    uint256 public workCount;

    function setNode(address node_) external {
        node = node_;
    }

    function reserveContent(bytes32, address, uint256) external {}

    function isCurrencyAllowed(address) external pure returns (bool) {
        return true;
    }

    function mintGenerated(GeneratedWork calldata g) external returns (uint256) {
        seenStatus = IMarketProbe(msg.sender).jobStatus(g.jobId);
        seenNodeCredit = IMarketProbe(msg.sender).creditOf(node, address(0));
        return ++workCount;
    }
}
