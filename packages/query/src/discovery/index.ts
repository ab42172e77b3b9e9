/** Discovery: near matches, related works, image embeddings and their background jobs, offline evaluation. */
export * from "./light.ts";
export { ImageEmbedder, cosine } from "./embedding.ts";
export {
  EmbeddingJobs,
  EmbeddingStore,
  ImageRejectedError,
  type ImageSource,
  type EmbeddingStatus,
} from "./embedding-jobs.ts";
