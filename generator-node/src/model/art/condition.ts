/**
 * Conditioning of the art model v2: the prompt (through the lexicon, then a hash of the whole
 * prompt for everything the lexicon leaves open) sets palette, composition and style; the job's
 * seed sets the phases of the frequency banks and moves the composition (compositions.ts: focal
 * point, horizon, where the sites go and how many), so the same prompt with a new seed is another
 * picture of the same kind and palette. All of it comes from SHA-256 streams: the same
 * (prompt, seed) gives the same inputs on every machine.
 */
import { hashStream, normalizePrompt } from "../conditioning.ts";
import { applyComposition, LANDSCAPES, type FieldTransform } from "./compositions.ts";
import type { Orientation } from "./grids.ts";
import { ART_LATENT_DIM, LATENT_GROUPS, PHASE_GROUPS, SCALARS, type ScalarName } from "./layout.ts";
import { LEXICON_INDEX, type Composition, type LexiconEntry } from "./lexicon.ts";
import { hashPalette } from "./palettes.ts";
import type { Site } from "./sites.ts";

/**
 * What a (prompt, seed) renders is decided here in TypeScript, outside the ONNX graph, so the
 * model's weights hash does not pin it. Works record this in `provenance.conditioning`: bump the
 * number with any change to the lexicon, compositions or this file that changes the inputs a
 * (prompt, seed) gets, so a variation of an older work can be told apart from a faithful one.
 */
export const ART_CONDITIONING_VERSION = "atelier-art-v2/conditioning-9";

export interface ArtConditioning {
  /** latent [Z]: phases then style scalars (layout.ts) */
  latent: Float32Array;
  /** cosine palette rows a, b, c, d (4 × RGB) */
  palette: Float32Array;
  /** the motif layers' sites, laid out for a square frame (feeds.ts stretches them to the image's) */
  sites: Site[];
  composition: Composition;
  /** field-space transform */
  transform: FieldTransform;
  /** how the composition lies on the frame (grids.ts `Orientation`: mirrored, flipped, transposed) */
  orientation: Orientation;
  style: Record<ScalarName, number>;
  /** lexicon words found in the prompt, by category (for metadata and tests) */
  matched: string[];
}

const DEFAULTS: Record<ScalarName, [number, number]> = {
  warp1: [0.3, 0.7],
  warp2: [0.05, 0.16],
  detail: [0.4, 1.0],
  siren: [0.3, 1.0],
  tScale: [0.45, 0.8],
  tOffset: [0, 1],
  focusX: [-0.35, 0.35],
  focusY: [-0.35, 0.15],
  glowK: [2, 6],
  focusT: [-0.3, 0.3],
  lineFreq: [3, 8],
  lines: [0, 0.25],
  creaseK: [6, 14],
  crease: [0.05, 0.3],
  orbR: [0.14, 0.26],
  orbT: [0, 1],
  orb: [0, 0],
  glow: [0.04, 0.16],
  horizon: [0.3, 0.72],
  skyT: [0, 1],
  skySpan: [0.2, 0.45],
  clouds: [0.12, 0.3],
  hills: [0.15, 0.4],
  groundT: [0, 1],
  haze: [0.25, 0.6],
  land: [0, 0],
  grain: [0.02, 0.06],
  vignette: [0.04, 0.16],
  exposure: [0.92, 1.04],
  terrace: [0, 0.7],
  orbTex: [0.3, 0.7],
  orbShade: [0.7, 1],
  water: [0, 0],
  relief: [0.03, 0.1],
  lightX: [-1, 1],
  lightY: [-1, 0],
  cells: [0, 0],
  lead: [0, 0],
  cellTex: [0, 0],
  cellWarp: [0, 0],
  cellFold: [0, 0],
  siteSharp: [80, 80],
  rings: [0, 0],
  ringFreq: [3, 3],
  discs: [0, 0],
  discSharp: [1500, 1500],
  city: [0, 0],
  cityTop: [0, 0],
  windows: [0, 0],
  windowFx: [180, 180],
  windowFy: [150, 150],
};

/** how often the hash picks each composition for a prompt without a composition word */
const COMPOSITIONS: [Composition, number][] = [
  ["field", 0.16],
  ["land", 0.14],
  ["radial", 0.09],
  ["centered", 0.08],
  ["spiral", 0.07],
  ["mirror", 0.05],
  ["glass", 0.09],
  ["tiles", 0.07],
  ["stripes", 0.06],
  ["rings", 0.09],
  ["discs", 0.06],
  ["city", 0.04],
];

/** tiles these words ask for are hexagonal */
const HEX_WORDS = new Set(["hexagon", "hexagons", "hexagonal", "honeycomb"]);

function pickWeighted<T>(items: [T, number][], u: number): T {
  let acc = 0;
  for (const [item, w] of items) {
    acc += w;
    if (u < acc) return item;
  }
  return items[items.length - 1]![0];
}

export function lexiconMatches(normalized: string): { word: string; entries: LexiconEntry[] }[] {
  const out: { word: string; entries: LexiconEntry[] }[] = [];
  for (const word of normalized.split(/[^\p{L}\p{N}-]+/u)) {
    const entries = LEXICON_INDEX.get(word) ?? LEXICON_INDEX.get(word.replace(/s$/, ""));
    if (entries) out.push({ word, entries });
  }
  return out;
}

export function artConditionFor(prompt: string, seed: string): ArtConditioning {
  const normalized = normalizePrompt(prompt);
  const pr = hashStream(`atelier/art-v2/prompt/${normalized}`);
  const sr = hashStream(`atelier/art-v2/seed/${seed.toLowerCase()}`);
  // the layout's stream depends on both: a seed moves the layout, and two prompts at one seed do not
  // share it (a seed-only stream put every landscape's horizon at one height for that seed)
  const lr = hashStream(`atelier/art-v2/layout/${seed.toLowerCase()}/${normalized}`);
  const matches = lexiconMatches(normalized);
  const entries = matches.flatMap((m) => m.entries);

  const style = {} as Record<ScalarName, number>;
  for (const name of SCALARS) {
    const [lo, hi] = DEFAULTS[name];
    style[name] = lo + pr() * (hi - lo);
  }
  let composition = pickWeighted(COMPOSITIONS, pr());
  if (pr() < 0.3) style.orb = 1; // a focal orb now and then, even without a word for it
  let palette = hashPalette(pr);
  // the first palette word wins; a place's palette (sea, desert) only when no other word names one
  const named = entries.find((e) => e.palette && !e.placePalette) ?? entries.find((e) => e.palette);
  if (named?.palette) palette = named.palette;
  const composed = entries.findLast((e) => e.composition); // the last composition word wins
  if (composed?.composition) composition = composed.composition;

  // the seed's phases first: the composition below draws from the same stream after them
  const latent = new Float32Array(ART_LATENT_DIM);
  for (const gname of PHASE_GROUPS) {
    const { offset, size } = LATENT_GROUPS[gname];
    for (let j = 0; j < size; j++) latent[offset + j] = sr() * Math.PI * 2;
  }
  const transform: FieldTransform = {
    // log-uniform over 3×, moved by the seed: the same field reads as broad shapes or a fine pattern
    zoom: 0.6 * Math.exp(pr() * Math.log(3)) * (0.75 + lr() * 0.6),
    stretch: 1,
    rotation: pr() * Math.PI * 2,
    fold: "none",
    folds: 5,
    swirl: 0,
    axis: 0,
    skew: 0,
    cx: 0,
    cy: 0,
    ox: (pr() - 0.5) * 4 + (lr() - 0.5) * 2,
    oy: (pr() - 0.5) * 4 + (lr() - 0.5) * 2,
  };
  style.tOffset += (lr() - 0.5) * 0.3;
  const hex = matches.some((m) => HEX_WORDS.has(m.word)) || undefined;
  const sites = applyComposition({
    composition,
    style,
    transform,
    palette,
    pr,
    sr: lr,
    asked: composed !== undefined,
    hex,
  });
  // a word's range for the horizon is a range of layouts: the seed places it inside the range
  for (const e of entries)
    for (const [k, range] of Object.entries(e.set ?? {}) as [ScalarName, [number, number]][])
      style[k] = range[0] + (k === "horizon" ? lr() : pr()) * (range[1] - range[0]);
  for (const e of entries)
    for (const [k, f] of Object.entries(e.scale ?? {}) as [ScalarName, number][]) style[k] *= f;
  if (composition === "land" || composition === "city") {
    // the sun or moon clears the highest ridges
    const ridgeTop = (style.horizon - style.hills * 0.75) * 2 - 1;
    style.focusY = Math.max(-0.75, Math.min(style.focusY, ridgeTop - style.orbR * 1.2));
  }
  // the seed lays the composition on the frame mirrored, upside down or transposed (its focus, light,
  // dark side and motifs move with it); a landscape or city only mirrored, its sky stays above. Its
  // own stream, so an unoriented picture keeps every other input it had
  const or = hashStream(`atelier/art-v2/orientation/${seed.toLowerCase()}/${normalized}`);
  const upright = LANDSCAPES.has(composition) || composition === "portrait";
  const orientation = Math.floor(or() * (upright ? 2 : 8));
  transform.cx = style.focusX;
  transform.cy = style.focusY;
  const so = LATENT_GROUPS.scalars.offset;
  SCALARS.forEach((name, i) => (latent[so + i] = style[name]));

  const pal = new Float32Array(12);
  pal.set(palette.a, 0);
  pal.set(palette.b, 3);
  pal.set(palette.c, 6);
  pal.set(palette.d, 9);
  return {
    latent,
    palette: pal,
    sites,
    composition,
    transform,
    orientation,
    style,
    matched: matches.map((m) => m.word),
  };
}

/**
 * A variation of an existing work: the parent's prompt and seed fix palette, composition, style and
 * the large-scale flow (both warps and the lowest third of the frequency bank); the new seed redraws
 * the finer octaves and the ridge lines. Same composition, new detail.
 */
export function artVariationFor(parentPrompt: string, parentSeed: string, seed: string): ArtConditioning {
  const c = artConditionFor(parentPrompt, parentSeed);
  const sr = hashStream(`atelier/art-v2/variation/${seed.toLowerCase()}`);
  const field = LATENT_GROUPS.field;
  const keep = Math.floor(field.size / 3);
  for (let j = keep; j < field.size; j++) c.latent[field.offset + j] = sr() * Math.PI * 2;
  const ridge = LATENT_GROUPS.ridge;
  for (let j = 0; j < ridge.size; j++) c.latent[ridge.offset + j] = sr() * Math.PI * 2;
  return c;
}
