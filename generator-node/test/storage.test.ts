import { createServer } from "node:http";
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

  it("parses ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBeNull();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
});
