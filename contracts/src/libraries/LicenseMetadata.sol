// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// JSON is written with double quotes, so its literals are single-quoted Solidity strings.
// solhint-disable quotes

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {TermsFlags} from "../common/AtelierTypes.sol";

/// @title LicenseMetadata
/// @notice The ERC-721 metadata JSON of a licence token, as a `data:application/json;base64,` URI, so that
/// wallets and the dApp show the work, the terms, the licensee and the expiry without any server. The
/// schema is `packages/protocol/schemas/license-metadata.schema.json`.
library LicenseMetadata {
    using Strings for uint256;
    using Strings for address;

    /// @notice What a licence's metadata shows.
    struct Fields {
        uint256 licenseId;
        uint256 workId;
        uint256 offerId;
        address licensee;
        uint32 termsId;
        uint8 termsFlags;
        uint40 start;
        uint40 expiry;
        uint96 price;
        address currency;
        address works;
        string legalTextUri;
    }

    /// @notice The `data:` URI of the metadata JSON of `f`.
    function uri(Fields memory f) internal pure returns (string memory) {
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json(f))));
    }

    /// @notice The metadata JSON of `f`. Every value is a number, an address, a fixed word or a URI the
    /// terms registry validated nothing about: the legal text URI is JSON-escaped.
    function json(Fields memory f) internal pure returns (string memory) {
        return
            string.concat(
                '{"name":"Atelier licence ',
                f.licenseId.toString(),
                " of work ",
                f.workId.toString(),
                '","description":"',
                _describe(f.termsFlags),
                '","external_url":"',
                Strings.escapeJSON(f.legalTextUri),
                '","attributes":[',
                _attributes(f),
                '],"license":',
                _licence(f),
                "}"
            );
    }

    function _attributes(Fields memory f) private pure returns (string memory) {
        return
            string.concat(
                _trait("work", f.workId.toString(), true),
                _trait("terms", uint256(f.termsId).toString(), true),
                _trait("commercial", _yesNo(f.termsFlags, TermsFlags.COMMERCIAL), true),
                _trait("derivatives", _yesNo(f.termsFlags, TermsFlags.DERIVATIVES), true),
                _trait("AI training", _yesNo(f.termsFlags, TermsFlags.AI_TRAINING), true),
                _trait("exclusive", _yesNo(f.termsFlags, TermsFlags.EXCLUSIVE), true),
                _trait("transferable", _yesNo(f.termsFlags, TermsFlags.TRANSFERABLE), true),
                _trait("expires", f.expiry == 0 ? "never" : uint256(f.expiry).toString(), false)
            );
    }

    function _licence(Fields memory f) private pure returns (string memory) {
        return
            string.concat(
                '{"licenseId":"',
                f.licenseId.toString(),
                '","workId":"',
                f.workId.toString(),
                '","works":"',
                f.works.toChecksumHexString(),
                '","offerId":',
                f.offerId.toString(),
                ',"licensee":"',
                f.licensee.toChecksumHexString(),
                '","termsId":',
                uint256(f.termsId).toString(),
                ',"termsFlags":',
                uint256(f.termsFlags).toString(),
                ',"start":',
                uint256(f.start).toString(),
                ',"expiry":',
                uint256(f.expiry).toString(),
                ',"price":"',
                uint256(f.price).toString(),
                '","currency":"',
                f.currency.toChecksumHexString(),
                '","legalTextUri":"',
                Strings.escapeJSON(f.legalTextUri),
                '"}'
            );
    }

    function _trait(string memory key, string memory value, bool comma) private pure returns (string memory) {
        return string.concat('{"trait_type":"', key, '","value":"', value, comma ? '"},' : '"}');
    }

    function _yesNo(uint8 flags, uint8 flag) private pure returns (string memory) {
        return flags & flag != 0 ? "yes" : "no";
    }

    function _describe(uint8 flags) private pure returns (string memory) {
        return
            string.concat(
                flags & TermsFlags.EXCLUSIVE != 0 ? "Exclusive " : "",
                flags & TermsFlags.COMMERCIAL != 0 ? "commercial" : "personal",
                " licence",
                flags & TermsFlags.DERIVATIVES != 0 ? ", derivatives allowed" : "",
                flags & TermsFlags.AI_TRAINING != 0 ? ", AI training allowed" : "",
                ". The legal text is at external_url."
            );
    }
}
