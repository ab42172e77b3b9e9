/**
 * The demo market's uploaded pictures: each a scene for the renderer, with the title and description its
 * creator gives it. Landscape 3:2 like a camera's frame.
 */
import type { Layer, RGB, Scene } from "./render.ts";

export const SCENE_WIDTH = 768;
export const SCENE_HEIGHT = 512;

export interface CatalogueScene {
  /** Stable key: the upload's salt and the seed's idempotence hang on it. */
  key: string;
  title: string;
  description: string;
  scene: Scene;
}

/** The camera every scene shares unless it says otherwise. */
const frame = { width: SCENE_WIDTH, height: SCENE_HEIGHT, grain: 5, vignette: 0.35, contrast: 0.35 };

type Look = Omit<Scene, keyof typeof frame | "seed"> & Partial<Pick<Scene, keyof typeof frame>>;

/** A catalogue entry: its key, title and render seed, then its description and what differs from `frame`. */
function scene(
  key: string,
  title: string,
  seed: number,
  look: Look & { description: string },
): CatalogueScene {
  const { description, ...differs } = look;
  return { key, title, description, scene: { ...frame, seed, ...differs } };
}

/**
 * A terrain layer. `shape` is [base, amplitude, scale, octaves] (see Layer: where its top edge sits, how
 * high its crests rise, features across the width, detail), then its shadow and lit colours and its haze.
 */
function layer(
  kind: NonNullable<Layer["kind"]>,
  shape: readonly [base: number, amplitude: number, scale: number, octaves: number],
  colour: RGB,
  lit: RGB,
  haze: number,
  extra: Pick<Layer, "snowLine" | "density"> = {},
): Layer {
  const [base, amplitude, scale, octaves] = shape;
  return { base, amplitude, scale, octaves, kind, colour, lit, haze, ...extra };
}

export const SCENES: CatalogueScene[] = [
  scene("alpine-lake", "Alpine lake, first light", 11, {
    description:
      "Snow-lined peaks catch the first pink light over a still glacial lake; the valley is still in shadow.",
    sky: {
      zenith: [0.32, 0.42, 0.66],
      horizon: [0.98, 0.74, 0.62],
      sun: { x: 0.78, y: 0.5, radius: 0.018, colour: [1, 0.84, 0.66], glow: 0.55 },
      clouds: { cover: 0.35, colour: [1, 0.78, 0.72], shade: [0.55, 0.5, 0.62], scale: 3, bottom: 0.32 },
    },
    layers: [
      layer("ridged", [0.56, 0.36, 3.2, 6], [0.34, 0.33, 0.42], [0.94, 0.66, 0.58], 0.25, {
        snowLine: 0.4,
      }),
      layer("forest", [0.6, 0.12, 4, 5], [0.08, 0.14, 0.14], [0.2, 0.28, 0.24], 0.12, { density: 0.9 }),
    ],
    water: { level: 0.62, tint: [0.12, 0.22, 0.3], depth: 0.8, ripple: 0.5, glitter: 0 },
  }),
  scene("dunes", "Dunes after the wind", 23, {
    description: "Late sun rakes across fresh ridges of sand; the shadows are the only thing moving.",
    sky: {
      zenith: [0.3, 0.5, 0.78],
      horizon: [0.93, 0.8, 0.66],
      sun: { x: 0.12, y: 0.28, radius: 0.016, colour: [1, 0.9, 0.7], glow: 0.35 },
    },
    layers: [
      layer("dunes", [0.5, 0.1, 2, 3], [0.62, 0.38, 0.22], [0.98, 0.74, 0.48], 0.35),
      layer("dunes", [0.7, 0.2, 1.6, 3], [0.5, 0.27, 0.14], [0.97, 0.68, 0.42], 0.08),
      layer("dunes", [1.02, 0.22, 1.2, 3], [0.42, 0.22, 0.12], [0.96, 0.64, 0.4], 0),
    ],
  }),
  scene("spruce-fog", "Fog in the spruce valley", 37, {
    description: "Ridge after ridge of spruce dissolving into morning fog, like a paper cut-out stage.",
    contrast: 0.2,
    sky: { zenith: [0.62, 0.7, 0.74], horizon: [0.86, 0.88, 0.86] },
    layers: [0.42, 0.5, 0.6, 0.72, 0.9].map((base, i) =>
      layer(
        "forest",
        [base, 0.1 + i * 0.02, 2.5 + i, 4],
        [0.3 - i * 0.055, 0.38 - i * 0.06, 0.38 - i * 0.065],
        [0.36 - i * 0.05, 0.44 - i * 0.055, 0.42 - i * 0.06],
        0.72 - i * 0.17,
        { density: 0.7 + i * 0.05 },
      ),
    ),
    fog: { colour: [0.88, 0.9, 0.88], density: 0.35, top: 0.4, bottom: 0.75 },
  }),
  scene("harbour-blue-hour", "Harbour lights at blue hour", 41, {
    description: "The city switches its windows on as the sky goes cobalt; the harbour doubles every light.",
    grain: 6,
    sky: {
      zenith: [0.06, 0.1, 0.28],
      horizon: [0.46, 0.4, 0.58],
      clouds: { cover: 0.25, colour: [0.5, 0.38, 0.5], shade: [0.16, 0.16, 0.3], scale: 2.5, bottom: 0.45 },
    },
    layers: [
      layer("rock", [0.6, 0.1, 2, 3], [0.12, 0.12, 0.22], [0.2, 0.18, 0.3], 0.45),
      layer("city", [0.66, 0.2, 1, 1], [0.05, 0.06, 0.12], [0.14, 0.14, 0.24], 0.1, { density: 0.35 }),
    ],
    water: { level: 0.66, tint: [0.05, 0.08, 0.18], depth: 0.9, ripple: 1 },
  }),
  scene("aurora-fjord", "Aurora over the fjord", 53, {
    description: "Green curtains of light over a black fjord, stars above and their wobbling twins below.",
    grain: 7,
    vignette: 0.5,
    sky: { zenith: [0.01, 0.02, 0.07], horizon: [0.05, 0.12, 0.16], stars: 1, aurora: [0.25, 0.95, 0.55] },
    layers: [
      layer("ridged", [0.64, 0.3, 2.4, 6], [0.02, 0.03, 0.05], [0.08, 0.16, 0.14], 0.1, { snowLine: 0.45 }),
    ],
    water: { level: 0.66, tint: [0.01, 0.04, 0.06], depth: 0.8, ripple: 0.7 },
  }),
  scene("red-canyon", "Red canyon, noon haze", 67, {
    description: "Sandstone walls stepping back into the heat haze under a hard blue desert sky.",
    sky: {
      zenith: [0.16, 0.38, 0.72],
      horizon: [0.82, 0.82, 0.86],
      clouds: { cover: 0.2, colour: [1, 1, 1], shade: [0.72, 0.76, 0.84], scale: 4, bottom: 0.3 },
    },
    layers: [0.42, 0.55, 0.7, 0.95].map((base, i) =>
      layer(
        "rock",
        [base, 0.14 + i * 0.04, 2 + i * 0.8, 5],
        [0.45 - i * 0.05, 0.2 - i * 0.02, 0.12 - i * 0.01],
        [0.92, 0.5 + i * 0.02, 0.3],
        0.55 - i * 0.17,
      ),
    ),
  }),
  scene("lavender-hills", "Lavender hills", 79, {
    description:
      "Rolling hills in June: purple rows, a pale green meadow and a sky full of fair-weather clouds.",
    sky: {
      zenith: [0.26, 0.46, 0.82],
      horizon: [0.78, 0.84, 0.92],
      sun: { x: 0.85, y: 0.12, radius: 0.014, colour: [1, 0.98, 0.9], glow: 0.2 },
      clouds: { cover: 0.45, colour: [1, 1, 1], shade: [0.66, 0.7, 0.8], scale: 3.5, bottom: 0.5 },
    },
    layers: [
      layer("rock", [0.56, 0.1, 2, 4], [0.3, 0.4, 0.32], [0.5, 0.6, 0.44], 0.45),
      layer("dunes", [0.7, 0.12, 1.3, 3], [0.34, 0.5, 0.22], [0.7, 0.82, 0.4], 0.12),
      layer("dunes", [1.02, 0.25, 1, 3], [0.36, 0.24, 0.5], [0.72, 0.56, 0.86], 0),
    ],
  }),
  scene("storm-plain", "Storm front over the plain", 83, {
    description: "A wall of slate cloud rolls over sunlit wheat; ten minutes later it was raining sideways.",
    contrast: 0.45,
    sky: {
      zenith: [0.16, 0.18, 0.22],
      horizon: [0.62, 0.62, 0.58],
      clouds: { cover: 0.8, colour: [0.5, 0.52, 0.56], shade: [0.12, 0.13, 0.16], scale: 2, bottom: 0.62 },
    },
    layers: [
      layer("forest", [0.66, 0.03, 3, 4], [0.12, 0.14, 0.1], [0.2, 0.22, 0.16], 0.3, { density: 0.5 }),
      layer("dunes", [0.92, 0.5, 1.1, 3], [0.5, 0.38, 0.12], [0.98, 0.82, 0.38], 0),
    ],
  }),
  scene("sea-stacks", "Basalt cliffs at sunset", 97, {
    description:
      "The sun drops into the sea behind the cliffs; a gold road runs across the water to the shore.",
    sky: {
      zenith: [0.22, 0.2, 0.42],
      horizon: [1, 0.58, 0.3],
      sun: { x: 0.56, y: 0.52, radius: 0.03, colour: [1, 0.7, 0.35], glow: 0.75 },
      clouds: { cover: 0.3, colour: [1, 0.6, 0.42], shade: [0.4, 0.24, 0.34], scale: 3, bottom: 0.4 },
    },
    layers: [layer("ridged", [0.58, 0.5, 5, 4], [0.08, 0.05, 0.08], [0.34, 0.16, 0.12], 0.15)],
    water: { level: 0.58, tint: [0.2, 0.1, 0.14], depth: 0.7, ripple: 1.2 },
  }),
];

/** The derivative upload: the alpine lake's frame re-made at night, by another creator under a remix licence. */
export const DERIVATIVE_SCENE: CatalogueScene = {
  key: "alpine-lake-night",
  title: "Alpine lake, night edit",
  description:
    "A remix of “Alpine lake, first light”: the same peaks and shoreline, relit under a starry sky.",
  scene: {
    ...SCENES[0]!.scene,
    grain: 7,
    exposure: 0.85,
    sky: {
      zenith: [0.02, 0.03, 0.1],
      horizon: [0.14, 0.2, 0.36],
      stars: 1.2,
      sun: { x: 0.2, y: 0.16, radius: 0.02, colour: [0.92, 0.94, 1], glow: 0.25 },
    },
    layers: SCENES[0]!.scene.layers.map((l) => ({
      ...l,
      colour: [l.colour[0] * 0.35, l.colour[1] * 0.4, l.colour[2] * 0.6] as const,
      lit: [0.5, 0.56, 0.72] as const,
    })),
    water: { level: 0.62, tint: [0.02, 0.04, 0.1], depth: 0.8, ripple: 0.5 },
  },
};
