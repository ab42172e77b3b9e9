/**
 * The prompt lexicon of the art model v2: words that steer palette, mood, light, composition, motif
 * and texture. Every entry is data (exported for the dApp's request form through `lexiconData()`);
 * words not in the lexicon still count, through the hash fallback in `condition.ts`.
 */
import { paletteThrough as pal, type CosinePalette } from "./cosine-palette.ts";
import type { ScalarName } from "./layout.ts";
import { PALETTE_ENTRIES } from "./lexicon-palettes.ts";

export { paletteThrough, type CosinePalette } from "./cosine-palette.ts";

export type Category = "palette" | "mood" | "light" | "composition" | "motif" | "texture";
export type Composition =
  | "field"
  | "land"
  | "radial"
  | "mirror"
  | "spiral"
  | "centered"
  | "portrait"
  | "glass"
  | "tiles"
  | "stripes"
  | "rings"
  | "discs"
  | "city"
  | "tower";

/** What one word does: a palette, a composition, and style controls (set or scaled). */
export interface LexiconEntry {
  category: Category;
  words: string[];
  hint: string;
  palette?: CosinePalette;
  /** a place's palette (sea, desert): any other palette word in the prompt wins over it */
  placePalette?: boolean;
  composition?: Composition;
  /** style controls set to a value range [min, max] (the seed picks inside it) */
  set?: Partial<Record<ScalarName, [number, number]>>;
  /** style controls multiplied after everything was set */
  scale?: Partial<Record<ScalarName, number>>;
}

export const LEXICON: LexiconEntry[] = [
  ...PALETTE_ENTRIES,
  // ---- mood
  {
    category: "mood",
    words: ["calm", "serene", "peaceful", "quiet", "still", "tranquil", "zen"],
    hint: "gentle warps, little detail, no ink",
    set: { warp1: [0.15, 0.3], warp2: [0.02, 0.06], lines: [0, 0.1] },
    scale: { detail: 0.5, crease: 0.5 },
  },
  {
    category: "mood",
    words: ["dramatic", "stormy", "storm", "chaos", "chaotic", "turbulent", "wild", "epic"],
    hint: "strong warps, sharp creases, deep vignette",
    set: { warp1: [0.6, 0.9], warp2: [0.14, 0.24], vignette: [0.18, 0.3] },
    scale: { detail: 1.6, crease: 1.5 },
  },
  {
    category: "mood",
    words: ["dreamy", "dream", "ethereal", "magical", "mystic", "mystical", "fairy"],
    hint: "soft glow, light creases",
    set: { glow: [0.25, 0.4], glowK: [1.5, 3] },
    scale: { lines: 0.5, grain: 0.5 },
  },
  {
    category: "mood",
    words: ["dark", "night", "midnight", "gothic", "shadow", "moody", "deep"],
    hint: "low key: darker ground, light only at the focus",
    set: { exposure: [0.55, 0.7], vignette: [0.25, 0.4], glow: [0.15, 0.3] },
  },
  {
    category: "mood",
    words: ["bright", "joyful", "happy", "sunny", "cheerful", "vivid", "summer"],
    hint: "high key, saturated",
    set: { exposure: [1.05, 1.15], vignette: [0, 0.06] },
  },
  // ---- light
  {
    category: "light",
    words: ["glow", "glowing", "luminous", "radiant", "light", "lights", "shining"],
    hint: "a light source at the focal point",
    set: { glow: [0.3, 0.45], glowK: [2, 5] },
  },
  {
    category: "light",
    words: ["moon", "moonlight", "moonlit", "lunar"],
    hint: "a pale disc, cool silver-blue light",
    palette: pal("#060c24", "#2e5aa8", "#dce8f8"),
    composition: "land",
    set: {
      orb: [0.9, 1],
      orbR: [0.07, 0.11],
      orbShade: [0.5, 0.7],
      orbTex: [0.25, 0.4],
      glow: [0.12, 0.2],
      exposure: [0.7, 0.85],
    },
  },
  {
    category: "light",
    words: ["sun", "sunlit", "sunshine"],
    hint: "a sun disc over the scene",
    set: { orb: [0.9, 1], orbR: [0.1, 0.17], glow: [0.25, 0.4] },
  },
  // ---- composition
  {
    category: "composition",
    words: ["landscape", "horizon", "mountain", "mountains", "valley", "hills", "canyon", "scenery", "vista"],
    hint: "sky, horizon and layered ridges",
    composition: "land",
    set: { hills: [0.3, 0.55] },
  },
  {
    category: "composition",
    words: ["sea", "ocean", "lake", "beach", "coast", "shore", "bay", "harbour", "harbor"],
    hint: "a horizon over flat water layers",
    composition: "land",
    set: { hills: [0.0, 0.03], horizon: [0.42, 0.7], water: [0.75, 0.9] },
  },
  {
    category: "composition",
    words: ["desert", "dune", "dunes"],
    hint: "rolling dunes under a wide sky",
    composition: "land",
    set: { hills: [0.1, 0.2], horizon: [0.38, 0.6] },
  },
  {
    category: "composition",
    words: ["mandala", "kaleidoscope", "radial", "flower", "rosette", "snowflake"],
    hint: "radial symmetry around a centre on a third of the frame",
    composition: "radial",
  },
  {
    category: "composition",
    words: ["mirror", "symmetric", "symmetrical", "butterfly", "reflection"],
    hint: "mirror symmetry about a line off the middle, slightly tilted",
    composition: "mirror",
  },
  {
    category: "composition",
    words: ["spiral", "vortex", "swirl", "whirlpool", "galaxy", "cosmic", "nebula"],
    hint: "a spiral around the focus",
    composition: "spiral",
  },
  {
    category: "composition",
    words: ["centered", "centred", "planet", "orb", "sphere", "eye"],
    hint: "one subject (an orb) with a halo, near a third of the frame",
    composition: "centered",
  },
  {
    category: "composition",
    words: ["portrait", "face", "figure", "bust", "head", "person", "man", "woman", "fisherman", "sailor"],
    hint: "a lit head-and-shoulders figure against a dark, quiet ground (chiaroscuro)",
    composition: "portrait",
    scale: { detail: 0.55, tScale: 0.55, crease: 0.5, lines: 0.4, siren: 0.7 },
  },
  {
    category: "composition",
    words: ["clouds", "cloud", "cloudy", "sky", "skies", "cloudscape", "heaven"],
    hint: "a wide sky of clouds over a low horizon",
    composition: "land",
    set: { horizon: [0.74, 0.86], clouds: [0.5, 0.7], hills: [0.04, 0.12] },
  },
  {
    category: "composition",
    words: [
      "stained",
      "glass",
      "mosaic",
      "cathedral",
      "window",
      "windows",
      "voronoi",
      "shards",
      "jewel",
      "crystal",
      "gem",
    ],
    hint: "flat-coloured cells with dark lead lines (a rose window now and then)",
    composition: "glass",
  },
  {
    category: "composition",
    words: [
      "tiles",
      "tiled",
      "tiling",
      "tile",
      "grid",
      "checker",
      "checkerboard",
      "hexagon",
      "hexagonal",
      "honeycomb",
      "quilt",
      "circuit",
      "maze",
      "labyrinth",
    ],
    hint: "square or hexagonal tiles with grout lines",
    composition: "tiles",
  },
  {
    category: "composition",
    words: ["stripes", "striped", "stripe", "bands", "bauhaus", "flag", "barcode", "minimal", "minimalist"],
    hint: "parallel bands of colour, straight or tilted",
    composition: "stripes",
  },
  {
    category: "composition",
    words: [
      "rings",
      "ring",
      "concentric",
      "target",
      "topographic",
      "contour",
      "contours",
      "map",
      "tree",
      "wood",
    ],
    hint: "concentric bands and contour lines around one to four centres",
    composition: "rings",
  },
  {
    category: "composition",
    words: [
      "bubbles",
      "bubble",
      "dots",
      "dotted",
      "polka",
      "confetti",
      "planets",
      "moons",
      "lanterns",
      "lemons",
      "fruit",
      "balloons",
    ],
    hint: "scattered shaded spheres over a quiet ground",
    composition: "discs",
  },
  {
    category: "composition",
    words: [
      "city",
      "skyline",
      "street",
      "town",
      "downtown",
      "tokyo",
      "metropolis",
      "buildings",
      "skyscrapers",
      "urban",
    ],
    hint: "a skyline of buildings with lit windows against the sky",
    composition: "city",
  },
  {
    category: "composition",
    words: ["lighthouse", "lighthouses", "beacon"],
    hint: "a tall tower with a light at its top, on a headland over the sea",
    composition: "tower",
    set: { hills: [0.0, 0.03], water: [0.75, 0.9] },
  },
  {
    category: "composition",
    words: ["tower", "towers", "spire", "steeple", "minaret", "obelisk", "castle", "keep", "belfry"],
    hint: "one tall tower on a low rise against the sky, a light at its top",
    composition: "tower",
  },
  {
    category: "composition",
    words: ["boat", "ship", "sail", "sailboat", "yacht", "ferry", "pier", "river", "waterfront"],
    hint: "a horizon over water (the scene these ask for; no hull or sail is drawn)",
    composition: "land",
    set: { hills: [0.0, 0.03], horizon: [0.42, 0.7], water: [0.75, 0.9] },
  },
  {
    category: "composition",
    words: ["minimal", "minimalist", "simple", "clean", "sparse"],
    hint: "large quiet areas, one accent",
    set: { warp2: [0.01, 0.03], lines: [0, 0], grain: [0, 0.03], tScale: [0.35, 0.5] },
    scale: { detail: 0.2, siren: 0.4, crease: 0.3 },
  },
  {
    category: "composition",
    words: ["abstract", "texture", "fractal"],
    hint: "an all-over field",
    composition: "field",
  },
  // ---- motif
  {
    category: "motif",
    words: ["marble", "agate", "fluid", "liquid", "flow", "ink-in-water", "smoke"],
    hint: "strong domain warp, banded veins",
    set: { warp1: [0.7, 1.0], warp2: [0.16, 0.24], lines: [0.25, 0.45], lineFreq: [5, 9] },
  },
  {
    category: "motif",
    words: ["topographic", "contour", "contours", "map", "strata", "waves", "wave", "ripples"],
    hint: "dense contour lines",
    set: { lines: [0.55, 0.8], lineFreq: [10, 16] },
  },
  {
    category: "motif",
    words: ["crystal", "glass", "geometric", "shard", "shards", "faceted", "circuit", "city"],
    hint: "sharp bright creases",
    set: { crease: [0.45, 0.7], creaseK: [14, 24] },
  },
  {
    category: "motif",
    words: ["organic", "cells", "coral", "petals", "bloom", "garden", "leaves", "cat", "bird", "animal"],
    hint: "rounded, layered organic shapes",
    set: { siren: [0.9, 1.4], warp1: [0.4, 0.6] },
  },
  // ---- texture
  {
    category: "texture",
    words: ["watercolour", "watercolor", "wash", "aquarelle", "soft"],
    hint: "soft washes, paper grain, no hard lines",
    set: { lines: [0, 0.08], crease: [0, 0.08], grain: [0.1, 0.16] },
    scale: { detail: 0.6, exposure: 1.05 },
  },
  {
    category: "texture",
    words: ["oil", "painting", "painterly", "impasto", "canvas", "brush", "brushstrokes"],
    hint: "rich detail, heavy grain like canvas",
    set: { grain: [0.22, 0.32], detail: [1.0, 1.4] },
  },
  {
    category: "texture",
    words: ["etching", "engraving", "lineart", "drawing", "sketch", "pen"],
    hint: "ink lines on level sets",
    set: { lines: [0.7, 0.9], lineFreq: [12, 20] },
  },
  {
    category: "texture",
    words: ["detailed", "intricate", "ornate", "complex", "filigree"],
    hint: "more fine detail",
    scale: { detail: 1.8, lineFreq: 1.3 },
  },
  {
    category: "texture",
    words: ["smooth", "silky", "gradient", "blurred"],
    hint: "smooth surfaces",
    set: { grain: [0, 0.02] },
    scale: { detail: 0.3, crease: 0.4 },
  },
  {
    category: "texture",
    words: ["grainy", "film", "noise", "gritty", "rough", "stone"],
    hint: "film grain",
    set: { grain: [0.3, 0.4] },
  },
];

/** word → entries (a word may be in several categories, e.g. "sea": palette + composition) */
export const LEXICON_INDEX: ReadonlyMap<string, LexiconEntry[]> = (() => {
  const m = new Map<string, LexiconEntry[]>();
  for (const e of LEXICON) for (const w of e.words) m.set(w, [...(m.get(w) ?? []), e]);
  return m;
})();

/** The lexicon as plain JSON data for the dApp (category → [{ words, hint }]). */
export function lexiconData(): {
  model: string;
  categories: Record<Category, { words: string[]; hint: string }[]>;
  fallback: string;
} {
  const categories = {
    palette: [],
    mood: [],
    light: [],
    composition: [],
    motif: [],
    texture: [],
  } as Record<Category, { words: string[]; hint: string }[]>;
  for (const e of LEXICON) categories[e.category].push({ words: e.words, hint: e.hint });
  return {
    model: "atelier-art-v2",
    categories,
    fallback:
      "Words not listed still change the picture: the whole prompt is hashed to pick a palette, composition and style, so two different prompts look different.",
  };
}
