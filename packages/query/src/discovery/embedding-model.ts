/**
 * Names the embedding space without loading the model: stored or served embeddings from another
 * model or cut must not be mixed with these.
 */
export const EMBEDDING_MODEL = "nsfwjs@4.4.0/MobileNetV2/flatten_1";
export const EMBEDDING_DIMENSIONS = 1280;
