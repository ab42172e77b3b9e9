// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IGenerationMarket
/// @notice The part of `GenerationMarket` that `Works` calls.
interface IGenerationMarket {
    /// @notice The work minted by fulfilling `jobId`, or 0 while the job is not fulfilled.
    function workOfJob(uint256 jobId) external view returns (uint256);

    /// @notice The node that holds `jobId` claimed now, or `address(0)`.
    function claimingNode(uint256 jobId) external view returns (address);
}
