// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Lineage
/// @notice Packs a derivative work's parents into one storage word.
/// @dev Layout (bit offsets): 0 count (4), 4 depth (4), 8 ancestor paths (5), 13 effective share in bps
/// (14), then parent `i` at 32 + 56·i: work id (40 bits) and revenue share in bps (16 bits). A root work's
/// lineage is 0. "Ancestor paths" counts every path to an ancestor (Σ over parents of 1 + the parent's
/// paths): it bounds the work of splitting a sale's revenue up the parent chain. A parent's share
/// `INHERIT` means the parent was claimed by ownership and its own ancestors' shares carry through to the
/// child (so owning an intermediate derivative cannot strip its ancestors' revenue share). The effective
/// share is what a sale of the work pays upwards in total (Σ of shares, inherited ones resolved).
library Lineage {
    /// @notice Most parents of one work.
    uint256 internal constant MAX_PARENTS = 4;
    /// @notice Deepest derivative chain (a root has depth 0).
    uint256 internal constant MAX_DEPTH = 8;
    /// @notice Most ancestor paths of one work (bounds the revenue split's payouts).
    uint256 internal constant MAX_ANCESTOR_PATHS = 16;
    /// @notice Share marker of a parent claimed by ownership whose ancestors' shares carry through.
    uint256 internal constant INHERIT = 0xffff;

    function count(uint256 lineage) internal pure returns (uint256) {
        return lineage & 0xf;
    }

    function depth(uint256 lineage) internal pure returns (uint256) {
        return (lineage >> 4) & 0xf;
    }

    function paths(uint256 lineage) internal pure returns (uint256) {
        return (lineage >> 8) & 0x1f;
    }

    function effectiveShare(uint256 lineage) internal pure returns (uint256) {
        return (lineage >> 13) & 0x3fff;
    }

    function parentAt(uint256 lineage, uint256 i) internal pure returns (uint256 workId, uint256 shareBps) {
        uint256 entry = lineage >> (32 + 56 * i);
        return (entry & ((1 << 40) - 1), (entry >> 40) & 0xffff);
    }

    function pack(
        uint256[] memory workIds,
        uint256[] memory shares,
        uint256 depth_,
        uint256 paths_,
        uint256 effectiveShare_
    ) internal pure returns (uint256 lineage) {
        lineage = workIds.length | (depth_ << 4) | (paths_ << 8) | (effectiveShare_ << 13);
        for (uint256 i = 0; i < workIds.length; ++i) {
            lineage |= (workIds[i] | (shares[i] << 40)) << (32 + 56 * i);
        }
    }
}
