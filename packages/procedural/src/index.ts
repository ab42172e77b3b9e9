/**
 * `@atelier/procedural`: seeded randomness shared by everything Atelier makes procedurally — the seed's
 * scene textures, the art model's fixed weights (its ONNX bytes and weights hash hang on this stream), and
 * the simulated markets the recommenders are judged on. Not cryptographic.
 */
export { mulberry32 } from "./mulberry32.ts";
