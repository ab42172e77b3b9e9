// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierLimits, OfferInput, ParentRef, ReasonCodes} from "./common/AtelierTypes.sol";
import {ProtocolConfig} from "./common/ProtocolConfig.sol";
import {PullPayments} from "./common/PullPayments.sol";
import {JobRequests} from "./generation/JobRequests.sol";
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
/// Parts: `JobRequests` (what is written at request), `NodeRegistry` and `ModelRegistry` (nodes, stake,
/// models), `ProtocolConfig` (roles, pause, fee, treasury), `PullPayments` (credits).
contract GenerationMarket is JobRequests, NodeRegistry, PullPayments, IGenerationMarket {
    /// @notice A node may give a claimed job back for free within this time of claiming it; later it
    /// forfeits half its lock to the requester (compensation for the delay).
    uint256 public constant RELEASE_GRACE = 15 minutes;

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

    mapping(uint256 jobId => JobState) private _states;

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
    )
        ProtocolConfig(admin, treasury_, feeBps)
        JobRequests(works_, termsRegistry_)
        NodeRegistry(minStake_, claimLockAmount_, unstakeCooldown_)
    {
        _grantRole(MODEL_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------------------------------------
    // Requester
    // ------------------------------------------------------------------------------------------------

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

    function _claimedBy(uint256 jobId) private view returns (JobSpec memory spec) {
        spec = _specs[jobId];
        if (spec.modelId == 0) revert UnknownJob(jobId);
        JobState memory st = _states[jobId];
        if (st.status != JobStatus.Claimed) revert JobNotClaimed(jobId, jobStatus(jobId));
        if (st.node != msg.sender) revert NotClaimingNode(jobId, msg.sender);
    }
}
