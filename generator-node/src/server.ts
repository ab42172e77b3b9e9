/**
 * The node's HTTP server: the IPFS gateway (`/ipfs/<cid>`), Prometheus `/metrics`, `/healthz`
 * (process alive) and `/readyz` (model loaded, store open, chain polled recently).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { handleGateway } from "./storage/gateway.ts";
import type { ContentStore } from "./storage/ipfs.ts";

export interface ServerDeps {
  /** absent while the node is starting (the gateway answers 503 until {@link setStore}) */
  store?: ContentStore;
  registry: Registry;
  ready: () => { ready: boolean; detail: Record<string, unknown> };
}

export async function startServer(
  deps: ServerDeps,
  host: string,
  port: number,
): Promise<{
  server: Server;
  url: string;
  /** the gateway serves this store from now on (the server is listening before the store opens) */
  setStore(store: ContentStore): void;
  close(): Promise<void>;
}> {
  let store = deps.store;
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", "http://localhost");
        if (url.pathname === "/healthz") {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
          return;
        }
        if (url.pathname === "/readyz") {
          const r = deps.ready();
          res
            .writeHead(r.ready ? 200 : 503, { "content-type": "application/json" })
            .end(JSON.stringify({ ready: r.ready, ...r.detail }));
          return;
        }
        if (url.pathname === "/metrics") {
          res
            .writeHead(200, { "content-type": deps.registry.contentType })
            .end(await deps.registry.metrics());
          return;
        }
        if (!store && url.pathname.startsWith("/ipfs/")) {
          res.writeHead(503, { "content-type": "text/plain", "retry-after": "2" }).end("starting\n");
          return;
        }
        if (store && (await handleGateway(store, req, res))) return;
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`error: ${(err as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    setStore: (s) => {
      store = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
