/** Discovery: near matches, related works, image embeddings and their background jobs, offline evaluation. */
export { NearMatchIndex, hammingDistance } from "./near-match.ts";
export {
  RelatedWorks,
  RIGHTS,
  DEFAULT_WEIGHTS,
  type WorkFeatures,
  type Suggestion,
  type RankOptions,
} from "./related.ts";
export {
  simulateMarket,
  evaluateRecommenders,
  mulberry32,
  type SimMarket,
  type MarketOptions,
} from "./simulation.ts";
export { ImageEmbedder, EMBEDDING_MODEL, EMBEDDING_DIMENSIONS, cosine } from "./embedding.ts";
export { EmbeddingJobs, EmbeddingStore, type ImageSource, type EmbeddingStatus } from "./embedding-jobs.ts";
