import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { bytesToHex, type Hex } from "viem";

export interface StoredMetadata {
  cid: string;
  digest: Hex;
  bytes: Uint8Array;
}

/** Metadata JSON as the protocol stores it: one raw IPFS block (CIDv1, codec raw, sha2-256). */
export function metadataBlock(json: unknown): StoredMetadata {
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  return rawBlock(bytes);
}

export function rawBlock(bytes: Uint8Array): StoredMetadata {
  const digest = createHash("sha256").update(bytes).digest();
  const cid = CID.createV1(0x55, Digest.create(0x12, digest)).toString();
  return { cid, digest: bytesToHex(digest), bytes };
}
