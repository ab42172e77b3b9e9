/**
 * Oversized uploads over real HTTP, served the way adapter-node serves the dApp (SvelteKit's own
 * `getRequest` with a body size limit, then `setResponse`): declared or chunked (no Content-Length),
 * over the endpoint's limit or over the server's, every one gets the 413 JSON with its reason — never a
 * connection reset — and nothing is stored; the same connection then carries the next upload.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, request as httpRequest, Agent, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { getRequest, setResponse } from "@sveltejs/kit/node";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUploads, type Uploads } from "../src/index.ts";

const MAX_IMAGE = 1024 * 1024;
/** The server's own limit (adapter-node's BODY_SIZE_LIMIT), above the endpoint's as npm start sets it. */
const SERVER_LIMIT = 2 * 1024 * 1024;

async function countBlocks(dir: string): Promise<number> {
  const entries = await readdir(path.join(dir, "blocks"), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".data")).length;
}

interface Answer {
  status: number;
  body: { cid?: string; error?: { status: number; code: string; reason: string; hint: string } };
}

/** POSTs `total` bytes (a PNG head, then filler) in 256 KiB chunks, chunked unless `declare`. */
function upload(
  url: string,
  agent: Agent,
  total: number,
  head: Uint8Array,
  declare = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "image/png" };
    if (declare) headers["content-length"] = String(total);
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers, agent }, (res) => {
      answered = true;
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer["body"] }));
    });
    req.on("error", reject); // a reset lands here and fails the test
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(256 * 1024, total - sent);
        const chunk = Buffer.alloc(n, 7);
        if (sent === 0) Buffer.from(head).copy(chunk);
        sent += n;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("oversized uploads over HTTP (SvelteKit's node request/response, as adapter-node)", () => {
  let dir: string;
  let uploads: Uploads;
  let server: Server;
  let url: string;
  let png: Uint8Array;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "atelier-uploads-http-"));
    uploads = await openUploads({ dir, limits: { maxImageBytes: MAX_IMAGE } });
    server = createServer((req, res) => {
      void (async () => {
        const request = getRequest({ base: "http://localhost", request: req, bodySizeLimit: SERVER_LIMIT });
        setResponse(res, await uploads.handle(request));
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/uploads`;
    png = new Uint8Array(
      await sharp(randomBytes(48 * 48 * 3), { raw: { width: 48, height: 48, channels: 3 } })
        .png()
        .toBuffer(),
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await uploads?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: "chunked, over the endpoint's limit", total: MAX_IMAGE + 300 * 1024, declare: false },
    { name: "chunked, over the server's own limit too", total: SERVER_LIMIT + 512 * 1024, declare: false },
    { name: "with Content-Length over the limit", total: MAX_IMAGE + 300 * 1024, declare: true },
  ];

  for (const c of cases) {
    it(`${c.name}: 413 with its reason, nothing stored, the connection still usable`, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const before = await countBlocks(dir).catch(() => 0);
        const refused = await upload(url, agent, c.total, png, c.declare);
        expect(refused.status).toBe(413);
        expect(refused.body.error).toMatchObject({ status: 413, code: "too-large" });
        expect(refused.body.error!.reason).toBe("the image is larger than 1 MiB");
        expect(refused.body.error!.hint).toMatch(/at most 1 MiB/);
        expect(await countBlocks(dir).catch(() => 0)).toBe(before);
        // The next upload on the same keep-alive agent is stored: the refusal left the server sane.
        const stored = await upload(url, agent, png.length, png, true);
        expect(stored.status).toBe(201);
        expect(stored.body.cid).toMatch(/^baf/);
      } finally {
        agent.destroy();
      }
    });
  }
});
