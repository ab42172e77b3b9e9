/**
 * Content over real IPFS between the stack's two Helias: the dApp server's upload store and the generator
 * node's store, each with its own fs blockstore, peered by real libp2p (TCP + Noise + Yamux + Bitswap) on
 * 127.0.0.1, free ports. An upload the dApp stored is served by the node's gateway (fetched over Bitswap)
 * and a file the node stored is read by the dApp's store; a peer that is down or lacks the block gives a
 * 504 naming the CID, not a hang; the node redials nothing, the dApp redials the node after a restart;
 * every address listened on or dialled is loopback.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackAddr, openUploads, type ImageUploaded, type Uploads } from "@atelier/uploads";
import { HeliaStore } from "../src/storage/ipfs.ts";
import { handleGateway } from "../src/storage/gateway.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
/** Generous for reads that must succeed on a loaded machine; the timeout case uses its own short one. */
const FETCH_TIMEOUT_MS = 120_000;

/** Polls until `check` holds (generous deadline: the machine is shared). */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A ~1 MB PNG of noise: several unixfs blocks. */
async function bigPng(): Promise<Uint8Array> {
  const side = 600;
  return new Uint8Array(
    await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer(),
  );
}

function upload(uploads: Uploads, bytes: Uint8Array): Promise<Response> {
  return uploads.handle(
    new Request("http://localhost/api/uploads", {
      method: "POST",
      body: bytes,
      headers: { "content-type": "image/png" },
    }),
  );
}

describe("the dApp's and the node's Helias as loopback libp2p peers", () => {
  let root: string;
  let node: HeliaStore;
  let nodeAddr = "";
  let gateway: Server;
  let gatewayUrl: string;
  let dapp: Uploads;

  const openNode = (listenPort: number) =>
    HeliaStore.open({
      dir: path.join(root, "node"),
      network: { listenPort, fetchTimeoutMs: FETCH_TIMEOUT_MS },
    });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "atelier-peering-"));
    node = await openNode(0);
    nodeAddr = node.multiaddrs()[0] ?? "";
    gateway = createServer((req, res) => {
      void handleGateway(node, req, res).catch((error: Error) => res.writeHead(500).end(error.message));
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    // As npm start: the dApp dials the node's address without its peer id (learnt in the handshake).
    dapp = await openUploads({
      dir: path.join(root, "dapp"),
      network: { peers: [nodeAddr.replace(/\/p2p\/.*$/, "")], fetchTimeoutMs: FETCH_TIMEOUT_MS },
    });
    await until("the dApp to connect to the node", () => dapp.store.peers().some((p) => p.connected));
  });

  afterAll(async () => {
    await dapp?.close();
    await new Promise((resolve) => gateway?.close(resolve));
    await node?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("listens on loopback only and refuses to dial anything else", () => {
    expect(node.multiaddrs().length).toBeGreaterThan(0);
    for (const addr of [...node.multiaddrs(), ...dapp.store.multiaddrs()])
      expect(addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3Koo/);
    for (const peer of dapp.store.peers()) expect(peer.addr).toMatch(/^\/ip4\/127\.0\.0\.1\//);
    expect(() => loopbackAddr("/ip4/104.131.131.82/tcp/4001")).toThrow(/not on 127\.0\.0\.1/);
    expect(() => loopbackAddr("/dnsaddr/bootstrap.libp2p.io")).toThrow(/not on 127\.0\.0\.1/);
    expect(() => loopbackAddr("127.0.0.1:4001")).toThrow(/not a multiaddr/);
  });

  it("serves an upload stored by the dApp from the node's gateway, fetched over Bitswap", async () => {
    const bytes = await bigPng();
    const response = await upload(dapp, bytes);
    expect(response.status).toBe(201);
    const { cid } = (await response.json()) as ImageUploaded;
    expect(await node.has(cid)).toBe(false); // its own blockstore: not there before the read

    const served = await fetch(`${gatewayUrl}/ipfs/${cid}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(sha(new Uint8Array(await served.arrayBuffer()))).toBe(sha(bytes));
    expect(await node.has(cid)).toBe(true); // fetched, checked and kept: the next read is local
    const range = await fetch(`${gatewayUrl}/ipfs/${cid}`, { headers: { range: "bytes=0-7" } });
    expect(range.status).toBe(206);
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(bytes.subarray(0, 8));
  });

  it("lets the dApp's store read a file the node stored", async () => {
    const bytes = randomBytes(700 * 1024);
    const cid = await node.add(bytes);
    expect(await dapp.store.has(cid)).toBe(false);
    expect(sha(await dapp.store.get(cid))).toBe(sha(bytes));
    expect(await dapp.store.has(cid)).toBe(true);
  });

  it("answers 504 naming the CID when no connected peer has it, after its fetch timeout", async () => {
    const missing = await HeliaStore.open({ dir: path.join(root, "elsewhere") }).then(async (other) => {
      const cid = await other.add(randomBytes(4096));
      await other.close();
      return cid;
    });
    // A second node that dials the dApp itself (ipfs.peers) and waits only 1 s for a block.
    const impatient = await HeliaStore.open({
      dir: path.join(root, "impatient"),
      network: { peers: dapp.store.multiaddrs(), fetchTimeoutMs: 1_000 },
    });
    const server = createServer((req, res) => void handleGateway(impatient, req, res));
    try {
      await until("the second node to connect", () => impatient.peers().some((p) => p.connected));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const response = await fetch(`${url}/ipfs/${missing}`);
      const text = await response.text();
      expect(response.status, text).toBe(504);
      expect(text).toContain(missing);
      expect(text).toMatch(/no peer sent it within 1\.0 s \(connected: \/ip4\/127\.0\.0\.1\/tcp\/\d+/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await impatient.close();
    }
  });

  it("answers 504 at once when the peer holding the content is down, and reconnects when it is back", async () => {
    const bytes = await bigPng();
    const { cid } = (await (await upload(dapp, bytes)).json()) as ImageUploaded;
    await dapp.close();
    await until("the node to see the dApp go", () => !node.peers().some((p) => p.connected));
    const down = await fetch(`${gatewayUrl}/ipfs/${cid}`);
    expect(down.status).toBe(504);
    expect(await down.text()).toMatch(/no IPFS peer is connected.*Hint: check that the service/s);

    // The dApp comes back (same store on disk) and dials the node again; the upload is then served.
    dapp = await openUploads({
      dir: path.join(root, "dapp"),
      network: { peers: [nodeAddr], fetchTimeoutMs: FETCH_TIMEOUT_MS },
    });
    await until("the dApp to reconnect", () => node.peers().some((p) => p.connected));
    const served = await fetch(`${gatewayUrl}/ipfs/${cid}`);
    expect(served.status).toBe(200);
    expect(sha(new Uint8Array(await served.arrayBuffer()))).toBe(sha(bytes));
  });

  it("is redialled by the dApp when the node restarts on the same port", async () => {
    const port = Number(/\/tcp\/(\d+)/.exec(nodeAddr)![1]);
    await node.close();
    await until("the dApp to see the node go", () => !dapp.store.peers().some((p) => p.connected));
    node = await openNode(port);
    expect(node.multiaddrs()[0]).toBe(nodeAddr); // same peer id (kept in its datastore), same port
    await until("the dApp to redial the node", () => dapp.store.peers().some((p) => p.connected));
    const bytes = await bigPng();
    const { cid } = (await (await upload(dapp, bytes)).json()) as ImageUploaded;
    const served = await fetch(`${gatewayUrl}/ipfs/${cid}`);
    expect(served.status).toBe(200);
    expect(sha(new Uint8Array(await served.arrayBuffer()))).toBe(sha(bytes));
  });
});
