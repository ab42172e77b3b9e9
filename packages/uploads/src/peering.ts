/**
 * Helia for the stack's own content: an fs blockstore/datastore, and — unless `offline` — libp2p on the
 * loopback interface only (TCP, Noise, Yamux, Identify, Bitswap), peered with the stack's other Helias
 * by their multiaddrs. No bootstrap list, no mDNS, no DHT, no relay, no delegated routers, no HTTP
 * gateways: it dials nothing but the peers it is given, and listens on 127.0.0.1 only. A block missing
 * locally is asked of the connected peers over Bitswap (Helia checks every fetched block against its
 * CID before storing it). The dApp server's upload store and the generator node's store both open one.
 */
import { mkdir } from "node:fs/promises";
import { identify } from "@libp2p/identify";
import { noise } from "@libp2p/noise";
import { tcp } from "@libp2p/tcp";
import { yamux } from "@libp2p/yamux";
import { withBitswap } from "@helia/bitswap";
import { withLibp2pLight } from "@helia/libp2p";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";

export interface PeeringOptions {
  blocksDir: string;
  datastoreDir: string;
  /** No libp2p at all: reads of missing blocks fail at once (tests, tools, one-process setups). */
  offline?: boolean;
  /** TCP port on 127.0.0.1 to listen on (0 = any free port). */
  listenPort?: number;
  /** Multiaddrs of the stack's other Helias (`/ip4/127.0.0.1/tcp/N[/p2p/<id>]`): dialled and kept dialled. */
  peers?: string[];
}

export interface PeerState {
  addr: string;
  connected: boolean;
}

export interface PeeredHelia {
  helia: Helia;
  /** Where this Helia listens (`…/p2p/<peer id>`); empty when offline. */
  multiaddrs(): string[];
  /** The peers asked for (connected or not) and every other peer connected now. */
  connections(): PeerState[];
  stop(): Promise<void>;
}

/** Loopback only: anything else is refused before libp2p sees it, so no public address is ever dialled. */
export function loopbackAddr(text: string): Multiaddr {
  let addr: Multiaddr;
  try {
    addr = multiaddr(text);
  } catch (error) {
    throw new Error(
      `IPFS peer "${text}" is not a multiaddr (${(error as Error).message}); write it as /ip4/127.0.0.1/tcp/PORT`,
      { cause: error },
    );
  }
  const [first] = addr.getComponents();
  if (!first || first.name !== "ip4" || first.value !== "127.0.0.1") {
    throw new Error(
      `IPFS peer "${text}" is not on 127.0.0.1: the local stack peers only over loopback (use a Kubo node or a pinning service for anything else)`,
    );
  }
  return addr;
}

const REDIAL_MIN_MS = 250;
const REDIAL_MAX_MS = 5_000;

export async function openPeeredHelia(options: PeeringOptions): Promise<PeeredHelia> {
  await mkdir(options.blocksDir, { recursive: true });
  await mkdir(options.datastoreDir, { recursive: true });
  const light = createHeliaLight({
    blockstore: new FsBlockstore(options.blocksDir),
    datastore: new FsDatastore(options.datastoreDir),
  });
  if (options.offline) {
    await light.start();
    return {
      helia: light,
      multiaddrs: () => [],
      connections: () => [],
      stop: async () => void (await light.stop()),
    };
  }
  const wanted = (options.peers ?? []).map(loopbackAddr);
  const helia = withBitswap(
    withLibp2pLight(light, {
      addresses: { listen: [`/ip4/127.0.0.1/tcp/${options.listenPort ?? 0}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      services: { identify: identify() },
      // Dial only what we are told to: no autodial from the peer store, no reconnect queue of its own.
      connectionManager: { maxConnections: 64, reconnectRetries: 0 },
    }),
  );
  await helia.start();
  const libp2p = helia.libp2p;

  // Keep each wanted peer dialled: at start, and again after it goes away (a restarted peer), with backoff.
  let stopped = false;
  const connected = new Map<string, string>(); // addr → remote peer id
  const timers = new Set<NodeJS.Timeout>();
  const dial = (addr: Multiaddr, delay: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      libp2p.dial(addr, { signal: AbortSignal.timeout(10_000) }).then(
        (connection) => connected.set(addr.toString(), connection.remotePeer.toString()),
        () => dial(addr, Math.min(REDIAL_MAX_MS, Math.max(REDIAL_MIN_MS, delay * 2))),
      );
    }, delay);
    timers.add(timer);
  };
  libp2p.addEventListener("peer:disconnect", (event) => {
    const gone = event.detail.toString();
    for (const addr of wanted) {
      if (connected.get(addr.toString()) === gone) {
        connected.delete(addr.toString());
        dial(addr, REDIAL_MIN_MS);
      }
    }
  });
  for (const addr of wanted) dial(addr, 0);

  return {
    helia,
    multiaddrs: () => libp2p.getMultiaddrs().map(String),
    connections: () => {
      const live = libp2p.getConnections();
      const asked = wanted.map((addr) => {
        const id = connected.get(addr.toString());
        return { addr: addr.toString(), connected: live.some((c) => c.remotePeer.toString() === id) };
      });
      const askedIds = new Set(connected.values());
      const others = live
        .filter((c) => !askedIds.has(c.remotePeer.toString()))
        .map((c) => ({ addr: c.remoteAddr.toString(), connected: true }));
      return [...asked, ...others];
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await helia.stop();
    },
  };
}

/** The error a read gets when a block is neither here nor sent by a peer in time. */
export class ContentUnavailableError extends Error {
  override name = "ContentUnavailableError";
  constructor(
    readonly cid: string,
    /** How long it waited; undefined when no peer was connected to ask. */
    readonly timeoutMs: number | undefined,
    peers: PeerState[],
  ) {
    const connected = peers.filter((p) => p.connected).map((p) => p.addr);
    const down = peers.filter((p) => !p.connected).map((p) => p.addr);
    const why =
      timeoutMs === undefined
        ? "no IPFS peer is connected to ask"
        : `no peer sent it within ${(timeoutMs / 1000).toFixed(1)} s (connected: ${connected.join(", ")})`;
    super(
      `${cid} is not stored here and ${why}${down.length ? `; not reachable: ${down.join(", ")}` : ""}. ` +
        "Hint: check that the service holding it (the dApp server or the generator node) is running.",
    );
  }
}

/** Errors Helia gives when no block came: the read was aborted by its timeout, or no broker got it. */
const NOT_FETCHED = new Set(["AbortError", "TimeoutError", "LoadBlockFailedError", "NoPeersError"]);

/**
 * A failed read as ContentUnavailableError when it failed for want of a peer's block: `timeoutMs` is the
 * wait of an online read, undefined for one made offline because no peer was connected. Other errors
 * (a malformed DAG, a disk error) are returned as they are.
 */
export function unavailableOr(
  error: unknown,
  cid: string,
  read: { online: boolean; timeoutMs: number },
  peers: PeerState[],
): unknown {
  const name = (error as Error | undefined)?.name ?? "";
  if (read.online && NOT_FETCHED.has(name)) return new ContentUnavailableError(cid, read.timeoutMs, peers);
  if (!read.online && name === "BlockNotFoundWhileOfflineError")
    return new ContentUnavailableError(cid, undefined, peers);
  return error;
}
