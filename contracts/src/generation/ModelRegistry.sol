// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title ModelRegistry
/// @notice Generation models that jobs may request. Only MODEL_ADMIN_ROLE registers and retires models
/// (a model's weights are a curation decision: their hash is what nodes must run). Ids start at 1.
abstract contract ModelRegistry is AccessControl {
    /// @notice Role that may register models and (de)activate them.
    bytes32 public constant MODEL_ADMIN_ROLE = keccak256("MODEL_ADMIN_ROLE");

    /// @notice A registered model.
    /// @param weightsHash sha2-256 of the weights file, as nodes verify it before serving.
    /// @param weightsCidDigest sha2-256 multihash digest of the weights' CIDv1.
    /// @param weightsCidCodec multicodec of that CIDv1 (0x55 raw, 0x70 dag-pb), so the CID can be rebuilt.
    /// @param deterministic Same job seed, prompt and params give the same output bytes.
    /// @param active New jobs may request the model.
    struct Model {
        bytes32 weightsHash;
        bytes32 weightsCidDigest;
        uint64 weightsCidCodec;
        bool deterministic;
        bool active;
    }

    /// @notice A model as returned by `modelInfo` (with its name).
    struct ModelView {
        bytes32 weightsHash;
        bytes32 weightsCidDigest;
        uint64 weightsCidCodec;
        bool deterministic;
        bool active;
        string name;
    }

    /// @notice Longest model name in bytes.
    uint256 public constant MAX_MODEL_NAME_BYTES = 64;

    mapping(uint32 modelId => Model) internal _models;
    mapping(uint32 modelId => string) private _modelNames;

    /// @notice Number of registered models; ids are 1..modelCount.
    uint32 public modelCount;

    /// @notice Emitted when a model is registered (active).
    event ModelRegistered(
        uint32 indexed modelId,
        bytes32 indexed weightsHash,
        bytes32 weightsCidDigest,
        uint64 weightsCidCodec,
        bool deterministic,
        string name
    );

    /// @notice Emitted when a model is activated or retired.
    event ModelActiveSet(uint32 indexed modelId, bool active);

    /// @notice No model `modelId` is registered.
    error UnknownModel(uint32 modelId);
    /// @notice Model `modelId` is retired: no new jobs.
    error ModelInactive(uint32 modelId);
    /// @notice The model name is `length` bytes, more than `max`.
    error ModelNameTooLong(uint256 length, uint256 max);
    /// @notice The weights hash is zero.
    error InvalidWeightsHash();

    /// @notice Registers a model and returns its id. Only MODEL_ADMIN_ROLE.
    /// @param name Human-readable name (at most `MAX_MODEL_NAME_BYTES`), readable from `modelInfo`.
    function registerModel(
        bytes32 weightsHash,
        bytes32 weightsCidDigest,
        uint64 weightsCidCodec,
        bool deterministic,
        string calldata name
    ) external onlyRole(MODEL_ADMIN_ROLE) returns (uint32 modelId) {
        if (weightsHash == bytes32(0)) revert InvalidWeightsHash();
        if (bytes(name).length > MAX_MODEL_NAME_BYTES)
            revert ModelNameTooLong(bytes(name).length, MAX_MODEL_NAME_BYTES);
        modelId = ++modelCount;
        _modelNames[modelId] = name;
        _models[modelId] = Model({
            weightsHash: weightsHash,
            weightsCidDigest: weightsCidDigest,
            weightsCidCodec: weightsCidCodec,
            deterministic: deterministic,
            active: true
        });
        emit ModelRegistered(modelId, weightsHash, weightsCidDigest, weightsCidCodec, deterministic, name);
    }

    /// @notice Activates or retires model `modelId`. Only MODEL_ADMIN_ROLE. Jobs already requested stay.
    function setModelActive(uint32 modelId, bool active) external onlyRole(MODEL_ADMIN_ROLE) {
        _requireModel(modelId);
        _models[modelId].active = active;
        emit ModelActiveSet(modelId, active);
    }

    /// @notice Model `modelId`.
    function modelInfo(uint32 modelId) external view returns (ModelView memory) {
        _requireModel(modelId);
        Model memory m = _models[modelId];
        return
            ModelView({
                weightsHash: m.weightsHash,
                weightsCidDigest: m.weightsCidDigest,
                weightsCidCodec: m.weightsCidCodec,
                deterministic: m.deterministic,
                active: m.active,
                name: _modelNames[modelId]
            });
    }

    function _requireModel(uint32 modelId) internal view {
        if (modelId == 0 || modelId > modelCount) revert UnknownModel(modelId);
    }
}
