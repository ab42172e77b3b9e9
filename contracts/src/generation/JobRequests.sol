// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierLimits, OfferInput, ParentRef} from "../common/AtelierTypes.sol";
import {ProtocolConfig} from "../common/ProtocolConfig.sol";
import {ILicenseTerms} from "../interfaces/ILicenseTerms.sol";
import {IWorks} from "../interfaces/IWorks.sol";
import {ModelRegistry} from "./ModelRegistry.sol";

/// @title JobRequests
/// @notice Generation requests: what a requester asks for (model, prompt, params, deadline, the offer and
/// royalty the work will carry, parent works) and the escrowed fee with the protocol fee rate fixed at
/// request. Everything written at request lives here; what happens to a job afterwards (claim, fulfil,
/// release, cancel, expire) is `GenerationMarket`'s.
abstract contract JobRequests is ProtocolConfig, ModelRegistry {
    /// @notice Longest prompt in bytes.
    uint256 public constant MAX_PROMPT_BYTES = 2048;
    /// @notice Longest params blob in bytes.
    uint256 public constant MAX_PARAMS_BYTES = 1024;
    /// @notice Latest deadline a job may have, from its request.
    uint256 public constant MAX_JOB_DURATION = 30 days;

    uint8 internal constant _SPEC_ERC20 = 1;

    /// @dev Written at request: the fee and the protocol fee rate that applies to it.
    struct JobHead {
        address requester;
        uint80 fee;
        uint16 feeBps;
    }

    /// @dev Written at request: the model, the deadline, the offer the work will carry, and
    /// `flags` = ERC-20 offer (bit 0) | number of parents << 1.
    struct JobSpec {
        uint32 modelId;
        uint40 deadline;
        uint32 offerTermsId;
        uint96 offerPrice;
        uint32 offerMaxSupply;
        uint16 royaltyBps;
        uint8 flags;
    }

    /// @notice The works contract that mints fulfilled jobs' works.
    IWorks public immutable works;
    /// @notice The license-terms registry (to check a requested offer).
    ILicenseTerms public immutable termsRegistry;

    mapping(uint256 jobId => JobHead) internal _heads;
    mapping(uint256 jobId => JobSpec) internal _specs;
    mapping(uint256 jobId => address) internal _offerCurrency;
    /// @dev Parent `i` of a job: `workId | licenseId << 40`.
    mapping(uint256 jobId => mapping(uint256 i => uint256)) internal _parents;

    /// @notice Emitted when a job is requested: everything a node needs, without an `eth_call`.
    /// @param fee Escrowed ETH; the node gets `fee - fee * protocolFeeBps / 10000`.
    /// @param protocolFeeBps The protocol fee rate of this job, fixed now.
    /// @param watermarkId The 56-bit watermark id the work must carry (`2**55 | jobId`).
    /// @param parents The parent works and the licence that authorises each (0 = the requester owns it).
    event JobRequested(
        uint256 indexed jobId,
        address indexed requester,
        uint32 indexed modelId,
        bytes prompt,
        bytes params,
        uint256 fee,
        uint16 protocolFeeBps,
        uint40 deadline,
        uint56 watermarkId,
        uint16 royaltyBps,
        OfferInput offer,
        ParentRef[] parents
    );

    /// @notice The deadline must be in the future and within `MAX_JOB_DURATION`.
    error InvalidDeadline(uint256 deadline);
    /// @notice The prompt is empty.
    error EmptyPrompt();
    /// @notice The prompt is `length` bytes, more than `max`.
    error PromptTooLong(uint256 length, uint256 max);
    /// @notice The params are `length` bytes, more than `max`.
    error ParamsTooLong(uint256 length, uint256 max);
    /// @notice The fee does not fit 80 bits.
    error FeeTooHigh(uint256 fee);
    /// @notice The royalty `royaltyBps` is above `maxBps`.
    error RoyaltyTooHigh(uint256 royaltyBps, uint256 maxBps);
    /// @notice `currency` is not on the allow-list of `Works`.
    error CurrencyNotAllowed(address currency);

    /// @param works_ The `Works` contract (checks currencies and parents, mints fulfilled jobs' works).
    /// @param termsRegistry_ The `LicenseTerms` registry (checks a requested offer's terms).
    constructor(IWorks works_, ILicenseTerms termsRegistry_) {
        works = works_;
        termsRegistry = termsRegistry_;
    }

    /// @notice Requests a generation on `modelId`, escrowing `msg.value` as the fee. The protocol fee rate
    /// in force now applies to the job, whatever the admin sets later.
    /// @param prompt The prompt, 1..MAX_PROMPT_BYTES bytes (kept in the event only).
    /// @param params Model parameters (e.g. JSON), at most MAX_PARAMS_BYTES (kept in the event only).
    /// @param deadline Timestamp by which a claiming node must fulfil; at most MAX_JOB_DURATION ahead.
    /// @param royaltyBps ERC-2981 royalty of the resulting work.
    /// @param offer The public offer the work will carry (`termsId` 0 for none).
    /// @param parents Parent works (remix, upscale, variation): the caller owns each, or names a licence of it
    /// that allows derivatives and is valid until `deadline`; checked again at fulfilment.
    /// @return jobId The job's id; its work's watermark id is `2**55 | jobId`.
    function requestGeneration(
        uint32 modelId,
        bytes calldata prompt,
        bytes calldata params,
        uint40 deadline,
        uint16 royaltyBps,
        OfferInput calldata offer,
        ParentRef[] calldata parents
    ) external payable whenNotPaused returns (uint256 jobId) {
        _checkRequest(modelId, prompt.length, params.length, deadline, royaltyBps);
        uint8 flags;
        if (offer.termsId != 0) {
            termsRegistry.termsCore(offer.termsId);
            if (offer.currency != address(0)) {
                if (!works.isCurrencyAllowed(offer.currency)) revert CurrencyNotAllowed(offer.currency);
                flags = _SPEC_ERC20;
            }
        }
        if (parents.length != 0) works.checkParents(msg.sender, parents, deadline);
        Config memory cfg = _config;
        jobId = ++cfg.sequence;
        _config.sequence = cfg.sequence;
        if (flags & _SPEC_ERC20 != 0) _offerCurrency[jobId] = offer.currency;
        for (uint256 i = 0; i < parents.length; ++i) {
            _parents[jobId][i] = parents[i].workId | (parents[i].licenseId << 40);
        }
        flags |= uint8(parents.length << 1);
        _heads[jobId] = JobHead({requester: msg.sender, fee: uint80(msg.value), feeBps: cfg.feeBps});
        _specs[jobId] = JobSpec({
            modelId: modelId,
            deadline: deadline,
            offerTermsId: offer.termsId,
            offerPrice: offer.price,
            offerMaxSupply: offer.maxSupply,
            royaltyBps: royaltyBps,
            flags: flags
        });
        emit JobRequested(
            jobId,
            msg.sender,
            modelId,
            prompt,
            params,
            msg.value,
            cfg.feeBps,
            deadline,
            watermarkIdOf(jobId),
            royaltyBps,
            offer,
            parents
        );
    }

    /// @notice The seed of `jobId` when `node` fulfils it with `secret`:
    /// `uint256(keccak256(abi.encode(block.chainid, address(this), jobId, node, secret)))`.
    function seedOf(uint256 jobId, address node, bytes32 secret) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), jobId, node, secret)));
    }

    /// @notice The watermark id the work of `jobId` carries: `2**55 | jobId` (56 bits).
    function watermarkIdOf(uint256 jobId) public pure returns (uint56) {
        return uint56(AtelierLimits.GENERATED_WATERMARK_FLAG | jobId);
    }

    /// @notice Number of jobs requested; ids are 1..jobCount.
    function jobCount() external view returns (uint256) {
        return _config.sequence;
    }

    function _checkRequest(
        uint32 modelId,
        uint256 promptLength,
        uint256 paramsLength,
        uint40 deadline,
        uint16 royaltyBps
    ) internal view {
        if (!_models[modelId].active) {
            _requireModel(modelId);
            revert ModelInactive(modelId);
        }
        if (promptLength == 0) revert EmptyPrompt();
        if (promptLength > MAX_PROMPT_BYTES) revert PromptTooLong(promptLength, MAX_PROMPT_BYTES);
        if (paramsLength > MAX_PARAMS_BYTES) revert ParamsTooLong(paramsLength, MAX_PARAMS_BYTES);
        if (deadline <= block.timestamp || deadline > block.timestamp + MAX_JOB_DURATION) {
            revert InvalidDeadline(deadline);
        }
        if (msg.value > type(uint80).max) revert FeeTooHigh(msg.value);
        if (royaltyBps > AtelierLimits.MAX_ROYALTY_BPS) {
            revert RoyaltyTooHigh(royaltyBps, AtelierLimits.MAX_ROYALTY_BPS);
        }
    }

    function _loadParents(uint256 jobId, uint256 count) internal view returns (ParentRef[] memory parents) {
        parents = new ParentRef[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 entry = _parents[jobId][i];
            parents[i] = ParentRef({workId: entry & AtelierLimits.MAX_WORK_ID, licenseId: entry >> 40});
        }
    }
}
