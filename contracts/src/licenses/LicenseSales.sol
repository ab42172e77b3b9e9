// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AtelierLimits, Payout, SaleRecord, TermsFlags} from "../common/AtelierTypes.sol";
import {ProtocolConfig} from "../common/ProtocolConfig.sol";
import {PullPayments} from "../common/PullPayments.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {LicenseBook} from "./LicenseBook.sol";

/// @title LicenseSales
/// @notice Selling a licence: `buyLicense` of a public offer of `Works`, and the payment split every sale
/// (public or private) goes through — the price collected exactly, the protocol fee to the treasury, the
/// derivative revenue shares of the work's ancestors and the rest to the work's owner, all as pull-payment
/// credits — then the licence minted.
abstract contract LicenseSales is LicenseBook, ProtocolConfig, PullPayments {
    using SafeERC20 for IERC20;

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

    /// @notice The payment differs from the price (ETH: `msg.value`; ERC-20: any `msg.value`).
    error WrongPayment(uint256 expected, uint256 paid);
    /// @notice The price `price` is above the buyer's `maxPrice`.
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice The licensee cannot be the zero address.
    error InvalidLicensee();
    /// @notice The token transferred fewer tokens than the price (fee-on-transfer tokens are unsupported).
    error UnsupportedCurrencyTransfer(address currency, uint256 expected, uint256 received);
    /// @notice An exclusive license cannot be sold: licenses of `workId` were already sold.
    error LicensesAlreadySold(uint256 workId);

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

    /// @inheritdoc ERC721
    /// @dev Here because this is where the licence token (`ERC721`, ERC-5192) meets `AccessControl`.
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC721, AccessControl) returns (bool) {
        return
            interfaceId == type(IERC5192).interfaceId ||
            ERC721.supportsInterface(interfaceId) ||
            AccessControl.supportsInterface(interfaceId);
    }

    /// @dev Collects the price, credits the split, records the licence and mints it to `licensee`.
    function _complete(
        SaleRecord memory p,
        uint256 workId,
        uint256 offerId,
        address licensee
    ) internal returns (uint256 licenseId) {
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
}
