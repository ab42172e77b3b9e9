// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OfferInput, Payout, SaleRecord} from "../common/AtelierTypes.sol";

/// @title IWorks
/// @notice The part of `Works` that `Licenses` and `GenerationMarket` call.
interface IWorks {
    /// @notice Records the sale of one license from public offer `offerId` of `workId`; only `Licenses`.
    function recordSale(uint256 workId, uint256 offerId) external returns (SaleRecord memory);

    /// @notice Records the sale of one license from a signed private offer; only `Licenses`.
    /// @return payee The work's owner (who signs private offers and is paid).
    /// @return derivative Whether the work has parents (its revenue is split with them).
    /// @return ownerSince When the work last changed hands (0 if never): older private offers are void.
    function recordPrivateSale(
        uint256 workId,
        bool exclusive
    ) external returns (address payee, bool derivative, uint256 ownerSince);

    /// @notice How `amount` of a derivative's revenue is split between it and its ancestors.
    function revenueSplit(uint256 workId, uint256 amount) external view returns (Payout[] memory);

    /// @notice Mints a generated work to `to`; only the generation market.
    function mintGenerated(
        address to,
        uint256 jobId,
        bytes32 contentHash,
        bytes32 metadataDigest,
        uint64 perceptualHash,
        uint16 royaltyBps,
        OfferInput calldata offer
    ) external returns (uint256 workId);

    /// @notice The work whose content hash is `contentHash`, or 0.
    function workByContentHash(bytes32 contentHash) external view returns (uint256);

    /// @notice Number of public offers of `workId`.
    function offerCount(uint256 workId) external view returns (uint256);

    /// @notice Licenses sold so far by public offer `offerId` of `workId`.
    function offerSold(uint256 workId, uint256 offerId) external view returns (uint256);

    /// @notice Currency of public offer `offerId` of `workId` (`address(0)` = ETH).
    function offerCurrency(uint256 workId, uint256 offerId) external view returns (address);
}
