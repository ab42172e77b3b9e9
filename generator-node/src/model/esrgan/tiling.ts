/**
 * Tiled super-resolution: the input is cut into tiles of `tile` px, each with `overlap` px of
 * context on every side (clamped at the image border), run through the model one at a time, and
 * the context is cropped from each output. Memory is bounded by one tile's activations whatever the
 * image size; with overlap ≥ the network's receptive radius (≈ 10 px for ESRGAN-slim ×4) the result
 * equals the untiled one up to float rounding.
 */
import type { RawImage } from "../runtime.ts";

/** Runs the model on one NCHW float tile (0–255) of h×w; returns NCHW floats of (h·s)×(w·s). */
export type TileRunner = (nchw: Float32Array, h: number, w: number) => Promise<Float32Array>;

export interface TileOptions {
  scale: number;
  /** tile side in input pixels (0: the whole image in one run) */
  tile: number;
  /** context on each side, input pixels */
  overlap: number;
}

export async function upscaleTiled(img: RawImage, run: TileRunner, opts: TileOptions): Promise<RawImage> {
  const { width: W, height: H, channels: C } = img;
  const s = opts.scale;
  const tile = opts.tile > 0 ? opts.tile : Math.max(W, H);
  const OW = W * s;
  const OH = H * s;
  const out = new Uint8Array(OW * OH * 3);
  for (let ty = 0; ty < H; ty += tile) {
    for (let tx = 0; tx < W; tx += tile) {
      const th = Math.min(tile, H - ty);
      const tw = Math.min(tile, W - tx);
      // the tile plus its context, clamped to the image
      const y0 = Math.max(0, ty - opts.overlap);
      const x0 = Math.max(0, tx - opts.overlap);
      const y1 = Math.min(H, ty + th + opts.overlap);
      const x1 = Math.min(W, tx + tw + opts.overlap);
      const h = y1 - y0;
      const w = x1 - x0;
      const nchw = new Float32Array(3 * h * w);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const src = ((y0 + y) * W + (x0 + x)) * C;
          for (let c = 0; c < 3; c++) nchw[c * h * w + y * w + x] = img.data[src + Math.min(c, C - 1)]!;
        }
      const res = await run(nchw, h, w);
      const rh = h * s;
      const rw = w * s;
      if (res.length !== 3 * rh * rw)
        throw new Error(`upscale tile: model returned ${res.length} values, expected 3×${rh}×${rw}`);
      // copy the tile's own region (without context) into the output, rounded and clamped
      const oy = (ty - y0) * s;
      const ox = (tx - x0) * s;
      for (let y = 0; y < th * s; y++)
        for (let x = 0; x < tw * s; x++) {
          const dst = ((ty * s + y) * OW + (tx * s + x)) * 3;
          for (let c = 0; c < 3; c++) {
            const v = Math.round(res[c * rh * rw + (oy + y) * rw + (ox + x)]!);
            out[dst + c] = v < 0 ? 0 : v > 255 ? 255 : v;
          }
        }
    }
  }
  return { width: OW, height: OH, channels: 3, data: out };
}
