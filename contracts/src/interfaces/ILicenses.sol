// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ILicenses
/// @notice The part of `Licenses` that `Works` calls to check a derivative's parent license.
interface ILicenses {
    /// @notice Whether `account` holds license `licenseId` of `parentWorkId`, valid now and still valid at
    /// `validUntil` (a generation request's deadline), with terms that allow derivatives; and the derivative
    /// revenue share those terms ask.
    function derivativeRight(
        uint256 licenseId,
        address account,
        uint256 parentWorkId,
        uint256 validUntil
    ) external view returns (bool allowed, uint16 shareBps);
}
