import { Bytes } from "@graphprotocol/graph-ts";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** CIDv1 (codec raw 0x55, sha2-256) of a metadata digest, base32: what `Works.tokenURI` returns after `ipfs://`. */
export function rawCidOfDigest(digest: Bytes): string {
  const bytes = new Uint8Array(4 + digest.length);
  bytes[0] = 0x01;
  bytes[1] = 0x55;
  bytes[2] = 0x12;
  bytes[3] = 0x20;
  for (let i = 0; i < digest.length; i++) bytes[4 + i] = digest[i];
  let out = "b";
  let buffer: u32 = 0;
  let bits: u32 = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET.charAt(((buffer >> (bits - 5)) & 31) as i32);
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET.charAt(((buffer << (5 - bits)) & 31) as i32);
  return out;
}
