/** The methods the benchmark compares: Atelier's watermark and the invisible-watermark baselines. */
import { embedVerified, type EmbedVerdict } from "../verify.ts";
import { detect, type DetectDiagnostics } from "../detect.ts";
import type { RawImage } from "../image.ts";
import { baselineDecode, baselineEmbed } from "../baselines/invisible.ts";

export interface Method {
  name: string;
  embed: (im: RawImage, payload: bigint) => { image: RawImage; verdict?: EmbedVerdict };
  /** decoded payload (or null for "not found") and the raw 64 bits for bit accuracy */
  decode: (im: RawImage) => { found: bigint | null; raw: bigint | null };
  hasDecision: boolean;
}

export const METHODS: Method[] = [
  {
    name: "atelier",
    embed: (im, p) => {
      const r = embedVerified(im, p);
      return { image: r.image, verdict: r.verdict };
    },
    decode: (im) => {
      const diag = {} as DetectDiagnostics;
      const d = detect(im, diag);
      return { found: d ? d.payload : null, raw: d ? d.payload : (diag.rawPayload ?? null) };
    },
    hasDecision: true,
  },
  {
    name: "dwtDct",
    embed: (im, p) => ({ image: baselineEmbed(im, p, "dwtDct") }),
    decode: (im) => {
      const p = baselineDecode(im, "dwtDct");
      return { found: p, raw: p };
    },
    hasDecision: false,
  },
  {
    name: "dwtDctSvd",
    embed: (im, p) => ({ image: baselineEmbed(im, p, "dwtDctSvd") }),
    decode: (im) => {
      const p = baselineDecode(im, "dwtDctSvd");
      return { found: p, raw: p };
    },
    hasDecision: false,
  },
];
