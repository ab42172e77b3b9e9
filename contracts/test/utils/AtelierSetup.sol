// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "forge-std/Base.sol";
import {StdAssertions} from "forge-std/StdAssertions.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {LicenseTerms} from "../../src/LicenseTerms.sol";
import {Works} from "../../src/Works.sol";
import {Licenses} from "../../src/Licenses.sol";
import {GenerationMarket} from "../../src/GenerationMarket.sol";
import {ILicenseTerms} from "../../src/interfaces/ILicenseTerms.sol";
import {IWorks} from "../../src/interfaces/IWorks.sol";
import {OfferInput, ParentRef, Terms} from "../../src/common/AtelierTypes.sol";
import {MockERC20} from "../mocks/MockERC20.sol";

/// @notice Deploys the protocol as the Ignition module does, for the Solidity tests.
/// @dev forge-std's `Test` without the parts these tests don't use (console, safeconsole, StdChains, StdJson,
/// StdToml, StdStyle): `Test` puts ~790k characters of source into the tests' compilation job, these parts
/// ~300k, and solc-wasm crashes on a job whose input passes ~1.31M characters (contracts/README.md, "Build").
abstract contract AtelierSetup is TestBase, StdAssertions, StdCheats, StdInvariant, StdUtils {
    // Note: IS_TEST() must return true (as in forge-std's `Test`).
    bool public IS_TEST = true;

    uint32 internal constant PERSONAL = 1;
    uint32 internal constant COMMERCIAL = 2;
    uint32 internal constant REMIX = 3;
    uint32 internal constant EXCLUSIVE = 4;
    uint32 internal constant AI_TRAINING = 5;
    uint96 internal constant MIN_STAKE = 0.1 ether;
    uint96 internal constant CLAIM_LOCK = 0.01 ether;
    uint40 internal constant COOLDOWN = 1 hours;

    LicenseTerms internal terms;
    Works internal works;
    Licenses internal licenses;
    GenerationMarket internal market;
    MockERC20 internal token;

    address internal admin = makeAddr("admin");
    address internal treasury = makeAddr("treasury");
    address internal creator = makeAddr("creator");
    address internal buyer = makeAddr("buyer");
    address internal requester = makeAddr("requester");
    address internal node = makeAddr("node");

    uint256 private _nonce;

    function _deploy() internal {
        vm.warp(1_800_000_000);
        terms = new LicenseTerms();
        _registerPreset(false, false, true, false, false, false, 0, 0);
        _registerPreset(true, false, true, false, false, false, 365 days, 0);
        _registerPreset(true, true, true, false, false, false, 365 days, 1000);
        _registerPreset(true, true, false, true, true, true, 0, 0);
        _registerPreset(false, false, false, true, false, false, 365 days, 0);
        works = new Works(admin, ILicenseTerms(address(terms)), treasury, 250);
        licenses = Licenses(works.licenses());
        market = new GenerationMarket(
            admin,
            IWorks(address(works)),
            ILicenseTerms(address(terms)),
            treasury,
            500,
            MIN_STAKE,
            CLAIM_LOCK,
            COOLDOWN
        );
        vm.startPrank(admin);
        works.setMarket(address(market));
        market.registerModel(keccak256("weights"), keccak256("cid"), 0x55, true, "cppn");
        vm.stopPrank();
        token = new MockERC20();
        vm.prank(admin);
        works.setCurrencyAllowed(address(token), true);
    }

    function _noParents() internal pure returns (ParentRef[] memory) {
        return new ParentRef[](0);
    }

    function _registerPreset(
        bool commercial,
        bool derivatives,
        bool attribution,
        bool ai,
        bool exclusive,
        bool transferable,
        uint40 duration,
        uint16 share
    ) internal returns (uint32) {
        return
            terms.registerTerms(
                Terms({
                    commercialUse: commercial,
                    derivativesAllowed: derivatives,
                    attribution: attribution,
                    aiTrainingAllowed: ai,
                    exclusive: exclusive,
                    transferable: transferable,
                    duration: duration,
                    derivativeShareBps: share,
                    legalTextUri: ""
                })
            );
    }

    function _content() internal returns (bytes32) {
        return keccak256(abi.encode("content", ++_nonce));
    }

    function _mintRoot(
        address who,
        uint32 termsId,
        uint96 price,
        uint32 maxSupply
    ) internal returns (uint256) {
        OfferInput[] memory offers = new OfferInput[](1);
        offers[0] = OfferInput({termsId: termsId, currency: address(0), price: price, maxSupply: maxSupply});
        vm.prank(who);
        return works.mintWork(_content(), keccak256("meta"), 0, 0, 0, new ParentRef[](0), offers);
    }

    function _buy(address who, uint256 workId, uint256 offerId, uint256 price) internal returns (uint256) {
        vm.deal(who, who.balance + price);
        vm.prank(who);
        return licenses.buyLicense{value: price}(workId, offerId, who, price);
    }
}
