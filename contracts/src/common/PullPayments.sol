// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title PullPayments
/// @notice Credits per account and currency that their owner withdraws (pull payments).
/// @dev Credits are added without an event of their own: the event of the operation that credits (a
/// purchase, a fulfilment, a refund) carries the amounts. Withdrawals emit `Withdrawn`.
abstract contract PullPayments is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    mapping(address account => mapping(address currency => uint256)) internal _credits;

    /// @notice Emitted when `account` withdraws `amount` of `currency` (`address(0)` = ETH) to `to`.
    event Withdrawn(address indexed account, address indexed currency, address indexed to, uint256 amount);

    /// @notice `account` has no credit in `currency`.
    error NothingToWithdraw(address account, address currency);

    /// @notice Sending ETH to `to` failed.
    error EthTransferFailed(address to, uint256 amount);

    /// @notice Withdrawing `amount` of `currency` took `taken` from this contract (more than the amount).
    error UnsupportedWithdrawal(address currency, uint256 amount, uint256 taken);

    /// @notice The recipient cannot be the zero address nor this contract.
    error InvalidRecipient();

    /// @notice Credit of `account` in `currency` (`address(0)` = ETH), withdrawable with `withdraw`.
    function creditOf(address account, address currency) external view returns (uint256) {
        return _credits[account][currency];
    }

    /// @notice Credits of `account` in each of `currencies` (`address(0)` = ETH), in the same order.
    function creditsOf(
        address account,
        address[] calldata currencies
    ) external view returns (uint256[] memory amounts) {
        amounts = new uint256[](currencies.length);
        for (uint256 i = 0; i < currencies.length; ++i) {
            amounts[i] = _credits[account][currencies[i]];
        }
    }

    /// @notice Withdraws the caller's whole credit in `currency` (`address(0)` = ETH) to the caller.
    function withdraw(address currency) external returns (uint256 amount) {
        return _withdraw(currency, msg.sender);
    }

    /// @notice Withdraws the caller's whole credit in `currency` (`address(0)` = ETH) to `to`.
    function withdrawTo(address currency, address to) external returns (uint256 amount) {
        if (to == address(0) || to == address(this)) revert InvalidRecipient();
        return _withdraw(currency, to);
    }

    function _withdraw(address currency, address to) private nonReentrant returns (uint256 amount) {
        amount = _credits[msg.sender][currency];
        if (amount == 0) revert NothingToWithdraw(msg.sender, currency);
        _credits[msg.sender][currency] = 0;
        emit Withdrawn(msg.sender, currency, to, amount);
        if (currency == address(0)) {
            _sendEth(to, amount);
        } else {
            IERC20 token = IERC20(currency);
            uint256 before = token.balanceOf(address(this));
            token.safeTransfer(to, amount);
            uint256 after_ = token.balanceOf(address(this));
            // A token that takes more than `amount` from the sender would strand the last creditor.
            if (after_ < before && before - after_ > amount) {
                revert UnsupportedWithdrawal(currency, amount, before - after_);
            }
        }
    }

    function _credit(address account, address currency, uint256 amount) internal {
        if (amount != 0) _credits[account][currency] += amount;
    }

    function _sendEth(address to, uint256 amount) internal {
        // slither-disable-next-line arbitrary-send-eth
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed(to, amount);
    }
}
