/**
 * The part of discovery that loads no TensorFlow.js: near matches, related works, the embedding feed's
 * wire format and the offline market simulation. Both entries export it from here — the main one
 * (`@atelier/query`, which must stay light for the dApp server) and `@atelier/query/discovery`, which
 * adds the image embedder and its background jobs.
 */
export { NearMatchIndex, hammingDistance, hashBits, type NearMatch } from "./near-match.ts";
export {
  RelatedWorks,
  RIGHTS,
  DEFAULT_WEIGHTS,
  type WorkFeatures,
  type Suggestion,
  type RankOptions,
  type Weights,
} from "./related.ts";
export {
  EmbeddingFeed,
  EMBEDDING_HEADERS,
  EMBEDDING_PAGE,
  encodeEmbeddingRows,
  decodeEmbeddingRows,
} from "./embedding-feed.ts";
export { EMBEDDING_MODEL, EMBEDDING_DIMENSIONS } from "./embedding-model.ts";
export {
  simulateMarket,
  evaluateRecommenders,
  mulberry32,
  type MarketOptions,
  type SimMarket,
  type RecScores,
  type Recommender,
} from "./simulation.ts";
