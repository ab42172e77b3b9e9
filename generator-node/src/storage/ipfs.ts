/**
 * Content storage: Helia with a filesystem blockstore/datastore, CIDv1 with raw leaves. Offline by
 * default (no libp2p); with `network` it is a libp2p peer of the stack's other Helias on 127.0.0.1
 * (`@atelier/uploads/peering`: TCP + Noise + Yamux + Identify + Bitswap, nothing public), so a file
 * stored by the dApp server is read here over Bitswap — each fetched block checked against its CID by
 * Helia and kept — and one stored here is served to them. A read that no peer answers in
 * `fetchTimeoutMs` fails with ContentUnavailableError. Optionally mirrors and pins every added file on
 * a remote Kubo node over its RPC API (`kubo.url`), for operators who want their content served by the
 * IPFS network.
 */
import path from "node:path";
import { unixfs, type UnixFS } from "@helia/unixfs";
import {
  ContentUnavailableError,
  openPeeredHelia,
  unavailableOr,
  type PeeredHelia,
  type PeerState,
} from "@atelier/uploads/peering";
import { CID } from "multiformats/cid";

export { ContentUnavailableError };

export interface ContentStore {
  /** Adds bytes; returns the CIDv1 string. Idempotent: the same bytes give the same CID. */
  add(bytes: Uint8Array): Promise<string>;
  /** Whether the content is held locally. */
  has(cid: string): Promise<boolean>;
  /** The file's size; fetches its root block from a peer when missing here (ContentUnavailableError). */
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

export interface HeliaNetworkOptions {
  /** TCP port on 127.0.0.1 for libp2p (0 = any free port). */
  listenPort?: number;
  /** Multiaddrs of the stack's other Helias, dialled and kept dialled. */
  peers?: string[];
  /** How long a read waits for a missing block from the peers (default 10 s). */
  fetchTimeoutMs?: number;
}

export interface HeliaStoreOptions {
  dir: string;
  kubo?: KuboPinOptions;
  /** Be a loopback libp2p peer (absent: offline, a missing block fails at once). */
  network?: HeliaNetworkOptions;
}

const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

export class HeliaStore implements ContentStore {
  private constructor(
    private readonly node: PeeredHelia,
    private readonly fs: UnixFS,
    private readonly fetchTimeoutMs: number | undefined,
    private readonly kubo?: { add(bytes: Uint8Array): Promise<string> },
  ) {}

  static async open(opts: HeliaStoreOptions): Promise<HeliaStore> {
    const node = await openPeeredHelia({
      blocksDir: path.join(opts.dir, "blocks"),
      datastoreDir: path.join(opts.dir, "datastore"),
      offline: opts.network === undefined,
      listenPort: opts.network?.listenPort,
      peers: opts.network?.peers,
    });
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
    const fetchTimeoutMs = opts.network
      ? (opts.network.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS)
      : undefined;
    return new HeliaStore(node, unixfs(node.helia), fetchTimeoutMs, kubo);
  }

  /** Where its libp2p listens (`/ip4/127.0.0.1/tcp/N/p2p/<id>`); empty when offline. */
  multiaddrs(): string[] {
    return this.node.multiaddrs();
  }

  /** Its IPFS peers: those it dials (connected or not) and any other connected now. */
  peers(): PeerState[] {
    return this.node.connections();
  }

  /**
   * Read options: offline when there is no network or no peer to ask (a missing block then fails at once,
   * not after the timeout), else online bounded by the fetch timeout.
   */
  private readOptions(): { offline: boolean; signal?: AbortSignal } {
    if (this.fetchTimeoutMs === undefined || !this.peers().some((p) => p.connected)) return { offline: true };
    return { offline: false, signal: AbortSignal.timeout(this.fetchTimeoutMs) };
  }

  /** A read that failed for want of a peer's block, as the error that names the CID and the peers. */
  private unavailable(cid: string, read: { offline: boolean }, error: unknown): unknown {
    if (this.fetchTimeoutMs === undefined) return error;
    return unavailableOr(error, cid, { online: !read.offline, timeoutMs: this.fetchTimeoutMs }, this.peers());
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
      return await this.node.helia.blockstore.has(CID.parse(cid));
    } catch {
      return false;
    }
  }

  async size(cid: string): Promise<number> {
    const read = this.readOptions();
    try {
      const stat = await this.fs.stat(CID.parse(cid), read as never);
      return Number(stat.size);
    } catch (error) {
      throw this.unavailable(cid, read, error);
    }
  }

  async *cat(cid: string, range?: { offset: number; length: number }): AsyncIterable<Uint8Array> {
    const read = this.readOptions();
    try {
      yield* this.fs.cat(CID.parse(cid), { ...read, ...(range ?? {}) } as never);
    } catch (error) {
      throw this.unavailable(cid, read, error);
    }
  }

  async get(cid: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.cat(cid)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.node.stop();
  }
}
