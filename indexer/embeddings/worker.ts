/**
 * The embedding worker: its own process (started niced by the embedding service), so that ~100 CPU-ms
 * of inference per image never runs on the indexing process's event loop nor outranks it for a core.
 * Reads images from IPFS, embeds them (MobileNetV2, loaded on the first image), persists every vector
 * (EmbeddingStore: written then renamed) and reports each result to its parent.
 */
import {
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL,
  EmbeddingJobs,
  EmbeddingStore,
  ImageEmbedder,
} from "@atelier/query/discovery";
import { blockstoreSource, gatewaySource, type MetadataSource } from "../lib/metadata.ts";
import { imageSource } from "./images.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

const STORED_CHUNK = 500;

const send = (message: FromWorker) => process.send?.(message);

function blocksFromEnv(env: NodeJS.ProcessEnv): MetadataSource {
  if (env.ATELIER_IPFS_BLOCKSTORE) return blockstoreSource(env.ATELIER_IPFS_BLOCKSTORE);
  if (env.ATELIER_IPFS_GATEWAY) return gatewaySource(env.ATELIER_IPFS_GATEWAY);
  return { get: async () => undefined };
}

// Requests may arrive while the store loads: queue them until the jobs exist.
const early: ToWorker[] = [];
let onRequest = (m: ToWorker): void => {
  early.push(m);
};
process.on("message", (m: ToWorker) => {
  if (m.type === "request") onRequest(m);
});

const file = process.env.ATELIER_EMBEDDINGS_FILE;
if (!file) throw new Error("ATELIER_EMBEDDINGS_FILE is not set: the embedding service sets it");
const store = new EmbeddingStore(EMBEDDING_MODEL, EMBEDDING_DIMENSIONS, file);
try {
  await store.load();
} catch (error) {
  send({ type: "failed", reason: (error as Error).message });
  process.exit(1);
}
const rows = [...store.vectors];
for (let i = 0; i < rows.length; i += STORED_CHUNK)
  send({ type: "stored", rows: rows.slice(i, i + STORED_CHUNK) });

let model: Promise<ImageEmbedder> | undefined;
const embedder = {
  embed: async (bytes: Uint8Array) => (await (model ??= ImageEmbedder.load())).embed(bytes),
};
const jobs = new EmbeddingJobs(
  embedder,
  imageSource(blocksFromEnv(process.env)),
  store,
  (workId, embedding) => send({ type: "embedded", workId, embedding }),
  (workId, reason) => send({ type: "rejected", workId, reason }),
);
onRequest = (m) => jobs.request(m.workId, m.imageCid);
for (const m of early.splice(0)) onRequest(m);
send({ type: "ready" });

// The parent went away (stopped or crashed): keep what was computed, then leave.
process.on("disconnect", () => {
  void store.save().finally(() => process.exit(0));
});
