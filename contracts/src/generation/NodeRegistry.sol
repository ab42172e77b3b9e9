// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ModelRegistry} from "./ModelRegistry.sol";

/// @title NodeRegistry
/// @notice Generator nodes: ETH stake (at least `minStake` to claim), the models each serves, and unstaking
/// through a cooldown. Each claimed job locks `claimLockAmount` of the node's stake until the job is
/// fulfilled, released or rejected; a claimed job that expires slashes that lock. Locked stake cannot be
/// unstaked.
abstract contract NodeRegistry is ModelRegistry, ReentrancyGuardTransient {
    /// @dev One slot per node.
    struct Node {
        uint96 stake;
        uint96 locked;
        bool registered;
    }

    /// @dev Stake on its way out.
    struct Unbonding {
        uint96 amount;
        uint40 releaseAt;
    }

    /// @notice Node state, as returned by `nodeInfo`.
    struct NodeView {
        bool registered;
        uint96 stake;
        uint96 locked;
        uint96 unbonding;
        uint40 unbondingReleaseAt;
    }

    /// @notice Longest node endpoint URL in bytes.
    uint256 public constant MAX_ENDPOINT_BYTES = 256;

    /// @notice Smallest stake with which a node may claim jobs.
    uint96 public immutable minStake;
    /// @notice Stake locked per claimed job (and slashed if the job expires while claimed).
    uint96 public immutable claimLockAmount;
    /// @notice Seconds between `requestUnstake` and `withdrawStake`.
    uint40 public immutable unstakeCooldown;

    mapping(address node => Node) internal _nodes;
    mapping(address node => Unbonding) internal _unbonding;
    mapping(address node => mapping(uint32 modelId => bool)) internal _serves;

    /// @notice Emitted when a node registers with `stake` and the models it serves.
    event NodeRegistered(address indexed node, uint256 stake, uint32[] modelIds);
    /// @notice Emitted when a node adds `amount` to its stake (now `stake`).
    event StakeAdded(address indexed node, uint256 amount, uint256 stake);
    /// @notice Emitted when a node starts or stops serving a model.
    event ModelServedSet(address indexed node, uint32 indexed modelId, bool served);
    /// @notice Emitted when a node moves `amount` of stake into unbonding (total `unbonding`, released at
    /// `releaseAt`); `stake` is what remains staked.
    event UnstakeRequested(
        address indexed node,
        uint256 amount,
        uint256 stake,
        uint256 unbonding,
        uint40 releaseAt
    );
    /// @notice Emitted when a node withdraws its unbonded stake, sent to `to`.
    event StakeWithdrawn(address indexed node, address indexed to, uint256 amount);
    /// @notice Emitted when a node publishes (or changes) the gateway where its content and `/policy` live.
    /// Event only: nothing is stored.
    event NodeEndpointSet(address indexed node, string endpoint);

    /// @notice The endpoint is `length` bytes, more than `max`.
    error EndpointTooLong(uint256 length, uint256 max);
    /// @notice `node` is already registered.
    error NodeAlreadyRegistered(address node);
    /// @notice `node` is not registered.
    error NodeNotRegistered(address node);
    /// @notice The stake `stake` is below the minimum `minStake`.
    error StakeBelowMinimum(uint256 stake, uint256 minStake);
    /// @notice `requested` exceeds the node's unlocked stake `free`.
    error InsufficientFreeStake(uint256 requested, uint256 free);
    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice The stake would not fit 96 bits.
    error StakeOverflow();
    /// @notice Nothing is unbonding for `node`.
    error NothingUnbonding(address node);
    /// @notice The unbonding stake is released at `releaseAt`.
    error CooldownActive(uint256 releaseAt);

    constructor(uint96 minStake_, uint96 claimLockAmount_, uint40 unstakeCooldown_) {
        minStake = minStake_;
        claimLockAmount = claimLockAmount_;
        unstakeCooldown = unstakeCooldown_;
    }

    /// @notice Registers the caller as a node with `msg.value` stake (≥ `minStake`), serving `modelIds`.
    function registerNode(uint32[] calldata modelIds) external payable {
        Node storage n = _nodes[msg.sender];
        if (n.registered) revert NodeAlreadyRegistered(msg.sender);
        if (msg.value < minStake) revert StakeBelowMinimum(msg.value, minStake);
        if (msg.value > type(uint96).max) revert StakeOverflow();
        n.registered = true;
        n.stake = uint96(msg.value);
        for (uint256 i = 0; i < modelIds.length; ++i) {
            _requireModel(modelIds[i]);
            _serves[msg.sender][modelIds[i]] = true;
        }
        emit NodeRegistered(msg.sender, msg.value, modelIds);
    }

    /// @notice Publishes the caller's gateway URL (e.g. `https://node.example/`), where its content and its
    /// off-chain policy (`/policy`: max prompt bytes, min fee, models, resolution) are served. Event only.
    function setNodeEndpoint(string calldata endpoint) external {
        _requireNode(msg.sender);
        if (bytes(endpoint).length > MAX_ENDPOINT_BYTES)
            revert EndpointTooLong(bytes(endpoint).length, MAX_ENDPOINT_BYTES);
        emit NodeEndpointSet(msg.sender, endpoint);
    }

    /// @notice Adds `msg.value` to the caller's stake.
    function addStake() external payable {
        Node storage n = _requireNode(msg.sender);
        if (msg.value == 0) revert ZeroAmount();
        uint256 stake = uint256(n.stake) + msg.value;
        if (stake > type(uint96).max) revert StakeOverflow();
        n.stake = uint96(stake);
        emit StakeAdded(msg.sender, msg.value, stake);
    }

    /// @notice Starts (`served`) or stops serving each of `modelIds`.
    function setModelsServed(uint32[] calldata modelIds, bool served) external {
        _requireNode(msg.sender);
        for (uint256 i = 0; i < modelIds.length; ++i) {
            _requireModel(modelIds[i]);
            _serves[msg.sender][modelIds[i]] = served;
            emit ModelServedSet(msg.sender, modelIds[i], served);
        }
    }

    /// @notice Moves `amount` of unlocked stake into unbonding; withdraw it after `unstakeCooldown`. A new
    /// request adds to what is unbonding and restarts the cooldown.
    function requestUnstake(uint96 amount) external {
        Node storage n = _requireNode(msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 free = n.stake - n.locked;
        if (amount > free) revert InsufficientFreeStake(amount, free);
        n.stake -= amount;
        Unbonding storage u = _unbonding[msg.sender];
        u.amount += amount;
        u.releaseAt = uint40(block.timestamp) + unstakeCooldown;
        emit UnstakeRequested(msg.sender, amount, n.stake, u.amount, u.releaseAt);
    }

    /// @notice Sends the caller's unbonded stake to the caller once the cooldown is over.
    function withdrawStake() external returns (uint256 amount) {
        return _withdrawStake(msg.sender);
    }

    /// @notice Sends the caller's unbonded stake to `to` once the cooldown is over (for a node contract
    /// that cannot receive ETH itself).
    function withdrawStakeTo(address to) external returns (uint256 amount) {
        if (to == address(0)) revert InvalidStakeRecipient();
        return _withdrawStake(to);
    }

    function _withdrawStake(address to) private nonReentrant returns (uint256 amount) {
        Unbonding memory u = _unbonding[msg.sender];
        if (u.amount == 0) revert NothingUnbonding(msg.sender);
        if (block.timestamp < u.releaseAt) revert CooldownActive(u.releaseAt);
        delete _unbonding[msg.sender];
        amount = u.amount;
        emit StakeWithdrawn(msg.sender, to, amount);
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert StakeTransferFailed(to, amount);
    }

    /// @notice Sending unbonded stake to `node` (the recipient) failed.
    error StakeTransferFailed(address node, uint256 amount);
    /// @notice Unbonded stake cannot be sent to the zero address.
    error InvalidStakeRecipient();

    /// @notice State of `node`.
    function nodeInfo(address node) external view returns (NodeView memory) {
        Node memory n = _nodes[node];
        Unbonding memory u = _unbonding[node];
        return
            NodeView({
                registered: n.registered,
                stake: n.stake,
                locked: n.locked,
                unbonding: u.amount,
                unbondingReleaseAt: u.releaseAt
            });
    }

    /// @notice Whether `node` serves `modelId`.
    function servesModel(address node, uint32 modelId) external view returns (bool) {
        return _serves[node][modelId];
    }

    function _requireNode(address node) internal view returns (Node storage n) {
        n = _nodes[node];
        if (!n.registered) revert NodeNotRegistered(node);
    }
}
