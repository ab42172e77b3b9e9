/**
 * Content storage: Helia with a filesystem blockstore/datastore and no libp2p (no network at all by
 * default). CIDv1 with raw leaves. Optionally mirrors and pins every added file on a remote Kubo
 * node over its RPC API (`kubo.url`), for operators who want their content served by the IPFS
 * network.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { unixfs, type UnixFS } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";
import { CID } from "multiformats/cid";

export interface ContentStore {
  /** Adds bytes; returns the CIDv1 string. Idempotent: the same bytes give the same CID. */
  add(bytes: Uint8Array): Promise<string>;
  /** Whether the content is held locally. */
  has(cid: string): Promise<boolean>;
  size(cid: string): Promise<number>;
  /** Streams [offset, offset+length) of a stored file. */
  cat(cid: string, range?: { offset: number; length: number }): AsyncIterable<Uint8Array>;
  get(cid: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface KuboPinOptions {
  url: string;
  timeoutMs?: number;
}

export interface HeliaStoreOptions {
  dir: string;
  kubo?: KuboPinOptions;
}

export class HeliaStore implements ContentStore {
  private constructor(
    private readonly helia: Helia,
    private readonly fs: UnixFS,
    private readonly kubo?: { add(bytes: Uint8Array): Promise<string> },
  ) {}

  static async open(opts: HeliaStoreOptions): Promise<HeliaStore> {
    await mkdir(path.join(opts.dir, "blocks"), { recursive: true });
    await mkdir(path.join(opts.dir, "datastore"), { recursive: true });
    const blockstore = new FsBlockstore(path.join(opts.dir, "blocks"));
    const datastore = new FsDatastore(path.join(opts.dir, "datastore"));
    const helia = createHeliaLight({ blockstore, datastore });
    await helia.start();
    let kubo: { add(bytes: Uint8Array): Promise<string> } | undefined;
    if (opts.kubo) {
      const { create } = await import("kubo-rpc-client");
      const client = create({ url: opts.kubo.url, timeout: opts.kubo.timeoutMs ?? 30_000 });
      kubo = {
        async add(bytes) {
          const res = await client.add(bytes, { cidVersion: 1, rawLeaves: true, pin: true });
          return res.cid.toString();
        },
      };
    }
    return new HeliaStore(helia, unixfs(helia), kubo);
  }

  async add(bytes: Uint8Array): Promise<string> {
    const cid = await this.fs.addBytes(bytes, { cidVersion: 1, rawLeaves: true });
    const local = cid.toString();
    if (this.kubo) {
      const remote = await this.kubo.add(bytes);
      if (remote !== local)
        throw new Error(`Kubo pinned ${remote} but the local CID is ${local} (chunker settings differ)`);
    }
    return local;
  }

  async has(cid: string): Promise<boolean> {
    try {
      return await this.helia.blockstore.has(CID.parse(cid));
    } catch {
      return false;
    }
  }

  async size(cid: string): Promise<number> {
    const stat = await this.fs.stat(CID.parse(cid), { offline: true } as never);
    return Number(stat.size);
  }

  cat(cid: string, range?: { offset: number; length: number }): AsyncIterable<Uint8Array> {
    return this.fs.cat(CID.parse(cid), { offline: true, ...(range ?? {}) } as never);
  }

  async get(cid: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.cat(cid)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.helia.stop();
  }
}
