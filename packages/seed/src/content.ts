/**
 * Where the seed stores its pictures and metadata: through the dApp's own upload endpoint, either in
 * process (the `@atelier/uploads` handler over a blockstore the stack's gateway serves) or over HTTP (a
 * running dApp's `/api/uploads`). Both check what the browser's uploads are checked for: sniffed image
 * type, size, the metadata schema, and that the metadata names a stored image with its content hash.
 */
import type { Hex } from "viem";

export interface StoredImage {
  uri: string;
  contentHash: Hex;
}
export interface StoredMetadata {
  uri: string;
  metadataDigest: Hex;
}

export interface ContentSink {
  image(png: Uint8Array): Promise<StoredImage>;
  metadata(json: Uint8Array): Promise<StoredMetadata>;
}

type Handle = (request: Request) => Promise<Response>;

async function answer<T>(response: Response, what: string): Promise<T> {
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { reason: string; hint: string } }) | null;
  if (response.status !== 201 || body === null || body.error)
    throw new Error(
      `the upload endpoint refused the seed's ${what} (HTTP ${response.status}): ${body?.error ? `${body.error.reason}. ${body.error.hint}` : "no answer"}`,
    );
  return body;
}

function sinkOver(handle: Handle, url: string): ContentSink {
  const post = (bytes: Uint8Array, type: string) =>
    handle(
      new Request(url, {
        method: "POST",
        body: bytes as Uint8Array<ArrayBuffer>,
        headers: { "content-type": type },
      }),
    );
  return {
    image: async (png) => answer<StoredImage>(await post(png, "image/png"), "image"),
    metadata: async (json) => answer<StoredMetadata>(await post(json, "application/json"), "metadata"),
  };
}

/** The `@atelier/uploads` handler in this process (`openUploads(...).handle`). */
export const handlerSink = (handle: Handle): ContentSink =>
  sinkOver(handle, "http://seed.invalid/api/uploads");

/** A running dApp's upload endpoint, e.g. `http://127.0.0.1:5173/api/uploads`. */
export const httpSink = (url: string): ContentSink => sinkOver((request) => fetch(request), url);
