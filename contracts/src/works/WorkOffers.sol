// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OfferInput, SaleRecord, TermsFlags} from "../common/AtelierTypes.sol";
import {ILicenseTerms} from "../interfaces/ILicenseTerms.sol";
import {WorkBase} from "./WorkBase.sol";

/// @title WorkOffers
/// @notice Public licence offers of works (terms, price, currency, supply), the admin-curated currency
/// allow-list, and the bookkeeping of sales (supply, exclusivity) that `Licenses` asks for.
/// @dev Offers never change after creation except their active flag. A work's public offers are either
/// all exclusive or all non-exclusive: a cheap non-exclusive sale can then never block an exclusive one.
abstract contract WorkOffers is WorkBase {
    /// @notice Most public offers of one work.
    uint256 public constant MAX_OFFERS_PER_WORK = 32;

    uint8 private constant _OFFER_ACTIVE = 1;
    uint8 private constant _OFFER_ERC20 = 2;

    /// @dev One storage slot per offer: the terms' flags and duration are cached at creation.
    struct Offer {
        uint96 price;
        uint32 termsId;
        uint32 maxSupply;
        uint32 sold;
        uint40 duration;
        uint8 termsFlags;
        uint8 flags;
    }

    /// @notice A public offer, as returned by `offerInfo`.
    struct OfferView {
        uint32 termsId;
        address currency;
        uint96 price;
        uint32 maxSupply;
        uint32 sold;
        uint40 duration;
        uint8 termsFlags;
        bool active;
    }

    mapping(uint256 offerKey => Offer) private _offers;
    mapping(uint256 offerKey => address) private _offerCurrency;
    mapping(address token => bool) private _currencyAllowed;

    /// @notice Emitted when a public offer is attached to a work. Offers never change afterwards except
    /// for their active flag.
    event OfferAdded(
        uint256 indexed workId,
        uint256 indexed offerId,
        uint32 indexed termsId,
        address currency,
        uint96 price,
        uint32 maxSupply,
        uint40 duration,
        uint8 termsFlags
    );

    /// @notice Emitted when a generated work's requested offer is not attached because its currency is no
    /// longer usable (removed from the allow-list, or its code is gone): the fulfilment goes on.
    event OfferSkipped(uint256 indexed workId, address currency);

    /// @notice Emitted when the owner activates or deactivates (pauses) an offer.
    event OfferActiveSet(uint256 indexed workId, uint256 indexed offerId, bool active);

    /// @notice Emitted when the owner pauses or resumes all new license sales of a work.
    event SalesPausedSet(uint256 indexed workId, bool paused);

    /// @notice Emitted when an exclusive license of a work is sold: no further licenses will be sold.
    event ExclusiveLicenseSold(uint256 indexed workId);

    /// @notice Emitted when the admin adds an ERC-20 to, or removes it from, the currency allow-list.
    event CurrencyAllowedSet(address indexed currency, bool allowed);

    /// @notice More offers than `max` for one work.
    error TooManyOffers(uint256 count, uint256 max);
    /// @notice Offer `offerId` of `workId` does not exist.
    error UnknownOffer(uint256 workId, uint256 offerId);
    /// @notice Offer `offerId` of `workId` is paused.
    error OfferInactive(uint256 workId, uint256 offerId);
    /// @notice Offer `offerId` of `workId` has sold its whole supply.
    error OfferSoldOut(uint256 workId, uint256 offerId);
    /// @notice `currency` is not on the admin-curated allow-list (ETH, `address(0)`, always is).
    error CurrencyNotAllowed(address currency);
    /// @notice The allow-list takes contracts only; `currency` has no code.
    error InvalidCurrency(address currency);
    /// @notice Work `workId` is flagged by an arbiter: no new licenses.
    error WorkIsFlagged(uint256 workId);
    /// @notice The owner paused new license sales of `workId`.
    error SalesPaused(uint256 workId);
    /// @notice An exclusive license of `workId` was sold: no further licenses.
    error ExclusiveAlreadySold(uint256 workId);
    /// @notice Licenses of `workId` were already sold, so an exclusive license can no longer be sold.
    error LicensesAlreadySold(uint256 workId);
    /// @notice A work's public offers must be all exclusive or all non-exclusive (`workId`).
    error ExclusiveOfferMix(uint256 workId);

    /// @dev The terms registry offers refer to.
    function _termsRegistry() internal view virtual returns (ILicenseTerms);

    /// @notice Adds (`allowed`) or removes an ERC-20 from the currencies offers, requests and private offers
    /// may use. Only DEFAULT_ADMIN_ROLE. Curate plain tokens only: no fee-on-transfer, rebasing or
    /// callback tokens. Existing credits stay withdrawable whatever the list says.
    function setCurrencyAllowed(address currency, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (currency == address(0) || currency.code.length == 0) revert InvalidCurrency(currency);
        _currencyAllowed[currency] = allowed;
        emit CurrencyAllowedSet(currency, allowed);
    }

    /// @notice Whether `currency` may be used (ETH, `address(0)`, always may).
    function isCurrencyAllowed(address currency) public view returns (bool) {
        return currency == address(0) || _currencyAllowed[currency];
    }

    /// @notice Attaches more public offers to `workId`. Only the work's owner.
    function addOffers(uint256 workId, OfferInput[] calldata offers) external whenNotPaused {
        _onlyOwner(workId);
        _addOffers(workId, offers);
    }

    /// @notice Activates or pauses public offer `offerId` of `workId`. Only the work's owner. Licenses
    /// already sold are not affected.
    function setOfferActive(uint256 workId, uint256 offerId, bool active) external {
        _onlyOwner(workId);
        if (offerId == 0 || offerId > _works[workId].offerCount) revert UnknownOffer(workId, offerId);
        Offer storage o = _offers[_offerKey(workId, offerId)];
        o.flags = active ? o.flags | _OFFER_ACTIVE : o.flags & ~_OFFER_ACTIVE;
        emit OfferActiveSet(workId, offerId, active);
    }

    /// @notice Pauses or resumes every new license sale of `workId` (public and private). Only the owner.
    function setSalesPaused(uint256 workId, bool paused_) external {
        _onlyOwner(workId);
        Work storage w = _works[workId];
        w.flags = paused_ ? w.flags | _SALES_PAUSED : w.flags & ~_SALES_PAUSED;
        emit SalesPausedSet(workId, paused_);
    }

    /// @notice Public offer `offerId` of `workId`.
    function offerInfo(uint256 workId, uint256 offerId) external view returns (OfferView memory v) {
        if (offerId == 0 || offerId > _works[workId].offerCount) revert UnknownOffer(workId, offerId);
        uint256 key = _offerKey(workId, offerId);
        Offer memory o = _offers[key];
        return
            OfferView({
                termsId: o.termsId,
                currency: _offerCurrency[key],
                price: o.price,
                maxSupply: o.maxSupply,
                sold: o.sold,
                duration: o.duration,
                termsFlags: o.termsFlags,
                active: o.flags & _OFFER_ACTIVE != 0
            });
    }

    /// @notice Number of public offers of `workId`.
    function offerCount(uint256 workId) external view returns (uint256) {
        return _works[workId].offerCount;
    }

    /// @notice Licenses sold so far by public offer `offerId` of `workId`.
    function offerSold(uint256 workId, uint256 offerId) external view returns (uint256) {
        return _offers[_offerKey(workId, offerId)].sold;
    }

    /// @notice Currency of public offer `offerId` of `workId` (`address(0)` = ETH).
    function offerCurrency(uint256 workId, uint256 offerId) external view returns (address) {
        return _offerCurrency[_offerKey(workId, offerId)];
    }

    function _addOffers(uint256 workId, OfferInput[] calldata offers) internal {
        Work storage w = _works[workId];
        uint256 count = w.offerCount;
        uint256 n = offers.length;
        if (count + n > MAX_OFFERS_PER_WORK) revert TooManyOffers(count + n, MAX_OFFERS_PER_WORK);
        uint8 flags = w.flags;
        for (uint256 i = 0; i < n; ++i) {
            flags = _addOffer(workId, count + i, offers[i], flags);
        }
        w.offerCount = uint8(count + n);
        w.flags = flags;
    }

    /// @dev Stores offer number `previousCount + 1`; returns the work's flags with the offer's kind added.
    function _addOffer(
        uint256 workId,
        uint256 previousCount,
        OfferInput calldata offer,
        uint8 workFlags
    ) internal returns (uint8) {
        (uint8 termsFlags, uint40 duration, ) = _termsRegistry().termsCore(offer.termsId);
        bool exclusive = termsFlags & TermsFlags.EXCLUSIVE != 0;
        if (workFlags & (exclusive ? _HAS_OPEN_OFFER : _HAS_EXCLUSIVE_OFFER) != 0)
            revert ExclusiveOfferMix(workId);
        uint256 offerId = previousCount + 1;
        uint256 key = _offerKey(workId, offerId);
        uint8 flags = _OFFER_ACTIVE;
        if (offer.currency != address(0)) {
            if (!_currencyAllowed[offer.currency]) revert CurrencyNotAllowed(offer.currency);
            flags |= _OFFER_ERC20;
            _offerCurrency[key] = offer.currency;
        }
        uint32 maxSupply = exclusive ? 1 : offer.maxSupply;
        _offers[key] = Offer({
            price: offer.price,
            termsId: offer.termsId,
            maxSupply: maxSupply,
            sold: 0,
            duration: duration,
            termsFlags: termsFlags,
            flags: flags
        });
        emit OfferAdded(
            workId,
            offerId,
            offer.termsId,
            offer.currency,
            offer.price,
            maxSupply,
            duration,
            termsFlags
        );
        return workFlags | (exclusive ? _HAS_EXCLUSIVE_OFFER : _HAS_OPEN_OFFER);
    }

    /// @dev Attaches a generated work's single requested offer, or skips it (with `OfferSkipped`) when its
    /// currency is no longer usable, so that a fulfilment never fails through no fault of the node.
    function _addRequestedOffer(uint256 workId, OfferInput calldata offer) internal {
        address currency = offer.currency;
        if (currency != address(0) && (!_currencyAllowed[currency] || currency.code.length == 0)) {
            emit OfferSkipped(workId, currency);
            return;
        }
        Work storage w = _works[workId];
        w.flags = _addOffer(workId, 0, offer, w.flags);
        w.offerCount = 1;
    }

    function _recordSale(uint256 workId, uint256 offerId) internal returns (SaleRecord memory sale) {
        Work memory w = _works[workId];
        _checkSellable(workId, w);
        if (offerId == 0 || offerId > w.offerCount) revert UnknownOffer(workId, offerId);
        uint256 key = _offerKey(workId, offerId);
        Offer memory o = _offers[key];
        if (o.flags & _OFFER_ACTIVE == 0) revert OfferInactive(workId, offerId);
        if (o.maxSupply != 0 && o.sold >= o.maxSupply) revert OfferSoldOut(workId, offerId);
        if (o.termsFlags & TermsFlags.EXCLUSIVE != 0) _markExclusive(workId, w.offerCount);
        uint32 serial = o.sold + 1;
        _offers[key].sold = serial;
        sale.payee = _ownerOf(workId);
        if (o.flags & _OFFER_ERC20 != 0) {
            address currency = _offerCurrency[key];
            // A token the admin removed from the list (found rebasing, say) sells no more licences.
            if (!_currencyAllowed[currency]) revert CurrencyNotAllowed(currency);
            sale.currency = currency;
        }
        sale.price = o.price;
        sale.termsId = o.termsId;
        sale.duration = o.duration;
        sale.termsFlags = o.termsFlags;
        sale.serial = serial;
        sale.derivative = w.flags & _DERIVATIVE != 0;
    }

    function _checkSellable(uint256 workId, Work memory w) internal pure {
        if (w.creator == address(0)) revert UnknownWork(workId);
        if (w.flags & _FLAGGED != 0) revert WorkIsFlagged(workId);
        if (w.flags & _SALES_PAUSED != 0) revert SalesPaused(workId);
        if (w.flags & _EXCLUSIVE_SOLD != 0) revert ExclusiveAlreadySold(workId);
    }

    function _markExclusive(uint256 workId, uint256 count) internal {
        for (uint256 i = 1; i <= count; ++i) {
            if (_offers[_offerKey(workId, i)].sold != 0) revert LicensesAlreadySold(workId);
        }
        _works[workId].flags |= _EXCLUSIVE_SOLD;
        emit ExclusiveLicenseSold(workId);
    }

    function _offerKey(uint256 workId, uint256 offerId) private pure returns (uint256) {
        return (workId << 8) | offerId;
    }
}
