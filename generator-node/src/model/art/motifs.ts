/**
 * The motif layers of the art graph, drawn over a per-image set of sites (the `sites` input, placed
 * by `sites.ts` from the prompt and the seed): one power diagram (Voronoi cells whose sites carry a
 * radius) serves four compositions that the Fourier field alone cannot paint —
 *
 *   cells   flat-coloured cells with dark lead lines on the cell borders: stained glass and mosaics
 *           (scattered sites), square or hexagonal tiles (sites on a lattice), stripes (sites on a line)
 *   rings   concentric bands around one to four centres (the distance to the nearest site), which the
 *           terraces and ink lines of the abstract layer turn into contour lines: topography, tree rings
 *   discs   shaded spheres where a pixel lies inside a site's radius: bubbles, dots, planets, fruit
 *   city    a skyline: sites on a horizontal line make vertical cells, each cell's value its height,
 *           with a grid of lit windows
 *
 * Per pixel, e_k = |q − s_k|² − r_k² comes from one MatMul over the sites; the nearest site is
 * e₁ = min_k e_k, and w_k = exp(−β(e_k − e₁)) is 1 for it and falls off for the others, so Σw − 1
 * is near 0 inside a cell and near 1 on a border (the lead line), and Σw·v / Σw reads the nearest
 * site's values without an ArgMin.
 */
import type { GraphBuilder, V } from "../graph-builder.ts";
import { SITE_ROWS } from "./layout.ts";

export interface SiteField {
  /** |q − s|² − r² of the nearest site (< 0 inside its disc) */
  e1: V;
  /** the nearest site's colour index (or height) */
  value: V;
  /** the nearest site's r² */
  r2: V;
  /** ≈ 1 on a cell border, ≈ 0 inside a cell */
  border: V;
}

function rowSelector(g: GraphBuilder, name: string, rows: number[]): V {
  const sel = new Float32Array(rows.length * SITE_ROWS);
  rows.forEach((r, i) => (sel[i * SITE_ROWS + r] = 1));
  return g.constant(name, [rows.length, SITE_ROWS], sel);
}

/**
 * The power diagram of the image's sites at the points q ([B,P,3], third component 1). The sites'
 * first three rows come scaled by β (`sharp`), and |q|² is the same for every site, so it cancels
 * in e_k − e₁: the [B,P,K] tensor takes one MatMul, a ReduceMin, a Sub and an Exp (most of the
 * layer's cost), and |q|² is added back only to e₁ ([B,P,1]).
 */
export function siteField(g: GraphBuilder, q: V, qx: V, qy: V, sharp: V): SiteField {
  const quad = g.matmul(rowSelector(g, "sites_quad", [0, 1, 2]), "sites"); // [B,3,K], β-scaled
  const m = g.matmul(q, quad); // β(e_k − |q|²), [B,P,K]
  const m1 = g.reduceMin(m, 2); // [B,P,1]
  // w_k = max(0, 1 − β(e_k − e₁)): 1 for the nearest site, 0 beyond a border's width (an Exp over
  // [B,P,K] cost twice as much as Sub + Relu and blends the same)
  const w = g.op("Relu", [g.sub(g.add(m1, 1), m)]);
  const e1 = g.add(g.div(m1, sharp), g.add(g.mul(qx, qx), g.mul(qy, qy)));
  // values of the sites as columns: colour index, r², 1 (the weight sum)
  const vals = g.transpose(g.matmul(rowSelector(g, "sites_vals", [3, 4, 5]), "sites"), [0, 2, 1]);
  const sums = g.matmul(w, vals); // [B,P,3]
  const col = (i: number) => {
    const e3 = new Float32Array(3);
    e3[i] = 1;
    return g.matmul(sums, g.constant(`site_col${i}`, [3, 1], e3));
  };
  const den = col(2);
  const inv = g.div(1, den);
  return { e1, value: g.mul(col(0), inv), r2: g.mul(col(1), inv), border: g.sub(den, 1) };
}

/** a crisp 0/1 line where the border measure passes ½ */
export function leadLine(g: GraphBuilder, border: V): V {
  return g.sigmoid(g.mul(g.sub(border, 0.5), 12));
}

/**
 * Inside a disc (0/1, anti-aliased) and its sphere shading: n_z = √(1 − d²/r²) = √(−e₁/r²), lit
 * from the front with a soft rim (the glow of the field's relief gives the light's direction).
 */
export function discShading(g: GraphBuilder, f: SiteField, sharp: V, relief: V): { inside: V; shade: V } {
  const inside = g.sigmoid(g.mul(f.e1, g.mul(sharp, -1)));
  const nz = g.sqrt(g.clamp01(g.div(g.mul(f.e1, -1), g.max(f.r2, 1e-4))));
  return { inside, shade: g.add(0.3, g.add(g.mul(nz, 0.8), g.mul(relief, 3))) };
}

/**
 * Lit windows on a grid (0…1): rows and columns of a square wave, switched by a mid-frequency field.
 * Each building (its cell value) has its own window pitch and phase: one grid across the whole
 * skyline is a strong periodic pattern that the watermark's lattice search locks onto instead of
 * its own (measured: city images read back after resize + JPEG less often with a single grid).
 */
export function windowGrid(g: GraphBuilder, sx: V, sy: V, fx: V, fy: V, lit: V, building: V): V {
  const pitchX = g.mul(fx, g.add(0.8, building));
  const pitchY = g.mul(fy, g.add(0.85, g.mul(building, 0.6)));
  const colW = g.sigmoid(g.mul(g.sub(g.sin(g.add(g.mul(sx, pitchX), g.mul(building, 40))), 0.25), 10));
  const rowW = g.sigmoid(g.mul(g.sub(g.sin(g.add(g.mul(sy, pitchY), g.mul(building, 23))), 0.1), 10));
  return g.mul(g.mul(colW, rowW), g.sigmoid(g.mul(lit, 400)));
}
