/**
 * Content storage for uploads: Helia (no libp2p, so no network at all) over an fs blockstore/datastore,
 * files imported with @helia/unixfs (CIDv1, raw leaves). A file is imported into a staging area first and
 * its blocks are committed only once it is complete; a failed commit removes the blocks it added, so a
 * refused or failed upload leaves nothing half-stored.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { unixfs, type AddOptions } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";
import { CID } from "multiformats/cid";
import { UploadError } from "./errors.ts";

type BlockInput = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Blocks of one file being imported, in memory until committed. */
class Staging {
  readonly blocks = new Map<string, { cid: CID; bytes: Uint8Array }>();

  async put(cid: CID, value: BlockInput): Promise<CID> {
    let bytes: Uint8Array;
    if (value instanceof Uint8Array) bytes = value;
    else {
      const parts: Uint8Array[] = [];
      for await (const part of value as AsyncIterable<Uint8Array>) parts.push(part);
      bytes = Buffer.concat(parts);
    }
    this.blocks.set(cid.toString(), { cid, bytes });
    return cid;
  }

  has(cid: CID): boolean {
    return this.blocks.has(cid.toString());
  }

  async *get(cid: CID): AsyncGenerator<Uint8Array> {
    const block = this.blocks.get(cid.toString());
    if (!block) throw new Error(`block ${cid} is not staged`);
    yield block.bytes;
  }
}

/** Importer settings: CIDv1 with raw leaves (the @helia/unixfs defaults, stated so they cannot drift). */
const IMPORT: Partial<AddOptions> = { cidVersion: 1, rawLeaves: true };

export interface StoredFile {
  cid: CID;
  size: number;
  /** Blocks this call wrote (0 when the same bytes were already stored). */
  newBlocks: number;
}

export class UploadStore {
  private constructor(readonly helia: Helia) {}

  /**
   * Opens (creating if needed) the store under `dir` (`dir/blocks`, `dir/datastore`). `blocksDir` puts the
   * blocks in another fs blockstore instead — e.g. the one a local gateway serves and the indexer reads, so
   * an upload is visible to the whole stack without a second copy.
   */
  static async open(dir: string, options: { blocksDir?: string } = {}): Promise<UploadStore> {
    const blocksDir = options.blocksDir ?? path.join(dir, "blocks");
    await mkdir(blocksDir, { recursive: true });
    await mkdir(path.join(dir, "datastore"), { recursive: true });
    const helia = createHeliaLight({
      blockstore: new FsBlockstore(blocksDir),
      datastore: new FsDatastore(path.join(dir, "datastore")),
    });
    await helia.start();
    return new UploadStore(helia);
  }

  /** The CID `bytes` get, without storing anything. */
  async cidOf(bytes: Uint8Array): Promise<CID> {
    return (await this.stage(bytes)).cid;
  }

  /** Stores `bytes` as one unixfs file and pins it: all blocks or none. */
  async add(bytes: Uint8Array): Promise<StoredFile> {
    const { cid, staging } = await this.stage(bytes);
    const written: CID[] = [];
    try {
      for (const { cid: blockCid, bytes: block } of staging.blocks.values()) {
        if (await this.helia.blockstore.has(blockCid)) continue;
        await this.helia.blockstore.put(blockCid, block);
        written.push(blockCid);
      }
      if (!(await this.helia.pins.isPinned(cid))) {
        for await (const _ of this.helia.pins.add(cid)) void _;
      }
    } catch (error) {
      await this.remove(written);
      throw new UploadError(
        500,
        "storage-failed",
        `storing the file failed: ${error instanceof Error ? error.message : String(error)}`,
        "Nothing was kept; try again. If it keeps failing, the server's disk may be full.",
      );
    }
    return { cid, size: bytes.length, newBlocks: written.length };
  }

  async has(cid: CID | string): Promise<boolean> {
    try {
      return await this.helia.blockstore.has(typeof cid === "string" ? CID.parse(cid) : cid);
    } catch {
      return false;
    }
  }

  /** The whole file, read offline (a missing block fails at once). */
  async get(cid: CID | string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    const fs = unixfs({ blockstore: this.helia.blockstore });
    for await (const chunk of fs.cat(typeof cid === "string" ? CID.parse(cid) : cid, {
      offline: true,
    } as never)) {
      parts.push(chunk);
    }
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.helia.stop();
  }

  private async stage(bytes: Uint8Array): Promise<{ cid: CID; staging: Staging }> {
    const staging = new Staging();
    const cid = await unixfs({ blockstore: staging as never }).addBytes(bytes, IMPORT);
    return { cid, staging };
  }

  private async remove(cids: CID[]): Promise<void> {
    for (const cid of cids) {
      try {
        await this.helia.blockstore.delete(cid);
      } catch {
        // Best effort: an orphan block is content-addressed and harmless; the upload is reported failed.
      }
    }
  }
}
