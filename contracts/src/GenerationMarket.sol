// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierLimits, OfferInput} from "./common/AtelierTypes.sol";
import {ProtocolConfig} from "./common/ProtocolConfig.sol";
import {PullPayments} from "./common/PullPayments.sol";
import {NodeRegistry} from "./generation/NodeRegistry.sol";
import {IGenerationMarket} from "./interfaces/IGenerationMarket.sol";
import {ILicenseTerms} from "./interfaces/ILicenseTerms.sol";
import {IWorks} from "./interfaces/IWorks.sol";

/// @title GenerationMarket
/// @notice On-chain generation requests: a requester escrows an ETH fee for a prompt on a registered
/// model; a staked node serving that model claims the job, generates deterministically, and fulfils it,
/// which mints the work to the requester and pays the node (fee minus protocol fee) as a credit.
///
/// Lifecycle: Open →(claimJob) Claimed →(fulfilJob) Fulfilled; Claimed →(releaseJob) Open;
/// Claimed →(rejectJob) Rejected (refund); Open →(cancelJob) Cancelled (refund);
/// Open/Claimed →(expireJob, after the deadline, anyone) Expired (refund; a claimed node's lock is slashed
/// to the treasury). Refunds and payments are credits withdrawn with `withdraw(address(0))`.
///
/// Determinism: the seed of job `jobId` is `uint256(keccak256(abi.encode(block.chainid, address(market),
/// jobId)))` (`jobSeed`). The work's watermark id is fixed at request: `GENERATED_WATERMARK_FLAG | jobId`
/// (`2**55 | jobId`), 56 bits, unique, and disjoint from upload watermark ids (which are < 2**55).
/// @dev Pausing stops `requestGeneration` only: jobs already requested can always be claimed, fulfilled,
/// released or rejected, open ones cancelled or expired, and credits and stake withdrawn.
contract GenerationMarket is ProtocolConfig, NodeRegistry, PullPayments, IGenerationMarket {
    /// @notice Longest prompt in bytes.
    uint256 public constant MAX_PROMPT_BYTES = 2048;
    /// @notice Longest params blob in bytes.
    uint256 public constant MAX_PARAMS_BYTES = 1024;
    /// @notice Latest deadline a job may have, from its request.
    uint256 public constant MAX_JOB_DURATION = 30 days;
    /// @dev Reason code of a job that `fulfilJob` ends as rejected because its content is already registered.
    uint16 private constant _REJECT_DUPLICATE_CONTENT = 3;

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

    /// @dev Written at request.
    struct JobHead {
        address requester;
        uint96 fee;
    }

    /// @dev Written at request: the model, the deadline and the offer the work will carry.
    struct JobSpec {
        uint32 modelId;
        uint40 deadline;
        uint32 offerTermsId;
        uint96 offerPrice;
        uint32 offerMaxSupply;
        uint16 royaltyBps;
        bool offerErc20;
    }

    /// @dev Written at claim and at the end; `status` None means Open.
    struct JobState {
        address node;
        JobStatus status;
        uint40 workId;
    }

    /// @notice A job, as returned by `getJob`.
    struct JobView {
        JobStatus status;
        address requester;
        uint96 fee;
        uint32 modelId;
        uint40 deadline;
        address node;
        uint256 workId;
        uint56 watermarkId;
        uint256 seed;
        uint16 royaltyBps;
        OfferInput offer;
    }

    /// @notice The works contract that mints fulfilled jobs' works.
    IWorks public immutable works;
    /// @notice The license-terms registry (to check a requested offer).
    ILicenseTerms public immutable termsRegistry;

    mapping(uint256 jobId => JobHead) private _heads;
    mapping(uint256 jobId => JobSpec) private _specs;
    mapping(uint256 jobId => JobState) private _states;
    mapping(uint256 jobId => address) private _offerCurrency;

    /// @notice Emitted when a job is requested: everything a node needs, without an `eth_call`.
    /// @param fee Escrowed ETH; the node gets `fee - fee * protocolFeeBps / 10000`.
    /// @param watermarkId The 56-bit watermark id the work must carry (`2**55 | jobId`).
    /// @param seed The deterministic seed (`jobSeed(jobId)`).
    event JobRequested(
        uint256 indexed jobId,
        address indexed requester,
        uint32 indexed modelId,
        bytes prompt,
        bytes params,
        uint256 fee,
        uint40 deadline,
        uint56 watermarkId,
        uint256 seed,
        uint16 royaltyBps,
        OfferInput offer
    );

    /// @notice Emitted when `node` claims `jobId`, locking `lockedStake` until it ends.
    event JobClaimed(uint256 indexed jobId, address indexed node, uint40 deadline, uint256 lockedStake);

    /// @notice Emitted when the claiming node gives a job back; it is open again and the stake unlocked.
    event JobReleased(uint256 indexed jobId, address indexed node);

    /// @notice Emitted when a job is fulfilled: the work is minted to the requester and the node credited.
    event JobFulfilled(
        uint256 indexed jobId,
        address indexed node,
        uint256 indexed workId,
        uint32 modelId,
        bytes32 contentHash,
        bytes32 metadataDigest,
        uint256 nodePayment,
        uint256 protocolFee
    );

    /// @notice Emitted when the claiming node rejects a job (unsafe or invalid request); the requester is
    /// credited `refund`.
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
    /// @notice The fee does not fit 96 bits.
    error FeeTooHigh(uint256 fee);
    /// @notice The royalty `royaltyBps` is above `maxBps`.
    error RoyaltyTooHigh(uint256 royaltyBps, uint256 maxBps);
    /// @notice `currency` is neither ETH nor a contract.
    error InvalidCurrency(address currency);
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

    /// @notice Requests a generation on `modelId`, escrowing `msg.value` as the fee.
    /// @param prompt The prompt, 1..MAX_PROMPT_BYTES bytes (kept in the event only).
    /// @param params Model parameters (e.g. JSON), at most MAX_PARAMS_BYTES (kept in the event only).
    /// @param deadline Timestamp by which a claiming node must fulfil; at most MAX_JOB_DURATION ahead.
    /// @param royaltyBps ERC-2981 royalty of the resulting work.
    /// @param offer The public offer the work will carry (`termsId` 0 for none).
    /// @return jobId The job's id; its work's watermark id is `2**55 | jobId`.
    function requestGeneration(
        uint32 modelId,
        bytes calldata prompt,
        bytes calldata params,
        uint40 deadline,
        uint16 royaltyBps,
        OfferInput calldata offer
    ) external payable whenNotPaused returns (uint256 jobId) {
        _checkRequest(modelId, prompt.length, params.length, deadline, royaltyBps);
        bool erc20 = offer.termsId != 0 && offer.currency != address(0);
        if (offer.termsId != 0) termsRegistry.termsCore(offer.termsId);
        jobId = ++_config.sequence;
        if (erc20) {
            if (offer.currency.code.length == 0) revert InvalidCurrency(offer.currency);
            _offerCurrency[jobId] = offer.currency;
        }
        _heads[jobId] = JobHead({requester: msg.sender, fee: uint96(msg.value)});
        _specs[jobId] = JobSpec({
            modelId: modelId,
            deadline: deadline,
            offerTermsId: offer.termsId,
            offerPrice: offer.price,
            offerMaxSupply: offer.maxSupply,
            royaltyBps: royaltyBps,
            offerErc20: erc20
        });
        emit JobRequested(
            jobId,
            msg.sender,
            modelId,
            prompt,
            params,
            msg.value,
            deadline,
            watermarkIdOf(jobId),
            jobSeed(jobId),
            royaltyBps,
            offer
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
        if (st.status == JobStatus.Claimed) {
            slashed = claimLockAmount;
            Node storage n = _nodes[st.node];
            n.locked -= claimLockAmount;
            n.stake -= claimLockAmount;
            _credit(_config.treasury, address(0), slashed);
        }
        _states[jobId] = JobState({node: st.node, status: JobStatus.Expired, workId: 0});
        JobHead memory head = _heads[jobId];
        _credit(head.requester, address(0), head.fee);
        emit JobExpired(jobId, st.node, msg.sender, head.fee, slashed);
    }

    // ------------------------------------------------------------------------------------------------
    // Node
    // ------------------------------------------------------------------------------------------------

    /// @notice Claims open job `jobId` for the caller, a node serving the job's model with at least
    /// `minStake` staked and `claimLockAmount` unlocked; locks `claimLockAmount`.
    function claimJob(uint256 jobId) external {
        JobSpec memory spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobState storage st = _states[jobId];
        if (st.status != JobStatus.None) revert JobNotOpen(jobId, st.status);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        Node memory n = _nodes[msg.sender];
        if (n.stake < minStake || n.stake - n.locked < claimLockAmount) {
            revert InsufficientStake(msg.sender, n.stake, n.locked);
        }
        if (!_serves[msg.sender][spec.modelId]) revert ModelNotServed(msg.sender, spec.modelId);
        _nodes[msg.sender].locked = n.locked + claimLockAmount;
        st.node = msg.sender;
        st.status = JobStatus.Claimed;
        emit JobClaimed(jobId, msg.sender, spec.deadline, claimLockAmount);
    }

    /// @notice Gives a claimed job back before its deadline: it is open again and the stake unlocked.
    function releaseJob(uint256 jobId) external {
        JobSpec memory spec = _claimedBy(jobId);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        delete _states[jobId];
        _nodes[msg.sender].locked -= claimLockAmount;
        emit JobReleased(jobId, msg.sender);
    }

    /// @notice Fulfils a claimed job by its deadline: mints the work to the requester (source = generated,
    /// watermark id `2**55 | jobId`, the requested offer and royalty), unlocks the stake and credits the
    /// node the fee minus the protocol fee. If `contentHash` is already registered in `Works` (e.g. someone
    /// computed the deterministic output from the public seed and uploaded it first), the job instead ends
    /// Rejected with reason code 3 (duplicate content): the requester is refunded, the stake unlocked, no
    /// work is minted, `JobRejected` is emitted and 0 is returned.
    /// @param contentHash Hash of the generated content (unique across works).
    /// @param metadataDigest sha2-256 digest of the metadata JSON stored as a raw CIDv1 (codec 0x55).
    /// @param perceptualHash 64-bit perceptual hash of the content (emitted by `Works.WorkMinted`).
    /// @return workId The minted work (0 when the job ended Rejected for duplicate content).
    function fulfilJob(
        uint256 jobId,
        bytes32 contentHash,
        bytes32 metadataDigest,
        uint64 perceptualHash
    ) external nonReentrant returns (uint256 workId) {
        JobSpec memory spec = _claimedBy(jobId);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        JobHead memory head = _heads[jobId];
        // Effects first (the job ends and the lock is released before `Works` is called).
        _nodes[msg.sender].locked -= claimLockAmount;
        if (works.workByContentHash(contentHash) != 0) {
            // The content is already registered: the job's seed is public and the model deterministic, so
            // anyone can compute the output and upload it first (even front-running this call). That is no
            // fault of the node: rather than reverting (which, near the deadline, would leave the node to be
            // slashed by `expireJob`), the job ends exactly as `rejectJob(jobId, 3)` would.
            _endRejected(jobId, head, _REJECT_DUPLICATE_CONTENT);
            return 0;
        }
        _states[jobId] = JobState({node: msg.sender, status: JobStatus.Fulfilled, workId: 0});
        Config memory cfg = _config;
        uint256 protocolFee = (uint256(head.fee) * cfg.feeBps) / AtelierLimits.BPS;
        uint256 nodePayment = head.fee - protocolFee;
        _credit(cfg.treasury, address(0), protocolFee);
        _credit(msg.sender, address(0), nodePayment);
        workId = works.mintGenerated(
            head.requester,
            jobId,
            contentHash,
            metadataDigest,
            perceptualHash,
            spec.royaltyBps,
            OfferInput({
                termsId: spec.offerTermsId,
                currency: spec.offerErc20 ? _offerCurrency[jobId] : address(0),
                price: spec.offerPrice,
                maxSupply: spec.offerMaxSupply
            })
        );
        _states[jobId].workId = uint40(workId);
        emit JobFulfilled(
            jobId,
            msg.sender,
            workId,
            spec.modelId,
            contentHash,
            metadataDigest,
            nodePayment,
            protocolFee
        );
    }

    /// @notice Rejects a claimed job before its deadline (unsafe or invalid request): the requester is
    /// credited the fee and the stake unlocked.
    /// @param reasonCode Why (e.g. 1 unsafe prompt, 2 invalid params, 3 duplicate content; see the README).
    function rejectJob(uint256 jobId, uint16 reasonCode) external {
        JobSpec memory spec = _claimedBy(jobId);
        if (block.timestamp > spec.deadline) revert DeadlinePassed(jobId, spec.deadline);
        _nodes[msg.sender].locked -= claimLockAmount;
        _endRejected(jobId, _heads[jobId], reasonCode);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice The deterministic seed of `jobId`: `uint256(keccak256(abi.encode(block.chainid,
    /// address(this), jobId)))`. Derivable off chain from the chain id, this address and the job id.
    function jobSeed(uint256 jobId) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), jobId)));
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

    /// @notice Everything about `jobId`.
    function getJob(uint256 jobId) external view returns (JobView memory v) {
        JobSpec memory spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobHead memory head = _heads[jobId];
        JobState memory st = _states[jobId];
        v.status = jobStatus(jobId);
        v.requester = head.requester;
        v.fee = head.fee;
        v.modelId = spec.modelId;
        v.deadline = spec.deadline;
        v.node = st.status == JobStatus.Cancelled ? address(0) : st.node;
        v.workId = st.status == JobStatus.Fulfilled ? st.workId : 0;
        v.watermarkId = watermarkIdOf(jobId);
        v.seed = jobSeed(jobId);
        v.royaltyBps = spec.royaltyBps;
        v.offer = OfferInput({
            termsId: spec.offerTermsId,
            currency: _offerCurrency[jobId],
            price: spec.offerPrice,
            maxSupply: spec.offerMaxSupply
        });
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
        if (msg.value > type(uint96).max) revert FeeTooHigh(msg.value);
        if (royaltyBps > AtelierLimits.MAX_ROYALTY_BPS) {
            revert RoyaltyTooHigh(royaltyBps, AtelierLimits.MAX_ROYALTY_BPS);
        }
    }

    /// @dev Ends claimed job `jobId` as Rejected by the caller (its lock already released) and refunds it.
    function _endRejected(uint256 jobId, JobHead memory head, uint16 reasonCode) private {
        _states[jobId] = JobState({node: msg.sender, status: JobStatus.Rejected, workId: 0});
        _credit(head.requester, address(0), head.fee);
        emit JobRejected(jobId, msg.sender, reasonCode, head.fee);
    }

    function _claimedBy(uint256 jobId) private view returns (JobSpec memory spec) {
        spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobState memory st = _states[jobId];
        if (st.status != JobStatus.Claimed) revert JobNotClaimed(jobId, jobStatus(jobId));
        if (st.node != msg.sender) revert NotClaimingNode(jobId, msg.sender);
    }
}
