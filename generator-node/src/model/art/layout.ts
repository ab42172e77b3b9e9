/**
 * The latent vector of the art model v2: which slots are phases (set by the seed) and which are
 * style controls (set by the prompt's lexicon). Shared by the graph builder and the conditioning.
 */
export const SCALARS = [
  "warp1",
  "warp2",
  "detail",
  "siren",
  "tScale",
  "tOffset",
  "focusX",
  "focusY",
  "glowK",
  "focusT",
  "lineFreq",
  "lines",
  "creaseK",
  "crease",
  "orbR",
  "orbT",
  "orb",
  "glow",
  "horizon",
  "skyT",
  "skySpan",
  "clouds",
  "hills",
  "groundT",
  "haze",
  "land",
  "grain",
  "vignette",
  "exposure",
  "terrace",
  "relief",
  "lightX",
  "lightY",
  "orbTex",
  "orbShade",
  "water",
  // motif layers over the image's sites (motifs.ts): cells, rings, discs, a city skyline
  "cells",
  "lead",
  "cellTex",
  "cellWarp",
  "cellFold",
  "siteSharp",
  "rings",
  "ringFreq",
  "discs",
  "discSharp",
  "city",
  "cityTop",
  "windows",
  "windowFx",
  "windowFy",
] as const;

/** sites of the motif layers per image (the `sites` input is [batch, SITE_ROWS, SITES]) */
export const SITES = 20;
/** rows of the `sites` input: −2x·β, −2y·β, (x² + y² − r²)·β, colour index (or height), r², 1 */
export const SITE_ROWS = 6;

export type ScalarName = (typeof SCALARS)[number];

const sizes = { warp1: 8, warp2: 8, field: 24, ridge: 10, scalars: SCALARS.length } as const;

function groups(): Record<keyof typeof sizes, { offset: number; size: number }> {
  let offset = 0;
  const out = {} as Record<keyof typeof sizes, { offset: number; size: number }>;
  for (const [k, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    out[k] = { offset, size };
    offset += size;
  }
  return out;
}

export const LATENT_GROUPS = groups();
export const ART_LATENT_DIM = Object.values(sizes).reduce((a, b) => a + b, 0);
/** the slots the seed sets (phases); the rest are style */
export const PHASE_GROUPS = ["warp1", "warp2", "field", "ridge"] as const;
