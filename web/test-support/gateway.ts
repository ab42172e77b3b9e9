/** A read-only IPFS HTTP gateway over raw blocks held in memory: `GET /ipfs/<cid>`, type sniffed from the bytes. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

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

export async function startGateway(blocks: Map<string, Uint8Array>): Promise<RunningGateway> {
  const server = createServer((req, res) => {
    const m = /^\/ipfs\/([A-Za-z0-9]+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const bytes = m ? blocks.get(m[1]!) : undefined;
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
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
