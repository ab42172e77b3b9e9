/**
 * `npm run bench:ipfs [-- --json FILE]`: what peering the stack's Helias over loopback libp2p costs.
 *
 * - startMs: opening a store (fs blockstore + datastore) offline vs online (libp2p TCP listener, Noise,
 *   Yamux, Identify, Bitswap), and the time until a dialling peer is connected;
 * - fetch1MiB: a 1 MiB incompressible file stored by one peer, read through the other's gateway
 *   (`handleGateway` over HTTP, Bitswap underneath), each file new to the reader; then the same read again
 *   (now local). Wall ms (p50/p95/max) and CPU ms per fetch (both peers run in this process).
 * Prints one JSON object; `uptime`'s load is part of it (timings move with the load on a shared machine).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { handleGateway, HeliaStore } from "@atelier/generator-node/storage";
import { openPeeredHelia } from "@atelier/uploads/peering";

const { values } = parseArgs({
  options: { json: { type: "string" }, rounds: { type: "string", default: "12" } },
});
const rounds = Number(values.rounds);
const root = await mkdtemp(path.join(tmpdir(), "atelier-bench-ipfs-"));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Number(s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!.toFixed(1));
  return { p50: at(0.5), p95: at(0.95), max: at(1), n: s.length };
};
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

// Start cost: offline vs online, each in a fresh directory (the first online start also makes its key).
const offline: number[] = [];
const online: number[] = [];
for (let i = 0; i < 5; i++) {
  for (const [mode, into] of [
    [true, offline],
    [false, online],
  ] as const) {
    const dir = path.join(root, `start-${mode ? "off" : "on"}-${i}`);
    const t = performance.now();
    const h = await openPeeredHelia({ blocksDir: `${dir}/b`, datastoreDir: `${dir}/d`, offline: mode });
    into.push(performance.now() - t);
    await h.stop();
  }
}

const node = await HeliaStore.open({ dir: path.join(root, "node"), network: { listenPort: 0 } });
const addr = node.multiaddrs()[0]!;
const dialStart = performance.now();
const dapp = await openPeeredHelia({
  blocksDir: path.join(root, "dapp/blocks"),
  datastoreDir: path.join(root, "dapp/datastore"),
  peers: [addr.replace(/\/p2p\/.*$/, "")],
});
while (!dapp.connections().some((p) => p.connected)) await new Promise((r) => setTimeout(r, 5));
const connectMs = performance.now() - dialStart;

const gateway = createServer((req, res) => void handleGateway(node, req, res));
await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
const { unixfs } = await import("@helia/unixfs");
const fs = unixfs(dapp.helia);

const fetched: number[] = [];
const local: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < rounds; i++) {
  const bytes = randomBytes(1024 * 1024);
  const cid = (await fs.addBytes(bytes, { cidVersion: 1, rawLeaves: true })).toString();
  for (const into of [fetched, local]) {
    const c = process.cpuUsage();
    const t = performance.now();
    const response = await fetch(`${url}/ipfs/${cid}`);
    const body = new Uint8Array(await response.arrayBuffer());
    into.push(performance.now() - t);
    if (into === fetched) cpu.push(cpuMs(c));
    if (response.status !== 200 || !Buffer.from(body).equals(bytes)) throw new Error(`bad read of ${cid}`);
  }
}
await new Promise((resolve) => gateway.close(resolve));
await dapp.stop();
await node.close();
await rm(root, { recursive: true, force: true });

const result = {
  load: loadavg().map((l) => Number(l.toFixed(2))),
  startMs: {
    offline: stats(offline),
    online: stats(online),
    addedP50: Number((stats(online).p50 - stats(offline).p50).toFixed(1)),
  },
  connectMs: Number(connectMs.toFixed(1)),
  fetch1MiB: { overBitswapMs: stats(fetched), cpuMsPerFetch: stats(cpu), localMs: stats(local) },
};
console.log(JSON.stringify(result, null, 2));
if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
