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
] as const;

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
