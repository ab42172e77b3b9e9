// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseTerms} from "./interfaces/ILicenseTerms.sol";
import {AtelierLimits, Terms, TermsFlags} from "./common/AtelierTypes.sol";

/// @title LicenseTerms
/// @notice Registry of immutable license terms (rights templates), deduplicated by hash. Anyone may
/// register terms; registering terms that already exist returns the existing id. Ids start at 1.
/// @dev The deployment registers five presets: personal (1), commercial (2), commercial + remix (3),
/// exclusive buyout (4) and AI training (5).
contract LicenseTerms is ILicenseTerms {
    /// @dev One slot per terms; `registered` makes the slot non-zero so one SLOAD proves existence.
    struct Core {
        uint8 flags;
        uint40 duration;
        uint16 shareBps;
        bool registered;
    }

    mapping(uint32 termsId => Core) private _core;
    mapping(uint32 termsId => string) private _legalTextUri;

    /// @notice Id of the terms with hash `termsHash` (see `hashTerms`), or 0.
    mapping(bytes32 termsHash => uint32) public termsIdByHash;

    /// @notice Number of registered terms; ids are 1..termsCount.
    uint32 public termsCount;

    /// @notice Emitted once per distinct terms, with every field.
    event TermsRegistered(
        uint32 indexed termsId,
        bytes32 indexed termsHash,
        address indexed registrant,
        Terms terms,
        uint8 flags
    );

    /// @notice No terms are registered under `termsId`.
    error UnknownTerms(uint32 termsId);

    /// @notice The derivative share `shareBps` is above `maxShareBps`.
    error DerivativeShareTooHigh(uint256 shareBps, uint256 maxShareBps);

    /// @notice The duration `duration` is above `maxDuration` (use 0 for perpetual).
    error DurationTooLong(uint256 duration, uint256 maxDuration);

    /// @notice A derivative share was given although the terms do not allow derivatives.
    error ShareWithoutDerivatives();

    /// @notice Registers `terms` and returns their id; returns the existing id if identical terms exist.
    function registerTerms(Terms calldata terms) external returns (uint32 termsId) {
        bytes32 termsHash = hashTerms(terms);
        termsId = termsIdByHash[termsHash];
        if (termsId != 0) return termsId;
        if (terms.derivativeShareBps > AtelierLimits.MAX_DERIVATIVE_SHARE_BPS) {
            revert DerivativeShareTooHigh(terms.derivativeShareBps, AtelierLimits.MAX_DERIVATIVE_SHARE_BPS);
        }
        if (terms.derivativeShareBps != 0 && !terms.derivativesAllowed) revert ShareWithoutDerivatives();
        if (terms.duration > AtelierLimits.MAX_LICENSE_DURATION) {
            revert DurationTooLong(terms.duration, AtelierLimits.MAX_LICENSE_DURATION);
        }
        uint8 flags = flagsOf(terms);
        termsId = ++termsCount;
        termsIdByHash[termsHash] = termsId;
        _core[termsId] = Core({
            flags: flags,
            duration: terms.duration,
            shareBps: terms.derivativeShareBps,
            registered: true
        });
        if (bytes(terms.legalTextUri).length != 0) _legalTextUri[termsId] = terms.legalTextUri;
        emit TermsRegistered(termsId, termsHash, msg.sender, terms, flags);
    }

    /// @inheritdoc ILicenseTerms
    function termsCore(uint32 termsId) external view returns (uint8 flags, uint40 duration, uint16 shareBps) {
        Core memory c = _core[termsId];
        if (!c.registered) revert UnknownTerms(termsId);
        return (c.flags, c.duration, c.shareBps);
    }

    /// @notice The full terms `termsId`.
    function getTerms(uint32 termsId) external view returns (Terms memory terms) {
        if (termsId == 0 || termsId > termsCount) revert UnknownTerms(termsId);
        Core memory c = _core[termsId];
        terms.commercialUse = c.flags & TermsFlags.COMMERCIAL != 0;
        terms.derivativesAllowed = c.flags & TermsFlags.DERIVATIVES != 0;
        terms.attribution = c.flags & TermsFlags.ATTRIBUTION != 0;
        terms.aiTrainingAllowed = c.flags & TermsFlags.AI_TRAINING != 0;
        terms.exclusive = c.flags & TermsFlags.EXCLUSIVE != 0;
        terms.transferable = c.flags & TermsFlags.TRANSFERABLE != 0;
        terms.duration = c.duration;
        terms.derivativeShareBps = c.shareBps;
        terms.legalTextUri = _legalTextUri[termsId];
    }

    /// @notice Whether `termsId` is registered.
    function exists(uint32 termsId) external view returns (bool) {
        return termsId != 0 && termsId <= termsCount;
    }

    /// @notice The dedup hash of `terms`: keccak256 of their ABI encoding.
    function hashTerms(Terms calldata terms) public pure returns (bytes32) {
        return keccak256(abi.encode(terms));
    }

    /// @notice The `TermsFlags` bit set of `terms`.
    function flagsOf(Terms calldata terms) public pure returns (uint8 flags) {
        if (terms.commercialUse) flags |= TermsFlags.COMMERCIAL;
        if (terms.derivativesAllowed) flags |= TermsFlags.DERIVATIVES;
        if (terms.attribution) flags |= TermsFlags.ATTRIBUTION;
        if (terms.aiTrainingAllowed) flags |= TermsFlags.AI_TRAINING;
        if (terms.exclusive) flags |= TermsFlags.EXCLUSIVE;
        if (terms.transferable) flags |= TermsFlags.TRANSFERABLE;
    }
}
