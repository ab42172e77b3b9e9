/**
 * Removal only: find an image's mark and subtract it, without embedding anything. For a caller that
 * transforms a marked image before marking the result afresh — an upscaler strips the parent at the
 * parent's own scale (where its mark is native and one detect finds it), then upscales and marks the
 * child with `existing: "ignore"`. After the transform the old mark would sit at a scale the
 * detector's search does not cover, hidden from `existing: "replace"` but back in reach of any read
 * that scales the child down again.
 */
import { detectAligned, type Detection } from "./detect.ts";
import { MIN_SIDE, validateImage, type RawImage } from "./image.ts";
import type { EmbedOptions } from "./options.ts";
import { subtractMark } from "./remark.ts";

export interface RemovedMark {
  /** the image without its mark; the input itself when none was found */
  image: RawImage;
  /** what blind detect read before the removal, or null (nothing to remove) */
  removed: Detection | null;
}

/**
 * Detects once and subtracts the mark found (the least-squares estimate of `existing: "replace"`).
 * `options`: the mask settings the mark was embedded with, when not the defaults.
 */
export function removeMark(
  image: RawImage,
  options: Pick<EmbedOptions, "maskExponent" | "maskOffset"> = {},
): RemovedMark {
  // below the smallest side any read accepts, no mark can be found, so there is none to remove
  validateImage(image, 1);
  if (Math.min(image.width, image.height) < MIN_SIDE) return { image, removed: null };
  const found = detectAligned(image);
  if (!found) return { image, removed: null };
  return {
    image: subtractMark(image, found.detection.payload, found.alignment, options),
    removed: found.detection,
  };
}
