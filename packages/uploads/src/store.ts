/**
 * Content storage for uploads: Helia over an fs blockstore/datastore, files imported with @helia/unixfs
 * (CIDv1, raw leaves). Offline by default (no libp2p, no network); with `network` it is a libp2p peer of
 * the stack's other Helias on 127.0.0.1 (peering.ts), so what it stores is served by their gateways over
 * Bitswap. A file is imported into a staging area first and
 * its blocks are committed only once it is complete; a failed commit removes the blocks it added, so a
 * refused or failed upload leaves nothing half-stored.
 */
import path from "node:path";
import { unixfs, type AddOptions } from "@helia/unixfs";
import type { Helia } from "helia";
import { CID } from "multiformats/cid";
import { UploadError } from "./errors.ts";
import { openPeeredHelia, unavailableOr, type PeeredHelia, type PeerState } from "./peering.ts";

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

/** How the store joins the stack's IPFS peers (absent: offline). */
export interface UploadNetwork {
  /** TCP port on 127.0.0.1 for its libp2p listener (default 0: any free port). */
  listenPort?: number;
  /** Multiaddrs of the other Helias to dial and keep dialled (the generator node's). */
  peers?: string[];
  /** How long `get` waits for blocks from the peers (default 10 s). */
  fetchTimeoutMs?: number;
}

export class UploadStore {
  private constructor(
    private readonly node: PeeredHelia,
    private readonly fetchTimeoutMs: number | undefined,
  ) {}

  get helia(): Helia {
    return this.node.helia;
  }

  /**
   * Opens (creating if needed) the store under `dir` (`dir/blocks`, `dir/datastore`). `blocksDir` puts the
   * blocks in another fs blockstore instead (a tool writing straight into a blockstore another process
   * serves). `network` makes it a libp2p peer of the stack's other Helias.
   */
  static async open(
    dir: string,
    options: { blocksDir?: string; network?: UploadNetwork } = {},
  ): Promise<UploadStore> {
    const node = await openPeeredHelia({
      blocksDir: options.blocksDir ?? path.join(dir, "blocks"),
      datastoreDir: path.join(dir, "datastore"),
      offline: options.network === undefined,
      ...options.network,
    });
    return new UploadStore(node, options.network ? (options.network.fetchTimeoutMs ?? 10_000) : undefined);
  }

  /** Where its libp2p listens (`/ip4/127.0.0.1/tcp/N/p2p/<id>`); empty when offline. */
  multiaddrs(): string[] {
    return this.node.multiaddrs();
  }

  /** Its IPFS peers: those it dials (connected or not) and any other connected now. */
  peers(): PeerState[] {
    return this.node.connections();
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

  /**
   * The whole file. Offline (or with no peer connected) a missing block fails at once; online, missing
   * blocks are fetched from the peers, CID-checked, and kept, or ContentUnavailableError after the timeout.
   */
  async get(cid: CID | string): Promise<Uint8Array> {
    const root = typeof cid === "string" ? CID.parse(cid) : cid;
    const online = this.fetchTimeoutMs !== undefined && this.peers().some((p) => p.connected);
    const parts: Uint8Array[] = [];
    const fs = unixfs({ blockstore: this.helia.blockstore });
    try {
      for await (const chunk of fs.cat(root, {
        offline: !online,
        ...(online ? { signal: AbortSignal.timeout(this.fetchTimeoutMs!) } : {}),
      } as never)) {
        parts.push(chunk);
      }
    } catch (error) {
      if (this.fetchTimeoutMs === undefined) throw error;
      throw unavailableOr(error, root.toString(), { online, timeoutMs: this.fetchTimeoutMs }, this.peers());
    }
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.node.stop();
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
