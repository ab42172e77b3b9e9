/** Visibility of one method's marks over the set: PSNR, SSIM, p99.9 |Δ|, smooth-area change, per-image extremes. */
import type { RawImage } from "../image.ts";
import { absDiffQuantile, psnr, SMOOTH_MIN_SHARE, smoothChange, ssim } from "../metrics.ts";
import type { MethodResult } from "./results.ts";
import { argMax, argMin, mean, r2, r3 } from "./stats.ts";

type Quality = Pick<
  MethodResult,
  | "psnr"
  | "psnrMin"
  | "psnrMinImage"
  | "ssim"
  | "ssimMin"
  | "ssimMinImage"
  | "p999AbsDiff"
  | "p999AbsDiffMax"
  | "p999AbsDiffMaxImage"
  | "smoothRms"
  | "smoothRmsMax"
  | "smoothRmsMaxImage"
  | "smoothChromaRms"
  | "smoothChromaRmsMax"
  | "smoothChromaRmsMaxImage"
>;

export function qualityResults(images: { name: string; image: RawImage }[], marked: RawImage[]): Quality {
  const ps = marked.map((mk, i) => psnr(images[i]!.image, mk));
  const ss = marked.map((mk, i) => ssim(images[i]!.image, mk));
  const qs = marked.map((mk, i) => absDiffQuantile(images[i]!.image, mk, 0.999));
  const sm = marked.map((mk, i) => smoothChange(images[i]!.image, mk));
  const smIdx = sm.flatMap((s, i) => (s.fraction >= SMOOTH_MIN_SHARE ? [i] : []));
  const smL = smIdx.map((i) => sm[i]!.lumaRms);
  const smC = smIdx.map((i) => sm[i]!.chromaRms);
  return {
    psnr: r2(mean(ps)),
    psnrMin: r2(Math.min(...ps)),
    psnrMinImage: images[argMin(ps)]!.name,
    ssim: r3(mean(ss) * 1000) / 1000,
    ssimMin: Math.round(Math.min(...ss) * 10000) / 10000,
    ssimMinImage: images[argMin(ss)]!.name,
    p999AbsDiff: r2(mean(qs)),
    p999AbsDiffMax: Math.max(...qs),
    p999AbsDiffMaxImage: images[argMax(qs)]!.name,
    smoothRms: smIdx.length ? r3(mean(smL)) : 0,
    smoothRmsMax: smIdx.length ? r3(Math.max(...smL)) : 0,
    smoothRmsMaxImage: smIdx.length ? images[smIdx[argMax(smL)]!]!.name : "",
    smoothChromaRms: smIdx.length ? r3(mean(smC)) : 0,
    smoothChromaRmsMax: smIdx.length ? r3(Math.max(...smC)) : 0,
    smoothChromaRmsMaxImage: smIdx.length ? images[smIdx[argMax(smC)]!]!.name : "",
  };
}
