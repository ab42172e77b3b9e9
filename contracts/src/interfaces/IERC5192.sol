// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IERC5192: minimal soulbound NFTs
/// @notice A token is locked (non-transferable) or not; the status is announced by events.
interface IERC5192 {
    /// @notice Emitted when the locking status of `tokenId` becomes locked.
    event Locked(uint256 tokenId);

    /// @notice Emitted when the locking status of `tokenId` becomes unlocked.
    event Unlocked(uint256 tokenId);

    /// @notice Whether `tokenId` is locked (cannot be transferred).
    function locked(uint256 tokenId) external view returns (bool);
}
