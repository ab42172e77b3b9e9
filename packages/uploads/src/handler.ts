/**
 * The upload endpoint, framework-free: `(Request) => Promise<Response>`.
 *
 * - `POST` with an image body (`image/png|jpeg|webp`, `application/octet-stream`, or `multipart/form-data`
 *   with a `file` field): the type is sniffed from the bytes (never trusted from the header or name), the size
 *   bounded while reading; answers `{ cid, uri, size, mime, contentHash }`.
 * - `POST` with `application/json`: work metadata, validated against the protocol's schema, whose `image`
 *   must be a file stored here with the `provenance.contentHash` it claims; stored byte for byte as one raw
 *   block, so `uri` is exactly what `Works.tokenURI` returns for `metadataDigest` = sha2-256 of the bytes;
 *   answers `{ cid, uri, size, metadataDigest }`.
 * Every refusal is `{ error: { status, code, reason, hint } }` with that status, and stores nothing.
 */
import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { ipfsUriOfDigest } from "@atelier/protocol";
import { errorResponse, UploadError } from "./errors.ts";
import { validateWorkMetadata } from "./metadata.ts";
import type { UploadStore } from "./store.ts";

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export interface UploadLimits {
  /** Largest image accepted, in bytes (default 20 MiB). */
  maxImageBytes: number;
  /** Largest metadata JSON (default and maximum 256 KiB: it must stay one raw block). */
  maxMetadataBytes: number;
}

export const DEFAULT_LIMITS: UploadLimits = { maxImageBytes: 20 * 1024 * 1024, maxMetadataBytes: 256 * 1024 };
const ONE_BLOCK = 256 * 1024;

export interface ImageUploaded {
  kind: "image";
  cid: string;
  uri: string;
  size: number;
  mime: ImageType;
  /** sha2-256 of the bytes: the work's content hash for `mintWork`. */
  contentHash: `0x${string}`;
}

export interface MetadataUploaded {
  kind: "metadata";
  cid: string;
  uri: string;
  size: number;
  /** sha2-256 of the JSON bytes: `mintWork`'s `metadataDigest`. */
  metadataDigest: `0x${string}`;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
const sha256 = (bytes: Uint8Array) => `0x${createHash("sha256").update(bytes).digest("hex")}` as const;

/** Reads the body, refusing as soon as it passes `max` bytes (never buffers more than that). */
async function readBounded(
  request: Request,
  max: number,
  what: string,
  size: (n: number) => string,
): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new UploadError(
      413,
      "too-large",
      `the ${what} is larger than ${size(max)}`,
      `Send ${/^[aeiou]/i.test(what) ? "an" : "a"} ${what} of at most ${size(max)}.`,
    );
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The server's own body limit (adapter-node's BODY_SIZE_LIMIT) errors the stream with a 413.
      if ((error as { status?: unknown }).status === 413) throw tooLarge();
      throw error;
    }
    if (chunk.done) break;
    total += chunk.value.length;
    if (total > max) {
      // Stop reading, but never cancel: adapter-node destroys the socket on cancel, so the client would get
      // a connection reset instead of this 413. The server discards the rest of the body after the answer.
      reader.releaseLock();
      throw tooLarge();
    }
    parts.push(chunk.value);
  }
  return Buffer.concat(parts);
}

export class UploadHandler {
  readonly limits: UploadLimits;

  constructor(
    readonly store: UploadStore,
    limits: Partial<UploadLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    if (this.limits.maxMetadataBytes > ONE_BLOCK) {
      throw new RangeError(
        `maxMetadataBytes ${this.limits.maxMetadataBytes} is above ${ONE_BLOCK}: metadata must stay one raw block`,
      );
    }
  }

  /** The endpoint: never throws; every outcome is a Response. */
  handle = async (request: Request): Promise<Response> => {
    try {
      if (request.method !== "POST") {
        throw new UploadError(
          405,
          "method-not-allowed",
          `${request.method} is not supported here`,
          "Upload with POST.",
        );
      }
      const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const result =
        type === "application/json" ? await this.metadata(request) : await this.image(request, type);
      return Response.json(result, { status: 201 });
    } catch (error) {
      if (error instanceof UploadError) {
        return errorResponse(error, error.status === 405 ? { allow: "POST" } : {});
      }
      return errorResponse(
        new UploadError(
          500,
          "storage-failed",
          "the upload failed unexpectedly",
          "Nothing was kept; try again.",
        ),
      );
    }
  };

  async image(request: Request, type: string): Promise<ImageUploaded> {
    let bytes: Uint8Array;
    if (type === "multipart/form-data") {
      // Multipart adds a little framing around the file; the file itself is checked against the limit below.
      const body = await readBounded(request, this.limits.maxImageBytes + 64 * 1024, "image", mib);
      let form: FormData;
      try {
        form = await new Response(body, {
          headers: { "content-type": request.headers.get("content-type")! },
        }).formData();
      } catch {
        throw new UploadError(
          400,
          "bad-multipart",
          "the form data could not be read",
          'Send the image as a "file" field of multipart/form-data, or as the raw request body.',
        );
      }
      const file = form.get("file");
      if (!(file instanceof Blob)) {
        throw new UploadError(
          400,
          "bad-multipart",
          'the form has no "file" field with a file',
          'Name the file field "file".',
        );
      }
      bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes.length > this.limits.maxImageBytes) {
        throw new UploadError(
          413,
          "too-large",
          `the image is larger than ${mib(this.limits.maxImageBytes)}`,
          `Send an image of at most ${mib(this.limits.maxImageBytes)}.`,
        );
      }
    } else if (type.startsWith("image/") || type === "application/octet-stream" || type === "") {
      bytes = await readBounded(request, this.limits.maxImageBytes, "image", mib);
    } else {
      throw new UploadError(
        415,
        "unsupported-content-type",
        `content type ${type} is not an image upload or work metadata`,
        'Send an image (PNG, JPEG or WebP) as the body or as a multipart "file" field, or metadata as application/json.',
      );
    }
    if (bytes.length === 0)
      throw new UploadError(400, "empty", "the image is empty", "Choose an image file and send its bytes.");
    const sniffed = await fileTypeFromBuffer(bytes);
    if (!sniffed || !(IMAGE_TYPES as readonly string[]).includes(sniffed.mime)) {
      throw new UploadError(
        415,
        "unsupported-image-type",
        sniffed
          ? `the file is ${sniffed.mime} (.${sniffed.ext}), not a PNG, JPEG or WebP image`
          : "the file is not a PNG, JPEG or WebP image",
        "Export the image as PNG, JPEG or WebP and upload it again.",
      );
    }
    const stored = await this.store.add(bytes);
    const cid = stored.cid.toString();
    return {
      kind: "image",
      cid,
      uri: `ipfs://${cid}`,
      size: bytes.length,
      mime: sniffed.mime as ImageType,
      contentHash: sha256(bytes),
    };
  }

  async metadata(request: Request): Promise<MetadataUploaded> {
    const bytes = await readBounded(request, this.limits.maxMetadataBytes, "metadata JSON", kib);
    if (bytes.length === 0)
      throw new UploadError(400, "empty", "the metadata is empty", "Send the work's metadata JSON.");
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (error) {
      throw new UploadError(
        400,
        "bad-json",
        `the metadata is not valid UTF-8 JSON${error instanceof SyntaxError ? `: ${error.message}` : ""}`,
        "Send the exact JSON bytes whose sha2-256 you will pass to mintWork as metadataDigest.",
      );
    }
    const metadata = validateWorkMetadata(json);
    const imageCid = metadata.image.slice("ipfs://".length);
    if (!(await this.store.has(imageCid))) {
      throw new UploadError(
        422,
        "image-not-stored",
        `the image ${metadata.image} is not stored here`,
        'Upload the image first and use the uri it returns as "image".',
      );
    }
    const image = await this.store.get(imageCid);
    const contentHash = sha256(image);
    if (metadata.provenance.contentHash !== contentHash) {
      throw new UploadError(
        422,
        "content-hash-mismatch",
        `provenance.contentHash ${metadata.provenance.contentHash} is not the image's sha2-256 (${contentHash})`,
        "Use the contentHash the image upload returned (the hash of the exact bytes you mint).",
      );
    }
    const mime = metadata.properties?.mime;
    if (mime !== undefined) {
      const sniffed = (await fileTypeFromBuffer(image))?.mime;
      if (sniffed !== mime) {
        throw new UploadError(
          422,
          "mime-mismatch",
          `properties.mime says ${mime} but the image is ${sniffed}`,
          `Set properties.mime to ${sniffed} (the image upload returned it).`,
        );
      }
    }
    const stored = await this.store.add(bytes);
    const digest = sha256(bytes);
    const uri = `ipfs://${stored.cid.toString()}`;
    if (uri !== ipfsUriOfDigest(digest)) {
      // Cannot happen below one block; guard so a chunker change never yields metadata tokenURI cannot name.
      throw new UploadError(
        500,
        "storage-failed",
        `metadata stored as ${uri}, not as one raw block`,
        "Report this: the importer settings changed.",
      );
    }
    return { kind: "metadata", cid: stored.cid.toString(), uri, size: bytes.length, metadataDigest: digest };
  }
}
