// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {AtelierLimits, Payout, SaleRecord, TermsFlags} from "./common/AtelierTypes.sol";
import {ProtocolConfig} from "./common/ProtocolConfig.sol";
import {PullPayments} from "./common/PullPayments.sol";
import {IERC5192} from "./interfaces/IERC5192.sol";
import {ILicenses} from "./interfaces/ILicenses.sol";
import {ILicenseTerms} from "./interfaces/ILicenseTerms.sol";
import {IWorks} from "./interfaces/IWorks.sol";

/// @title Licenses
/// @notice License tokens (ERC-721; locked per ERC-5192 when the terms are not transferable) and their
/// sale: public offers of `Works` via `buyLicense`, EIP-712 signed private offers via `buyPrivateLicense`.
/// The payment is split into the protocol fee (to the treasury), the derivative revenue shares of the
/// work's ancestors and the rest to the work's owner, all as pull-payment credits (`withdraw`).
/// @dev License ids encode their origin: `workId << 64 | offerId << 32 | serial` where `offerId` 0 is a
/// private offer and `serial` counts from 1 per offer. So `isLicensed` can enumerate a work's licenses
/// without an index, and `workOfLicense(id) = id >> 64`.
contract Licenses is ERC721, ProtocolConfig, PullPayments, EIP712, IERC5192, ILicenses {
    using SafeERC20 for IERC20;

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

    /// @dev One storage slot per license; the work, offer and serial are in the id, the licensee is the owner.
    struct License {
        uint32 termsId;
        uint40 start;
        uint40 expiry;
        uint96 price;
        uint8 termsFlags;
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

    /// @notice The works whose licenses are sold.
    IWorks public immutable works;
    /// @notice The license-terms registry.
    ILicenseTerms public immutable termsRegistry;

    mapping(uint256 licenseId => License) private _licenses;
    mapping(uint256 licenseId => address) private _privateCurrency;

    /// @notice Licenses sold from private offers of `workId` (their serials are 1..privateSales).
    mapping(uint256 workId => uint256) public privateSales;

    /// @notice Whether `signer` has used (or cancelled) private-offer nonce `nonce`.
    mapping(address signer => mapping(uint256 nonce => bool)) public nonceUsed;

    /// @notice Emitted once per license sold, before its `RevenueShared` events and the licence's mint
    /// `Transfer` (and `Locked`): everything an indexer needs about the sale and its credits.
    /// @param offerId 0 for a private offer.
    /// @param payee The work's owner, credited `payeeAmount`.
    /// @param protocolFee Credited to the treasury. Ancestors' shares are in `RevenueShared` events.
    event LicensePurchased(
        uint256 indexed licenseId,
        uint256 indexed workId,
        address indexed licensee,
        uint256 offerId,
        uint32 termsId,
        address currency,
        uint256 price,
        uint256 protocolFee,
        address payee,
        uint256 payeeAmount,
        uint40 expiry
    );

    /// @notice Emitted for each ancestor credited a share of a derivative's license sale, after the sale's
    /// `LicensePurchased`.
    event RevenueShared(
        uint256 indexed licenseId,
        uint256 indexed ancestorWorkId,
        address indexed payee,
        address currency,
        uint256 amount
    );

    /// @notice Emitted when a private offer is redeemed: `signer` (the work's owner) used `nonce` for
    /// `licenseId` (whose sale is in `LicensePurchased`). Lets an indexer mark the signed offer as consumed.
    event PrivateOfferRedeemed(address indexed signer, uint256 indexed nonce, uint256 indexed licenseId);

    /// @notice Emitted when a signer cancels a private-offer nonce. It names no work: nonces are per signer,
    /// not per work (one nonce may back alternative offers on several works), so cancelling voids every
    /// offer signed with it.
    event PrivateOfferCancelled(address indexed signer, uint256 indexed nonce);

    /// @notice The payment differs from the price (ETH: `msg.value`; ERC-20: any `msg.value`).
    error WrongPayment(uint256 expected, uint256 paid);
    /// @notice The price `price` is above the buyer's `maxPrice`.
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice The licensee cannot be the zero address.
    error InvalidLicensee();
    /// @notice The token transferred fewer tokens than the price (fee-on-transfer tokens are unsupported).
    error UnsupportedCurrencyTransfer(address currency, uint256 expected, uint256 received);
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
    /// @notice License `licenseId` is locked (non-transferable terms).
    error LicenseNonTransferable(uint256 licenseId);
    /// @notice An exclusive license cannot be sold: licenses of `workId` were already sold.
    error LicensesAlreadySold(uint256 workId);

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
        ProtocolConfig(admin, treasury_, feeBps)
        EIP712("Atelier Licenses", "1")
    {
        works = works_;
        termsRegistry = termsRegistry_;
    }

    // ------------------------------------------------------------------------------------------------
    // Buying
    // ------------------------------------------------------------------------------------------------

    /// @notice Buys one license of `workId` from its public offer `offerId`, minted to `licensee`.
    /// @dev Pay `msg.value == price` for ETH offers; ERC-20 offers pull `price` from the caller (approve
    /// first) and need `msg.value == 0`. Reverts while paused, and when the work is flagged, its sales are
    /// paused, the offer is inactive or sold out, or an exclusive license was sold.
    /// @param maxPrice Highest price the caller accepts.
    /// @return licenseId The new license token.
    function buyLicense(
        uint256 workId,
        uint256 offerId,
        address licensee,
        uint256 maxPrice
    ) external payable nonReentrant whenNotPaused returns (uint256 licenseId) {
        if (licensee == address(0)) revert InvalidLicensee();
        SaleRecord memory sale = works.recordSale(workId, offerId);
        if (sale.price > maxPrice) revert PriceAboveMax(sale.price, maxPrice);
        if (sale.termsFlags & TermsFlags.EXCLUSIVE != 0 && privateSales[workId] != 0) {
            revert LicensesAlreadySold(workId);
        }
        return _complete(sale, workId, offerId, licensee);
    }

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

    /// @notice Whether `account` holds an unexpired license of `workId` (with commercial rights when
    /// `commercial`). Enumerates the work's licenses: O(licenses sold), meant for off-chain calls; on chain,
    /// prefer `isLicenseValid`.
    function isLicensed(uint256 workId, address account, bool commercial) external view returns (bool) {
        uint256 offers = works.offerCount(workId);
        for (uint256 o = 0; o <= offers; ++o) {
            uint256 sold = o == 0 ? privateSales[workId] : works.offerSold(workId, o);
            for (uint256 s = 1; s <= sold; ++s) {
                if (isLicenseValid((workId << 64) | (o << 32) | s, account, commercial)) return true;
            }
        }
        return false;
    }

    /// @notice Whether `account` holds license `licenseId`, unexpired (and commercial when `commercial`).
    function isLicenseValid(uint256 licenseId, address account, bool commercial) public view returns (bool) {
        if (_ownerOf(licenseId) != account || account == address(0)) return false;
        License memory lic = _licenses[licenseId];
        if (lic.expiry != 0 && block.timestamp >= lic.expiry) return false;
        return !commercial || lic.termsFlags & TermsFlags.COMMERCIAL != 0;
    }

    /// @inheritdoc ILicenses
    function derivativeRight(
        uint256 licenseId,
        address account,
        uint256 parentWorkId,
        uint256 validUntil
    ) external view returns (bool allowed, uint16 shareBps) {
        if (licenseId >> 64 != parentWorkId || !isLicenseValid(licenseId, account, false)) return (false, 0);
        License memory lic = _licenses[licenseId];
        if (lic.termsFlags & TermsFlags.DERIVATIVES == 0) return (false, 0);
        if (lic.expiry != 0 && lic.expiry <= validUntil) return (false, 0);
        (, , shareBps) = termsRegistry.termsCore(lic.termsId);
        return (true, shareBps);
    }

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

    /// @notice The work a license id belongs to.
    function workOfLicense(uint256 licenseId) external pure returns (uint256) {
        return licenseId >> 64;
    }

    /// @notice The license id of `serial` of offer `offerId` (0 = private) of `workId`.
    function licenseIdOf(uint256 workId, uint256 offerId, uint256 serial) external pure returns (uint256) {
        return (workId << 64) | (offerId << 32) | serial;
    }

    /// @inheritdoc IERC5192
    function locked(uint256 licenseId) external view returns (bool) {
        _requireOwned(licenseId);
        return _licenses[licenseId].termsFlags & TermsFlags.TRANSFERABLE == 0;
    }

    /// @notice A data URI is not offered: license metadata lives in events and `licenseInfo`; this returns
    /// `atelier:license:<id>` for wallets.
    function tokenURI(uint256 licenseId) public view override returns (string memory) {
        _requireOwned(licenseId);
        return string.concat("atelier:license:", Strings.toString(licenseId));
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

    /// @inheritdoc ERC721
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC721, AccessControl) returns (bool) {
        return
            interfaceId == type(IERC5192).interfaceId ||
            ERC721.supportsInterface(interfaceId) ||
            AccessControl.supportsInterface(interfaceId);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    function _complete(
        SaleRecord memory p,
        uint256 workId,
        uint256 offerId,
        address licensee
    ) private returns (uint256 licenseId) {
        _collect(p.currency, p.price);
        Config memory cfg = _config;
        uint256 fee = (uint256(p.price) * cfg.feeBps) / AtelierLimits.BPS;
        _credit(cfg.treasury, p.currency, fee);
        licenseId = (workId << 64) | (offerId << 32) | p.serial;
        uint256 payeeAmount = p.price - fee;
        Payout[] memory payouts;
        uint256 shared; // number of ancestor payouts (the work itself comes last in `payouts`)
        if (p.derivative && payeeAmount != 0) {
            payouts = works.revenueSplit(workId, payeeAmount);
            shared = payouts.length - 1;
            payeeAmount = payouts[shared].amount;
        }
        _credit(p.payee, p.currency, payeeAmount);
        uint40 start = uint40(block.timestamp);
        uint40 expiry = p.duration == 0 ? 0 : start + p.duration;
        _licenses[licenseId] = License({
            termsId: p.termsId,
            start: start,
            expiry: expiry,
            price: p.price,
            termsFlags: p.termsFlags
        });
        emit LicensePurchased(
            licenseId,
            workId,
            licensee,
            offerId,
            p.termsId,
            p.currency,
            p.price,
            fee,
            p.payee,
            payeeAmount,
            expiry
        );
        for (uint256 i = 0; i < shared; ++i) {
            Payout memory po = payouts[i];
            _credit(po.payee, p.currency, po.amount);
            emit RevenueShared(licenseId, po.workId, po.payee, p.currency, po.amount);
        }
        if (p.termsFlags & TermsFlags.TRANSFERABLE == 0) emit Locked(licenseId);
        _safeMint(licensee, licenseId);
    }

    function _collect(address currency, uint256 price) private {
        if (currency == address(0)) {
            if (msg.value != price) revert WrongPayment(price, msg.value);
            return;
        }
        if (msg.value != 0) revert WrongPayment(0, msg.value);
        if (price == 0) return;
        IERC20 token = IERC20(currency);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), price);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != price) revert UnsupportedCurrencyTransfer(currency, price, received);
    }

    /// @dev Locked licenses can be minted and burned but not transferred.
    function _update(address to, uint256 licenseId, address auth) internal override returns (address from) {
        from = super._update(to, licenseId, auth);
        if (
            from != address(0) &&
            to != address(0) &&
            _licenses[licenseId].termsFlags & TermsFlags.TRANSFERABLE == 0
        ) {
            revert LicenseNonTransferable(licenseId);
        }
    }
}
