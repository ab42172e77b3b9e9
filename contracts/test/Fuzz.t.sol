// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierSetup} from "./utils/AtelierSetup.sol";
import {OfferInput, ParentRef, Payout} from "../src/common/AtelierTypes.sol";
import {ProtocolConfig} from "../src/common/ProtocolConfig.sol";
import {Works} from "../src/Works.sol";
import {WorkOffers} from "../src/works/WorkOffers.sol";
import {GenerationMarket} from "../src/GenerationMarket.sol";

/// @notice Fuzz tests: payment split arithmetic, fee and royalty caps, supply caps, deadlines.
contract FuzzTest is AtelierSetup {
    function setUp() public {
        _deploy();
    }

    /// A license payment is split exactly: fee to the treasury, the rest to the owner, nothing lost.
    function testFuzz_licenseSplitIsExact(uint96 price, uint16 feeBps) public {
        feeBps = uint16(bound(feeBps, 0, 1000));
        vm.prank(admin);
        licenses.setProtocolFeeBps(feeBps);
        uint256 workId = _mintRoot(creator, COMMERCIAL, price, 0);
        _buy(buyer, workId, 1, price);
        uint256 fee = (uint256(price) * feeBps) / 10_000;
        assertEq(licenses.creditOf(treasury, address(0)), fee);
        assertEq(licenses.creditOf(creator, address(0)), price - fee);
        assertEq(address(licenses).balance, price);
    }

    /// The protocol fee can never be set above the hard cap, in either paying contract.
    function testFuzz_protocolFeeCap(uint16 feeBps) public {
        vm.startPrank(admin);
        if (feeBps > 1000) {
            vm.expectRevert(abi.encodeWithSelector(ProtocolConfig.ProtocolFeeTooHigh.selector, feeBps, 1000));
            licenses.setProtocolFeeBps(feeBps);
            vm.expectRevert(abi.encodeWithSelector(ProtocolConfig.ProtocolFeeTooHigh.selector, feeBps, 1000));
            market.setProtocolFeeBps(feeBps);
        } else {
            licenses.setProtocolFeeBps(feeBps);
            market.setProtocolFeeBps(feeBps);
            assertEq(licenses.protocolFeeBps(), feeBps);
            assertEq(market.protocolFeeBps(), feeBps);
        }
        vm.stopPrank();
    }

    /// Royalties are capped at 10% and computed exactly.
    function testFuzz_royaltyCap(uint16 royaltyBps, uint256 salePrice) public {
        salePrice = bound(salePrice, 0, type(uint128).max);
        vm.prank(creator);
        if (royaltyBps > 1000) {
            vm.expectRevert(abi.encodeWithSelector(Works.RoyaltyTooHigh.selector, royaltyBps, 1000));
            works.mintWork(
                _content(),
                keccak256("m"),
                0,
                0,
                royaltyBps,
                new ParentRef[](0),
                new OfferInput[](0)
            );
        } else {
            uint256 id = works.mintWork(
                _content(),
                keccak256("m"),
                0,
                0,
                royaltyBps,
                new ParentRef[](0),
                new OfferInput[](0)
            );
            (address receiver, uint256 amount) = works.royaltyInfo(id, salePrice);
            assertEq(receiver, creator);
            assertEq(amount, (salePrice * royaltyBps) / 10_000);
        }
    }

    /// A derivative's revenue split conserves every wei and gives each parent exactly its share.
    function testFuzz_derivativeSplitConserves(uint256 amount, uint16 s1, uint16 s2, uint16 s3) public {
        amount = bound(amount, 0, type(uint128).max);
        uint16[3] memory shares = [
            uint16(bound(s1, 0, 3333)),
            uint16(bound(s2, 0, 3333)),
            uint16(bound(s3, 0, 3333))
        ];
        ParentRef[] memory parents = new ParentRef[](3);
        for (uint256 i = 0; i < 3; ++i) {
            uint32 t = _registerPreset(true, true, true, false, false, false, 0, shares[i]);
            uint256 parent = _mintRoot(creator, t, 1 ether, 0);
            uint256 licenseId = _buy(buyer, parent, 1, 1 ether);
            parents[i] = ParentRef({workId: parent, licenseId: licenseId});
        }
        vm.prank(buyer);
        uint256 child = works.mintWork(_content(), keccak256("m"), 0, 0, 0, parents, new OfferInput[](0));
        Payout[] memory payouts = works.revenueSplit(child, amount);
        uint256 sum;
        for (uint256 i = 0; i < payouts.length; ++i) sum += payouts[i].amount;
        assertEq(sum, amount);
        assertEq(payouts.length, 4 - _zeroShares(amount, shares));
        assertEq(payouts[payouts.length - 1].workId, child);
        assertEq(payouts[payouts.length - 1].payee, buyer);
    }

    function _zeroShares(uint256 amount, uint16[3] memory shares) private pure returns (uint256 n) {
        for (uint256 i = 0; i < 3; ++i) if ((amount * shares[i]) / 10_000 == 0) ++n;
    }

    /// A sale of a derivative credits exactly the price to treasury + ancestors + owner.
    function testFuzz_derivativeSaleConserves(uint96 price, uint16 share) public {
        share = uint16(bound(share, 0, 5000));
        uint32 t = _registerPreset(true, true, true, false, false, false, 0, share);
        uint256 parent = _mintRoot(creator, t, 0, 0);
        uint256 licenseId = _buy(buyer, parent, 1, 0);
        ParentRef[] memory parents = new ParentRef[](1);
        parents[0] = ParentRef({workId: parent, licenseId: licenseId});
        OfferInput[] memory offers = new OfferInput[](1);
        offers[0] = OfferInput({termsId: COMMERCIAL, currency: address(0), price: price, maxSupply: 0});
        vm.prank(buyer);
        uint256 child = works.mintWork(_content(), keccak256("m"), 0, 0, 0, parents, offers);
        address third = makeAddr("third");
        _buy(third, child, 1, price);
        uint256 net = price - (uint256(price) * 250) / 10_000;
        uint256 toParent = (net * share) / 10_000;
        assertEq(licenses.creditOf(creator, address(0)), toParent);
        assertEq(licenses.creditOf(buyer, address(0)), net - toParent);
        assertEq(
            licenses.creditOf(creator, address(0)) +
                licenses.creditOf(buyer, address(0)) +
                licenses.creditOf(treasury, address(0)),
            address(licenses).balance
        );
    }

    /// An offer never sells more than its max supply.
    function testFuzz_supplyCap(uint8 maxSupply, uint8 attempts) public {
        maxSupply = uint8(bound(maxSupply, 1, 12));
        attempts = uint8(bound(attempts, 0, 16));
        uint256 workId = _mintRoot(creator, PERSONAL, 1 gwei, maxSupply);
        uint256 sold;
        for (uint256 i = 0; i < attempts; ++i) {
            vm.deal(buyer, 1 gwei);
            vm.prank(buyer);
            if (sold >= maxSupply) {
                vm.expectRevert(abi.encodeWithSelector(WorkOffers.OfferSoldOut.selector, workId, 1));
                licenses.buyLicense{value: 1 gwei}(workId, 1, buyer, 1 gwei);
            } else {
                licenses.buyLicense{value: 1 gwei}(workId, 1, buyer, 1 gwei);
                ++sold;
            }
        }
        assertEq(works.offerSold(workId, 1), sold);
        assertLe(sold, maxSupply);
    }

    /// Claims are possible up to the deadline, expiry only after it.
    function testFuzz_deadlines(uint32 window, uint32 elapsed) public {
        window = uint32(bound(window, 1, 30 days));
        elapsed = uint32(bound(elapsed, 0, uint256(window) * 2));
        uint32[] memory models = new uint32[](1);
        models[0] = 1;
        vm.deal(node, 1 ether);
        vm.prank(node);
        market.registerNode{value: 1 ether}(models);
        vm.deal(requester, 1 ether);
        vm.prank(requester);
        uint256 jobId = market.requestGeneration{value: 1 ether}(
            1,
            "prompt",
            "",
            uint40(block.timestamp + window),
            0,
            OfferInput(0, address(0), 0, 0),
            _noParents()
        );
        uint256 deadline = block.timestamp + window;
        vm.warp(block.timestamp + elapsed);
        if (elapsed <= window) {
            vm.prank(node);
            market.claimJob(jobId, keccak256(abi.encode("out", jobId)));
            vm.expectRevert(
                abi.encodeWithSelector(GenerationMarket.DeadlineNotPassed.selector, jobId, deadline)
            );
            market.expireJob(jobId);
        } else {
            vm.prank(node);
            vm.expectRevert(
                abi.encodeWithSelector(GenerationMarket.DeadlinePassed.selector, jobId, deadline)
            );
            market.claimJob(jobId, keccak256(abi.encode("out", jobId)));
            market.expireJob(jobId);
            assertEq(market.creditOf(requester, address(0)), 1 ether);
        }
    }

    /// A fulfilled job credits exactly its fee: node + treasury, at the rate fixed when it was requested.
    function testFuzz_generationFeeSplit(uint96 fee, uint16 feeBps) public {
        fee = uint96(bound(fee, 0, type(uint80).max));
        feeBps = uint16(bound(feeBps, 0, 1000));
        vm.prank(admin);
        market.setProtocolFeeBps(feeBps);
        uint32[] memory models = new uint32[](1);
        models[0] = 1;
        vm.deal(node, 1 ether);
        vm.prank(node);
        market.registerNode{value: 1 ether}(models);
        vm.deal(requester, fee);
        vm.prank(requester);
        uint256 jobId = market.requestGeneration{value: fee}(
            1,
            "prompt",
            "",
            uint40(block.timestamp + 1 hours),
            0,
            OfferInput(0, address(0), 0, 0),
            _noParents()
        );
        // The rate in force at request applies, whatever the admin sets before fulfilment.
        vm.prank(admin);
        market.setProtocolFeeBps(uint16(1000 - feeBps));
        bytes32 output = _content();
        vm.startPrank(node);
        market.claimJob(jobId, output);
        market.fulfilJob(jobId, output, bytes32(uint256(7)), keccak256("m"), 0);
        vm.stopPrank();
        uint256 protocolFee = (uint256(fee) * feeBps) / 10_000;
        assertEq(market.creditOf(treasury, address(0)), protocolFee);
        assertEq(market.creditOf(node, address(0)), fee - protocolFee);
        assertEq(address(market).balance, uint256(fee) + 1 ether);
    }
}
