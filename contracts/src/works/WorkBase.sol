// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IWorks} from "../interfaces/IWorks.sol";

/// @title WorkBase
/// @notice The per-work storage slot and the ownership checks that `Works`, `WorkOffers` and `WorkLineage`
/// share.
abstract contract WorkBase is ERC721, AccessControl, Pausable, IWorks {
    uint8 internal constant _GENERATED = 1;
    uint8 internal constant _FLAGGED = 2;
    uint8 internal constant _SALES_PAUSED = 4;
    uint8 internal constant _EXCLUSIVE_SOLD = 8;
    uint8 internal constant _DERIVATIVE = 16;
    /// @dev The work has (had) an exclusive public offer: no non-exclusive public offer may be added.
    uint8 internal constant _HAS_EXCLUSIVE_OFFER = 32;
    /// @dev The work has (had) a non-exclusive public offer: no exclusive public offer may be added.
    uint8 internal constant _HAS_OPEN_OFFER = 64;

    /// @dev One storage slot per work.
    struct Work {
        address creator;
        uint56 watermarkId;
        uint16 royaltyBps;
        uint8 flags;
        uint8 offerCount;
    }

    mapping(uint256 workId => Work) internal _works;

    /// @notice No work `workId` exists.
    error UnknownWork(uint256 workId);
    /// @notice The caller is not the owner of `workId`.
    error NotWorkOwner(uint256 workId, address caller);

    /// @inheritdoc AccessControl
    function supportsInterface(
        bytes4 interfaceId
    ) public view virtual override(ERC721, AccessControl) returns (bool) {
        return ERC721.supportsInterface(interfaceId) || AccessControl.supportsInterface(interfaceId);
    }

    function _existing(uint256 workId) internal view returns (Work storage w) {
        w = _works[workId];
        if (w.creator == address(0)) revert UnknownWork(workId);
    }

    function _onlyOwner(uint256 workId) internal view {
        if (_works[workId].creator == address(0)) revert UnknownWork(workId);
        if (_ownerOf(workId) != msg.sender) revert NotWorkOwner(workId, msg.sender);
    }
}
