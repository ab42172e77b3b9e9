export { embed, type EmbedOptions } from "./embed.ts";
export {
  embedVerified,
  referenceAttack,
  STRENGTH_STEPS,
  type VerifiedEmbed,
  type EmbedVerdict,
} from "./verify.ts";
export { detect, type Detection, type DetectDiagnostics } from "./detect.ts";
export { removeMark, type RemovedMark } from "./strip.ts";
export {
  encodePayload,
  decodePayload,
  payloadToHex,
  payloadFromHex,
  PAYLOAD_VERSION,
  MAX_WATERMARK_ID,
  type PayloadFields,
} from "./payload.ts";
export { perceptualHash, hammingDistance } from "./phash.ts";
export { psnr, ssim, absDiffQuantile, smoothChange, type SmoothChange } from "./metrics.ts";
export {
  validateImage,
  WatermarkInputError,
  MAX_SIDE,
  MAX_PIXELS,
  MIN_SIDE,
  type RawImage,
} from "./image.ts";
export type { RawImage as Image } from "./image.ts";
export { tilePeriod, CANONICAL_SIDE } from "./embed.ts";
export { MAX_DECODES } from "./detect.ts";
