// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A license offer as a creator submits it: terms, price, currency and supply.
/// @param termsId Id of registered, immutable license terms (see `LicenseTerms`).
/// @param currency `address(0)` for ETH, otherwise an ERC-20 token.
/// @param price Price of one license in `currency`'s smallest unit.
/// @param maxSupply Most licenses this offer may ever sell; 0 means unlimited.
struct OfferInput {
    uint32 termsId;
    address currency;
    uint96 price;
    uint32 maxSupply;
}

/// @notice A parent of a derivative work and the right the minter claims over it.
/// @param workId The parent work.
/// @param licenseId 0 when the minter owns the parent, otherwise a license of the parent that the minter
/// holds and whose terms allow derivatives.
struct ParentRef {
    uint256 workId;
    uint256 licenseId;
}

/// @notice What `Works` tells `Licenses` when it records a sale of a public offer.
struct SaleRecord {
    address payee;
    address currency;
    uint96 price;
    uint32 termsId;
    uint40 duration;
    uint8 termsFlags;
    uint32 serial;
    bool derivative;
}

/// @notice One credit of a derivative sale's revenue split.
struct Payout {
    uint256 workId;
    address payee;
    uint256 amount;
}

/// @notice Bit flags of license terms, as stored and cached in offers and licenses.
library TermsFlags {
    uint8 internal constant COMMERCIAL = 1;
    uint8 internal constant DERIVATIVES = 2;
    uint8 internal constant ATTRIBUTION = 4;
    uint8 internal constant AI_TRAINING = 8;
    uint8 internal constant EXCLUSIVE = 16;
    uint8 internal constant TRANSFERABLE = 32;
}

/// @notice Protocol-wide limits shared by the contracts.
library AtelierLimits {
    /// @notice Highest ERC-2981 royalty a work may carry (10%).
    uint16 internal constant MAX_ROYALTY_BPS = 1000;
    /// @notice Hard cap of any protocol fee (10%).
    uint16 internal constant MAX_PROTOCOL_FEE_BPS = 1000;
    /// @notice Highest derivative revenue share one set of terms may ask (50%).
    uint16 internal constant MAX_DERIVATIVE_SHARE_BPS = 5000;
    /// @notice Longest license duration (terms or private offer), 1,000 years; 0 means perpetual. Keeps
    /// `start + duration` within the uint40 expiry for any realistic start.
    uint40 internal constant MAX_LICENSE_DURATION = 1000 * 365 days;
    /// @notice Basis-point denominator.
    uint256 internal constant BPS = 10_000;
    /// @notice Watermark ids are 56-bit; ids of generated works have this bit set, upload ids never do.
    uint256 internal constant GENERATED_WATERMARK_FLAG = 1 << 55;
    /// @notice Work ids fit 40 bits (they are packed into lineage and license ids).
    uint256 internal constant MAX_WORK_ID = (1 << 40) - 1;
}

/// @notice Reason codes of `GenerationMarket` job events (`JobReleased`, `JobRejected`).
library ReasonCodes {
    /// @notice A plain release (`releaseJob`).
    uint16 internal constant RELEASED = 0;
    /// @notice Suggested: the prompt is unsafe.
    uint16 internal constant UNSAFE_PROMPT = 1;
    /// @notice Suggested: the params are invalid.
    uint16 internal constant INVALID_PARAMS = 2;
    /// @notice Suggested: the output duplicates registered content.
    uint16 internal constant DUPLICATE_CONTENT = 3;
    /// @notice Suggested: the model is unavailable on the node.
    uint16 internal constant MODEL_UNAVAILABLE = 4;
    /// @notice Set by the market: between request and fulfilment the requester lost the right to a parent
    /// (a parent was flagged, or the parent or its licence changed hands); the job ends refunded.
    uint16 internal constant PARENT_RIGHT_LOST = 5;
}

/// @notice License terms: the rights a license grants (like Story Protocol's PIL). Immutable once registered.
/// @param commercialUse Commercial use allowed.
/// @param derivativesAllowed The licensee may mint derivative works of the licensed work.
/// @param attribution Attribution to the creator is required.
/// @param aiTrainingAllowed The work may be used to train AI models.
/// @param exclusive One license only: after one sale, no further licenses of the work are sold.
/// @param transferable The license token may be transferred (otherwise it is locked, ERC-5192).
/// @param duration Seconds a license lasts from purchase; 0 means perpetual.
/// @param derivativeShareBps Share of a derivative's license revenue owed to this work, in basis points.
/// @param legalTextUri URI (e.g. `ipfs://…`) of the plain-language legal text.
struct Terms {
    bool commercialUse;
    bool derivativesAllowed;
    bool attribution;
    bool aiTrainingAllowed;
    bool exclusive;
    bool transferable;
    uint40 duration;
    uint16 derivativeShareBps;
    string legalTextUri;
}
