/**
 * What each composition does to the style controls, the field transform and the sites, before the
 * lexicon's words adjust them. The prompt stream `pr` fixes the composition's character (its light,
 * kind of layout, strengths); the layout stream `sr` (of the seed and the prompt) moves it — focal point, horizon, sun, where the
 * cells, tiles, stripes, rings, discs and buildings go and how many — so two seeds of one prompt are
 * two pictures of the same kind, not two textures of one picture.
 */
import type { ScalarName } from "./layout.ts";
import type { Composition, CosinePalette } from "./lexicon.ts";
import { paletteExtremes } from "./palettes.ts";
import {
  latticeTiles,
  ringCentres,
  scatteredCells,
  scatteredDiscs,
  skyline,
  stripes,
  tower,
  wedgeCells,
  type Site,
} from "./sites.ts";

export type Fold = "none" | "radial" | "mirror" | "spiral";

export interface FieldTransform {
  zoom: number;
  /** the field drawn out along one axis by this factor (1: isotropic): strata, grain, streaks */
  stretch: number;
  rotation: number;
  /** how the plane is folded before the transform (radial, mirror, spiral) */
  fold: Fold;
  folds: number;
  swirl: number;
  /** the fold's axis (radians): the first mirror line of a radial fold, the mirror line's tilt */
  axis: number;
  /**
   * asymmetry of a fold (0: none): a radial figure seen at an angle (its far side larger), a mirror
   * whose second half is a magnified reflection; it only ever lowers the field's frequencies
   */
  skew: number;
  /** focus (screen space) */
  cx: number;
  cy: number;
  /** field offset */
  ox: number;
  oy: number;
}

export interface CompositionContext {
  composition: Composition;
  style: Record<ScalarName, number>;
  transform: FieldTransform;
  palette: CosinePalette;
  /** the prompt's stream */
  pr: () => number;
  /** the layout's stream (of the seed and the prompt: a new seed moves the layout) */
  sr: () => number;
  /** the composition was asked for by a word (a mandala stays symmetric) rather than hashed */
  asked: boolean;
  /** tiles: hexagonal (a word asked for it) or square; undefined: the prompt's hash decides */
  hex?: boolean;
}

/**
 * Where the light falls: a point of the rule-of-thirds grid (x, y in units of the half-frame), the
 * centre as rarely as any other point. With the glow and the vignette around it, this sets the
 * image's large-scale light, what a glance sees first.
 */
const THIRDS: [number, number][] = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [-1, 0],
  [0, 0],
  [1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
];

/** the thirds grid less its centre: a focus in the middle shares its light with every other one */
const OFF_CENTRE = THIRDS.filter(([x, y]) => x !== 0 || y !== 0);

/** the compositions drawn over the land layer (sky, horizon, ridges or water) */
export const LANDSCAPES: ReadonlySet<Composition> = new Set(["land", "city", "tower"]);

const FOLDS: Partial<Record<Composition, Fold>> = { radial: "radial", mirror: "mirror", spiral: "spiral" };

/** Applies the composition to style and transform (in place) and returns the image's sites. */
export function applyComposition(ctx: CompositionContext): Site[] {
  const { composition, style, transform, palette, pr, sr } = ctx;
  transform.fold = FOLDS[composition] ?? "none";
  if (LANDSCAPES.has(composition)) landscape(ctx);
  else if (composition === "portrait") portrait(ctx);
  else if (composition === "radial" || composition === "centered" || composition === "spiral") {
    // the centre of the figure off the middle of the frame, near a point of thirds (the layout's
    // choice): centred figures all zeroed the same odd spatial frequencies, so every mandala, orb
    // and spiral shared its large-scale light; a figure on a third is the stronger composition too
    const side = sr() < 0.5 ? -1 : 1;
    style.focusX = side * (0.22 + sr() * 0.3);
    style.focusY = (sr() < 0.5 ? -1 : 1) * (0.08 + sr() * 0.34);
    transform.folds = 5 + Math.floor(sr() * 8);
    // the figure's axes turned (the fold's first mirror line no longer horizontal for every image)
    transform.axis = sr() * Math.PI * 2;
    if (composition === "centered") {
      style.orb = 1;
      style.orbR = 0.26 + pr() * 0.14;
      style.glow = Math.max(style.glow, 0.18);
    }
    if (composition === "spiral") transform.swirl = 2.2 + pr() * 2.5;
    // a figure the prompt did not ask for by name: half of them seen at an angle (the far side of
    // the figure drawn larger), no longer symmetric
    if (!ctx.asked && composition !== "centered" && pr() < 0.5) transform.skew = 0.3 + sr() * 0.5;
  } else if (composition === "mirror") {
    // the mirror line off the middle and tilted; a mirror the prompt did not ask for by name has
    // unequal halves half of the time (one side a magnified reflection)
    style.focusX = (sr() < 0.5 ? -1 : 1) * (0.12 + sr() * 0.26);
    const [, gy] = THIRDS[Math.floor(sr() * THIRDS.length)]!;
    style.focusY = gy * (0.45 + sr() * 0.4) + (sr() - 0.5) * 0.1;
    transform.axis = (sr() - 0.5) * 0.5;
    if (!ctx.asked && pr() < 0.5) transform.skew = 0.25 + sr() * 0.35;
  } else {
    // a focal point on the thirds grid away from the middle (the seed's choice), the figure's light
    // around it
    const [gx, gy] = OFF_CENTRE[Math.floor(sr() * OFF_CENTRE.length)]!;
    style.focusX = gx * (0.6 + sr() * 0.35) + (sr() - 0.5) * 0.1;
    style.focusY = gy * (0.6 + sr() * 0.35) + (sr() - 0.5) * 0.1;
  }
  if ((composition === "field" || composition === "centered") && pr() < 0.35) {
    // strata: the same field drawn out along one direction (sediment, wood grain, rain, wind)
    transform.stretch = 2.2 + pr() * 1.6;
  }
  if (composition === "radial" || composition === "mirror" || composition === "spiral") {
    // folding multiplies the pattern: calm it so the result stays readable (and watermarkable)
    style.detail *= 0.6;
    style.tScale *= 0.75;
    style.lines *= 0.6;
    style.warp2 *= 0.7;
  }
  if (!LANDSCAPES.has(composition) && pr() < 0.4) {
    // light from the rim: darker toward the focus, brighter toward the frame (a porthole, a dark
    // heart, a silhouette against the light), the other half of the layouts a focal glow gives
    style.vignette = -(0.08 + pr() * 0.1);
    style.glow = -(0.03 + pr() * 0.06);
    if (composition === "centered") style.orbT = paletteExtremes(palette).dark + 0.03;
  }
  return motifSites(ctx);
}

/**
 * A head-and-shoulders figure in chiaroscuro: a large lit orb above the centre (the head, shaded as
 * a sphere from one side, in the palette's light half) over a calm, dark ground with a deep
 * vignette, drawn-out strata below it like the folds of a coat. The light side is the seed's.
 */
function portrait({ style, transform, palette, pr, sr }: CompositionContext): void {
  const { dark, bright } = paletteExtremes(palette);
  style.orb = 1;
  style.orbR = 0.27 + pr() * 0.06;
  style.focusX = (sr() - 0.5) * 0.3;
  style.focusY = -0.18 - sr() * 0.1;
  style.orbShade = 0.9 + pr() * 0.1;
  style.orbTex = 0.12 + pr() * 0.1;
  // the face's tone: two thirds of the way from the dark to the bright end of the palette
  style.orbT = dark + ((((bright - dark) % 1) + 1) % 1) * (0.82 + pr() * 0.12);
  const side = sr() < 0.5 ? -1 : 1;
  style.lightX = side * (0.6 + sr() * 0.3);
  style.lightY = -(0.4 + sr() * 0.3);
  style.glow = 0.1 + pr() * 0.08;
  style.glowK = 2.5 + pr() * 1.5;
  style.vignette = 0.3 + pr() * 0.12;
  style.exposure = 0.8 + pr() * 0.1;
  style.tOffset = dark + (pr() - 0.5) * 0.12; // the ground near the palette's dark end (the
  // lexicon's portrait entry calms it after the other words: less detail, a narrow band of the palette)
  transform.stretch = 2.4 + pr() * 1.2;
  transform.rotation = Math.PI / 2 + (pr() - 0.5) * 0.5; // the strata run up and down
}

/** Sky, horizon, ridges or water, and the sun or moon; a skyline in front for a city. */
function landscape({ composition, style, transform, palette, pr, sr }: CompositionContext): void {
  // a sky from the palette's darkest colour at the top to its brightest at the horizon
  const { dark, bright } = paletteExtremes(palette);
  const span = (((bright - dark) % 1) + 1) % 1;
  style.land = 1;
  style.horizon = 0.32 + sr() * 0.38; // the seed moves the horizon
  style.skySpan = span / style.horizon;
  style.skyT = dark + (pr() - 0.5) * 0.06;
  style.groundT = dark + (pr() - 0.5) * 0.2;
  // the light of a landscape in one of four layouts: a dark zenith over a bright horizon (dusk), or
  // a bright zenith deepening toward a hazy horizon (day, mist); dark ground or bright ground
  // (a tower's lamp is lit: its sky always darkens upward, from a bright horizon)
  if (pr() < 0.4 && composition !== "tower") {
    style.skyT = bright - 0.02;
    style.skySpan = -(span * 0.75) / style.horizon;
  }
  if (pr() < 0.4) style.groundT = bright - 0.12 - pr() * 0.1;
  style.orb = Math.max(style.orb, pr() < 0.7 ? 1 : 0);
  style.orbT = bright + 0.02;
  style.focusY = style.horizon * 2 - 1 - (0.25 + sr() * 0.35); // the sun above the horizon
  style.focusX = (sr() < 0.5 ? -1 : 1) * (0.25 + sr() * 0.55); // the sun off the middle, on a side
  style.orbShade = 0;
  style.orbTex = 0.05 + pr() * 0.1;
  style.orbR = 0.08 + pr() * 0.08;
  transform.rotation = 0;
  if (composition === "tower") {
    // a tower stands on the ground or on a headland in the near foreground, dark against the sky
    style.city = 1;
    // the sky stops short of the palette's bright end: the lamp is the brightest thing in it (against
    // a bright horizon it disappeared, at full size too)
    style.skySpan *= 0.6;
    style.cityTop = style.horizon + 0.1 + sr() * 0.1;
    style.windows = 0;
    style.hills *= 0.6;
    style.groundT = dark + 0.04 + pr() * 0.08;
  }
  if (composition === "city") {
    style.city = 1;
    style.cityTop = style.horizon + 0.12 + sr() * 0.1;
    style.windows = 0.5 + pr() * 0.5;
    style.windowFx = 150 + pr() * 70;
    style.windowFy = 110 + pr() * 60;
    style.hills *= 0.6;
    style.groundT = dark + 0.06 + pr() * 0.1; // buildings dark against the sky, not black
  }
}

/** The sites and the motif controls of the compositions drawn over them. */
function motifSites(ctx: CompositionContext): Site[] {
  const { composition, style, transform, pr, sr } = ctx;
  const aspect = 1; // laid out for the square frame of the built-in model
  const base = style.tOffset;
  style.siteSharp = 70 + pr() * 20;
  style.discSharp = 1500;
  switch (composition) {
    case "glass": {
      style.cells = 1;
      style.lead = 0.85 + pr() * 0.1;
      style.cellTex = 0.08 + pr() * 0.14;
      style.detail *= 0.6;
      style.glow = Math.max(style.glow, 0.06);
      if (pr() < 0.35) {
        // a rose window: the cells of one wedge repeated around the focus
        transform.fold = "radial";
        transform.folds = 6 + Math.floor(sr() * 7);
        style.cellFold = 1;
        style.focusX = (sr() < 0.5 ? -1 : 1) * (0.12 + sr() * 0.25);
        style.focusY = (sr() - 0.5) * 0.5;
        transform.axis = sr() * Math.PI * 2;
        return wedgeCells(sr, transform.folds, base);
      }
      style.cellWarp = pr() * 0.12;
      return scatteredCells(sr, aspect, base);
    }
    case "tiles":
      style.cells = 1;
      style.lead = 0.5 + pr() * 0.4;
      style.cellTex = 0.03 + pr() * 0.08;
      return latticeTiles(sr, aspect, base, ctx.hex ?? pr() < 0.5);
    case "stripes":
      style.cells = 1;
      style.lead = pr() < 0.5 ? 0 : 0.3 + pr() * 0.4;
      style.cellTex = 0.02 + pr() * 0.05;
      style.siteSharp = 250 + pr() * 100; // crisp band edges (the bands are narrower than cells)
      return stripes(sr, base);
    case "rings":
      style.rings = 1;
      style.ringFreq = 2.5 + pr() * 2.5;
      style.lines = 0.4 + pr() * 0.4;
      style.terrace = 0.4 + pr() * 0.5;
      style.lineFreq = 3 + pr() * 3;
      style.cellWarp = 0.1 + pr() * 0.25;
      return ringCentres(sr, style.focusX, style.focusY, aspect);
    case "discs":
      style.discs = 1;
      style.detail *= 0.5;
      style.tScale *= 0.7;
      return scatteredDiscs(sr, aspect, base + 0.3);
    case "portrait": {
      // the shoulders: one large shaded disc rising from the bottom edge under the head
      style.discs = 1;
      const { dark, bright } = paletteExtremes(ctx.palette);
      const span = (((bright - dark) % 1) + 1) % 1;
      const r = 0.78 + sr() * 0.14;
      return [
        {
          x: style.focusX + (sr() - 0.5) * 0.1,
          y: 0.3 + sr() * 0.08 + r,
          r,
          v: dark + span * (0.3 + pr() * 0.2),
        },
      ];
    }
    case "city":
      style.siteSharp = 500; // flat roofs: buildings are narrow, a soft border would slope them
      return skyline(sr, aspect);
    case "tower": {
      // one tall narrow tower on a headland or a low base, a light at its top: the orb made a lamp,
      // its glow tight around it
      style.siteSharp = 500;
      const t = tower(sr);
      style.focusX = t.x;
      style.orbR = t.width * (0.42 + pr() * 0.12);
      style.focusY = (style.cityTop - t.height) * 2 - 1 - style.orbR * 0.9;
      style.orb = 1;
      style.orbShade = 0;
      style.orbTex = 0.05;
      style.glow = 0.3 + pr() * 0.15;
      style.glowK = 7 + pr() * 5;
      return t.sites;
    }
    default:
      return [];
  }
}
