/**
 * The browser half of "upload your own image": decode → watermark with the contract-derived id (read back
 * before it is accepted) → PNG → content and perceptual hash → store file and metadata through /api/uploads.
 * Browser only (canvas); the minting transaction is sent by the page.
 */
import { bytesToHex, sha256, toHex, type Address, type Hex } from "viem";
import { uploadWatermarkId } from "@atelier/protocol";
import {
  detect,
  embedVerified,
  encodePayload,
  PAYLOAD_VERSION,
  perceptualHash,
  type EmbedVerdict,
  type RawImage,
} from "@atelier/watermark";

export class CreateError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Decodes any image the browser can read into RGBA pixels. */
export async function decodeImage(blob: Blob): Promise<RawImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  } catch {
    throw new CreateError(
      "This file is not an image the browser can read",
      "Choose a PNG, JPEG or WebP file.",
    );
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  return { width: canvas.width, height: canvas.height, channels: 4, data };
}

async function encodePng(image: RawImage): Promise<Uint8Array> {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += image.channels) {
    rgba[i] = image.data[j]!;
    rgba[i + 1] = image.data[j + 1]!;
    rgba[i + 2] = image.data[j + 2]!;
    rgba[i + 3] = image.channels === 4 ? image.data[j + 3]! : 255;
  }
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas.getContext("2d")!.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
  return new Uint8Array(await (await canvas.convertToBlob({ type: "image/png" })).arrayBuffer());
}

export interface MarkedUpload {
  png: Uint8Array;
  width: number;
  height: number;
  salt: Hex;
  watermarkId: bigint;
  payloadHex: string;
  verdict: EmbedVerdict;
  contentHash: Hex;
  perceptualHash: bigint;
}

/** A random salt whose derived watermark id is not 0 (0 means "no watermark" on chain). */
export function pickSalt(minter: Address): { salt: Hex; watermarkId: bigint } {
  for (;;) {
    const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const watermarkId = uploadWatermarkId(minter, salt);
    if (watermarkId !== 0n) return { salt, watermarkId };
  }
}

/** Marks the image with `minter`'s id for a fresh salt and checks the stored PNG reads back. */
export async function markForUpload(image: RawImage, minter: Address): Promise<MarkedUpload> {
  const { salt, watermarkId } = pickSalt(minter);
  const payload = encodePayload({ version: PAYLOAD_VERSION, id: watermarkId });
  const marked = embedVerified(image, payload);
  if (marked.verdict === "failed") {
    throw new CreateError(
      "The watermark could not be embedded so that it reads back",
      "Very small, flat or almost uniform images cannot hold it: choose a larger or more detailed image.",
    );
  }
  const png = await encodePng(marked.image);
  // What is stored is the PNG, not the pixels in memory: read the mark back from the encoded file.
  const again = detect(await decodeImage(new Blob([png as Uint8Array<ArrayBuffer>], { type: "image/png" })));
  if (again?.payload !== payload) {
    throw new CreateError(
      "The watermark did not read back from the encoded file",
      "Try again; if it repeats, choose another image.",
    );
  }
  return {
    png,
    width: image.width,
    height: image.height,
    salt,
    watermarkId,
    payloadHex: `0x${payload.toString(16).padStart(16, "0")}`,
    verdict: marked.verdict,
    contentHash: sha256(png),
    perceptualHash: perceptualHash(marked.image),
  };
}

interface ApiError {
  error: { reason: string; hint: string };
}

async function post<T>(body: BodyInit, type: string): Promise<T> {
  const res = await fetch("/api/uploads", { method: "POST", body, headers: { "content-type": type } });
  const json = (await res.json().catch(() => null)) as (T & Partial<ApiError>) | null;
  if (!res.ok || !json) {
    const e = json?.error;
    throw new CreateError(
      e ? `The server refused the upload: ${e.reason}` : `The upload failed (HTTP ${res.status})`,
      e?.hint ?? (res.status === 413 ? "The file is too large for this server." : "Try again."),
    );
  }
  return json;
}

export interface StoredUpload {
  imageUri: string;
  metadataUri: string;
  metadataDigest: Hex;
}

/** Stores the PNG, then the metadata that names it; returns what `mintWork` takes. */
export async function storeUpload(
  marked: MarkedUpload,
  details: {
    name: string;
    description: string;
    creator: Address;
    /** The parents `mintWork` names (decimal ids; licence "0" for an owned parent). */
    parents?: { workId: string; licenseId: string }[];
  },
): Promise<StoredUpload> {
  const image = await post<{ uri: string; contentHash: Hex }>(
    new Blob([marked.png as Uint8Array<ArrayBuffer>]),
    "image/png",
  );
  if (image.contentHash !== marked.contentHash) {
    throw new CreateError(
      "The server stored different bytes than this browser sent",
      "Try the upload again.",
    );
  }
  const metadata = {
    name: details.name,
    ...(details.description ? { description: details.description } : {}),
    image: image.uri,
    properties: { width: marked.width, height: marked.height, mime: "image/png" },
    provenance: {
      source: "upload",
      creator: details.creator,
      contentHash: marked.contentHash,
      contentHashAlgorithm: "sha2-256",
      perceptualHash: `0x${marked.perceptualHash.toString(16).padStart(16, "0")}`,
      watermark: { id: marked.watermarkId.toString(), payload: marked.payloadHex, salt: marked.salt },
      ...(details.parents?.length ? { parents: details.parents } : {}),
    },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(metadata));
  const stored = await post<{ uri: string; metadataDigest: Hex }>(new Blob([bytes]), "application/json");
  if (stored.metadataDigest !== bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)))) {
    throw new CreateError(
      "The server's metadata digest does not match this browser's",
      "Try the upload again.",
    );
  }
  return { imageUri: image.uri, metadataUri: stored.uri, metadataDigest: stored.metadataDigest };
}
