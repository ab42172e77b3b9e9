/**
 * The demo market's uploaded half on a real Hardhat node with the real deployment, its pictures stored
 * through the dApp's upload core in a real blockstore: what is on chain afterwards (works, offers in ETH and
 * Test USD, licences, the derivative, the sold-out exclusive, the flag), that the stored pictures are the
 * registered bytes and carry their watermark, and that a second run sends nothing.
 */
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256, zeroAddress } from "viem";
import { abis } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { openUploads, type Uploads } from "@atelier/uploads";
import { decodePayload, detect } from "@atelier/watermark";
import {
  ACCOUNTS,
  FLAGGED,
  handlerSink,
  pictureFrom,
  SALES,
  seedUploads,
  UPLOADS,
  type SeedChain,
  type UploadsSeeded,
} from "../src/index.ts";
import { startLocalChain, type LocalChain } from "./local-chain.ts";

describe("seedUploads on a local chain", () => {
  let local: LocalChain;
  let dir: string;
  let store: Uploads;
  let chain: SeedChain;
  let first: UploadsSeeded;
  const log: string[] = [];

  beforeAll(async () => {
    local = await startLocalChain();
    ({ chain, dir } = local);
    store = await openUploads({ dir: path.join(dir, "store") });
    local.onStop(() => store.close());
    first = await seedUploads({
      chain,
      content: handlerSink(store.handle),
      picture: pictureFrom(path.join(dir, "cache")),
      log: (line) => log.push(line),
    });
  }, 600_000);

  afterAll(() => local?.stop());

  const works = () => ({ address: chain.address("Works"), abi: abis.Works });
  const read = <T>(functionName: string, args: unknown[]) =>
    chain.client.readContract({ ...works(), functionName, args } as never) as Promise<T>;

  it("mints every planned upload, by its creator, with its offers in ETH and Test USD", async () => {
    expect(first.works.size).toBe(UPLOADS.length);
    expect(first.tally.works).toBe(UPLOADS.length);
    for (const planned of UPLOADS) {
      const work = first.works.get(planned.scene.key)!;
      expect(work.creator).toBe(devAccount(planned.creator).address);
      expect(await read<bigint>("offerCount", [work.workId])).toBe(BigInt(planned.offers.length));
      for (const [i, offer] of planned.offers.entries()) {
        const currency = await read<string>("offerCurrency", [work.workId, BigInt(i + 1)]);
        expect(currency).toBe(offer.tusd !== undefined ? first.token : zeroAddress);
      }
    }
    expect(log.filter((line) => line.includes("uploaded by"))).toHaveLength(UPLOADS.length);
  });

  it("stores each picture as the registered bytes, watermarked with the work's id", async () => {
    const planned = UPLOADS[0]!;
    const work = first.works.get(planned.scene.key)!;
    const picture = await pictureFrom(path.join(dir, "cache"))(planned.scene.key, work.creator);
    const cid = (await store.store.cidOf(picture.png)).toString();
    const bytes = await store.store.get(cid);
    expect(await read<bigint>("workByContentHash", [sha256(bytes)])).toBe(work.workId);
    const { data, info } = await sharp(Buffer.from(bytes)).raw().toBuffer({ resolveWithObject: true });
    const found = detect({ width: info.width, height: info.height, channels: info.channels as 3, data });
    expect(found).not.toBeNull();
    const { id } = decodePayload(found!.payload);
    expect(await read<bigint>("workByWatermark", [id])).toBe(work.workId);
  });

  it("sells the planned licences, sells the aurora's exclusive out, and flags the storm", async () => {
    // Each sale, plus the derivative creator's remix licence of the alpine lake.
    expect(first.tally.licences).toBe(SALES.length + 1);
    const aurora = first.works.get("aurora-fjord")!.workId;
    expect(await read<bigint>("offerSold", [aurora, 1n])).toBe(1n);
    await expect(
      chain.send(
        ACCOUNTS.agency,
        { address: chain.address("Licenses"), abi: abis.Licenses },
        "buyLicense",
        [aurora, 1n, devAccount(ACCOUNTS.agency).address, 2n * 10n ** 18n],
        2n * 10n ** 18n,
      ),
    ).rejects.toThrow();
    expect(await read<boolean>("isFlagged", [first.works.get(FLAGGED.key)!.workId])).toBe(true);
  });

  it("mints the night edit as a derivative of the alpine lake", async () => {
    const parent = first.works.get("alpine-lake")!.workId;
    const child = first.works.get("alpine-lake-night")!.workId;
    const events = await chain.client.getContractEvents({
      address: chain.address("Works"),
      abi: abis.Works,
      eventName: "WorkMinted",
      args: { workId: child },
      fromBlock: 0n,
    });
    expect(events[0]!.args.parentIds).toEqual([parent]);
  });

  it("adds nothing when run again on the same chain", async () => {
    const before = await chain.client.getBlockNumber();
    const again = await seedUploads({
      chain,
      content: handlerSink(store.handle),
      picture: pictureFrom(path.join(dir, "cache")),
      log: () => undefined,
    });
    expect(again.tally).toEqual({ works: 0, licences: 0, other: 0 });
    expect([...again.works.values()].map((w) => w.workId)).toEqual(
      [...first.works.values()].map((w) => w.workId),
    );
    expect(await chain.client.getBlockNumber()).toBe(before);
  });
});
