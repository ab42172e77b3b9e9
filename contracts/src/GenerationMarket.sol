// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierLimits, OfferInput, ParentRef, ReasonCodes} from "./common/AtelierTypes.sol";
import {ProtocolConfig} from "./common/ProtocolConfig.sol";
import {PullPayments} from "./common/PullPayments.sol";
import {NodeRegistry} from "./generation/NodeRegistry.sol";
import {IGenerationMarket} from "./interfaces/IGenerationMarket.sol";
import {ILicenseTerms} from "./interfaces/ILicenseTerms.sol";
import {GeneratedWork, IWorks} from "./interfaces/IWorks.sol";

/// @title GenerationMarket
/// @notice On-chain generation requests: a requester escrows an ETH fee for a prompt on a registered
/// model (optionally from parent works it owns or holds a derivative licence of); a staked node serving
/// that model generates, claims the job with the output's content hash, and fulfils it, which mints the
/// work to the requester and pays the node (fee minus the protocol fee fixed at request) as a credit.
///
/// Lifecycle: Open →(claimJob) Claimed →(fulfilJob) Fulfilled; Claimed →(releaseJob / rejectJob) Open;
/// Open →(cancelJob) Cancelled (refund); Open/Claimed →(expireJob, after the deadline, anyone) Expired
/// (refund; a claimed node's lock is slashed to the treasury); Claimed →(fulfilJob, when the requester lost
/// a parent's right meanwhile) Rejected (refund). Refunds and payments are credits (`withdraw`).
///
/// Squatting: the seed of a job is `keccak256(abi.encode(chainid, market, jobId, node, secret))` where
/// `secret` is the node's own, revealed only at fulfilment, so nobody but the node can compute the output
/// before it claims. The claim carries the output's content hash, which `Works` reserves while the job
/// stays claimed: a copy of it minted from the mempool (of the claim: the claim fails and the job stays
/// open; of the fulfilment: the mint reverts) never spoils the job. The watermark id is fixed at request:
/// `GENERATED_WATERMARK_FLAG | jobId` (`2**55 | jobId`), disjoint from upload ids (< 2**55).
///
/// Griefing: a node that releases or rejects a job more than `RELEASE_GRACE` after claiming it forfeits
/// half its lock to the requester, and a node cannot claim again a job it gave back.
/// @dev Pausing stops `requestGeneration` only: jobs already requested can always be claimed, fulfilled,
/// released or rejected, open ones cancelled or expired, and credits and stake withdrawn.
contract GenerationMarket is ProtocolConfig, NodeRegistry, PullPayments, IGenerationMarket {
    /// @notice Longest prompt in bytes.
    uint256 public constant MAX_PROMPT_BYTES = 2048;
    /// @notice Longest params blob in bytes.
    uint256 public constant MAX_PARAMS_BYTES = 1024;
    /// @notice Latest deadline a job may have, from its request.
    uint256 public constant MAX_JOB_DURATION = 30 days;
    /// @notice A node may give a claimed job back for free within this time of claiming it; later it
    /// forfeits half its lock to the requester (compensation for the delay).
    uint256 public constant RELEASE_GRACE = 15 minutes;

    uint8 private constant _SPEC_ERC20 = 1;

    /// @notice Status of a job.
    enum JobStatus {
        None,
        Open,
        Claimed,
        Fulfilled,
        Rejected,
        Cancelled,
        Expired
    }

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

    /// @dev Written at claim and at the end; `status` None means Open. While open, `node` is the last node
    /// that gave the job back (it may not claim it again).
    struct JobState {
        address node;
        JobStatus status;
        uint40 workId;
        uint40 claimedAt;
    }

    /// @notice A job, as returned by `getJob`.
    struct JobView {
        JobStatus status;
        address requester;
        uint96 fee;
        uint16 protocolFeeBps;
        uint32 modelId;
        uint40 deadline;
        address node;
        uint40 claimedAt;
        uint256 workId;
        uint56 watermarkId;
        uint16 royaltyBps;
        OfferInput offer;
        ParentRef[] parents;
    }

    /// @notice The works contract that mints fulfilled jobs' works.
    IWorks public immutable works;
    /// @notice The license-terms registry (to check a requested offer).
    ILicenseTerms public immutable termsRegistry;

    mapping(uint256 jobId => JobHead) private _heads;
    mapping(uint256 jobId => JobSpec) private _specs;
    mapping(uint256 jobId => JobState) private _states;
    mapping(uint256 jobId => address) private _offerCurrency;
    /// @dev Parent `i` of a job: `workId | licenseId << 40`.
    mapping(uint256 jobId => mapping(uint256 i => uint256)) private _parents;

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

    /// @notice Emitted when `node` claims `jobId`, locking `lockedStake` and reserving `contentHash`.
    event JobClaimed(
        uint256 indexed jobId,
        address indexed node,
        bytes32 indexed contentHash,
        uint40 deadline,
        uint256 lockedStake
    );

    /// @notice Emitted when the claiming node gives a job back (`releaseJob`, reason 0; `rejectJob`, its
    /// reason code): the job is open again for other nodes, the stake unlocked except `forfeit`, which is
    /// credited to the requester when the node held the job longer than `RELEASE_GRACE`.
    event JobReleased(
        uint256 indexed jobId,
        address indexed node,
        uint16 indexed reasonCode,
        uint256 forfeit
    );

    /// @notice Emitted when a job is fulfilled: the work is minted to the requester and the node credited.
    /// Anyone can re-run the job from `seed` (= `keccak256(abi.encode(chainid, market, jobId, node,
    /// secret))`), the prompt and the params.
    event JobFulfilled(
        uint256 indexed jobId,
        address indexed node,
        uint256 indexed workId,
        uint32 modelId,
        bytes32 contentHash,
        bytes32 metadataDigest,
        bytes32 secret,
        uint256 seed,
        uint256 nodePayment,
        uint256 protocolFee
    );

    /// @notice Emitted when a claimed job ends without a work and the requester is credited `refund`:
    /// reason 5 (`PARENT_RIGHT_LOST`), the requester lost a parent's right between request and fulfilment.
    event JobRejected(uint256 indexed jobId, address indexed node, uint16 indexed reasonCode, uint256 refund);

    /// @notice Emitted when the requester cancels an unclaimed job and is credited `refund`.
    event JobCancelled(uint256 indexed jobId, address indexed requester, uint256 refund);

    /// @notice Emitted when a job expires: the requester is credited `refund`; `node` (zero if unclaimed)
    /// loses `slashed` of its stake to the treasury.
    event JobExpired(
        uint256 indexed jobId,
        address indexed node,
        address indexed caller,
        uint256 refund,
        uint256 slashed
    );

    /// @notice No job `jobId` exists.
    error UnknownJob(uint256 jobId);
    /// @notice Job `jobId` is `status`, not open.
    error JobNotOpen(uint256 jobId, JobStatus status);
    /// @notice Job `jobId` is `status`, not claimed.
    error JobNotClaimed(uint256 jobId, JobStatus status);
    /// @notice `caller` is not the node that claimed `jobId`.
    error NotClaimingNode(uint256 jobId, address caller);
    /// @notice `node` gave job `jobId` back and may not claim it again.
    error JobGivenBack(uint256 jobId, address node);
    /// @notice `caller` is not the requester of `jobId`.
    error NotRequester(uint256 jobId, address caller);
    /// @notice The deadline `deadline` of job `jobId` has passed.
    error DeadlinePassed(uint256 jobId, uint256 deadline);
    /// @notice The deadline `deadline` of job `jobId` has not passed yet.
    error DeadlineNotPassed(uint256 jobId, uint256 deadline);
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
    /// @notice `node` does not serve model `modelId`.
    error ModelNotServed(address node, uint32 modelId);
    /// @notice `node` lacks the stake to claim: it needs `minStake` staked and `claimLockAmount` unlocked.
    error InsufficientStake(address node, uint256 stake, uint256 locked);

    /// @param admin Receives DEFAULT_ADMIN_ROLE, PAUSER_ROLE and MODEL_ADMIN_ROLE.
    /// @param works_ The `Works` contract (must have this market wired with `setMarket`).
    /// @param termsRegistry_ The `LicenseTerms` registry.
    /// @param treasury_ Credited protocol fees and slashed stake.
    /// @param feeBps Protocol fee on job fees, at most `AtelierLimits.MAX_PROTOCOL_FEE_BPS`.
    /// @param minStake_ Smallest stake with which a node may claim.
    /// @param claimLockAmount_ Stake locked per claimed job.
    /// @param unstakeCooldown_ Seconds between `requestUnstake` and `withdrawStake`.
    constructor(
        address admin,
        IWorks works_,
        ILicenseTerms termsRegistry_,
        address treasury_,
        uint16 feeBps,
        uint96 minStake_,
        uint96 claimLockAmount_,
        uint40 unstakeCooldown_
    ) ProtocolConfig(admin, treasury_, feeBps) NodeRegistry(minStake_, claimLockAmount_, unstakeCooldown_) {
        works = works_;
        termsRegistry = termsRegistry_;
        _grantRole(MODEL_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------------------------------------
    // Requester
    // ------------------------------------------------------------------------------------------------

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

    /// @notice Cancels the caller's unclaimed job; the fee is credited back.
    function cancelJob(uint256 jobId) external {
        JobHead memory head = _heads[jobId];
        if (head.requester == address(0)) revert UnknownJob(jobId);
        if (head.requester != msg.sender) revert NotRequester(jobId, msg.sender);
        JobState storage st = _states[jobId];
        if (st.status != JobStatus.None) revert JobNotOpen(jobId, st.status);
        st.status = JobStatus.Cancelled;
        _credit(msg.sender, address(0), head.fee);
        emit JobCancelled(jobId, msg.sender, head.fee);
    }

    /// @notice Ends a job whose deadline has passed (anyone may call): the fee is credited back to the
    /// requester; if a node had claimed it, its locked stake is slashed to the treasury.
    function expireJob(uint256 jobId) external {
        JobSpec memory spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        if (block.timestamp <= spec.deadline) revert DeadlineNotPassed(jobId, spec.deadline);
        JobState memory st = _states[jobId];
        if (st.status != JobStatus.None && st.status != JobStatus.Claimed)
            revert JobNotOpen(jobId, st.status);
        uint256 slashed;
        address node;
        if (st.status == JobStatus.Claimed) {
            node = st.node;
            slashed = claimLockAmount;
            Node storage n = _nodes[node];
            n.locked -= claimLockAmount;
            n.stake -= claimLockAmount;
            _credit(_config.treasury, address(0), slashed);
        }
        _states[jobId] = JobState({node: node, status: JobStatus.Expired, workId: 0, claimedAt: 0});
        JobHead memory head = _heads[jobId];
        _credit(head.requester, address(0), head.fee);
        emit JobExpired(jobId, node, msg.sender, head.fee, slashed);
    }

    // ------------------------------------------------------------------------------------------------
    // Node
    // ------------------------------------------------------------------------------------------------

    /// @notice Claims open job `jobId` for the caller, a node serving the job's model with at least
    /// `minStake` staked and `claimLockAmount` unlocked; locks `claimLockAmount` and reserves `contentHash`
    /// in `Works` for this claim. The node generates first, from the seed of its own secret
    /// (`seedOf(jobId, node, secret)`), so the claim commits it to the output.
    /// @param contentHash Hash of the output the node will fulfil with (reverts `DuplicateContentHash` if
    /// registered, e.g. copied from this transaction in the mempool: draw a new secret and claim again).
    function claimJob(uint256 jobId, bytes32 contentHash) external {
        JobSpec memory spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobState memory st = _states[jobId];
        if (st.status != JobStatus.None) revert JobNotOpen(jobId, st.status);
        if (st.node == msg.sender) revert JobGivenBack(jobId, msg.sender);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        Node memory n = _nodes[msg.sender];
        if (n.stake < minStake || n.stake - n.locked < claimLockAmount) {
            revert InsufficientStake(msg.sender, n.stake, n.locked);
        }
        if (!_serves[msg.sender][spec.modelId]) revert ModelNotServed(msg.sender, spec.modelId);
        _nodes[msg.sender].locked = n.locked + claimLockAmount;
        _states[jobId] = JobState({
            node: msg.sender,
            status: JobStatus.Claimed,
            workId: 0,
            claimedAt: uint40(block.timestamp)
        });
        works.reserveContent(contentHash, msg.sender, jobId);
        emit JobClaimed(jobId, msg.sender, contentHash, spec.deadline, claimLockAmount);
    }

    /// @notice Gives a claimed job back before its deadline: it is open again for other nodes (not for the
    /// caller), the stake unlocked; after `RELEASE_GRACE` half the lock goes to the requester.
    function releaseJob(uint256 jobId) external {
        _giveBack(jobId, ReasonCodes.RELEASED);
    }

    /// @notice Gives a claimed job back with a reason (e.g. 1 unsafe prompt, 2 invalid params, 4 model
    /// unavailable; see the README), exactly like `releaseJob`: the job is open again for other nodes and the
    /// requester may cancel it for a refund. One node cannot kill a job.
    function rejectJob(uint256 jobId, uint16 reasonCode) external {
        _giveBack(jobId, reasonCode);
    }

    /// @notice Fulfils a claimed job by its deadline: mints the work (content hash as reserved at claim,
    /// watermark id `2**55 | jobId`, the requested offer, royalty and parents) to the requester, unlocks the
    /// stake and credits the node the fee minus the protocol fee fixed at request. If the requester lost a
    /// parent's right since the request (parent flagged, parent or licence transferred), the job instead ends
    /// Rejected with reason 5: the requester is refunded, the stake unlocked, no work minted, 0 returned.
    /// @param contentHash The hash reserved by this node's claim.
    /// @param secret The node's secret: the seed is `seedOf(jobId, msg.sender, secret)`.
    /// @param metadataDigest sha2-256 digest of the metadata JSON stored as a raw CIDv1 (codec 0x55).
    /// @param perceptualHash 64-bit perceptual hash of the content (emitted by `Works.WorkMinted`).
    /// @return workId The minted work (0 when the job ended Rejected).
    function fulfilJob(
        uint256 jobId,
        bytes32 contentHash,
        bytes32 secret,
        bytes32 metadataDigest,
        uint64 perceptualHash
    ) external nonReentrant returns (uint256 workId) {
        JobSpec memory spec = _claimedBy(jobId);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        JobHead memory head = _heads[jobId];
        ParentRef[] memory parents = _loadParents(jobId, spec.flags >> 1);
        // Effects first (the job ends and the lock is released before `Works` is called).
        _nodes[msg.sender].locked -= claimLockAmount;
        if (parents.length != 0 && !works.parentsHold(head.requester, parents)) {
            _endParentRightLost(jobId, head);
            return 0;
        }
        _states[jobId] = JobState({node: msg.sender, status: JobStatus.Fulfilled, workId: 0, claimedAt: 0});
        uint256 protocolFee = (uint256(head.fee) * head.feeBps) / AtelierLimits.BPS;
        uint256 nodePayment = head.fee - protocolFee;
        _credit(_config.treasury, address(0), protocolFee);
        _credit(msg.sender, address(0), nodePayment);
        workId = works.mintGenerated(
            GeneratedWork({
                to: head.requester,
                node: msg.sender,
                jobId: jobId,
                contentHash: contentHash,
                metadataDigest: metadataDigest,
                perceptualHash: perceptualHash,
                royaltyBps: spec.royaltyBps,
                offer: OfferInput({
                    termsId: spec.offerTermsId,
                    currency: spec.flags & _SPEC_ERC20 != 0 ? _offerCurrency[jobId] : address(0),
                    price: spec.offerPrice,
                    maxSupply: spec.offerMaxSupply
                }),
                parents: parents
            })
        );
        _states[jobId].workId = uint40(workId);
        _emitFulfilled(
            jobId,
            workId,
            spec.modelId,
            contentHash,
            metadataDigest,
            secret,
            nodePayment,
            protocolFee
        );
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice The seed of `jobId` when `node` fulfils it with `secret`:
    /// `uint256(keccak256(abi.encode(block.chainid, address(this), jobId, node, secret)))`.
    function seedOf(uint256 jobId, address node, bytes32 secret) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), jobId, node, secret)));
    }

    /// @notice The watermark id the work of `jobId` carries: `2**55 | jobId` (56 bits).
    function watermarkIdOf(uint256 jobId) public pure returns (uint56) {
        return uint56(AtelierLimits.GENERATED_WATERMARK_FLAG | jobId);
    }

    /// @inheritdoc IGenerationMarket
    function workOfJob(uint256 jobId) external view returns (uint256) {
        JobState memory st = _states[jobId];
        return st.status == JobStatus.Fulfilled ? st.workId : 0;
    }

    /// @inheritdoc IGenerationMarket
    function claimingNode(uint256 jobId) external view returns (address) {
        JobState memory st = _states[jobId];
        return st.status == JobStatus.Claimed ? st.node : address(0);
    }

    /// @notice Number of jobs requested; ids are 1..jobCount.
    function jobCount() external view returns (uint256) {
        return _config.sequence;
    }

    /// @notice Status of `jobId` (None if it does not exist).
    function jobStatus(uint256 jobId) public view returns (JobStatus) {
        if (_specs[jobId].modelId == 0) return JobStatus.None;
        JobStatus s = _states[jobId].status;
        return s == JobStatus.None ? JobStatus.Open : s;
    }

    /// @notice Everything about `jobId`. While open, `node` is the last node that gave it back (or zero).
    function getJob(uint256 jobId) external view returns (JobView memory v) {
        JobSpec memory spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobHead memory head = _heads[jobId];
        JobState memory st = _states[jobId];
        v.status = jobStatus(jobId);
        v.requester = head.requester;
        v.fee = head.fee;
        v.protocolFeeBps = head.feeBps;
        v.modelId = spec.modelId;
        v.deadline = spec.deadline;
        v.node = st.node;
        v.claimedAt = st.claimedAt;
        v.workId = st.status == JobStatus.Fulfilled ? st.workId : 0;
        v.watermarkId = watermarkIdOf(jobId);
        v.royaltyBps = spec.royaltyBps;
        v.offer = OfferInput({
            termsId: spec.offerTermsId,
            currency: _offerCurrency[jobId],
            price: spec.offerPrice,
            maxSupply: spec.offerMaxSupply
        });
        v.parents = _loadParents(jobId, spec.flags >> 1);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    function _checkRequest(
        uint32 modelId,
        uint256 promptLength,
        uint256 paramsLength,
        uint40 deadline,
        uint16 royaltyBps
    ) private view {
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

    /// @dev Release and reject: the job reopens (barred to the caller); late, half the lock is forfeited.
    function _giveBack(uint256 jobId, uint16 reasonCode) private {
        JobSpec memory spec = _claimedBy(jobId);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        uint256 forfeit;
        Node storage n = _nodes[msg.sender];
        n.locked -= claimLockAmount;
        if (block.timestamp > uint256(_states[jobId].claimedAt) + RELEASE_GRACE) {
            forfeit = claimLockAmount / 2;
            n.stake -= uint96(forfeit);
            _credit(_heads[jobId].requester, address(0), forfeit);
        }
        _states[jobId] = JobState({node: msg.sender, status: JobStatus.None, workId: 0, claimedAt: 0});
        emit JobReleased(jobId, msg.sender, reasonCode, forfeit);
    }

    /// @dev The requester lost a parent's right after the request: the job ends refunded, nobody slashed.
    function _endParentRightLost(uint256 jobId, JobHead memory head) private {
        _states[jobId] = JobState({node: msg.sender, status: JobStatus.Rejected, workId: 0, claimedAt: 0});
        _credit(head.requester, address(0), head.fee);
        emit JobRejected(jobId, msg.sender, ReasonCodes.PARENT_RIGHT_LOST, head.fee);
    }

    function _emitFulfilled(
        uint256 jobId,
        uint256 workId,
        uint32 modelId,
        bytes32 contentHash,
        bytes32 metadataDigest,
        bytes32 secret,
        uint256 nodePayment,
        uint256 protocolFee
    ) private {
        emit JobFulfilled(
            jobId,
            msg.sender,
            workId,
            modelId,
            contentHash,
            metadataDigest,
            secret,
            seedOf(jobId, msg.sender, secret),
            nodePayment,
            protocolFee
        );
    }

    function _loadParents(uint256 jobId, uint256 count) private view returns (ParentRef[] memory parents) {
        parents = new ParentRef[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 entry = _parents[jobId][i];
            parents[i] = ParentRef({workId: entry & AtelierLimits.MAX_WORK_ID, licenseId: entry >> 40});
        }
    }

    function _claimedBy(uint256 jobId) private view returns (JobSpec memory spec) {
        spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobState memory st = _states[jobId];
        if (st.status != JobStatus.Claimed) revert JobNotClaimed(jobId, jobStatus(jobId));
        if (st.node != msg.sender) revert NotClaimingNode(jobId, msg.sender);
    }
}
