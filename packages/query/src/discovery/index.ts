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
export {
  EmbeddingFeed,
  EMBEDDING_HEADERS,
  EMBEDDING_PAGE,
  encodeEmbeddingRows,
  decodeEmbeddingRows,
} from "./embedding-feed.ts";
export {
  EmbeddingJobs,
  EmbeddingStore,
  ImageRejectedError,
  type ImageSource,
  type EmbeddingStatus,
} from "./embedding-jobs.ts";
