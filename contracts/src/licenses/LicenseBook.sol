// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {TermsFlags} from "../common/AtelierTypes.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {ILicenses} from "../interfaces/ILicenses.sol";
import {ILicenseTerms} from "../interfaces/ILicenseTerms.sol";
import {IWorks} from "../interfaces/IWorks.sol";

/// @title LicenseBook
/// @notice The licence tokens themselves: one slot per licence (terms, start, expiry, price, flags), ids
/// that encode their origin (`workId << 64 | offerId << 32 | serial`, offer 0 = private), the ERC-5192 lock
/// of non-transferable terms, and the views third parties check rights with (`isLicensed`,
/// `isLicensedFor`, `isLicenseValid`, `derivativeRight`). How a licence is sold is `LicenseSales`' and
/// `Licenses`'.
abstract contract LicenseBook is ERC721, IERC5192, ILicenses {
    /// @dev One storage slot per license; the work, offer and serial are in the id, the licensee is the owner.
    struct License {
        uint32 termsId;
        uint40 start;
        uint40 expiry;
        uint96 price;
        uint8 termsFlags;
    }

    /// @notice The works whose licenses are sold.
    IWorks public immutable works;
    /// @notice The license-terms registry.
    ILicenseTerms public immutable termsRegistry;

    mapping(uint256 licenseId => License) internal _licenses;
    mapping(uint256 licenseId => address) internal _privateCurrency;

    /// @notice Licenses sold from internal offers of `workId` (their serials are 1..privateSales).
    mapping(uint256 workId => uint256) public privateSales;

    /// @notice Why `isLicensedFor` found no licence: 0 licensed, 1 no licence of the work held, 2 every
    /// licence held has expired, 3 a licence is held and valid but none grants every required right.
    uint8 public constant LICENSED = 0;
    uint8 public constant NOT_LICENSED_NONE_HELD = 1;
    uint8 public constant NOT_LICENSED_EXPIRED = 2;
    uint8 public constant NOT_LICENSED_MISSING_RIGHTS = 3;

    /// @notice License `licenseId` is locked (non-transferable terms).
    error LicenseNonTransferable(uint256 licenseId);

    /// @param works_ The `Works` contract whose licences these are.
    /// @param termsRegistry_ The `LicenseTerms` registry.
    constructor(IWorks works_, ILicenseTerms termsRegistry_) {
        works = works_;
        termsRegistry = termsRegistry_;
    }

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

    /// @notice Whether `account` holds a valid licence of `workId` that grants every right in `requiredFlags`
    /// (`TermsFlags` bits: 1 commercial, 2 derivatives, 8 AI training, 16 exclusive, 32 transferable), which
    /// one, and if none, why (`reason`, see `NOT_LICENSED_*`). O(licences sold): for `eth_call`.
    function isLicensedFor(
        uint256 workId,
        address account,
        uint8 requiredFlags
    ) external view returns (bool licensed, uint256 licenseId, uint8 reason) {
        reason = NOT_LICENSED_NONE_HELD;
        if (account == address(0)) return (false, 0, reason);
        uint256 offers = works.offerCount(workId);
        for (uint256 o = 0; o <= offers; ++o) {
            uint256 sold = o == 0 ? privateSales[workId] : works.offerSold(workId, o);
            for (uint256 s = 1; s <= sold; ++s) {
                uint256 id = (workId << 64) | (o << 32) | s;
                if (_ownerOf(id) != account) continue;
                License memory lic = _licenses[id];
                if (lic.expiry != 0 && block.timestamp >= lic.expiry) {
                    if (reason == NOT_LICENSED_NONE_HELD) reason = NOT_LICENSED_EXPIRED;
                    continue;
                }
                if (lic.termsFlags & requiredFlags == requiredFlags) return (true, id, LICENSED);
                reason = NOT_LICENSED_MISSING_RIGHTS;
            }
        }
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
