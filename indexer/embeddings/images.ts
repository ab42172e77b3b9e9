/**
 * Works' images from IPFS for the embedder: the metadata's `image` (`ipfs://<cid>`, a raw block or a
 * multi-block UnixFS file) read block by block from the same source as the metadata (a blockstore
 * directory or a trustless gateway), every block checked against its CID before it is used.
 */
import { createHash } from "node:crypto";
import { exporter } from "ipfs-unixfs-exporter";
import { CID } from "multiformats/cid";
import { ImageRejectedError, type ImageSource } from "@atelier/query/discovery";
import type { MetadataSource } from "../lib/metadata.ts";

/** Larger images are rejected: a 4096² PNG is well under this. */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
const SHA2_256 = 0x12;

/** Thrown by the block reader for a block that is not there (yet): the image stays pending. */
class MissingBlock extends Error {}

/** The CID in a metadata `image` field, or the reason it cannot be embedded. */
export function imageCid(image: string | null): { cid: string } | { reason: string } {
  if (!image) return { reason: "the metadata names no image" };
  const match = /^ipfs:\/\/(?:ipfs\/)?([^/?#]+)$/.exec(image.trim());
  if (!match) return { reason: `image ${JSON.stringify(image.slice(0, 80))} is not an ipfs://<cid> URI` };
  try {
    return { cid: CID.parse(match[1]!).toV1().toString() };
  } catch {
    return { reason: `image ${JSON.stringify(image.slice(0, 80))} does not hold a valid CID` };
  }
}

export function imageSource(blocks: MetadataSource, maxBytes = MAX_IMAGE_BYTES): ImageSource {
  const verified = {
    async *get(cid: CID) {
      const bytes = await blocks.get(cid);
      if (!bytes) throw new MissingBlock(`block ${cid} not found`);
      if (cid.multihash.code !== SHA2_256)
        throw new ImageRejectedError(
          `block ${cid} uses hash 0x${cid.multihash.code.toString(16)}, not sha2-256`,
        );
      if (!Buffer.from(cid.multihash.digest).equals(createHash("sha256").update(bytes).digest()))
        throw new ImageRejectedError(`block ${cid} does not match its CID`);
      yield bytes;
    },
  };
  return {
    async get(cidText) {
      try {
        const entry = await exporter(CID.parse(cidText), verified);
        if (entry.type !== "file" && entry.type !== "raw")
          throw new ImageRejectedError(`${cidText} is a ${entry.type}, not a file`);
        if (Number(entry.size) > maxBytes)
          throw new ImageRejectedError(`oversized: ${entry.size} bytes (limit ${maxBytes})`);
        const chunks: Uint8Array[] = [];
        for await (const chunk of entry.content()) chunks.push(chunk as Uint8Array);
        return Buffer.concat(chunks);
      } catch (error) {
        if (error instanceof MissingBlock || findCause(error, MissingBlock)) return undefined;
        throw error;
      }
    },
  };
}

function findCause(error: unknown, type: typeof MissingBlock): boolean {
  for (let e = error as { cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++)
    if (e instanceof type) return true;
  return false;
}
