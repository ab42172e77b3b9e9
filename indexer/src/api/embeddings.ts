/**
 * `/embeddings` on the Ponder app: the image embeddings of indexed works (see embeddings/service.ts),
 * binary rows in arrival order from a cursor (the query layer's EmbeddingFeed reads them), and
 * `/embeddings/status` (counts, or one work's status with `?work=<id>`).
 */
import type { Hono } from "hono";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { asc, count, eq, gt, inArray, ne } from "ponder";
import { EMBEDDING_HEADERS, EMBEDDING_PAGE, encodeEmbeddingRows } from "@atelier/query/discovery";
import { loadSettings } from "../../lib/settings.ts";
import { EmbeddingService, type CatalogRow, type ImageCatalog } from "../../embeddings/service.ts";

const { work, workMetadata } = schema;

const select = () =>
  db
    .select({ workId: work.id, status: workMetadata.status, image: workMetadata.image })
    .from(work)
    .leftJoin(workMetadata, eq(work.metadata, workMetadata.id));

const catalog: ImageCatalog = {
  worksAfter: async (afterId, limit) =>
    (await select().where(gt(work.id, afterId)).orderBy(asc(work.id)).limit(limit)) as CatalogRow[],
  worksIn: async (ids) => (await select().where(inArray(work.id, ids))) as CatalogRow[],
  async settledMetadata() {
    const [row] = await db
      .select({ n: count() })
      .from(workMetadata)
      .where(ne(workMetadata.status, "pending"));
    return Number(row?.n ?? 0);
  },
};

/** One service per process: `ponder dev` re-runs this module on every change. */
const running = globalThis as { atelierEmbeddings?: EmbeddingService };

async function startService(): Promise<EmbeddingService | undefined> {
  const settings = await loadSettings();
  if (!settings.embeddingsFile) return undefined;
  running.atelierEmbeddings?.stop();
  running.atelierEmbeddings = new EmbeddingService(catalog, settings.embeddingsFile).start();
  return running.atelierEmbeddings;
}

const notServed = {
  error: "this indexer computes no image embeddings (ATELIER_EMBEDDINGS=off)",
  hint: "unset ATELIER_EMBEDDINGS or set it to on; related works rank by perceptual hash meanwhile",
};

export async function mountEmbeddings(app: Hono): Promise<void> {
  const service = await startService();
  app.get("/embeddings/status", (c) => {
    if (!service) return c.json(notServed, 404);
    const id = c.req.query("work");
    if (id === undefined) return c.json(service.counts());
    if (!/^\d{1,78}$/.test(id))
      return c.json(
        { error: `work "${id.slice(0, 80)}" is not a work id`, hint: "pass ?work=<decimal id>" },
        400,
      );
    return c.json(service.statusOf(BigInt(id)));
  });
  app.get("/embeddings", (c) => {
    if (!service) return c.json(notServed, 404);
    const since = Number(c.req.query("since") ?? "0");
    const first = Number(c.req.query("first") ?? String(EMBEDDING_PAGE));
    if (!Number.isSafeInteger(since) || since < 0)
      return c.json(
        { error: `since ${since} is not a position`, hint: "pass the previous page's next" },
        400,
      );
    if (!Number.isInteger(first) || first < 1 || first > EMBEDDING_PAGE)
      return c.json(
        { error: `first ${first} is not in 1..${EMBEDDING_PAGE}`, hint: "ask for fewer rows" },
        400,
      );
    const page = service.page(since, first);
    return c.body(new Uint8Array(encodeEmbeddingRows(page.rows, service.dimensions)), 200, {
      "content-type": "application/octet-stream",
      [EMBEDDING_HEADERS.model]: service.model,
      [EMBEDDING_HEADERS.dimensions]: String(service.dimensions),
      [EMBEDDING_HEADERS.epoch]: service.epoch,
      [EMBEDDING_HEADERS.next]: String(page.next),
      [EMBEDDING_HEADERS.more]: String(page.more),
    });
  });
}
