// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AtelierSetup} from "./utils/AtelierSetup.sol";
import {GenerationMarket} from "../src/GenerationMarket.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Works} from "../src/Works.sol";
import {WorkOffers} from "../src/works/WorkOffers.sol";
import {Licenses} from "../src/Licenses.sol";
import {OfferInput, ParentRef, TermsFlags} from "../src/common/AtelierTypes.sol";
import {MockERC20} from "./mocks/MockERC20.sol";

/// @notice Drives random sequences of protocol calls for the invariant tests and keeps ghost records.
contract Handler is CommonBase, StdCheats, StdUtils {
    Works public works;
    Licenses public licenses;
    GenerationMarket public market;
    MockERC20 public token;
    address public admin;

    address[] public actors;
    address[] public nodes;

    /// Successful fulfilments per job (must stay ≤ 1).
    mapping(uint256 jobId => uint256) public timesPaid;
    uint256 public maxTimesPaid;
    /// Sales that succeeded although the work was flagged or paused, or the offer inactive (must stay 0).
    uint256 public forbiddenSales;
    /// Successful license sales per work.
    mapping(uint256 workId => uint256) public salesOf;
    mapping(uint256 workId => bool) public exclusiveSoldOf;
    uint256 public sales;
    uint256 public fulfilled;
    /// Content hash each claim reserved (the node's output).
    mapping(uint256 jobId => bytes32) public jobContent;
    /// Mints of content reserved by a live claim that succeeded (must stay 0).
    uint256 public squats;
    /// Parent-bearing jobs fulfilled with a work, and ended Rejected for a lost parent right.
    uint256 public derivativeFulfilled;
    uint256 public parentRightLost;

    uint256 private _nonce;

    constructor(Works works_, GenerationMarket market_, MockERC20 token_, address admin_) {
        works = works_;
        licenses = Licenses(works_.licenses());
        market = market_;
        token = token_;
        admin = admin_;
        for (uint256 i = 0; i < 3; ++i) actors.push(makeAddr(string.concat("actor", vm.toString(i))));
        uint32[] memory models = new uint32[](1);
        models[0] = 1;
        for (uint256 i = 0; i < 2; ++i) {
            address n = makeAddr(string.concat("node", vm.toString(i)));
            nodes.push(n);
            vm.deal(n, 1 ether);
            vm.prank(n);
            market.registerNode{value: 0.2 ether}(models);
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function nodeCount() external view returns (uint256) {
        return nodes.length;
    }

    // ---------------------------------------------------------------------------------------------
    // Works and licenses
    // ---------------------------------------------------------------------------------------------

    function mintWork(
        uint256 actorSeed,
        uint256 termsSeed,
        uint96 price,
        uint32 maxSupply,
        bool erc20,
        bool derive
    ) external {
        address actor = actors[actorSeed % actors.length];
        OfferInput[] memory offers = new OfferInput[](1);
        offers[0] = OfferInput({
            termsId: uint32(bound(termsSeed, 1, 5)),
            currency: erc20 ? address(token) : address(0),
            price: uint96(bound(price, 0, 1 ether)),
            maxSupply: uint32(bound(maxSupply, 0, 3))
        });
        ParentRef[] memory parents;
        uint256 count = works.workCount();
        if (derive && count != 0) {
            uint256 parent = (termsSeed % count) + 1;
            if (works.ownerOf(parent) == actor && !works.isFlagged(parent)) {
                parents = new ParentRef[](1);
                parents[0] = ParentRef({workId: parent, licenseId: 0});
            }
        }
        vm.prank(actor);
        try
            works.mintWork(keccak256(abi.encode("h", ++_nonce)), keccak256("m"), 0, 0, 100, parents, offers)
        {} catch {}
    }

    function buyLicense(uint256 actorSeed, uint256 workSeed, uint256 offerSeed) external {
        uint256 count = works.workCount();
        if (count == 0) return;
        uint256 workId = bound(workSeed, 1, count);
        uint256 offers = works.offerCount(workId);
        if (offers == 0) return;
        uint256 offerId = bound(offerSeed, 1, offers);
        address actor = actors[actorSeed % actors.length];
        Works.WorkView memory w = works.workInfo(workId);
        WorkOffers.OfferView memory o = works.offerInfo(workId, offerId);
        bool forbidden = w.flagged || w.salesPaused || !o.active;
        uint256 value;
        if (o.currency == address(0)) {
            value = o.price;
            vm.deal(actor, actor.balance + value);
        } else {
            token.mint(actor, o.price);
            vm.prank(actor);
            token.approve(address(licenses), o.price);
        }
        vm.prank(actor);
        try licenses.buyLicense{value: value}(workId, offerId, actor, o.price) {
            ++sales;
            ++salesOf[workId];
            if (forbidden) ++forbiddenSales;
            if (o.termsFlags & TermsFlags.EXCLUSIVE != 0) exclusiveSoldOf[workId] = true;
        } catch {}
    }

    function addOffer(uint256 workSeed, uint256 termsSeed, uint96 price) external {
        uint256 count = works.workCount();
        if (count == 0) return;
        uint256 workId = bound(workSeed, 1, count);
        if (works.offerCount(workId) >= 8) return;
        OfferInput[] memory offers = new OfferInput[](1);
        offers[0] = OfferInput({
            termsId: uint32(bound(termsSeed, 1, 5)),
            currency: address(0),
            price: uint96(bound(price, 0, 1 ether)),
            maxSupply: 0
        });
        vm.prank(works.ownerOf(workId));
        // Reverts when it would mix exclusive and non-exclusive offers on one work.
        try works.addOffers(workId, offers) {} catch {}
    }

    function setSalesPaused(uint256 workSeed, bool paused) external {
        uint256 count = works.workCount();
        if (count == 0) return;
        uint256 workId = bound(workSeed, 1, count);
        vm.prank(works.ownerOf(workId));
        works.setSalesPaused(workId, paused);
    }

    function setOfferActive(uint256 workSeed, bool active) external {
        uint256 count = works.workCount();
        if (count == 0) return;
        uint256 workId = bound(workSeed, 1, count);
        if (works.offerCount(workId) == 0) return;
        vm.prank(works.ownerOf(workId));
        works.setOfferActive(workId, 1, active);
    }

    function flag(uint256 workSeed, bool flagged) external {
        uint256 count = works.workCount();
        if (count == 0) return;
        vm.prank(admin);
        works.setFlagged(bound(workSeed, 1, count), flagged, "");
    }

    function withdrawLicenseCredits(uint256 actorSeed, bool erc20) external {
        address who = actorSeed % 4 == 3 ? licenses.treasury() : actors[actorSeed % actors.length];
        address currency = erc20 ? address(token) : address(0);
        if (licenses.creditOf(who, currency) == 0) return;
        vm.prank(who);
        licenses.withdraw(currency);
    }

    // ---------------------------------------------------------------------------------------------
    // Generation market
    // ---------------------------------------------------------------------------------------------

    function requestGeneration(uint256 actorSeed, uint96 fee, uint32 window) external {
        _request(actors[actorSeed % actors.length], fee, window, new ParentRef[](0));
    }

    /// A remix of a work the requester owns (an owned parent; flags in between end it Rejected at fulfil).
    function requestDerivative(uint256 actorSeed, uint256 workSeed, uint96 fee) external {
        uint256 count = works.workCount();
        if (count == 0) return;
        uint256 parent = bound(workSeed, 1, count);
        address owner = works.ownerOf(parent);
        if (works.isFlagged(parent) || actorSeed % 5 == 0) owner = actors[actorSeed % actors.length];
        ParentRef[] memory parents = new ParentRef[](1);
        parents[0] = ParentRef({workId: parent, licenseId: 0});
        _request(owner, fee, 3600, parents);
    }

    function _request(address actor, uint96 fee, uint32 window, ParentRef[] memory parents) private {
        fee = uint96(bound(fee, 0, 1 ether));
        vm.deal(actor, actor.balance + fee);
        vm.prank(actor);
        try
            market.requestGeneration{value: fee}(
                1,
                "prompt",
                "",
                uint40(block.timestamp + bound(window, 1, 2 hours)),
                0,
                OfferInput({termsId: 2, currency: address(0), price: 1 gwei, maxSupply: 0}),
                parents
            )
        {} catch {}
    }

    function claimJob(uint256 nodeSeed, uint256 jobSeed) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0) return;
        // Sometimes claim with content that is already registered (the claim must fail, nothing changes).
        bytes32 content =
            nodeSeed % 8 == 5 && _nonce != 0
                ? keccak256(abi.encode("g", _nonce))
                : keccak256(abi.encode("g", ++_nonce));
        vm.prank(nodes[nodeSeed % nodes.length]);
        try market.claimJob(jobId, content) {
            jobContent[jobId] = content;
        } catch {}
    }

    function fulfilJob(uint256 nodeSeed, uint256 jobSeed) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0) return;
        // Try the claiming node most of the time, another node sometimes.
        address n = nodeSeed % 4 == 0 ? nodes[nodeSeed % nodes.length] : market.getJob(jobId).node;
        if (n == address(0)) n = nodes[0];
        // Sometimes fulfil with other content than the claim reserved (must fail).
        bytes32 content = nodeSeed % 8 == 3 ? keccak256(abi.encode("g", _nonce)) : jobContent[jobId];
        bool derivative = market.getJob(jobId).parents.length != 0;
        vm.prank(n);
        try market.fulfilJob(jobId, content, bytes32(nodeSeed), keccak256("m"), 0) returns (uint256 workId) {
            if (workId == 0) {
                ++parentRightLost;
                return;
            }
            ++fulfilled;
            if (derivative) ++derivativeFulfilled;
            uint256 paid = ++timesPaid[jobId];
            if (paid > maxTimesPaid) maxTimesPaid = paid;
        } catch {}
    }

    /// Someone copies a claimed job's content hash (from the mempool) and mints it first.
    function squat(uint256 actorSeed, uint256 jobSeed) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0 || jobContent[jobId] == bytes32(0)) return;
        bool live = market.claimingNode(jobId) != address(0);
        vm.prank(actors[actorSeed % actors.length]);
        try
            works.mintWork(
                jobContent[jobId],
                keccak256("m"),
                0,
                0,
                0,
                new ParentRef[](0),
                new OfferInput[](0)
            )
        {
            if (live) ++squats;
        } catch {}
    }

    function releaseJob(uint256 jobSeed) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0) return;
        address n = market.getJob(jobId).node;
        if (n == address(0)) return;
        vm.prank(n);
        try market.releaseJob(jobId) {} catch {}
    }

    function rejectJob(uint256 jobSeed, uint16 reason) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0) return;
        address n = market.getJob(jobId).node;
        if (n == address(0)) return;
        vm.prank(n);
        try market.rejectJob(jobId, reason) {} catch {}
    }

    function cancelJob(uint256 jobSeed) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0) return;
        vm.prank(market.getJob(jobId).requester);
        try market.cancelJob(jobId) {} catch {}
    }

    function expireJob(uint256 jobSeed) external {
        uint256 jobId = _job(jobSeed);
        if (jobId == 0) return;
        try market.expireJob(jobId) {} catch {}
    }

    function addStake(uint256 nodeSeed, uint96 amount) external {
        address n = nodes[nodeSeed % nodes.length];
        amount = uint96(bound(amount, 1, 1 ether));
        vm.deal(n, n.balance + amount);
        vm.prank(n);
        market.addStake{value: amount}();
    }

    function requestUnstake(uint256 nodeSeed, uint96 amount) external {
        address n = nodes[nodeSeed % nodes.length];
        GenerationMarket.NodeView memory info = market.nodeInfo(n);
        uint256 free = info.stake - info.locked;
        if (free == 0) return;
        vm.prank(n);
        market.requestUnstake(uint96(bound(amount, 1, free)));
    }

    function withdrawStake(uint256 nodeSeed) external {
        address n = nodes[nodeSeed % nodes.length];
        GenerationMarket.NodeView memory info = market.nodeInfo(n);
        if (info.unbonding == 0 || block.timestamp < info.unbondingReleaseAt) return;
        vm.prank(n);
        market.withdrawStake();
    }

    function withdrawMarketCredits(uint256 seed) external {
        address who;
        uint256 k = seed % 6;
        if (k < 3) who = actors[k];
        else if (k < 5) who = nodes[k - 3];
        else who = market.treasury();
        if (market.creditOf(who, address(0)) == 0) return;
        vm.prank(who);
        market.withdraw(address(0));
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 1, 3 hours));
    }

    function _job(uint256 seed) private view returns (uint256) {
        uint256 count = market.jobCount();
        return count == 0 ? 0 : bound(seed, 1, count);
    }
}

/// @notice Invariants over random call sequences (see `Handler`).
contract InvariantsTest is AtelierSetup {
    Handler internal handler;

    function setUp() public {
        _deploy();
        handler = new Handler(works, market, token, admin);
        targetContract(address(handler));
    }

    /// Licenses holds exactly the ETH it owes: the sum of all ETH credits.
    function invariant_licensesEthEqualsCredits() public view {
        assertEq(address(licenses).balance, _licenseCredits(address(0)));
    }

    /// Licenses holds exactly the tokens it owes: the sum of all token credits.
    function invariant_licensesTokensEqualCredits() public view {
        assertEq(token.balanceOf(address(licenses)), _licenseCredits(address(token)));
    }

    /// The market holds exactly escrow (open and claimed jobs) + credits + stakes (staked and unbonding).
    function invariant_marketEthEqualsEscrowCreditsStakes() public view {
        uint256 escrow;
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            GenerationMarket.JobView memory job = market.getJob(jobId);
            if (
                job.status == GenerationMarket.JobStatus.Open ||
                job.status == GenerationMarket.JobStatus.Claimed
            ) {
                escrow += job.fee;
            }
        }
        uint256 credits = market.creditOf(treasury, address(0));
        for (uint256 i = 0; i < handler.actorCount(); ++i)
            credits += market.creditOf(handler.actors(i), address(0));
        uint256 stakes;
        uint256 locked;
        for (uint256 i = 0; i < handler.nodeCount(); ++i) {
            address n = handler.nodes(i);
            credits += market.creditOf(n, address(0));
            GenerationMarket.NodeView memory info = market.nodeInfo(n);
            stakes += uint256(info.stake) + info.unbonding;
            locked += info.locked;
            assertLe(info.locked, info.stake);
        }
        assertEq(address(market).balance, escrow + credits + stakes);
        // Every claimed job locks exactly one claim lock.
        uint256 claimed;
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            if (market.getJob(jobId).status == GenerationMarket.JobStatus.Claimed) ++claimed;
        }
        assertEq(locked, claimed * CLAIM_LOCK);
    }

    /// A job is paid at most once, and only fulfilled jobs have works.
    function invariant_jobPaidAtMostOnce() public view {
        assertLe(handler.maxTimesPaid(), 1);
        uint256 count = market.jobCount();
        uint256 withWork;
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            GenerationMarket.JobView memory job = market.getJob(jobId);
            if (job.workId != 0) {
                ++withWork;
                assertEq(uint8(job.status), uint8(GenerationMarket.JobStatus.Fulfilled));
            }
        }
        assertEq(withWork, handler.fulfilled());
    }

    /// An exclusive sale is the only sale of its work; on-chain counts agree.
    function invariant_exclusiveAtMostOneLicense() public view {
        uint256 count = works.workCount();
        for (uint256 workId = 1; workId <= count; ++workId) {
            uint256 sold = licenses.privateSales(workId);
            uint256 offers = works.offerCount(workId);
            for (uint256 o = 1; o <= offers; ++o) sold += works.offerSold(workId, o);
            assertEq(sold, handler.salesOf(workId));
            if (handler.exclusiveSoldOf(workId) || works.workInfo(workId).exclusiveSold) assertEq(sold, 1);
        }
    }

    /// Nobody mints the content a live claim reserved.
    function invariant_noSquatOfReservedContent() public view {
        assertEq(handler.squats(), 0);
    }

    /// No license is ever sold for a flagged or paused work, or from an inactive offer.
    function invariant_noSaleWhenFlaggedOrPaused() public view {
        assertEq(handler.forbiddenSales(), 0);
    }

    /// The handler really drives the protocol (its calls are not silently reverting).
    function test_handlerExercisesProtocol() public {
        handler.mintWork(0, 2, 0.1 ether, 0, false, false);
        handler.mintWork(1, 4, 0.2 ether, 0, true, false);
        handler.buyLicense(2, 1, 1);
        handler.buyLicense(2, 2, 1);
        handler.buyLicense(0, 2, 1); // the exclusive one is gone
        handler.flag(1, true);
        handler.buyLicense(2, 1, 1);
        handler.requestGeneration(0, 0.01 ether, 600);
        handler.claimJob(0, 1);
        handler.fulfilJob(1, 1);
        handler.fulfilJob(1, 1);
        handler.requestGeneration(1, 0.01 ether, 600);
        handler.claimJob(1, 2);
        handler.squat(0, 2); // the reserved content cannot be minted by anyone else
        handler.warp(3 hours);
        handler.expireJob(2);
        handler.requestDerivative(1, 2, 0.01 ether); // the owner of work 2 remixes it
        handler.claimJob(0, 3);
        handler.fulfilJob(2, 3);
        assertEq(handler.derivativeFulfilled(), 1);
        assertEq(handler.squats(), 0);
        assertEq(handler.sales(), 2);
        assertEq(handler.salesOf(1), 1);
        assertEq(handler.salesOf(2), 1);
        assertTrue(handler.exclusiveSoldOf(2));
        assertEq(handler.fulfilled(), 2);
        assertEq(handler.maxTimesPaid(), 1);
        assertEq(uint8(market.jobStatus(2)), uint8(GenerationMarket.JobStatus.Expired));
        invariant_licensesEthEqualsCredits();
        invariant_licensesTokensEqualCredits();
        invariant_marketEthEqualsEscrowCreditsStakes();
        invariant_exclusiveAtMostOneLicense();
    }

    function _licenseCredits(address currency) private view returns (uint256 sum) {
        sum = licenses.creditOf(treasury, currency);
        for (uint256 i = 0; i < handler.actorCount(); ++i)
            sum += licenses.creditOf(handler.actors(i), currency);
    }
}
