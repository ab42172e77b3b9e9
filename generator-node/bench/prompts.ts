/**
 * The prompt lists of the generator's tools, in one place: the watermark's generated set
 * (`scripts/build-genset.ts`) and the bench's chain jobs (`bench/bench.ts`, a slice of that set).
 * The quality sheet's own prompts live in `bench/quality.ts` (SHEET_PROMPTS, HELD_OUT_PROMPTS).
 * `npm run bench:stack`'s burst (scripts/bench-stack/burst.ts) and the safety check's false-positive
 * run on it (`scripts/safety-fp.ts --set burst`) share `burstPrompt`: the package exports this file
 * as `@atelier/generator-node/prompts`.
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

/** The burst's prompts, worded by `burstPrompt`: job i asks for the (i mod 8)-th, numbered. */
export const BURST_PROMPTS = [
  "a stormy harbour at dusk, grainy oil painting",
  "violet dunes under a pale moon",
  "a coral reef in neon light, intricate",
  "autumn forest in fog, watercolour",
  "a glacier at sunrise, minimal",
  "golden marble swirl, detailed",
  "a spiral galaxy over a desert",
  "pink blossom mandala, symmetric",
];

/** The prompt of the burst's i-th job, numbered so that every job's prompt is its own. */
export const burstPrompt = (i: number): string => `${BURST_PROMPTS[i % BURST_PROMPTS.length]} (burst ${i})`;
