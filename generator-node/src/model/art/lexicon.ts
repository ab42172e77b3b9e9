/**
 * The prompt lexicon of the art model v2: words that steer palette, mood, light, composition, motif
 * and texture. Every entry is data (exported for the dApp's request form through `lexiconData()`);
 * words not in the lexicon still count, through the hash fallback in `condition.ts`.
 */
import type { ScalarName } from "./layout.ts";

/** A cosine palette colour(t) = a + b·cos(2π(c·t + d)), per RGB channel. */
export interface CosinePalette {
  a: [number, number, number];
  b: [number, number, number];
  c: [number, number, number];
  d: [number, number, number];
}

export type Category = "palette" | "mood" | "light" | "composition" | "motif" | "texture";
export type Composition =
  | "field"
  | "land"
  | "radial"
  | "mirror"
  | "spiral"
  | "centered"
  | "glass"
  | "tiles"
  | "stripes"
  | "rings"
  | "discs"
  | "city";

/** What one word does: a palette, a composition, and style controls (set or scaled). */
export interface LexiconEntry {
  category: Category;
  words: string[];
  hint: string;
  palette?: CosinePalette;
  composition?: Composition;
  /** style controls set to a value range [min, max] (the seed picks inside it) */
  set?: Partial<Record<ScalarName, [number, number]>>;
  /** style controls multiplied after everything was set */
  scale?: Partial<Record<ScalarName, number>>;
}

/**
 * The cosine palette (c = 1) that passes exactly through three colours at t = 0, 1/3, 2/3:
 * per channel a = mean, b·e^{i2πd} = the first DFT coefficient of the three samples.
 */
export function paletteThrough(...hex: [string, string, string]): CosinePalette {
  const rgb = hex.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255));
  const a: number[] = [];
  const b: number[] = [];
  const d: number[] = [];
  for (let ch = 0; ch < 3; ch++) {
    const v = rgb.map((c) => c[ch]!);
    let re = 0;
    let im = 0;
    v.forEach((x, k) => {
      re += (x * Math.cos((2 * Math.PI * k) / 3) * 2) / 3;
      im += (x * Math.sin((2 * Math.PI * k) / 3) * 2) / 3;
    });
    a.push((v[0]! + v[1]! + v[2]!) / 3);
    b.push(Math.hypot(re, im));
    // v(t) = a + b·cos(2π(t + d)) with cos(2πt)·re + sin(2πt)·im = b·cos(2πt − φ): d = −φ/2π
    d.push(-Math.atan2(im, re) / (2 * Math.PI));
  }
  return { a: a as Triple, b: b as Triple, c: [1, 1, 1], d: d as Triple };
}
type Triple = [number, number, number];
const pal = paletteThrough;

export const LEXICON: LexiconEntry[] = [
  // ---- palettes
  {
    category: "palette",
    words: ["sunset", "dusk", "sunrise", "dawn", "warm"],
    hint: "coral, orange and magenta",
    palette: pal("#241a5c", "#e0487a", "#ffc45a"),
  },
  {
    category: "palette",
    words: ["fire", "flame", "lava", "volcano", "volcanic", "ember", "red", "crimson"],
    hint: "black-red to yellow heat",
    palette: pal("#1a0402", "#d0300a", "#ffd040"),
  },
  {
    category: "palette",
    words: ["ice", "frozen", "frost", "glacier", "winter", "snow", "arctic", "cold"],
    hint: "white, pale cyan and deep blue",
    palette: pal("#0b2a4a", "#4fc3e8", "#e8f6ff"),
  },
  {
    category: "palette",
    words: ["ocean", "sea", "water", "lake", "blue", "azure", "marine"],
    hint: "teal, ultramarine and foam",
    palette: pal("#06263f", "#1b7f9c", "#9fe3d8"),
  },
  {
    category: "palette",
    words: ["forest", "jungle", "moss", "green", "emerald", "leaf", "spring"],
    hint: "moss, emerald and sunlit lime",
    palette: pal("#0f2a1a", "#2f7a3a", "#c9e07a"),
  },
  {
    category: "palette",
    words: ["desert", "sand", "dune", "dunes", "ochre", "earth", "terracotta"],
    hint: "sand, ochre and burnt sienna",
    palette: pal("#4a2412", "#c8743a", "#f3d49a"),
  },
  {
    category: "palette",
    words: ["autumn", "fall", "copper", "rust", "orange", "amber"],
    hint: "rust, amber and olive",
    palette: pal("#3a1408", "#b5471b", "#e6b13a"),
  },
  {
    category: "palette",
    words: ["gold", "golden", "yellow", "honey", "brass"],
    hint: "gold leaf on deep brown",
    palette: pal("#2a1a06", "#9a6a1c", "#f6d67a"),
  },
  {
    category: "palette",
    words: ["neon", "cyberpunk", "synthwave", "vaporwave", "electric"],
    hint: "hot magenta and cyan on violet-black",
    palette: pal("#12002a", "#ff2fa0", "#20e8ff"),
    set: { exposure: [0.95, 1.1], lines: [0.0, 0.3], crease: [0.25, 0.5] },
  },
  {
    category: "palette",
    words: ["purple", "violet", "lavender", "amethyst", "indigo", "twilight"],
    hint: "lavender, violet and indigo",
    palette: pal("#1a0e3a", "#7a4ad0", "#e0b0f0"),
  },
  {
    category: "palette",
    words: ["pink", "rose", "blossom", "sakura", "peach", "candy"],
    hint: "rose, peach and cream",
    palette: pal("#4a1a3a", "#e86a9a", "#ffd8c8"),
  },
  {
    category: "palette",
    words: ["aurora", "northern", "borealis", "iridescent", "rainbow", "prism", "holographic"],
    hint: "full-spectrum shimmer",
    palette: pal("#041a2a", "#20d890", "#b050e0"),
  },
  {
    category: "palette",
    words: ["noir", "monochrome", "black", "white", "grey", "gray", "charcoal", "ink"],
    hint: "black, greys and paper white",
    palette: pal("#0a0a0a", "#6a6a6a", "#f0f0ea"),
  },
  {
    category: "palette",
    words: ["vintage", "sepia", "old", "antique", "retro", "faded"],
    hint: "sepia, faded teal and cream",
    palette: pal("#3a2a1e", "#5a8a84", "#ecdcb8"),
  },
  {
    category: "palette",
    words: ["pastel", "candyfloss", "pale"],
    hint: "soft pastels",
    palette: pal("#a8c8f0", "#f0b8d0", "#f8f0c0"),
  },
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
    palette: pal("#070b1e", "#3a5480", "#dfe8f4"),
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
    hint: "a low horizon over flat water layers",
    composition: "land",
    set: { hills: [0.0, 0.03], horizon: [0.52, 0.62], water: [0.75, 0.9] },
  },
  {
    category: "composition",
    words: ["desert", "dune", "dunes"],
    hint: "rolling dunes under a wide sky",
    composition: "land",
    set: { hills: [0.1, 0.2], horizon: [0.42, 0.52] },
  },
  {
    category: "composition",
    words: ["mandala", "kaleidoscope", "radial", "flower", "rosette", "snowflake"],
    hint: "radial symmetry around the centre",
    composition: "radial",
  },
  {
    category: "composition",
    words: ["mirror", "symmetric", "symmetrical", "butterfly", "reflection"],
    hint: "left–right mirror symmetry",
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
    words: ["portrait", "centered", "centred", "planet", "orb", "sphere", "eye", "face", "figure"],
    hint: "one centred subject (an orb) with a halo",
    composition: "centered",
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
