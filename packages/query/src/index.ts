export {
  ponderDialect,
  subgraphDialect,
  QueryError,
  toTsQuery,
  type Dialect,
  type Row,
  type ListOptions,
  type ListRequest,
  type DailyRollup,
} from "./dialect.ts";
export {
  ProvenanceQueries,
  type WorkSummary,
  type WorkFilter,
  type Page,
  type TimelineEntry,
  type NodeStats,
  type ModelStats,
} from "./queries.ts";
export {
  DetailQueries,
  type Metadata,
  type Offer,
  type Terms,
  type JobInfo,
  type NodeDetails,
  type ModelDetails,
  type NewestFilter,
} from "./details.ts";
export { FigureQueries, type LegalText, type DailySales, type DailyJobs, type DayRange } from "./figures.ts";
// Discovery without TensorFlow.js; the image embedder is in "@atelier/query/discovery".
export * from "./discovery/light.ts";
import { ponderDialect, subgraphDialect } from "./dialect.ts";
import { ProvenanceQueries } from "./queries.ts";
import { NearMatchIndex } from "./discovery/near-match.ts";
import { RelatedWorks } from "./discovery/related.ts";
import { EmbeddingFeed } from "./discovery/embedding-feed.ts";
import { EMBEDDING_DIMENSIONS } from "./discovery/embedding-model.ts";

export interface QueriesConfig {
  kind: "ponder" | "subgraph";
  /** The GraphQL endpoint. */
  url: string;
  /**
   * Where image embeddings are served. Ponder: `/embeddings` beside `/graphql` unless set; a subgraph
   * has none unless this names an embeddings service. `false` turns them off (perceptual hash only).
   */
  embeddingsUrl?: string | false;
  /** Ponder only: lists through the app's `POST /list` (SQL, default) or its GraphQL. */
  ponderTransport?: "list" | "graphql";
}

/** The adapter chosen by configuration: `{ kind: "ponder" | "subgraph", url }` (the GraphQL endpoint). */
export function createQueries(config: QueriesConfig): ProvenanceQueries {
  if (config.kind !== "ponder" && config.kind !== "subgraph") {
    throw new Error(
      `unknown index kind "${String(config.kind)}"\nHint: use "ponder" (local default) or "subgraph" (graph-node / The Graph)`,
    );
  }
  const embeddingsUrl =
    config.embeddingsUrl ?? (config.kind === "ponder" ? new URL("embeddings", config.url).href : false);
  return new ProvenanceQueries(
    config.kind === "ponder"
      ? ponderDialect(config.url, config.ponderTransport)
      : subgraphDialect(config.url),
    embeddingsUrl ? new EmbeddingFeed(embeddingsUrl) : undefined,
  );
}

/** Builds the near-match index from every work the index holds (paged through the adapter). */
export async function loadNearMatchIndex(queries: ProvenanceQueries): Promise<NearMatchIndex> {
  const index = new NearMatchIndex();
  let after: string | undefined;
  for (;;) {
    const page = await queries.listWorks({}, { first: 999, after });
    index.add(page.items.map((w) => ({ workId: BigInt(w.id), hash: w.perceptualHash })));
    if (!page.next) return index;
    after = page.next;
  }
}

const loaded = new WeakMap<ProvenanceQueries, RelatedWorks>();

/**
 * "More like this" from every work and licence the index holds (see DetailQueries.relatedFeatures),
 * visual similarity from the image embeddings the index serves, the perceptual hash for works whose
 * embedding is still pending. Loading again through the same `queries` refreshes the same instance
 * and reads only the embeddings computed since (vectors already indexed are kept).
 */
export async function loadRelatedWorks(queries: ProvenanceQueries): Promise<RelatedWorks> {
  const feed = queries.embeddings;
  const [{ works, licenses }, served] = await Promise.all([
    queries.relatedFeatures(),
    feed ? feed.refresh() : Promise.resolve(false),
  ]);
  const dimensions = (served && feed?.dimensions) || EMBEDDING_DIMENSIONS;
  let related = loaded.get(queries);
  if (!related || related.dimensions !== dimensions) {
    related = new RelatedWorks(dimensions);
    loaded.set(queries, related);
  }
  related.sync(
    works.map((w) => {
      const embedding = served ? feed!.vectors.get(w.workId) : undefined;
      return embedding ? { ...w, embedding } : w;
    }),
    licenses,
  );
  return related;
}
