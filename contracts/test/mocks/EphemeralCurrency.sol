// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {OfferInput, ParentRef} from "../../src/common/AtelierTypes.sol";

interface IWorksAllowList {
    function setCurrencyAllowed(address currency, bool allowed) external;
}

interface IMarketRequest {
    function requestGeneration(
        uint32 modelId,
        bytes calldata prompt,
        bytes calldata params,
        uint40 deadline,
        uint16 royaltyBps,
        OfferInput calldata offer,
        ParentRef[] calldata parents
    ) external payable returns (uint256);
}

/// @notice An ERC-20 that can destroy itself. Under EIP-6780 (Cancun) `selfdestruct` removes the code only
/// in the transaction that created the contract; later it just moves the balance.
contract EphemeralERC20 is ERC20 {
    constructor() ERC20("Ephemeral", "EPH") {}

    function destroy() external {
        selfdestruct(payable(msg.sender));
    }
}

/// @notice A requester contract that, in one transaction, creates a token, has it allow-listed, requests a
/// generation whose offer is priced in it, and destroys it — so the job's currency is still on the
/// allow-list but has no code when the node fulfils. Allow-listing needs the admin role: this contract plays
/// an admin that batches calls (a multisig), the only way a listed currency can lose its code under
/// EIP-6780, since `setCurrencyAllowed` takes contracts with code only.
contract EphemeralCurrencyRequester {
    event Requested(address token, uint256 jobId);

    function run(
        address works,
        address market,
        uint32 modelId,
        uint40 deadline,
        uint32 termsId
    ) external payable returns (address token, uint256 jobId) {
        EphemeralERC20 t = new EphemeralERC20();
        token = address(t);
        IWorksAllowList(works).setCurrencyAllowed(token, true);
        ParentRef[] memory noParents;
        jobId = IMarketRequest(market).requestGeneration{value: msg.value}(
            modelId,
            "a token that will be gone",
            "",
            deadline,
            0,
            OfferInput({termsId: termsId, currency: token, price: 7, maxSupply: 0}),
            noParents
        );
        t.destroy();
        emit Requested(token, jobId);
    }
}
