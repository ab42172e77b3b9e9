// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CidV1
/// @notice Rebuilds the text form of an IPFS CIDv1 from a sha2-256 digest.
/// @dev Atelier stores metadata JSON as one raw IPFS block: CIDv1, multicodec `raw` (0x55), multihash
/// sha2-256 (0x12, 32 bytes). The digest is therefore simply sha256(metadata JSON bytes). The text form is
/// multibase base32 (RFC 4648, lower case, no padding, prefix `b`), e.g. `bafkrei…` (59 characters).
library CidV1 {
    bytes32 private constant _ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    /// @notice `ipfs://<CIDv1 base32>` of a raw block whose sha2-256 digest is `digest`.
    function ipfsUriOfRawSha256(bytes32 digest) internal pure returns (string memory) {
        return string.concat("ipfs://", rawSha256ToBase32(digest));
    }

    /// @notice The base32 text form (`b…`) of CIDv1(raw, sha2-256 `digest`).
    function rawSha256ToBase32(bytes32 digest) internal pure returns (string memory) {
        // CID bytes: version 0x01, codec 0x55 (raw), multihash 0x12 (sha2-256) 0x20 (32 bytes), digest.
        bytes memory data = abi.encodePacked(bytes4(0x01551220), digest);
        bytes memory out = new bytes(59);
        out[0] = "b";
        uint256 buffer;
        uint256 bits;
        uint256 j = 1;
        for (uint256 i = 0; i < 36; ++i) {
            buffer = (buffer << 8) | uint8(data[i]);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[j] = _ALPHABET[(buffer >> bits) & 31];
                ++j;
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) out[j] = _ALPHABET[(buffer << (5 - bits)) & 31];
        return string(out);
    }
}
