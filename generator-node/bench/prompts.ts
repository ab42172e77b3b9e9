/**
 * The prompt lists of the generator's tools, in one place: the watermark's generated set
 * (`scripts/build-genset.ts`) and the bench's chain jobs (`bench/bench.ts`, a slice of that set).
 * The quality sheet's own prompts live in `bench/quality.ts` (SHEET_PROMPTS, HELD_OUT_PROMPTS).
 */
export const GENSET_PROMPTS = [
  "a tide pool at dusk, mother-of-pearl and teal",
  "fog over a calm lake",
  "soft pastel sky",
  "quiet snowfield at noon",
  "northern lights over a fjord",
  "a blue ocean mandala",
  "sunset over the forest",
  "dark night swirl",
  "pastel butterfly",
  "golden kaleidoscope",
  "emerald spiral",
  "desert dunes in the wind",
  "neon city rain",
  "autumn leaves on water",
  "a red poppy field",
  "deep space nebula",
  "marble and gold",
  "a misty pine forest",
  "candy stripes",
  "storm clouds over the sea",
  "lavender hills",
  "coral reef",
  "black ink on rice paper",
  "a stained glass window",
] as const;

/** the bench's chain jobs: six prompts of the generated set (mandala … spiral) */
export const BENCH_PROMPTS = GENSET_PROMPTS.slice(5, 11);
