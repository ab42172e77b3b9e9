// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface ILicensesLike {
    function buyLicense(uint256, uint256, address, uint256) external payable returns (uint256);
    function withdraw(address currency) external returns (uint256);
}

interface IMarketLike {
    function withdraw(address currency) external returns (uint256);
    function withdrawStake() external returns (uint256);
    function registerNode(uint32[] calldata modelIds) external payable;
    function requestUnstake(uint96 amount) external;
}

/// @notice A malicious buyer/receiver: re-enters the protocol from every callback it gets (ERC-721
/// receipt, ETH receipt, ERC-20 transfer hook) and records whether the re-entry succeeded.
contract Attacker is IERC721Receiver {
    enum Mode {
        None,
        ReenterBuy,
        ReenterWithdraw,
        ReenterWithdrawStake,
        RejectEth
    }

    Mode public mode;
    address public target;
    uint256 public workId;
    uint256 public offerId;
    uint256 public price;
    address public currency;
    uint256 public attempts;
    bool public reentered;
    bytes public lastError;

    receive() external payable {
        if (mode == Mode.RejectEth) revert("no ETH");
        _attack();
    }

    function configure(
        Mode mode_,
        address target_,
        uint256 workId_,
        uint256 offerId_,
        uint256 price_
    ) external {
        mode = mode_;
        target = target_;
        workId = workId_;
        offerId = offerId_;
        price = price_;
    }

    function setCurrency(address currency_) external {
        currency = currency_;
    }

    function approve(address token, address spender, uint256 amount) external {
        IERC20(token).approve(spender, amount);
    }

    function buy(uint256 value) external returns (uint256) {
        return ILicensesLike(target).buyLicense{value: value}(workId, offerId, address(this), price);
    }

    /// @notice Calls `target` with `data` as this contract (to mint works, register, etc.).
    function exec(
        address target_,
        uint256 value,
        bytes calldata data
    ) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target_.call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function withdrawFrom(address from, address currency_) external returns (uint256) {
        return ILicensesLike(from).withdraw(currency_);
    }

    function registerNode(address market, uint32[] calldata modelIds) external payable {
        IMarketLike(market).registerNode{value: msg.value}(modelIds);
    }

    function requestUnstake(address market, uint96 amount) external {
        IMarketLike(market).requestUnstake(amount);
    }

    function withdrawStake(address market) external returns (uint256) {
        return IMarketLike(market).withdrawStake();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _attack();
        return IERC721Receiver.onERC721Received.selector;
    }

    function onTokenTransfer() external {
        _attack();
    }

    function _attack() private {
        if (mode == Mode.None || mode == Mode.RejectEth || attempts != 0) return;
        attempts++;
        bool ok;
        bytes memory err;
        if (mode == Mode.ReenterBuy) {
            (ok, err) = target.call{value: currency == address(0) ? price : 0}(
                abi.encodeCall(ILicensesLike.buyLicense, (workId, offerId, address(this), price))
            );
        } else if (mode == Mode.ReenterWithdraw) {
            (ok, err) = target.call(abi.encodeCall(ILicensesLike.withdraw, (currency)));
        } else if (mode == Mode.ReenterWithdrawStake) {
            (ok, err) = target.call(abi.encodeCall(IMarketLike.withdrawStake, ()));
        }
        reentered = ok;
        lastError = err;
    }
}
