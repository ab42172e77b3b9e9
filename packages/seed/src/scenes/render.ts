/**
 * A small procedural "photograph" renderer: a sky (gradient, sun and glow, clouds, stars, aurora), layers of
 * terrain seen through haze (rock, snow, dunes, forest edges, a city skyline with lit windows), a water
 * surface that reflects it all with ripples, valley fog, and the camera's own marks (tone curve, vignette,
 * grain). Everything comes from the scene's numbers and its seed: same scene, same pixels.
 */
import { mulberry32 } from "@atelier/procedural";
import { clamp01, mix, noise, smoothstep, type Noise } from "./noise.ts";

export type RGB = readonly [number, number, number];

export interface Sky {
  zenith: RGB;
  horizon: RGB;
  /** Sun (or moon): centre in fractions of width/height, radius in fractions of width. */
  sun?: { x: number; y: number; radius: number; colour: RGB; glow: number };
  clouds?: { cover: number; colour: RGB; shade: RGB; scale: number; bottom: number };
  stars?: number;
  aurora?: RGB;
}

export interface Layer {
  /** Baseline of the layer's top edge, as a fraction of the height (0 = top). */
  base: number;
  /** How far its crests rise above the baseline, as a fraction of the height. */
  amplitude: number;
  /** Features across the width. */
  scale: number;
  octaves: number;
  kind?: "rock" | "ridged" | "dunes" | "forest" | "city";
  colour: RGB;
  /** Colour of faces turned to the light. */
  lit: RGB;
  /** 0 = no haze, 1 = the sky's horizon colour. */
  haze: number;
  /** Rock above this fraction of the height is snow-covered. */
  snowLine?: number;
  /** Lit windows per building column (city) or tree density (forest), 0–1. */
  density?: number;
}

export interface Scene {
  seed: number;
  width: number;
  height: number;
  sky: Sky;
  /** Back to front. */
  layers: Layer[];
  /** `glitter` (default 1): the sun's road on the water; 0 when the sun is hidden behind the terrain. */
  water?: { level: number; tint: RGB; depth: number; ripple: number; glitter?: number };
  fog?: { colour: RGB; density: number; top: number; bottom: number };
  /** Camera: grain in grey levels, vignette strength, tone-curve contrast. */
  grain: number;
  vignette: number;
  contrast: number;
  /** Overall light and a colour cast. */
  exposure?: number;
  cast?: RGB;
}

interface LayerProfile {
  top: Float32Array;
  /** Per column: a building's window grid phase, or 0. */
  building: Int32Array;
}

function profile(layer: Layer, index: number, scene: Scene, n: Noise): LayerProfile {
  const { width, height } = scene;
  const top = new Float32Array(width);
  const building = new Int32Array(width);
  const random = mulberry32(scene.seed * 31 + index * 7919);
  if (layer.kind === "city") {
    let x = 0;
    let id = 1;
    while (x < width) {
      const w = Math.floor(mix(14, 60, random()) * (width / 768));
      const tall = random() < 0.15 ? mix(1.4, 2.4, random()) : mix(0.25, 1, random());
      const h = layer.amplitude * tall * height;
      for (let i = x; i < Math.min(width, x + w); i++) {
        top[i] = layer.base * height - h;
        building[i] = id;
      }
      x += w + (random() < 0.3 ? Math.floor(random() * 6) : 0);
      id++;
    }
    for (let i = 0; i < width; i++) if (building[i] === 0) top[i] = layer.base * height;
    return { top, building };
  }
  for (let x = 0; x < width; x++) {
    const u = (x / width) * layer.scale + index * 13.7;
    const h =
      layer.kind === "ridged"
        ? n.ridged(u, index * 3.3, layer.octaves)
        : layer.kind === "dunes"
          ? 0.5 + 0.5 * Math.sin(u * 2.1 + 1.7 * n.fbm(u * 0.5, index, 2)) * n.fbm(u * 0.3, 7 + index, 2)
          : n.fbm(u, index * 3.3, layer.octaves);
    top[x] = (layer.base - layer.amplitude * h) * height;
  }
  if (layer.kind === "forest") {
    // Conifer silhouettes along the edge: narrow spikes of varied height, overlapping like a real stand.
    const density = layer.density ?? 0.6;
    const edge = Float32Array.from(top);
    const scaleX = width / 768;
    let x = 0;
    while (x < width) {
      const w = mix(2, 6, random()) * scaleX;
      const h = w * mix(2.2, 5, random()) * (0.6 + 0.8 * n.value(x * 0.02, index * 7));
      for (let i = Math.floor(x - w); i <= Math.ceil(x + w); i++) {
        if (i < 0 || i >= width) continue;
        const t = 1 - Math.abs(i - x) / w;
        // A slightly concave flank, and a ragged one: branches.
        const spike = h * Math.pow(Math.max(0, t), 1.3) * (0.9 + 0.2 * hash(i, Math.floor(x), index));
        if (spike > 0) top[i] = Math.min(top[i]!, edge[i]! - spike);
      }
      x += (w * mix(0.5, 1.5, random())) / density;
    }
  }
  return { top, building };
}

const hash = (x: number, y: number, s: number) => {
  let h = Math.imul(x, 374761393) + Math.imul(y, 668265263) + Math.imul(s, 2246822519);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
};

function skyColour(scene: Scene, n: Noise, x: number, y: number, horizonY: number, out: number[]): void {
  const { sky, width, height } = scene;
  const t = clamp01(1 - y / horizonY);
  const g = Math.pow(t, 0.7);
  for (let c = 0; c < 3; c++) out[c] = mix(sky.horizon[c]!, sky.zenith[c]!, g);
  if (sky.stars) {
    const sx = Math.floor(x / 1.5);
    const sy = Math.floor(y / 1.5);
    const h = hash(sx, sy, scene.seed);
    if (h > 1 - sky.stars * 0.004) {
      const b = (h - (1 - sky.stars * 0.004)) / (sky.stars * 0.004);
      const fade = smoothstep(0.05, 0.5, t);
      for (let c = 0; c < 3; c++) out[c] = out[c]! + b * 0.9 * fade;
    }
  }
  if (sky.aurora) {
    // Curtains: a band that winds across the sky, fine vertical rays, fading upwards more slowly than down.
    const u = x / width;
    const centre = horizonY * (0.42 + 0.18 * Math.sin(u * 4.2 + 1.3) + 0.12 * (n.fbm(u * 2.5, 11, 3) - 0.5));
    const d = (y - centre) / horizonY;
    const band = d < 0 ? Math.exp(-Math.pow(d / 0.28, 2)) : Math.exp(-Math.pow(d / 0.07, 2));
    const rays = smoothstep(0.25, 0.8, n.fbm(u * 90 + 7 * n.value(u * 3, 5), (y / height) * 0.8, 3));
    const fold = smoothstep(0.3, 0.7, n.fbm(u * 5 + 3, (y / height) * 0.6, 4));
    const a = band * rays * (0.35 + 0.65 * fold);
    const top = clamp01(-d / 0.3);
    for (let c = 0; c < 3; c++) {
      const hue = mix(sky.aurora[c]!, [0.55, 0.25, 0.7][c]!, top * 0.7);
      out[c] = out[c]! + hue * a * 0.8;
    }
  }
  if (sky.sun) {
    const dx = x - sky.sun.x * width;
    const dy = y - sky.sun.y * height;
    const d = Math.sqrt(dx * dx + dy * dy) / width;
    const glow = sky.sun.glow * (Math.exp(-d / (sky.sun.radius * 3)) * 0.6 + Math.exp(-d / 0.35) * 0.4);
    for (let c = 0; c < 3; c++) out[c] = mix(out[c]!, sky.sun.colour[c]!, clamp01(glow));
    const disc = smoothstep(sky.sun.radius, sky.sun.radius * 0.85, d);
    for (let c = 0; c < 3; c++) out[c] = mix(out[c]!, Math.min(1, sky.sun.colour[c]! * 0.2 + 0.85), disc);
  }
  if (sky.clouds) {
    const cl = sky.clouds;
    const u = (x / width) * cl.scale;
    const v = (y / height) * cl.scale * 3.2;
    const d = n.fbm(u, v + 40, 6, 0.55);
    const limit = cl.bottom * height;
    const fade = smoothstep(limit, limit * 0.6, y);
    const cover = smoothstep(1 - cl.cover, 1 - cl.cover + 0.22, d) * fade;
    if (cover > 0) {
      const edge = n.fbm(u * 2 + 5, v * 2, 4);
      const lightAmount = sky.sun
        ? clamp01(1 - Math.hypot(x / width - sky.sun.x, y / height - sky.sun.y) * 1.4)
        : 0.5;
      for (let c = 0; c < 3; c++) {
        const body = mix(cl.shade[c]!, cl.colour[c]!, clamp01(edge * 0.8 + lightAmount * 0.5));
        out[c] = mix(out[c]!, body, cover * 0.92);
      }
    }
  }
}

function layerColour(
  scene: Scene,
  index: number,
  layer: Layer,
  p: LayerProfile,
  n: Noise,
  x: number,
  y: number,
  out: number[],
): void {
  const { width, height, sky } = scene;
  const top = p.top[x]!;
  const below = (y - top) / height;
  // One light direction for the frame (per pixel it would flip under the sun: a visible seam).
  const sunSide = sky.sun ? (sky.sun.x < 0.5 ? 1 : -1) : 1;
  const slope = (p.top[Math.min(width - 1, x + 2)]! - p.top[Math.max(0, x - 2)]!) / 4;
  let lit: number;
  let grain: number;
  if (layer.kind === "city") {
    const id = p.building[x]!;
    const lightWindows =
      id > 0 &&
      (x % 7 < 3 || false) &&
      Math.floor(y) % 9 < 4 &&
      hash(Math.floor(x / 7), Math.floor(y / 9), id) < (layer.density ?? 0.3);
    grain = 0.92 + 0.08 * n.value(x * 0.5, y * 0.5);
    lit = id % 3 === 0 ? 0.35 : 0.1;
    for (let c = 0; c < 3; c++) out[c] = mix(layer.colour[c]!, layer.lit[c]!, lit) * grain;
    if (lightWindows) {
      const warm = hash(x, Math.floor(y / 9), id) * 0.3;
      out[0] = 1.0 - warm * 0.2;
      out[1] = 0.78 - warm * 0.3;
      out[2] = 0.42 - warm * 0.2;
    }
  } else {
    // The surface as a height field: light comes from the sun's side, so faces are lit by the field's
    // slope across x; just under the crest the skyline's own slope decides (a ridge lit on one flank).
    const fx = layer.kind === "ridged" ? 0.022 : layer.kind === "forest" ? 0.09 : 0.012;
    const fy = layer.kind === "ridged" ? 0.009 : layer.kind === "forest" ? 0.09 : 0.03;
    const ox = index * 31.7;
    const field = (px: number, py: number) =>
      layer.kind === "ridged"
        ? n.ridged(px * fx + ox, py * fy, 5)
        : layer.kind === "dunes"
          ? 0.5 +
            0.5 * Math.sin(px * 0.011 * layer.scale + py * 0.045 + 5 * n.fbm(px * 0.004, py * 0.01 + ox, 3))
          : n.fbm(px * fx + ox, py * fy, 5);
    const gx = (field(x + 1.5, y) - field(x - 1.5, y)) / 3;
    const crest = Math.exp(-Math.max(0, below) * 25);
    const gain = layer.kind === "dunes" ? 60 : layer.kind === "forest" ? 14 : 45;
    lit = clamp01(0.45 + sunSide * gx * gain - slope * sunSide * 0.8 * crest);
    const detail = n.fbm(x * 0.05 + ox, y * 0.05, 3);
    grain =
      layer.kind === "dunes"
        ? 0.93 + 0.05 * Math.sin(y * 1.1 + x * 0.15 + 8 * n.value(x * 0.01, y * 0.02)) + 0.04 * detail
        : layer.kind === "forest"
          ? 0.6 + 0.6 * n.fbm(x * 0.12 + ox, y * 0.12, 3)
          : 0.72 + 0.45 * detail;
    for (let c = 0; c < 3; c++) out[c] = mix(layer.colour[c]!, layer.lit[c]!, lit) * grain;
    if (layer.snowLine !== undefined && y < layer.snowLine * height) {
      const snow =
        smoothstep(layer.snowLine * height, layer.snowLine * height - height * 0.06, y) *
        smoothstep(0.3, 0.55, field(x, y) * 0.7 + detail * 0.3 + (lit - 0.5) * 0.4);
      const white: RGB = [mix(0.55, 0.98, lit), mix(0.6, 0.96, lit), mix(0.76, 0.95, lit)];
      for (let c = 0; c < 3; c++) out[c] = mix(out[c]!, white[c]!, snow);
    }
  }
  // Aerial perspective: distant layers and the lower parts of each (valley mist) take the sky's colour.
  const haze = clamp01(layer.haze + smoothstep(0.02, 0.25, below) * layer.haze * 0.8);
  for (let c = 0; c < 3; c++) out[c] = mix(out[c]!, sky.horizon[c]!, haze);
}

/** Renders `scene` to 8-bit RGB pixels. */
export function renderScene(scene: Scene): { width: number; height: number; channels: 3; data: Uint8Array } {
  const { width, height } = scene;
  const n = noise(scene.seed);
  const profiles = scene.layers.map((layer, i) => profile(layer, i, scene, n));
  const waterY = scene.water ? scene.water.level * height : height;
  const horizonY = scene.layers.length > 0 ? Math.max(...scene.layers.map((l) => l.base)) * height : waterY;
  const img = new Float32Array(width * height * 3);
  const px = [0, 0, 0];

  for (let y = 0; y < Math.ceil(waterY); y++) {
    for (let x = 0; x < width; x++) {
      let drawn = false;
      for (let l = scene.layers.length - 1; l >= 0; l--) {
        if (y >= profiles[l]!.top[x]!) {
          layerColour(scene, l, scene.layers[l]!, profiles[l]!, n, x, y, px);
          drawn = true;
          break;
        }
      }
      if (!drawn) skyColour(scene, n, x, y, Math.min(horizonY, waterY), px);
      if (scene.fog) {
        const f = scene.fog;
        const amount =
          f.density *
          smoothstep(f.top * height, f.bottom * height, y) *
          (0.6 + 0.4 * n.fbm(x * 0.006, y * 0.02, 4));
        for (let c = 0; c < 3; c++) px[c] = mix(px[c]!, f.colour[c]!, clamp01(amount));
      }
      const i = (y * width + x) * 3;
      img[i] = px[0]!;
      img[i + 1] = px[1]!;
      img[i + 2] = px[2]!;
    }
  }

  if (scene.water) {
    const w = scene.water;
    for (let y = Math.ceil(waterY); y < height; y++) {
      const depth = (y - waterY) / (height - waterY);
      for (let x = 0; x < width; x++) {
        // Ripples grow towards the viewer; the reflection is the scene mirrored about the waterline.
        const wave = n.fbm(x * 0.01, y * 0.35, 3) - 0.5;
        const dx = Math.round(wave * w.ripple * (4 + depth * 30));
        const dy = Math.round(Math.abs(wave) * w.ripple * depth * 12);
        const sx = Math.min(width - 1, Math.max(0, x + dx));
        const sy = Math.min(Math.ceil(waterY) - 1, Math.max(0, Math.round(2 * waterY - y) - dy));
        const j = (sy * width + sx) * 3;
        const i = (y * width + x) * 3;
        const dark = mix(0.82, 0.55, depth * w.depth);
        for (let c = 0; c < 3; c++)
          img[i + c] = mix(img[j + c]! * dark, w.tint[c]!, 0.18 + depth * w.depth * 0.35);
        if (scene.sky.sun && (w.glitter ?? 1) > 0) {
          const sunX = scene.sky.sun.x * width;
          const near = Math.exp(-Math.pow((x - sunX) / (width * (0.02 + depth * 0.08)), 2));
          const glitter = near * smoothstep(0.62, 0.8, n.value(x * 0.4, y * 1.3)) * 0.9 * (w.glitter ?? 1);
          for (let c = 0; c < 3; c++) img[i + c] = img[i + c]! + scene.sky.sun.colour[c]! * glitter;
        }
      }
    }
  }

  // The camera: exposure and cast, an S-curve, vignette, grain (fine, so the watermark has texture to hide in).
  const out = new Uint8Array(width * height * 3);
  const random = mulberry32(scene.seed ^ 0x5eed);
  const exposure = scene.exposure ?? 1;
  const cast = scene.cast ?? [1, 1, 1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r2 = Math.pow((x / width - 0.5) * 1.5, 2) + Math.pow(y / height - 0.5, 2) * 1.2;
      const v = 1 - scene.vignette * r2;
      const g = (random() + random() - 1) * scene.grain;
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        let value = clamp01(img[i + c]! * exposure * cast[c]! * v);
        value = mix(value, value * value * (3 - 2 * value), scene.contrast);
        out[i + c] = Math.max(0, Math.min(255, Math.round(value * 255 + g)));
      }
    }
  }
  return { width, height, channels: 3, data: out };
}
