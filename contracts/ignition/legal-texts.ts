/**
 * The legal texts of the preset terms (contracts/terms/<preset>/v1.md) and their `ipfs://` URIs: each file
 * is one raw IPFS block, CIDv1 raw (0x55) sha2-256 base32 — the CID algorithm of work metadata — computed
 * from the file's bytes, so the URI changes whenever the text does.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ipfsUriOfDigest, metadataDigestOf } from "@atelier/protocol";

export const TERMS_DIR = path.resolve(import.meta.dirname, "../terms");

/** Bytes of the legal text of `preset` (a folder name under contracts/terms), version `version`. */
export function legalText(preset: string, version = "v1"): Uint8Array {
  return readFileSync(path.join(TERMS_DIR, preset, `${version}.md`));
}

/** `ipfs://<CIDv1 raw sha2-256>` of the legal text of `preset`. */
export function legalTextUri(preset: string, version = "v1"): string {
  return ipfsUriOfDigest(metadataDigestOf(legalText(preset, version)));
}
