// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LicenseMetadata} from "./libraries/LicenseMetadata.sol";

/// @title LicenseRenderer
/// @notice Renders a licence token's ERC-721 metadata JSON (`data:application/json;base64,…`) for
/// `Licenses.tokenURI`. Stateless and separate from `Licenses` so that the licence contract stays within the
/// contract size limit; the admin of `Licenses` points it here with `setMetadataRenderer`.
contract LicenseRenderer {
    /// @notice The metadata URI of the licence described by `fields`.
    function tokenURI(LicenseMetadata.Fields calldata fields) external pure returns (string memory) {
        return LicenseMetadata.uri(fields);
    }
}
