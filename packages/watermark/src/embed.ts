/**
 * The embedder: a spread-spectrum luma mark on a periodic tile (README, "Method"). One concept per
 * file: options.ts (what it accepts), visibility.ts (the caps), plan.ts (analysis and the pattern
 * layout), informed.ts (host-interference rejection), render.ts (strength and rendering),
 * rounding.ts (8-bit rounding through the colour channels), remark.ts (an existing mark).
 */
import { validateImage, type RawImage } from "./image.ts";
import type { EmbedOptions } from "./options.ts";
import { planEmbed } from "./informed.ts";
import { toPayload } from "./payload.ts";
import { handleExisting } from "./remark.ts";
import { renderPlan } from "./render.ts";

export type { EmbedOptions } from "./options.ts";
export { CANONICAL_SIDE } from "./pattern.ts";
export { planEmbed } from "./informed.ts";
export { layPattern, planPlain, tileFor, type EmbedPlan } from "./plan.ts";
export { renderPlan, type RenderInfo } from "./render.ts";
export { handleExisting } from "./remark.ts";
export {
  JND_FLAT,
  JND_MAX,
  JND_TEXTURE,
  MASK_EXPONENT,
  MASK_OFFSET,
  MAX_LUMA_STEP,
  SSIM_K,
  tilePeriod,
} from "./visibility.ts";

/**
 * Embeds a 64-bit payload (bigint or 16 hex digits). Returns a new image of the same shape;
 * alpha is copied unchanged.
 */
export function embed(image: RawImage, payload: bigint | string, options: EmbedOptions = {}): RawImage {
  validateImage(image);
  const p = toPayload(payload);
  const jndScale = options.jndScale ?? 1;
  if (!(jndScale > 0 && jndScale <= 10)) throw new RangeError(`jndScale must be in (0, 10], got ${jndScale}`);
  const base = handleExisting(image, p, options);
  return renderPlan(planEmbed(base, p, options), jndScale, options.stages);
}
