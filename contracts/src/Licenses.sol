// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {AtelierLimits, SaleRecord, TermsFlags} from "./common/AtelierTypes.sol";
import {ProtocolConfig} from "./common/ProtocolConfig.sol";
import {ILicenseTerms} from "./interfaces/ILicenseTerms.sol";
import {IWorks} from "./interfaces/IWorks.sol";
import {LicenseMetadata} from "./libraries/LicenseMetadata.sol";
import {LicenseRenderer} from "./LicenseRenderer.sol";
import {LicenseBook} from "./licenses/LicenseBook.sol";
import {LicenseSales} from "./licenses/LicenseSales.sol";

/// @title Licenses
/// @notice License tokens (ERC-721; locked per ERC-5192 when the terms are not transferable) and their
/// sale: public offers of `Works` via `buyLicense`, EIP-712 signed private offers via `buyPrivateLicense`.
/// The payment is split into the protocol fee (to the treasury), the derivative revenue shares of the
/// work's ancestors and the rest to the work's owner, all as pull-payment credits (`withdraw`).
/// @dev License ids encode their origin: `workId << 64 | offerId << 32 | serial` where `offerId` 0 is a
/// private offer and `serial` counts from 1 per offer. So `isLicensed` can enumerate a work's licenses
/// without an index, and `workOfLicense(id) = id >> 64`.
/// Parts: `LicenseBook` (the licence tokens, their lock and the rights views), `LicenseSales` (`buyLicense`
/// and the payment split), `ProtocolConfig` (roles, pause, fee, treasury), `PullPayments` (credits); this
/// contract adds EIP-712 private offers, `licenseInfo` and the metadata renderer.
contract Licenses is LicenseSales, EIP712 {
    /// @notice EIP-712 type of a private offer, signed by the work's current owner.
    bytes32 public constant PRIVATE_OFFER_TYPEHASH = keccak256(
        "PrivateOffer(uint256 workId,uint32 termsId,address buyer,address currency,uint96 price,uint40 duration,uint256 nonce,uint40 deadline,uint40 issuedAt)"
    );

    /// @notice A private offer: a price for one named buyer, signed by the work's owner.
    /// @param duration License duration in seconds, 0 = perpetual (overrides the terms' duration).
    /// @param nonce Any number unused by the signer; once redeemed or cancelled it cannot be used again.
    /// @param deadline Last timestamp at which the offer can be redeemed.
    /// @param issuedAt When the offer was signed (the signer sets it): an offer issued before the work last
    /// changed hands (`Works.ownerSince`) is void, so it does not revive if the work returns to its signer.
    struct PrivateOffer {
        uint256 workId;
        uint32 termsId;
        address buyer;
        address currency;
        uint96 price;
        uint40 duration;
        uint256 nonce;
        uint40 deadline;
        uint40 issuedAt;
    }

    /// @notice A license, as returned by `licenseInfo`.
    struct LicenseView {
        uint256 workId;
        uint256 offerId;
        uint256 serial;
        address licensee;
        uint32 termsId;
        uint40 start;
        uint40 expiry;
        uint96 price;
        address currency;
        uint8 termsFlags;
        bool valid;
    }

    /// @notice The contract that renders licence metadata for `tokenURI` (set by the admin; see
    /// `LicenseRenderer`). While unset, `tokenURI` returns `atelier:license:<id>`.
    LicenseRenderer public metadataRenderer;

    /// @notice Whether `signer` has used (or cancelled) private-offer nonce `nonce`.
    mapping(address signer => mapping(uint256 nonce => bool)) public nonceUsed;

    /// @notice Emitted when the admin sets the licence metadata renderer.
    event MetadataRendererSet(address renderer);

    /// @notice Emitted when a private offer is redeemed: `signer` (the work's owner) used `nonce` for
    /// `licenseId` (whose sale is in `LicensePurchased`). Lets an indexer mark the signed offer as consumed.
    event PrivateOfferRedeemed(address indexed signer, uint256 indexed nonce, uint256 indexed licenseId);

    /// @notice Emitted when a signer cancels a private-offer nonce. It names no work: nonces are per signer,
    /// not per work (one nonce may back alternative offers on several works), so cancelling voids every
    /// offer signed with it.
    event PrivateOfferCancelled(address indexed signer, uint256 indexed nonce);

    /// @notice The private offer's deadline `deadline` has passed.
    error OfferExpired(uint256 deadline);
    /// @notice The private offer names another buyer than the caller.
    error NotOfferBuyer(address buyer, address caller);
    /// @notice The signature is not the work owner's.
    error InvalidSignature();
    /// @notice `signer` already used or cancelled `nonce`.
    error NonceAlreadyUsed(address signer, uint256 nonce);
    /// @notice The private offer's duration `duration` is above `maxDuration` (use 0 for perpetual).
    error DurationTooLong(uint256 duration, uint256 maxDuration);
    /// @notice The private offer was issued at `issuedAt`, before the work last changed hands at `ownerSince`.
    error OfferPredatesOwnership(uint256 issuedAt, uint256 ownerSince);
    /// @notice The private offer's `issuedAt` is in the future.
    error OfferIssuedInFuture(uint256 issuedAt);
    /// @notice `currency` is not on the admin-curated allow-list of `Works`.
    error CurrencyNotAllowed(address currency);

    /// @param admin Receives DEFAULT_ADMIN_ROLE and PAUSER_ROLE.
    /// @param works_ The `Works` contract.
    /// @param termsRegistry_ The `LicenseTerms` registry.
    /// @param treasury_ Credited the protocol fee.
    /// @param feeBps Protocol fee on license sales, at most `AtelierLimits.MAX_PROTOCOL_FEE_BPS`.
    constructor(
        address admin,
        IWorks works_,
        ILicenseTerms termsRegistry_,
        address treasury_,
        uint16 feeBps
    )
        ERC721("Atelier Licenses", "ATL")
        LicenseBook(works_, termsRegistry_)
        ProtocolConfig(admin, treasury_, feeBps)
        EIP712("Atelier Licenses", "1")
    {}

    // ------------------------------------------------------------------------------------------------
    // Private offers
    // ------------------------------------------------------------------------------------------------

    /// @notice Redeems a private offer signed by the work's current owner (EOA or ERC-1271 wallet); the
    /// license is minted to the offer's buyer, who must be the caller.
    /// @param offer The signed offer.
    /// @param signature The owner's EIP-712 signature of `offer`.
    /// @return licenseId The new license token.
    function buyPrivateLicense(
        PrivateOffer calldata offer,
        bytes calldata signature
    ) external payable nonReentrant whenNotPaused returns (uint256 licenseId) {
        if (offer.buyer != msg.sender) revert NotOfferBuyer(offer.buyer, msg.sender);
        if (block.timestamp > offer.deadline) revert OfferExpired(offer.deadline);
        if (offer.duration > AtelierLimits.MAX_LICENSE_DURATION) {
            revert DurationTooLong(offer.duration, AtelierLimits.MAX_LICENSE_DURATION);
        }
        // A future issuedAt would let the offer outlive a change of owner (it would not predate it).
        if (offer.issuedAt > block.timestamp) revert OfferIssuedInFuture(offer.issuedAt);
        if (!works.isCurrencyAllowed(offer.currency)) revert CurrencyNotAllowed(offer.currency);
        (uint8 termsFlags, , ) = termsRegistry.termsCore(offer.termsId);
        bool exclusive = termsFlags & TermsFlags.EXCLUSIVE != 0;
        uint256 sold = privateSales[offer.workId];
        if (exclusive && sold != 0) revert LicensesAlreadySold(offer.workId);
        (address payee, bool derivative, uint256 ownerSince) = works.recordPrivateSale(
            offer.workId,
            exclusive
        );
        if (offer.issuedAt < ownerSince) revert OfferPredatesOwnership(offer.issuedAt, ownerSince);
        if (nonceUsed[payee][offer.nonce]) revert NonceAlreadyUsed(payee, offer.nonce);
        if (
            !SignatureChecker.isValidSignatureNow(payee, _hashTypedDataV4(hashPrivateOffer(offer)), signature)
        ) {
            revert InvalidSignature();
        }
        nonceUsed[payee][offer.nonce] = true;
        privateSales[offer.workId] = sold + 1;
        if (offer.currency != address(0)) {
            _privateCurrency[(offer.workId << 64) | (sold + 1)] = offer.currency;
        }
        SaleRecord memory sale = SaleRecord({
            payee: payee,
            currency: offer.currency,
            price: offer.price,
            termsId: offer.termsId,
            duration: offer.duration,
            termsFlags: termsFlags,
            serial: uint32(sold + 1),
            derivative: derivative
        });
        licenseId = _complete(sale, offer.workId, 0, offer.buyer);
        emit PrivateOfferRedeemed(payee, offer.nonce, licenseId);
    }

    /// @notice Cancels the caller's private-offer nonce so that an offer signed with it can't be redeemed.
    function cancelPrivateOffer(uint256 nonce) external {
        if (nonceUsed[msg.sender][nonce]) revert NonceAlreadyUsed(msg.sender, nonce);
        nonceUsed[msg.sender][nonce] = true;
        emit PrivateOfferCancelled(msg.sender, nonce);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice Everything about license `licenseId`.
    function licenseInfo(uint256 licenseId) external view returns (LicenseView memory v) {
        address owner = _requireOwned(licenseId);
        License memory lic = _licenses[licenseId];
        v.workId = licenseId >> 64;
        v.offerId = (licenseId >> 32) & type(uint32).max;
        v.serial = licenseId & type(uint32).max;
        v.licensee = owner;
        v.termsId = lic.termsId;
        v.start = lic.start;
        v.expiry = lic.expiry;
        v.price = lic.price;
        v.currency =
            v.offerId == 0
                ? _privateCurrency[(v.workId << 64) | v.serial]
                : works.offerCurrency(v.workId, v.offerId);
        v.termsFlags = lic.termsFlags;
        v.valid = lic.expiry == 0 || block.timestamp < lic.expiry;
    }

    /// @notice The licence's ERC-721 metadata JSON as a `data:application/json;base64,` URI: work, terms
    /// (flags, legal text URI), licensee, start, expiry, price and currency.
    function tokenURI(uint256 licenseId) public view override returns (string memory) {
        address owner = _requireOwned(licenseId);
        if (address(metadataRenderer) == address(0)) {
            return string.concat("atelier:license:", Strings.toString(licenseId));
        }
        License memory lic = _licenses[licenseId];
        uint256 workId = licenseId >> 64;
        uint256 offerId = (licenseId >> 32) & type(uint32).max;
        return
            metadataRenderer.tokenURI(
                LicenseMetadata.Fields({
                    licenseId: licenseId,
                    workId: workId,
                    offerId: offerId,
                    licensee: owner,
                    termsId: lic.termsId,
                    termsFlags: lic.termsFlags,
                    start: lic.start,
                    expiry: lic.expiry,
                    price: lic.price,
                    currency: offerId == 0
                        ? _privateCurrency[(workId << 64) | (licenseId & type(uint32).max)]
                        : works.offerCurrency(workId, offerId),
                    works: address(works),
                    legalTextUri: termsRegistry.getTerms(lic.termsId).legalTextUri
                })
            );
    }

    /// @notice Sets the contract that renders licence metadata (`tokenURI`). Only DEFAULT_ADMIN_ROLE.
    function setMetadataRenderer(LicenseRenderer renderer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        metadataRenderer = renderer;
        emit MetadataRendererSet(address(renderer));
    }

    /// @notice EIP-712 struct hash of `offer`.
    function hashPrivateOffer(PrivateOffer calldata offer) public pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    PRIVATE_OFFER_TYPEHASH,
                    offer.workId,
                    offer.termsId,
                    offer.buyer,
                    offer.currency,
                    offer.price,
                    offer.duration,
                    offer.nonce,
                    offer.deadline,
                    offer.issuedAt
                )
            );
    }

    /// @notice The EIP-712 domain separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
