import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { CID } from "multiformats/cid";
import * as raw_ from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleGateway, parseRange } from "../src/storage/gateway.ts";
import { HeliaStore } from "../src/storage/ipfs.ts";

describe("storage and gateway", () => {
  let store: HeliaStore;
  let base: string;
  const server = createServer((req, res) => {
    void handleGateway(store, req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });

  beforeAll(async () => {
    store = await HeliaStore.open({ dir: await mkdtemp(path.join(tmpdir(), "atelier-ipfs-")) });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await store.close();
  });

  it("adds CIDv1 raw-leaf content idempotently and serves it with type, ETag and ranges", async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(300_000, 7),
    ]);
    const cid = await store.add(png);
    expect(cid).toMatch(/^baf/);
    expect(await store.add(png)).toBe(cid);
    const json = await store.add(Buffer.from(JSON.stringify({ name: "x" })));
    expect(json).toMatch(/^bafkrei/); // one raw block

    const full = await fetch(`${base}/ipfs/${cid}`);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("image/png");
    expect(full.headers.get("etag")).toBe(`"${cid}"`);
    expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);

    const ranged = await fetch(`${base}/ipfs/${cid}`, { headers: { range: "bytes=262140-262150" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 262140-262150/${png.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(png.subarray(262140, 262151))).toBe(true);

    const cached = await fetch(`${base}/ipfs/${cid}`, { headers: { "if-none-match": `"${cid}"` } });
    expect(cached.status).toBe(304);
    const meta = await fetch(`${base}/ipfs/${json}`);
    expect(meta.headers.get("content-type")).toBe("application/json");
    expect((await fetch(`${base}/ipfs/${cid}`, { headers: { range: "bytes=999999999-" } })).status).toBe(416);
    expect((await fetch(`${base}/ipfs/not-a-cid`)).status).toBe(400);
    expect(
      (await fetch(`${base}/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`)).status,
    ).toBe(404);
  });

  it("mirrors and pins each added file on a Kubo RPC endpoint (same CID, CIDv1 raw leaves)", async () => {
    const seen: { params: URLSearchParams; body: Buffer }[] = [];
    let lie = false;
    const kubo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://x");
        const boundary = /boundary=(.+)$/.exec(req.headers["content-type"] ?? "")![1]!;
        const raw = Buffer.concat(chunks);
        const start = raw.indexOf("\r\n\r\n") + 4;
        const end = raw.indexOf(`\r\n--${boundary}`, start);
        const file = raw.subarray(start, end);
        seen.push({ params: url.searchParams, body: file });
        const cid = CID.createV1(raw_.code, createDigest(0x12, createHash("sha256").update(file).digest()));
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.end(
          JSON.stringify({ Name: "f", Hash: lie ? "bafkqaaa" : cid.toString(), Size: String(file.length) }) +
            "\n",
        );
      });
    });
    await new Promise<void>((resolve) => kubo.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(kubo.address() as AddressInfo).port}`;
    const mirrored = await HeliaStore.open({
      dir: await mkdtemp(path.join(tmpdir(), "atelier-ipfs-")),
      kubo: { url },
    });
    try {
      const bytes = Buffer.from(JSON.stringify({ name: "pinned" }));
      const cid = await mirrored.add(bytes);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.params.get("cid-version")).toBe("1");
      expect(seen[0]!.params.get("raw-leaves")).toBe("true");
      expect(seen[0]!.params.get("pin")).toBe("true");
      expect(seen[0]!.body.equals(bytes)).toBe(true);
      expect(cid).toMatch(/^bafkrei/);
      lie = true;
      await expect(mirrored.add(Buffer.from("other"))).rejects.toThrow(/Kubo pinned/);
    } finally {
      await mirrored.close();
      kubo.close();
    }
  });

  it("parses ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBeNull();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
});
