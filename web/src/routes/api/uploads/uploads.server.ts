/**
 * The dApp server's upload store, opened once per process:
 *
 *   ATELIER_UPLOADS_DIR     where uploaded blocks live (default .atelier/uploads under the server's working
 *                           directory — a bundled server cannot locate the repository; its `blocks/` is an fs
 *                           blockstore a gateway or the indexer can read)
 *   ATELIER_UPLOADS_BLOCKSTORE  an fs blockstore to write the blocks to instead of `<ATELIER_UPLOADS_DIR>/blocks`
 *                           (npm start: the generator node's, which its gateway serves and the indexer reads)
 *   ATELIER_UPLOADS_MAX_MB  largest image accepted (default 20)
 *   ATELIER_UPLOADS_IPFS_PEERS  comma-separated multiaddrs (127.0.0.1) of the stack's other Helias: the store
 *                           becomes their loopback libp2p peer, so the node's gateway serves uploads over
 *                           Bitswap (npm start: the generator node's); unset = offline
 *   ATELIER_UPLOADS_IPFS_PORT   its libp2p TCP port on 127.0.0.1 (default 0: any free port)
 */
import path from "node:path";
import { openUploads, type Uploads } from "@atelier/uploads";

let opening: Promise<Uploads> | undefined;

export function uploadsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.ATELIER_UPLOADS_DIR ?? ".atelier/uploads");
}

function maxImageBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.ATELIER_UPLOADS_MAX_MB ?? 20);
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new Error(
      `ATELIER_UPLOADS_MAX_MB is "${env.ATELIER_UPLOADS_MAX_MB}"; set a positive number of MiB`,
    );
  }
  return Math.floor(mb * 1024 * 1024);
}

function network(env: NodeJS.ProcessEnv = process.env) {
  const peers = (env.ATELIER_UPLOADS_IPFS_PEERS ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (peers.length === 0 && env.ATELIER_UPLOADS_IPFS_PORT === undefined) return undefined;
  return { peers, listenPort: Number(env.ATELIER_UPLOADS_IPFS_PORT ?? 0) };
}

export function uploads(): Promise<Uploads> {
  const blocks = process.env.ATELIER_UPLOADS_BLOCKSTORE;
  opening ??= openUploads({
    dir: uploadsDir(),
    blocksDir: blocks ? path.resolve(blocks) : undefined,
    network: network(),
    limits: { maxImageBytes: maxImageBytes() },
  }).catch((error) => {
    opening = undefined; // let the next request try again (a full disk may have been freed)
    throw error;
  });
  return opening;
}
