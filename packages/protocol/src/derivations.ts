/**
 * The values a client must compute exactly as the contracts do: content hash, metadata CID from its digest,
 * watermark ids, licence ids and the job seed. Each is a small pure function; the tests check them against
 * the deployed contracts' own results.
 */
import { encodeAbiParameters, keccak256, sha256, type Address, type Hex } from "viem";

/** Watermark ids are 56-bit; generated works have this bit set, uploads never do. */
export const GENERATED_WATERMARK_FLAG = 1n << 55n;

/** The content hash of a file: sha2-256 of its bytes (what `mintWork` / `claimJob` take). */
export function contentHashOf(bytes: Uint8Array): Hex {
  return sha256(bytes);
}

/** The metadata digest of a JSON document stored as one raw IPFS block: sha2-256 of its bytes. */
export function metadataDigestOf(json: Uint8Array): Hex {
  return sha256(json);
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * `ipfs://<CIDv1>` of a raw (0x55) block whose sha2-256 digest is `digest`, base32 (`bafkrei…`, 59
 * characters): exactly what `Works.tokenURI` returns for a work whose metadata digest is `digest`.
 */
export function ipfsUriOfDigest(digest: Hex): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) {
    throw new Error(`digest ${digest} is not 32 bytes of hex; pass the sha2-256 digest of the block`);
  }
  const bytes = [0x01, 0x55, 0x12, 0x20, ...Buffer.from(digest.slice(2), "hex")];
  let out = "b";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return `ipfs://${out}`;
}

/**
 * The watermark id of an upload by `minter` with `salt` (as `Works.uploadWatermarkId`): the low 55 bits of
 * `keccak256(abi.encode(minter, salt))`. Compute it before embedding the mark; 0 means "use another salt".
 */
export function uploadWatermarkId(minter: Address, salt: Hex): bigint {
  return (
    BigInt(keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [minter, salt]))) &
    (GENERATED_WATERMARK_FLAG - 1n)
  );
}

/** The watermark id a generated work of `jobId` carries: `2**55 | jobId`. */
export function generatedWatermarkId(jobId: bigint): bigint {
  if (jobId <= 0n || jobId >= GENERATED_WATERMARK_FLAG) throw new Error(`job id ${jobId} out of range`);
  return GENERATED_WATERMARK_FLAG | jobId;
}

/** Licence id of `serial` (from 1) of offer `offerId` (0 = private offer) of `workId`. */
export function licenseIdOf(workId: bigint, offerId: bigint, serial: bigint): bigint {
  return (workId << 64n) | (offerId << 32n) | serial;
}

/** The parts of a licence id. */
export function parseLicenseId(licenseId: bigint): { workId: bigint; offerId: bigint; serial: bigint } {
  return {
    workId: licenseId >> 64n,
    offerId: (licenseId >> 32n) & 0xffffffffn,
    serial: licenseId & 0xffffffffn,
  };
}

/**
 * The seed of `jobId` fulfilled by `node` with `secret` (as `GenerationMarket.seedOf`):
 * `keccak256(abi.encode(chainId, market, jobId, node, secret))`.
 */
export function jobSeedOf(chainId: number, market: Address, jobId: bigint, node: Address, secret: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "bytes32" },
      ],
      [BigInt(chainId), market, jobId, node, secret],
    ),
  );
}
