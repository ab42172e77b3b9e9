/**
 * A read-only IPFS HTTP gateway over raw blocks: `GET /ipfs/<cid>`, type sniffed from the bytes. It
 * serves the seeded blocks held in memory and, when given one, an fs blockstore (the dApp's uploads),
 * so what a user uploads during a test is served like a real gateway would.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";

function sniff(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b[0] === 0x89 && b[1] === 0x50) return "image/png";
  if (b[0] === 0x7b) return "application/json";
  return "application/octet-stream";
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

async function fromStore(store: FsBlockstore | undefined, cid: string): Promise<Uint8Array | undefined> {
  if (!store) return undefined;
  try {
    const parsed = CID.parse(cid);
    if (!(await store.has(parsed))) return undefined;
    // blockstore-fs 4 streams a block as chunks.
    const chunks: Uint8Array[] = [];
    for await (const c of store.get(parsed)) chunks.push(c);
    return Buffer.concat(chunks);
  } catch {
    return undefined; // not a CID, or not stored: a 404
  }
}

export async function startGateway(
  blocks: Map<string, Uint8Array>,
  blockstoreDir?: string,
): Promise<RunningGateway> {
  const store = blockstoreDir ? new FsBlockstore(blockstoreDir) : undefined;
  await store?.open();
  const server = createServer(async (req, res) => {
    const m = /^\/ipfs\/([A-Za-z0-9]+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const bytes = m ? (blocks.get(m[1]!) ?? (await fromStore(store, m[1]!))) : undefined;
    if (!bytes) {
      res
        .writeHead(404, { "content-type": "text/plain", "access-control-allow-origin": "*" })
        .end("not found\n");
      return;
    }
    res
      .writeHead(200, {
        "content-type": sniff(bytes),
        "content-length": bytes.length,
        "cache-control": "public, max-age=29030400, immutable",
        "access-control-allow-origin": "*",
      })
      .end(Buffer.from(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store?.close();
    },
  };
}
