// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Terms} from "../common/AtelierTypes.sol";

/// @title ILicenseTerms
/// @notice The part of the license-terms registry other Atelier contracts call.
interface ILicenseTerms {
    /// @notice The hot fields of terms `termsId`: flags (see `TermsFlags`), duration and derivative share.
    /// @dev Reverts with `UnknownTerms` when the id is not registered.
    function termsCore(uint32 termsId) external view returns (uint8 flags, uint40 duration, uint16 shareBps);

    /// @notice The full terms `termsId` (with the legal text URI).
    function getTerms(uint32 termsId) external view returns (Terms memory);
}
