/**
 * The built-in art model v2 as an ONNX graph: a procedural painter whose fixed weights (frequency
 * banks, a SIREN layer, mixing vectors) come from a seeded PRNG, so the file is reproducible byte for
 * byte from this code. Per image it takes the screen grid, the composition's folded grid and an affine
 * transform, a latent vector (phases + style controls, see `layout.ts`) and a cosine palette:
 *
 *   field   two domain warps, then Fourier features over 24 octave-spaced frequencies (wavelengths
 *           from 2 units down to ~6 px at 512²), the cosines of the lower 16 (relief) and one SIREN
 *           layer that mixes them (sums and differences of frequencies: organic shapes) → colour
 *           index t, crease field r, texture q, relief (the gradient along a light direction)
 *   abstract terraces and ink lines on level sets of t, bright creases where r crosses 0, relief
 *   focal   an orb at a focal point (crisp edge, sphere shading, textured like a planet) + glow
 *   land    a sky gradient with warped clouds, the orb as sun or moon, three ridge layers (ridged
 *           1-D sinusoid sums) with aerial perspective toward the horizon
 *   colour  composited in palette-index space, then one cosine palette a + b·cos(2π(c·t + d))
 *
 * Coordinates carry a constant third component 1, so per-image phases and offsets ride in the
 * MatMul (no broadcast Add over the big feature tensors). MatMul + elementwise ops, opset 17,
 * inputs with a symbolic `batch` axis.
 */
import { mulberry32 } from "@atelier/procedural";
import { GraphBuilder, type V } from "../graph-builder.ts";
import { encodeModel, type OnnxGraph } from "../onnx-proto.ts";
import { ART_LATENT_DIM, LATENT_GROUPS, SCALARS, SITE_ROWS, SITES, type ScalarName } from "./layout.ts";
import { discShading, leadLine, siteField, windowGrid } from "./motifs.ts";

export const ART_V2 = {
  name: "atelier-art-v2",
  weightSeed: 0xa7e1_0002,
  sirenWidth: 12,
} as const;

const TAU = Math.PI * 2;

export function buildArtGraph(): OnnxGraph {
  const rand = mulberry32(ART_V2.weightSeed);
  const g = new GraphBuilder();
  const gauss = () => {
    // Box–Muller from the seeded uniform stream
    const u = Math.max(rand(), 1e-9);
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(TAU * v);
  };
  const sign = () => (rand() < 0.5 ? -1 : 1);

  // --- latent [B,1,Z] @ one-hot [Z,k] → [B,1,k]
  const group = (name: keyof typeof LATENT_GROUPS): V => {
    const { offset, size } = LATENT_GROUPS[name];
    const sel = new Float32Array(ART_LATENT_DIM * size);
    for (let j = 0; j < size; j++) sel[(offset + j) * size + j] = 1;
    return g.matmul("latent", g.constant(`sel_${name}`, [ART_LATENT_DIM, size], sel));
  };
  const scalarCache = new Map<ScalarName, V>();
  const s = (name: ScalarName): V => {
    let v = scalarCache.get(name);
    if (!v) {
      const sel = new Float32Array(ART_LATENT_DIM);
      sel[LATENT_GROUPS.scalars.offset + SCALARS.indexOf(name)] = 1;
      v = g.matmul("latent", g.constant(`sel_s_${name}`, [ART_LATENT_DIM, 1], sel));
      scalarCache.set(name, v);
    }
    return v;
  };
  const pickRow = (i: number): V => {
    const sel = new Float32Array(4);
    sel[i] = 1;
    return g.matmul(g.constant(`pal_row${i}`, [1, 4], sel), "palette"); // [B,1,3]
  };
  const unit = (n: number, i: number, name: string) => {
    const e = new Float32Array(n);
    e[i] = 1;
    return g.constant(name, [n, 1], e);
  };
  const rows = [0, 1, 2, 3].map(pickRow);
  // per channel [B,1,1] coefficients: the colour stage runs as three [B,P,1] passes (a broadcast of a
  // [B,1,3] row over [B,P,3] walks 3-element spans in ONNX Runtime, several times slower)
  const coef = rows.map((row, i) => [0, 1, 2].map((c) => g.matmul(row, unit(3, c, `pal_${i}_${c}`))));
  /** one channel of the cosine palette at index t */
  const paletteChannel = (t: V, c: number): V =>
    g.add(coef[0]![c]!, g.mul(coef[1]![c]!, g.cos(g.mul(g.add(g.mul(t, coef[2]![c]!), coef[3]![c]!), TAU))));

  /** [3,n] fixed frequencies (rows x, y; row 2 zero) + the per-image phases as row 2 → [B,3,n] */
  const e3 = g.constant("e3", [3, 1], [0, 0, 1]);
  const withPhases = (name: string, fixed: Float32Array, n: number, phases: V): V =>
    g.add(g.constant(name, [3, n], fixed), g.matmul(e3, phases));
  /** random directions, octave-spaced magnitudes (cycles per unit), as a [3,n] block */
  const bank = (n: number, fMin: number, fMax: number) => {
    const F = new Float32Array(3 * n);
    const f: number[] = [];
    for (let j = 0; j < n; j++) {
      const mag = fMin * Math.pow(fMax / fMin, (j + rand()) / n);
      const ang = rand() * TAU;
      F[j] = Math.cos(ang) * mag * TAU;
      F[n + j] = Math.sin(ang) * mag * TAU;
      f.push(mag);
    }
    return { F, f };
  };
  /** p + sin(p @ F_img) @ (A·amp), the displacement only in x and y (p stays augmented) */
  const warp = (p: V, name: "warp1" | "warp2", fMin: number, fMax: number): V => {
    const n = LATENT_GROUPS[name].size;
    const { F, f } = bank(n, fMin, fMax);
    const A = new Float32Array(n * 3);
    for (let j = 0; j < n; j++) {
      const a = 1 / (f[j]! * Math.sqrt(n));
      A[j * 3] = gauss() * a;
      A[j * 3 + 1] = gauss() * a;
    }
    const u = g.sin(g.matmul(p, withPhases(`F_${name}`, F, n, group(name))));
    return g.add(p, g.matmul(u, g.mul(g.constant(`A_${name}`, [n, 3], A), s(name))));
  };

  const screen = "coords"; // [B,P,3]: x·aspect, y (down), 1
  const ex = g.constant("ex", [3, 1], [1, 0, 0]);
  const ey = g.constant("ey", [3, 1], [0, 1, 0]);
  const sx = g.matmul(screen, ex); // [B,P,1]
  const sy = g.matmul(screen, ey);
  // folded grid · per-image affine, plus a little of the plain screen grid: folded compositions stay
  // symmetric to the eye but not to the pixel (exact symmetry can defeat the watermark's detector)
  const p0 = g.add(
    g.matmul("field", "transform"),
    g.matmul(screen, g.constant("asym", [3, 3], [0.06, 0.02, 0, -0.02, 0.06, 0, 0, 0, 0])),
  );
  const p1 = warp(p0, "warp1", 0.25, 1.0);
  const p2 = warp(p1, "warp2", 0.8, 3.0);

  // --- features: sin of every frequency ‖ cos of the lower NC ‖ 1, from one MatMul + one Sin
  const N = LATENT_GROUPS.field.size;
  // cosines (for the relief gradient) only of the frequencies below the relief's roll-off: a Sin over
  // [P, C] is most of the model's CPU time
  const NC = 16;
  const C = N + NC + 1;
  const { F: fb, f: ff } = bank(N, 0.5, 40);
  const Ffield = new Float32Array(3 * C);
  const dup = new Float32Array(N * C);
  const quarter = new Float32Array(C);
  for (let j = 0; j < N; j++) {
    for (const col of j < NC ? [j, N + j] : [j]) {
      Ffield[col] = fb[j]!;
      Ffield[C + col] = fb[N + j]!;
    }
    dup[j * C + j] = 1;
    if (j < NC) {
      dup[j * C + N + j] = 1;
      quarter[N + j] = Math.PI / 2;
    }
  }
  quarter[N + NC] = Math.PI / 2; // sin(0·p + π/2) = 1: the bias column
  const phases = g.add(
    g.matmul(group("field"), g.constant("dup_field", [N, C], dup)),
    g.constant("quarter", [C], quarter),
  );
  const sc = g.sin(g.matmul(p2, withPhases("F_field", Ffield, C, phases))); // [B,P,C]

  // mixing: low band (1/f), high band, crease, texture, relief gradient (x, y)
  const MIX = 6;
  const mix = new Float32Array(C * MIX);
  for (let j = 0; j < N; j++) {
    const f = ff[j]!;
    // the warps compress the field up to ~2× locally: frequencies near 40 cycles/unit (6 px at 512²)
    // then alias into a fine moiré on flat areas (seen on ridges at 1:1), so the detail, texture and
    // relief bands roll off above ~10 cycles/unit (25 px unzoomed)
    const lp = 1 / (1 + Math.pow(f / 10, 4));
    mix[j * MIX + 0] = 0.09 / f;
    mix[j * MIX + 1] = f > 5 ? 0.02 * Math.pow(5 / f, 0.5) * sign() * lp : 0;
    mix[j * MIX + 2] = (gauss() * 0.1) / Math.pow(f / 0.5, 0.6);
    mix[j * MIX + 3] = f > 10 ? gauss() * 0.22 * lp : 0;
    // d/dp of the low band, softened toward high frequencies
    const w = 0.09 * TAU * Math.pow(f / 0.5, -0.45) * lp;
    if (j < NC) {
      mix[(N + j) * MIX + 4] = (w * fb[j]!) / (TAU * f);
      mix[(N + j) * MIX + 5] = (w * fb[N + j]!) / (TAU * f);
    }
  }
  const fields = g.matmul(sc, g.constant("m_fields", [C, MIX], mix)); // [B,P,6]
  const tLow = g.matmul(fields, unit(MIX, 0, "pick_low"));
  const tHigh = g.matmul(fields, unit(MIX, 1, "pick_high"));
  const rBase = g.matmul(fields, unit(MIX, 2, "pick_crease"));
  const qField = g.matmul(fields, unit(MIX, 3, "pick_tex"));
  const lightVec = g.add(
    g.matmul(unit(MIX, 4, "e_lx"), s("lightX")),
    g.matmul(unit(MIX, 5, "e_ly"), s("lightY")),
  ); // [B,6,1]
  const relief = g.mul(g.matmul(fields, lightVec), s("relief"));

  // --- the sites' power diagram (motifs.ts), in screen space, optionally warped like the field or folded
  const siteQ = g.add(
    g.add(screen, g.mul(g.sub(p1, p0), s("cellWarp"))),
    g.mul(g.sub("field", screen), s("cellFold")),
  );
  const site = siteField(g, siteQ, g.matmul(siteQ, ex), g.matmul(siteQ, ey), s("siteSharp"));
  const lead = leadLine(g, site.border);

  // SIREN layer over the sin features (the bias rides on the constant column)
  const H = ART_V2.sirenWidth;
  const W1 = new Float32Array(C * H);
  const w2 = new Float32Array(H);
  for (let j = 0; j < N; j++) {
    const weight = 1 / Math.pow(ff[j]! / 0.5, 0.9);
    for (let k = 0; k < H; k++) W1[j * H + k] = gauss() * 1.5 * weight;
  }
  for (let k = 0; k < H; k++) {
    W1[(N + NC) * H + k] = rand() * TAU;
    w2[k] = (gauss() * 0.3) / Math.sqrt(H);
  }
  const hidden = g.sin(g.matmul(sc, g.constant("W_siren", [C, H], W1)));
  const tSiren = g.matmul(hidden, g.constant("m_siren", [H, 1], w2));
  const rField = g.add(rBase, g.mul(tSiren, 0.4));

  // --- focal point (screen space) and the orb
  const dx = g.sub(sx, s("focusX"));
  const dy = g.sub(sy, s("focusY"));
  const d2 = g.add(g.mul(dx, dx), g.mul(dy, dy));
  const d = g.sqrt(g.add(d2, 1e-6));
  const glow = g.exp(g.mul(d2, g.mul(s("glowK"), -1))); // exp(−k·d²)
  const orbR = s("orbR");
  const orbEdge = g.mul(g.sigmoid(g.mul(g.sub(orbR, d), 220)), s("orb"));
  // sphere shading: n_z = √(1 − (d/R)²), lit from the light direction
  const rel = g.div(d2, g.mul(orbR, orbR));
  const nz = g.sqrt(g.max(g.sub(1, rel), 0));
  const lit = g.div(g.add(g.mul(dx, s("lightX")), g.mul(dy, s("lightY"))), orbR);
  const sphere = g.add(0.45, g.add(g.mul(nz, 0.55), g.mul(lit, 0.35)));
  const orbShadeV = g.lerp(g.add(1.25, g.mul(nz, 0.1)), sphere, s("orbShade"));
  const tOrb = g.add(s("orbT"), g.mul(g.add(tLow, g.mul(tHigh, 0.5)), s("orbTex")));

  // --- abstract: colour index and shade
  let tA = g.add(tLow, g.add(g.mul(tHigh, s("detail")), g.mul(tSiren, s("siren"))));
  // rings: bands by the distance to the nearest site, wobbled by the low band
  const tRing = g.add(g.mul(g.sqrt(g.max(site.e1, 1e-6)), s("ringFreq")), g.mul(tLow, 0.15));
  tA = g.lerp(tA, tRing, s("rings"));
  tA = g.add(g.mul(tA, s("tScale")), g.add(s("tOffset"), g.mul(glow, s("focusT"))));
  // terraces: t − k·sin(2πnt)/(2πn) flattens t into steps with crisp risers
  const nT = g.mul(s("lineFreq"), TAU);
  tA = g.sub(tA, g.div(g.mul(g.sin(g.mul(tA, nT)), s("terrace")), nT));
  const sLine = g.sin(g.mul(tA, g.mul(s("lineFreq"), Math.PI)));
  const ink = g.exp(g.mul(g.mul(sLine, sLine), -70));
  const creaseMask = g.exp(g.mul(g.abs(rField), g.mul(s("creaseK"), -1)));
  let shadeA = g.add(g.sub(1, g.mul(ink, s("lines"))), g.add(g.mul(creaseMask, s("crease")), relief));
  // cells: each site's flat colour, a little of the field as texture, lead lines on the borders
  const tCell = g.add(site.value, g.mul(g.add(tLow, g.mul(tHigh, s("detail"))), s("cellTex")));
  const shadeCell = g.mul(
    g.add(g.add(1, relief), g.mul(creaseMask, g.mul(s("crease"), 0.4))),
    g.sub(1, g.mul(lead, s("lead"))),
  );
  tA = g.lerp(tA, tCell, s("cells"));
  shadeA = g.lerp(shadeA, shadeCell, s("cells"));
  // discs: shaded spheres inside the sites' radii
  const disc = discShading(g, site, s("discSharp"), relief);
  const discAmt = g.mul(disc.inside, s("discs"));
  tA = g.lerp(tA, g.add(site.value, g.mul(tHigh, 0.6)), discAmt);
  shadeA = g.lerp(shadeA, disc.shade, discAmt);
  tA = g.lerp(tA, tOrb, orbEdge);
  shadeA = g.lerp(shadeA, orbShadeV, orbEdge);

  // --- land: sky with clouds, the orb, three ridge layers with aerial perspective
  const y01 = g.mul(g.add(sy, 1), 0.5); // 0 top → 1 bottom
  const horizon = s("horizon");
  const skyHorizonT = g.add(s("skyT"), g.mul(horizon, s("skySpan")));
  let tL = g.add(s("skyT"), g.add(g.mul(y01, s("skySpan")), g.mul(g.add(tLow, tSiren), s("clouds"))));
  let shadeL: V = g.add(1, g.mul(relief, 0.3));
  tL = g.lerp(tL, tOrb, orbEdge);
  shadeL = g.lerp(shadeL, orbShadeV, orbEdge);
  // water mirrors the sky about the horizon, broken by fine ripples
  const reflectT = g.add(s("skyT"), g.mul(g.sub(g.mul(horizon, 2), y01), s("skySpan")));
  // water: the sky mirrored about the horizon, broken by ripples that crowd toward it
  // (the ripples' frequency grows toward the horizon: they fade out before they alias)
  const fromHorizon = g.abs(g.sub(y01, horizon));
  const ripple = g.mul(
    g.sin(g.add(g.div(0.9, g.add(fromHorizon, 0.03)), g.mul(tLow, 8))),
    g.div(fromHorizon, g.add(fromHorizon, 0.08)),
  );
  const waterT = g.add(reflectT, g.mul(ripple, 0.035));
  const M = LATENT_GROUPS.ridge.size;
  const LAYERS = 3;
  const R = new Float32Array(3 * M);
  for (let j = 0; j < M; j++) R[j] = 0.5 * Math.pow(30 / 0.5, (j + rand()) / M) * TAU;
  const A3 = new Float32Array(M * LAYERS);
  const sumA = [0, 0, 0];
  for (let k = 0; k < LAYERS; k++) {
    for (let j = 0; j < M; j++) {
      const f = R[j]! / TAU;
      const a = (0.25 + Math.abs(gauss())) / Math.pow(f / 0.5, 1.05 + 0.2 * k) / 4;
      A3[j * LAYERS + k] = a;
      sumA[k]! += a;
    }
  }
  // ridge line x, wobbled by the first warp
  const rc = g.add(screen, g.matmul(p1, g.constant("wobble", [3, 3], [0.12, 0, 0, 0, 0, 0, 0, 0, 0])));
  const ridgeSin = g.abs(g.sin(g.matmul(rc, withPhases("F_ridge", R, M, group("ridge")))));
  const heights = g.matmul(ridgeSin, g.constant("A_layers", [M, LAYERS], A3)); // Σ a|sin| per layer
  for (let k = 0; k < LAYERS; k++) {
    const ridged = g.sub(sumA[k]!, g.matmul(heights, unit(LAYERS, k, `pick_layer${k}`))); // Σ a(1 − |sin|)
    const top = g.sub(g.add(horizon, k * 0.11), g.mul(ridged, g.mul(s("hills"), 1 - k * 0.3)));
    const mask = g.sigmoid(g.mul(g.sub(y01, top), 700));
    // far layers are hazier (water is one surface: no haze steps)
    const haze = g.mul(g.mul(s("haze"), g.sub(1, s("water"))), ((LAYERS - k) / LAYERS) * 0.8);
    const below = g.max(g.sub(y01, top), 0); // depth under the ridge line
    const bodyT = g.add(g.add(s("groundT"), k * 0.07), g.add(g.mul(below, 0.35), g.mul(qField, 0.05)));
    const bodyShade = g.add(g.sub(1 - 0.18 * k, g.mul(below, 0.6)), g.mul(relief, 0.2));
    const waterShade = g.add(0.82, g.mul(ripple, 0.12));
    const water = s("water");
    const surfT = g.lerp(g.lerp(bodyT, waterT, water), skyHorizonT, haze);
    const surfShade = g.lerp(g.lerp(bodyShade, waterShade, water), 1, haze);
    tL = g.lerp(tL, surfT, mask);
    shadeL = g.lerp(shadeL, surfShade, mask);
  }

  // a city skyline in front: one building per site cell (its value is the height), lit windows
  const cityMask = g.mul(g.sigmoid(g.mul(g.sub(y01, g.sub(s("cityTop"), site.value)), 700)), s("city"));
  const winAmt = g.mul(windowGrid(g, sx, sy, s("windowFx"), s("windowFy"), tHigh, site.value), s("windows"));
  // facades textured (concrete, glass): a flat dark body gives the watermark nowhere to hide
  const cityT = g.lerp(
    g.add(s("groundT"), g.add(g.mul(site.value, 0.25), g.mul(qField, 0.1))),
    s("orbT"),
    winAmt,
  );
  const cityShade = g.mul(
    g.lerp(g.add(0.8, g.add(g.mul(relief, 0.3), g.mul(qField, 0.6))), 1.35, winAmt),
    g.sub(1, g.mul(lead, 0.45)),
  );
  tL = g.lerp(tL, cityT, cityMask);
  shadeL = g.lerp(shadeL, cityShade, cityMask);

  // --- composite in index space, then one palette
  const land = s("land");
  const t = g.lerp(tA, tL, land);
  let shade = g.lerp(shadeA, shadeL, land);
  shade = g.mul(shade, g.add(1, g.mul(qField, s("grain"))));
  shade = g.mul(shade, g.mul(g.sub(1, g.mul(d2, s("vignette"))), s("exposure")));
  const glowAmt = g.mul(glow, s("glow"));
  const channels = [0, 1, 2].map((c) => {
    const glowCol = g.add(paletteChannel(s("orbT"), c), 0.2); // [B,1,1]
    return g.add(g.mul(paletteChannel(t, c), shade), g.mul(glowAmt, glowCol));
  });
  const rgb = g.concat(channels, 2); // [B,P,3]
  // headroom: keep every channel inside [9, 246] of 255 so the watermark can move each pixel both ways
  g.output(g.add(g.mul(g.clamp01(rgb), 0.93), 0.035), "rgb");

  return g.graph({
    name: ART_V2.name,
    inputs: [
      { name: "coords", shape: ["batch", "pixels", 3] },
      { name: "field", shape: ["batch", "pixels", 3] },
      { name: "transform", shape: ["batch", 3, 3] },
      { name: "latent", shape: ["batch", 1, ART_LATENT_DIM] },
      { name: "palette", shape: ["batch", 4, 3] },
      { name: "sites", shape: ["batch", SITE_ROWS, SITES] },
    ],
    outputs: [{ name: "rgb", shape: ["batch", "pixels", 3] }],
    docString: `${ART_V2.name}: warped Fourier-feature fBm + SIREN(${H}), relief, cosine palette, focal orb, layered land, power-diagram motifs (cells, rings, discs, skyline) over ${SITES} sites; weight seed ${ART_V2.weightSeed}`,
  });
}

export function buildArtModel(): Uint8Array {
  return encodeModel(buildArtGraph());
}
