/**
 * The background fetcher hands a block handler exactly the CIDs whose result arrived (the handler no
 * longer queries the table for pending rows on every block), until the handler has seen each written.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { fetcherFromEnv, MetadataFetcher, parseMetadata, type MetadataSource } from "../lib/metadata.ts";

const rawCid = (bytes: Uint8Array) =>
  CID.createV1(0x55, Digest.create(0x12, createHash("sha256").update(bytes).digest())).toString();
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A source holding `blocks`; `get` resolves when the test lets it. */
function source(blocks: Uint8Array[]) {
  const byCid = new Map(blocks.map((b) => [rawCid(b), b]));
  const waiting: (() => void)[] = [];
  const src: MetadataSource = {
    get: (cid) => new Promise((resolve) => waiting.push(() => resolve(byCid.get(cid.toString())))),
  };
  const release = async () => {
    for (const go of waiting.splice(0)) go();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { src, release };
}

const fetcher = (src: MetadataSource) =>
  new MetadataFetcher(src, parseMetadata, (reason) => ({ status: "rejected" as const, reason }));

describe("MetadataFetcher: what a block handler has to write", () => {
  it("nothing before a fetch finishes; then each finished CID with its result until it is seen written", async () => {
    const a = json({ name: "a" });
    const b = json({ name: "b" });
    const { src, release } = source([a, b]);
    const f = fetcher(src);
    f.request(rawCid(a));
    f.request(rawCid(b));
    expect(f.unwritten()).toEqual([]);
    await release();
    const ready = f.unwritten();
    expect(ready.map((r) => r.cid).sort()).toEqual([rawCid(a), rawCid(b)].sort());
    expect(ready.find((r) => r.cid === rawCid(a))?.result).toMatchObject({ status: "ok", name: "a" });
    // a block whose transaction is rolled back and run again sees them again
    expect(f.unwritten()).toHaveLength(2);
    f.written(rawCid(a));
    expect(f.unwritten().map((r) => r.cid)).toEqual([rawCid(b)]);
    f.written(rawCid(b));
    expect(f.unwritten()).toEqual([]);
    expect(f.resolvedCount).toBe(2);
  });

  it("a CID asked for again after its row was written (a re-mint after a reorg) is handed out again without a fetch", async () => {
    const a = json({ name: "again" });
    const { src, release } = source([a]);
    const f = fetcher(src);
    f.request(rawCid(a));
    await release();
    f.written(rawCid(a));
    f.request(rawCid(a));
    expect(f.unwritten()).toEqual([
      { cid: rawCid(a), result: expect.objectContaining({ status: "ok", name: "again" }) },
    ]);
    expect(f.resolvedCount).toBe(1); // fetched once
  });

  it("a missing object is not handed out (it stays pending); text that is not a CID is, as rejected", async () => {
    const { src, release } = source([]);
    const f = fetcher(src);
    f.request(rawCid(json({ name: "missing" })));
    f.request("not-a-cid");
    await release();
    expect(f.unwritten()).toEqual([
      { cid: "not-a-cid", result: { status: "rejected", reason: "not a CID" } },
    ]);
  });

  it("without a configured source nothing is fetched or handed out", () => {
    const f = fetcherFromEnv({});
    f.request(rawCid(json({ name: "x" })));
    expect(f.unwritten()).toEqual([]);
  });
});
