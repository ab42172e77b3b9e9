export {
  ponderDialect,
  subgraphDialect,
  QueryError,
  toTsQuery,
  type Dialect,
  type Row,
  type ListOptions,
  type ListRequest,
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
export { NearMatchIndex, hammingDistance, hashBits, type NearMatch } from "./discovery/near-match.ts";
export {
  RelatedWorks,
  RIGHTS,
  DEFAULT_WEIGHTS,
  type WorkFeatures,
  type Suggestion,
  type RankOptions,
  type Weights,
} from "./discovery/related.ts";
export {
  simulateMarket,
  evaluateRecommenders,
  mulberry32,
  type SimMarket,
  type RecScores,
  type Recommender,
} from "./discovery/simulation.ts";
import { ponderDialect, subgraphDialect } from "./dialect.ts";
import { ProvenanceQueries } from "./queries.ts";
import { NearMatchIndex } from "./discovery/near-match.ts";
import { RelatedWorks } from "./discovery/related.ts";

/** The adapter chosen by configuration: `{ kind: "ponder" | "subgraph", url }` (the GraphQL endpoint). */
export function createQueries(config: { kind: "ponder" | "subgraph"; url: string }): ProvenanceQueries {
  if (config.kind !== "ponder" && config.kind !== "subgraph") {
    throw new Error(
      `unknown index kind "${String(config.kind)}"\nHint: use "ponder" (local default) or "subgraph" (graph-node / The Graph)`,
    );
  }
  return new ProvenanceQueries(
    config.kind === "ponder" ? ponderDialect(config.url) : subgraphDialect(config.url),
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

/** Builds "more like this" from every work and licence the index holds (see DetailQueries.relatedFeatures). */
export async function loadRelatedWorks(queries: ProvenanceQueries): Promise<RelatedWorks> {
  const { works, licenses } = await queries.relatedFeatures();
  const related = new RelatedWorks(64);
  related.addWorks(works);
  for (const l of licenses) related.addLicense(l.account, l.workId);
  return related;
}
