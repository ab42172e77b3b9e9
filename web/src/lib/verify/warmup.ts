/** A small textured test card: each worker runs its code on it once at start, so V8 has compiled the hot loops before a real image comes. */
import type { RawImage } from "@atelier/watermark";

export function warmupImage(side = 128): RawImage {
  const data = new Uint8ClampedArray(side * side * 4);
  let s = 12345;
  for (let i = 0; i < data.length; i += 4) {
    s = (s * 1103515245 + 12345) >>> 0;
    const v = 96 + (s >>> 25);
    data[i] = v;
    data[i + 1] = 255 - v;
    data[i + 2] = (v * 3) & 255;
    data[i + 3] = 255;
  }
  return { width: side, height: side, channels: 4, data };
}
