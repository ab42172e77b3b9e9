/**
 * A read-only local IPFS HTTP gateway over the node's store: `GET|HEAD /ipfs/<cid>`, with the
 * content type sniffed from the bytes, a strong ETag (the CID), `Cache-Control: immutable`,
 * `If-None-Match` → 304 and single `Range` requests → 206. The dApp loads images from it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CID } from "multiformats/cid";
import { ContentUnavailableError, type ContentStore } from "./ipfs.ts";

export function sniffContentType(head: Uint8Array): string {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return "image/png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45)
    return "image/webp";
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46) return "image/gif";
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
    i++;
  if (head[i] === 0x7b || head[i] === 0x5b) return "application/json";
  return "application/octet-stream";
}

/** Parses one `bytes=a-b` range against a size; undefined = whole body; null = unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | null {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined; // multi-range or junk: serve the whole body (allowed by RFC 9110)
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === "" && b === "") return undefined;
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

/** Handles the request when it is a gateway path; returns false otherwise. */
export async function handleGateway(
  store: ContentStore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const m = /^\/ipfs\/([^/?#]+)\/?$/.exec(url.pathname);
  if (!m) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return true;
  }
  let cid: string;
  try {
    cid = CID.parse(m[1]!).toV1().toString();
  } catch {
    res.writeHead(400, { "content-type": "text/plain" }).end("invalid CID\n");
    return true;
  }
  let size: number;
  try {
    size = await store.size(cid);
  } catch (error) {
    if (error instanceof ContentUnavailableError) {
      res.writeHead(504, { "content-type": "text/plain" }).end(`${error.message}\n`);
      return true;
    }
    if ((error as Error).name === "BlockNotFoundWhileOfflineError") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found on this node\n");
      return true;
    }
    throw error;
  }
  let head = new Uint8Array(0);
  for await (const chunk of store.cat(cid, { offset: 0, length: Math.min(64, size) }))
    head = Buffer.concat([head, chunk]);
  const etag = `"${cid}"`;
  const headers: Record<string, string> = {
    "content-type": sniffContentType(head),
    etag,
    "cache-control": "public, max-age=29030400, immutable",
    "accept-ranges": "bytes",
    "x-ipfs-path": `/ipfs/${cid}`,
    "access-control-allow-origin": "*",
  };
  if (req.headers["if-none-match"]?.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
    res.writeHead(304, headers).end();
    return true;
  }
  const range = parseRange(req.headers.range, size);
  if (range === null) {
    res.writeHead(416, { ...headers, "content-range": `bytes */${size}` }).end();
    return true;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
  headers["content-length"] = String(length);
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return true;
  }
  for await (const chunk of store.cat(cid, { offset: start, length })) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
  return true;
}
