/** Image helpers shared by the tests and the benches. */
import { referenceAttack } from "@atelier/watermark";
import type { RawImage } from "../../src/model/runtime.ts";

/** The top-left side² of an RGB image (a real parent of a chosen size cut from a generated work). */
export function cropTopLeft(im: RawImage, side: number): RawImage {
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++)
    data.set(im.data.subarray(y * im.width * 3, y * im.width * 3 + side * 3), y * side * 3);
  return { width: side, height: side, channels: 3, data };
}

/** The watermark's reference attack (0.5× + JPEG q75) as the node's image type: a grey image (detect reads luma). */
export function attacked(im: RawImage): RawImage {
  const a = referenceAttack(im);
  return {
    width: a.width,
    height: a.height,
    channels: a.channels,
    data: new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength),
  };
}
