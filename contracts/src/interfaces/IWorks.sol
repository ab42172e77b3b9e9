// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OfferInput, ParentRef, Payout, SaleRecord} from "../common/AtelierTypes.sol";

/// @notice What the market hands `Works` to mint a fulfilled job's work.
/// @param to The requester (the work's creator and first owner).
/// @param node The node that claimed the job and reserved `contentHash`.
struct GeneratedWork {
    address to;
    address node;
    uint256 jobId;
    bytes32 contentHash;
    bytes32 metadataDigest;
    uint64 perceptualHash;
    uint16 royaltyBps;
    OfferInput offer;
    ParentRef[] parents;
}

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

    /// @notice Reserves `contentHash` for claimed job `jobId` of `node`: while the job stays claimed by
    /// `node`, only its fulfilment can mint that hash. Only the generation market.
    function reserveContent(bytes32 contentHash, address node, uint256 jobId) external;

    /// @notice Mints a generated work; only the generation market.
    function mintGenerated(GeneratedWork calldata work) external returns (uint256 workId);

    /// @notice Reverts unless `account` may derive from `parents` with licences valid until `validUntil`.
    function checkParents(
        address account,
        ParentRef[] calldata parents,
        uint256 validUntil
    ) external view returns (uint256 effectiveShareBps);

    /// @notice Whether `account` still holds the right to derive from each of `parents`. Never reverts.
    function parentsHold(address account, ParentRef[] calldata parents) external view returns (bool);

    /// @notice Whether `currency` is on the allow-list (ETH, `address(0)`, always is).
    function isCurrencyAllowed(address currency) external view returns (bool);

    /// @notice The work whose content hash is `contentHash`, or 0.
    function workByContentHash(bytes32 contentHash) external view returns (uint256);

    /// @notice Number of public offers of `workId`.
    function offerCount(uint256 workId) external view returns (uint256);

    /// @notice Licenses sold so far by public offer `offerId` of `workId`.
    function offerSold(uint256 workId, uint256 offerId) external view returns (uint256);

    /// @notice Currency of public offer `offerId` of `workId` (`address(0)` = ETH).
    function offerCurrency(uint256 workId, uint256 offerId) external view returns (address);
}
