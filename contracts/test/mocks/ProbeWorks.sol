// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OfferInput} from "../../src/common/AtelierTypes.sol";

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

    function workByContentHash(bytes32) external pure returns (uint256) {
        return 0;
    }

    function mintGenerated(
        address,
        uint256 jobId,
        bytes32,
        bytes32,
        uint64,
        uint16,
        OfferInput calldata
    ) external returns (uint256) {
        seenStatus = IMarketProbe(msg.sender).jobStatus(jobId);
        seenNodeCredit = IMarketProbe(msg.sender).creditOf(node, address(0));
        return ++workCount;
    }
}
