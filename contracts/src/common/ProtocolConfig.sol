// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AtelierLimits} from "./AtelierTypes.sol";

/// @title ProtocolConfig
/// @notice Roles, pause switch, protocol fee (with a hard cap) and treasury of a paying Atelier contract.
/// @dev The treasury, the fee, the pause flag and a sequence counter share one storage slot so that a
/// purchase or a request pays one cold SLOAD for all of them (the counter is free for the inheriting
/// contract's ids: the market numbers its jobs with it).
abstract contract ProtocolConfig is AccessControl {
    /// @notice Role that may pause and unpause the contract.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    struct Config {
        address treasury;
        uint16 feeBps;
        bool paused;
        uint64 sequence;
    }

    Config internal _config;

    /// @notice Emitted when the pause is triggered by `account`.
    event Paused(address account);

    /// @notice Emitted when the pause is lifted by `account`.
    event Unpaused(address account);

    /// @notice Emitted when the treasury that receives protocol fees changes.
    event TreasuryUpdated(address indexed previousTreasury, address indexed newTreasury);

    /// @notice Emitted when the protocol fee changes.
    event ProtocolFeeUpdated(uint16 previousFeeBps, uint16 newFeeBps);

    /// @notice The operation is not possible while the contract is paused.
    error EnforcedPause();

    /// @notice The operation needs the contract to be paused.
    error ExpectedPause();

    /// @notice The fee `feeBps` is above the hard cap `maxFeeBps`.
    error ProtocolFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);

    /// @notice The treasury cannot be the zero address.
    error InvalidTreasury();

    /// @notice The admin cannot be the zero address.
    error InvalidAdmin();

    /// @param admin Receives DEFAULT_ADMIN_ROLE and PAUSER_ROLE.
    /// @param treasury_ Receives protocol fees (as credits).
    /// @param feeBps Protocol fee in basis points, at most `AtelierLimits.MAX_PROTOCOL_FEE_BPS`.
    constructor(address admin, address treasury_, uint16 feeBps) {
        if (admin == address(0)) revert InvalidAdmin();
        if (treasury_ == address(0)) revert InvalidTreasury();
        if (feeBps > AtelierLimits.MAX_PROTOCOL_FEE_BPS) {
            revert ProtocolFeeTooHigh(feeBps, AtelierLimits.MAX_PROTOCOL_FEE_BPS);
        }
        _config = Config({treasury: treasury_, feeBps: feeBps, paused: false, sequence: 0});
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        emit TreasuryUpdated(address(0), treasury_);
        emit ProtocolFeeUpdated(0, feeBps);
    }

    /// @dev Reverts with `EnforcedPause` while paused.
    modifier whenNotPaused() {
        if (_config.paused) revert EnforcedPause();
        _;
    }

    /// @notice Pauses the operations documented as pausable. Only PAUSER_ROLE.
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_config.paused) revert EnforcedPause();
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Lifts the pause. Only PAUSER_ROLE.
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_config.paused) revert ExpectedPause();
        _config.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Sets the treasury that is credited protocol fees from now on. Only DEFAULT_ADMIN_ROLE.
    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newTreasury == address(0)) revert InvalidTreasury();
        emit TreasuryUpdated(_config.treasury, newTreasury);
        _config.treasury = newTreasury;
    }

    /// @notice Sets the protocol fee, at most `AtelierLimits.MAX_PROTOCOL_FEE_BPS`. Only DEFAULT_ADMIN_ROLE.
    function setProtocolFeeBps(uint16 newFeeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newFeeBps > AtelierLimits.MAX_PROTOCOL_FEE_BPS) {
            revert ProtocolFeeTooHigh(newFeeBps, AtelierLimits.MAX_PROTOCOL_FEE_BPS);
        }
        emit ProtocolFeeUpdated(_config.feeBps, newFeeBps);
        _config.feeBps = newFeeBps;
    }

    /// @notice Whether the contract is paused.
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @notice The account credited protocol fees.
    function treasury() external view returns (address) {
        return _config.treasury;
    }

    /// @notice The protocol fee in basis points.
    function protocolFeeBps() external view returns (uint16) {
        return _config.feeBps;
    }

    /// @notice Hard cap of the protocol fee in basis points.
    function maxProtocolFeeBps() external pure returns (uint16) {
        return AtelierLimits.MAX_PROTOCOL_FEE_BPS;
    }
}
