// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierLimits, ParentRef, Payout} from "../common/AtelierTypes.sol";
import {ILicenses} from "../interfaces/ILicenses.sol";
import {Lineage} from "../libraries/Lineage.sol";
import {WorkBase} from "./WorkBase.sol";

/// @title WorkLineage
/// @notice Parents of derivative works (uploaded or generated), the right that authorises each parent, and
/// the revenue split of a derivative's sales up its parent chain.
/// @dev The minter (the requester, for a generated work) owns each parent or names a licence of it that
/// allows derivatives; that licence's derivative share is owed to the parent. A parent claimed by ownership
/// passes its own ancestors' shares through (`Lineage.INHERIT`).
abstract contract WorkLineage is WorkBase {
    mapping(uint256 workId => uint256) internal _lineage;

    /// @notice More parents than `max`.
    error TooManyParents(uint256 count, uint256 max);
    /// @notice Parent `workId` does not exist.
    error UnknownParent(uint256 workId);
    /// @notice Parent `workId` is listed twice.
    error DuplicateParent(uint256 workId);
    /// @notice Parent `workId` is flagged and cannot be derived from.
    error ParentFlagged(uint256 workId);
    /// @notice The minter neither owns parent `workId` nor holds license `licenseId` allowing derivatives
    /// (valid until the job's deadline, for a generation request).
    error UnlicensedParent(uint256 workId, uint256 licenseId);
    /// @notice The derivative chain would be `depth` deep, more than `max`.
    error LineageTooDeep(uint256 depth, uint256 max);
    /// @notice The work would have `paths` ancestor paths, more than `max`.
    error TooManyAncestors(uint256 paths, uint256 max);
    /// @notice The parents' revenue shares add up to more than 100%.
    error ParentSharesTooHigh(uint256 totalBps);

    /// @dev The `Licenses` contract that answers for parent licences.
    function _licensesContract() internal view virtual returns (address);

    /// @notice Checks that `account` may derive from `parents` with licences valid until `validUntil`;
    /// reverts with the reason otherwise. The market calls it when a job with parents is requested.
    /// @return effectiveShareBps What a sale of the derivative would pay upwards in total, in bps.
    function checkParents(
        address account,
        ParentRef[] calldata parents,
        uint256 validUntil
    ) external view returns (uint256 effectiveShareBps) {
        (uint256 lineage, , ) = _buildLineage(account, parents, validUntil);
        return Lineage.effectiveShare(lineage);
    }

    /// @notice Whether `account` still holds the right to derive from each of `parents` now (parent not
    /// flagged, owned by `account` or licensed to it for derivatives). Never reverts.
    function parentsHold(address account, ParentRef[] calldata parents) external view returns (bool) {
        for (uint256 i = 0; i < parents.length; ++i) {
            uint256 pid = parents[i].workId;
            Work memory pw = _works[pid];
            if (pw.creator == address(0) || pw.flags & _FLAGGED != 0) return false;
            if (parents[i].licenseId == 0) {
                if (_ownerOf(pid) != account) return false;
            } else {
                (bool allowed, ) = ILicenses(_licensesContract()).derivativeRight(
                    parents[i].licenseId,
                    account,
                    pid,
                    block.timestamp
                );
                if (!allowed) return false;
            }
        }
        return true;
    }

    /// @notice How `amount` of `workId`'s revenue is split between it and its ancestors (the work last).
    function revenueSplit(uint256 workId, uint256 amount) external view returns (Payout[] memory payouts) {
        payouts = new Payout[](Lineage.paths(_lineage[workId]) + 1);
        uint256 n = _split(workId, amount, payouts, 0);
        assembly ("memory-safe") {
            mstore(payouts, n)
        }
    }

    function _buildLineage(
        address account,
        ParentRef[] calldata parents,
        uint256 validUntil
    ) internal view returns (uint256 lineage, uint256[] memory ids, uint16[] memory shares) {
        uint256 n = parents.length;
        if (n > Lineage.MAX_PARENTS) revert TooManyParents(n, Lineage.MAX_PARENTS);
        ids = new uint256[](n);
        shares = new uint16[](n);
        uint256[] memory shareWords = new uint256[](n);
        uint256 depth;
        uint256 paths;
        uint256 totalShare;
        for (uint256 i = 0; i < n; ++i) {
            uint256 pid = parents[i].workId;
            Work memory pw = _works[pid];
            if (pw.creator == address(0)) revert UnknownParent(pid);
            if (pw.flags & _FLAGGED != 0) revert ParentFlagged(pid);
            for (uint256 j = 0; j < i; ++j) {
                if (ids[j] == pid) revert DuplicateParent(pid);
            }
            uint256 pl = _lineage[pid];
            uint256 share;
            uint256 effective;
            if (parents[i].licenseId == 0) {
                if (_ownerOf(pid) != account) revert UnlicensedParent(pid, 0);
                // Owned: the parent's own ancestors keep their share of what derives from it.
                effective = Lineage.effectiveShare(pl);
                share = effective == 0 ? 0 : Lineage.INHERIT;
            } else {
                bool allowed;
                (allowed, share) = _licensedShare(parents[i].licenseId, account, pid, validUntil);
                if (!allowed) revert UnlicensedParent(pid, parents[i].licenseId);
                effective = share;
            }
            uint256 d = Lineage.depth(pl) + 1;
            if (d > depth) depth = d;
            paths += 1 + Lineage.paths(pl);
            totalShare += effective;
            ids[i] = pid;
            shares[i] = uint16(share);
            shareWords[i] = share;
        }
        if (depth > Lineage.MAX_DEPTH) revert LineageTooDeep(depth, Lineage.MAX_DEPTH);
        if (paths > Lineage.MAX_ANCESTOR_PATHS) revert TooManyAncestors(paths, Lineage.MAX_ANCESTOR_PATHS);
        if (totalShare > AtelierLimits.BPS) revert ParentSharesTooHigh(totalShare);
        lineage = Lineage.pack(ids, shareWords, depth, paths, totalShare);
    }

    function _licensedShare(
        uint256 licenseId,
        address account,
        uint256 parentId,
        uint256 validUntil
    ) private view returns (bool allowed, uint256 share) {
        uint16 s;
        (allowed, s) = ILicenses(_licensesContract()).derivativeRight(
            licenseId,
            account,
            parentId,
            validUntil
        );
        share = s;
    }

    function _split(
        uint256 workId,
        uint256 amount,
        Payout[] memory out,
        uint256 n
    ) private view returns (uint256) {
        uint256 distributed;
        (n, distributed) = _splitParents(_lineage[workId], amount, out, n);
        out[n] = Payout({workId: workId, payee: _ownerOf(workId), amount: amount - distributed});
        return n + 1;
    }

    /// @dev Pays `lineage`'s parents their shares of `amount`; an inherited parent is not paid itself, its
    /// own parents are paid their shares of the full `amount`.
    function _splitParents(
        uint256 lineage,
        uint256 amount,
        Payout[] memory out,
        uint256 n
    ) private view returns (uint256, uint256 distributed) {
        uint256 count = Lineage.count(lineage);
        for (uint256 i = 0; i < count; ++i) {
            (uint256 pid, uint256 bps) = Lineage.parentAt(lineage, i);
            if (bps == Lineage.INHERIT) {
                uint256 d;
                (n, d) = _splitParents(_lineage[pid], amount, out, n);
                distributed += d;
            } else {
                uint256 share = (amount * bps) / AtelierLimits.BPS;
                if (share != 0) {
                    n = _split(pid, share, out, n);
                    distributed += share;
                }
            }
        }
        return (n, distributed);
    }
}
