/**
 * Where the motif layers' sites go (see motifs.ts for what the graph draws over them). Each layout
 * takes a uniform stream — the layout stream of the job's seed and prompt, so that a new seed moves
 * the cells, tiles, stripes, ring centres, discs and buildings, not only the texture.
 * Coordinates are screen units (x in [−aspect, aspect], y in [−1, 1], y down) unless the plane is
 * folded (a rose window: the sites lie in one wedge of the folded plane).
 */
import { SITE_ROWS, SITES } from "./layout.ts";

export interface Site {
  x: number;
  y: number;
  /** radius: a disc (discs), or a larger cell (power diagram) */
  r: number;
  /** colour index of the cell or disc; a building's height (city) */
  v: number;
}

type Rand = () => number;

/**
 * The `sites` input rows for one image, the first three scaled by the border sharpness β (the
 * graph's `siteSharp`); unused slots lie far away and are never the nearest.
 */
export function siteRows(sites: Site[], sharp: number): Float32Array {
  if (sites.length > SITES) throw new Error(`${sites.length} sites, the art graph takes ${SITES}`);
  const out = new Float32Array(SITE_ROWS * SITES);
  for (let k = 0; k < SITES; k++) {
    const s = sites[k] ?? { x: 40 + k, y: 40, r: 0, v: 0 };
    out[k] = -2 * s.x * sharp;
    out[SITES + k] = -2 * s.y * sharp;
    out[2 * SITES + k] = (s.x * s.x + s.y * s.y - s.r * s.r) * sharp;
    out[3 * SITES + k] = s.v;
    out[4 * SITES + k] = s.r * s.r;
    out[5 * SITES + k] = 1;
  }
  return out;
}

/** A colour index from a few palette levels (flat cells read as a handful of glass colours). */
function level(r: Rand, levels: number, base: number): number {
  return base + Math.floor(r() * levels) / levels + (r() - 0.5) * 0.06;
}

/** Jittered-grid sites over the frame (stained glass, mosaic): n cells of uneven size. */
export function scatteredCells(r: Rand, aspect: number, base: number): Site[] {
  const cols = 4 + Math.floor(r() * 3);
  const rows = Math.min(Math.floor(SITES / cols), 3 + Math.floor(r() * 4));
  const levels = 3 + Math.floor(r() * 3);
  const out: Site[] = [];
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++)
      out.push({
        x: (((i + 0.15 + r() * 0.7) / cols) * 2 - 1) * aspect * 1.05,
        y: ((j + 0.15 + r() * 0.7) / rows) * 2.1 - 1.05,
        r: r() * 0.14,
        v: level(r, levels, base),
      });
  return out;
}

/** A rose window: cells in one wedge of the radially folded plane (sector = 2π / folds). */
export function wedgeCells(r: Rand, folds: number, base: number): Site[] {
  const half = Math.PI / folds;
  const rings = 3 + Math.floor(r() * 2);
  const out: Site[] = [];
  const levels = 3 + Math.floor(r() * 3);
  for (let k = 0; k < rings; k++) {
    const n = 1 + Math.floor(r() * 3) + (k > 1 ? 1 : 0);
    for (let i = 0; i < n && out.length < SITES; i++) {
      const rho = ((k + 0.3 + r() * 0.4) / rings) * 1.45;
      const th = ((i + 0.2 + r() * 0.6) / n) * half;
      out.push({ x: rho * Math.cos(th), y: rho * Math.sin(th), r: 0, v: level(r, levels, base) });
    }
  }
  return out;
}

/** Square or hexagonal tiles: a rotated lattice, the SITES points nearest the centre. */
export function latticeTiles(r: Rand, aspect: number, base: number, hex: boolean): Site[] {
  const a = 0.42 + r() * 0.2;
  const rot = r() < 0.5 ? 0 : r() * Math.PI;
  const [c, s] = [Math.cos(rot), Math.sin(rot)];
  const ox = (r() - 0.5) * a;
  const oy = (r() - 0.5) * a;
  const checker = r() < 0.5;
  const levels = 2 + Math.floor(r() * 3);
  const pts: (Site & { d: number })[] = [];
  for (let j = -6; j <= 6; j++)
    for (let i = -6; i <= 6; i++) {
      const u = (i + (hex ? (j & 1) * 0.5 : 0)) * a + ox;
      const w = j * a * (hex ? Math.sqrt(3) / 2 : 1) + oy;
      const x = u * c - w * s;
      const y = u * s + w * c;
      const v = checker ? base + (((i + j) % levels) + levels) / levels : level(r, levels + 1, base);
      pts.push({ x, y, r: 0, v, d: Math.max(Math.abs(x) / aspect, Math.abs(y)) });
    }
  pts.sort((p, q) => p.d - q.d);
  return pts.slice(0, SITES).map(({ x, y, r: rr, v }) => ({ x, y, r: rr, v }));
}

/** Stripes: sites on one line (their cells are parallel bands), of uneven widths. */
export function stripes(r: Rand, base: number): Site[] {
  const angles = [0, Math.PI / 2, Math.PI / 4, -Math.PI / 4, r() * Math.PI];
  const ang = angles[Math.floor(r() * angles.length)]!;
  const [c, s] = [Math.cos(ang), Math.sin(ang)];
  const wide = r() < 0.5; // a few broad bands (minimal) or many narrow ones
  const levels = 3 + Math.floor(r() * 3);
  const out: Site[] = [];
  let u = -1.6 - r() * 0.2;
  while (u < 1.6 && out.length < SITES) {
    const w = wide ? 0.18 + r() * 0.5 : 0.07 + r() * 0.2;
    out.push({ x: (u + w / 2) * c, y: (u + w / 2) * s, r: 0, v: level(r, levels, base) });
    u += w;
  }
  return out;
}

/** One to four ring centres, the first at the focus. */
export function ringCentres(r: Rand, fx: number, fy: number, aspect: number): Site[] {
  const n = 1 + Math.floor(r() * 4);
  const out: Site[] = [{ x: fx, y: fy, r: 0, v: 0 }];
  for (let k = 1; k < n; k++) out.push({ x: (r() * 2 - 1) * aspect * 0.9, y: r() * 2 - 1, r: 0, v: 0 });
  return out;
}

/** Scattered discs that do not overlap (rejection sampling), a few large and more small ones. */
export function scatteredDiscs(r: Rand, aspect: number, base: number): Site[] {
  const want = 4 + Math.floor(r() * 14);
  const rMax = 0.12 + r() * 0.22;
  const levels = 3 + Math.floor(r() * 3);
  const out: Site[] = [];
  for (let tries = 0; tries < 400 && out.length < want; tries++) {
    const rad = rMax * Math.pow(0.25, r());
    const x = (r() * 2 - 1) * (aspect - rad * 0.5);
    const y = (r() * 2 - 1) * (1 - rad * 0.5);
    if (out.every((d) => Math.hypot(d.x - x, d.y - y) > d.r + rad + 0.02))
      out.push({ x, y, r: rad, v: level(r, levels, base) });
  }
  return out;
}

/** A skyline: buildings of uneven widths along x (sites on one horizontal line); v is each height. */
export function skyline(r: Rand, aspect: number): Site[] {
  const out: Site[] = [];
  const towers = 0.15 + r() * 0.25;
  // downtown: the tall buildings cluster around a point near a third of the skyline, lower toward
  // the edges (a skyline of even height across the frame has no focus)
  const centre = (r() < 0.5 ? -1 : 1) * (0.2 + r() * 0.35) * aspect;
  let x = -aspect - r() * 0.1;
  while (x < aspect && out.length < SITES) {
    const w = 0.06 + r() * 0.16;
    const rise = 0.5 + 0.8 * Math.exp(-(((x + w / 2 - centre) / 0.5) ** 2));
    const h = (r() < towers * rise ? 0.3 + r() * 0.28 : 0.06 + r() * 0.22) * rise;
    out.push({ x: x + w / 2, y: 3, r: 0, v: h });
    x += w;
  }
  return out;
}

/**
 * Cells along a horizontal line whose borders fall exactly on `edges` (x of each border, rising):
 * every site sits in the middle of its span and its power (r²) moves the border onto the edge, so
 * spans of any width lie side by side (a tower beside a wide headland). v is each span's height;
 * a span of height ≤ −1 lies below the frame (nothing drawn: the sea, the plain behind).
 */
export function spans(edges: number[], heights: number[]): Site[] {
  if (heights.length !== edges.length + 1 || heights.length > SITES)
    throw new Error(`spans: ${edges.length} edges need ${edges.length + 1} heights (≤ ${SITES})`);
  const bounds = [edges[0]! - 1, ...edges, edges[edges.length - 1]! + 1];
  const c = heights.map((_, i) => (bounds[i]! + bounds[i + 1]!) / 2);
  // the border of sites i, i+1 lies at (c_i + c_{i+1})/2 + (w_i − w_{i+1}) / (2(c_{i+1} − c_i))
  const w = [0];
  for (let i = 0; i + 1 < c.length; i++)
    w.push(w[i]! - (2 * edges[i]! - c[i]! - c[i + 1]!) * (c[i + 1]! - c[i]!));
  const low = Math.min(...w);
  return heights.map((v, i) => ({ x: c[i]!, y: 3, r: Math.sqrt(w[i]! - low), v }));
}

/**
 * A tower on the land or on a headland over the sea (a lighthouse, a spire, a castle keep): one
 * tall span near a third of the frame on a rocky rise — narrow spans of uneven heights that fall
 * away toward the open side — which runs off the frame on the tower's side; the rest of the line
 * empty. Returns the sites and where the tower's top is (x, width, height above the base line).
 */
export function tower(r: Rand): { sites: Site[]; x: number; width: number; height: number } {
  const side = r() < 0.5 ? -1 : 1;
  const x = side * (0.2 + r() * 0.3);
  const width = 0.08 + r() * 0.05;
  const height = 0.28 + r() * 0.14;
  const top = 0.05 + r() * 0.06; // the rise's height under the tower
  const none = -2;
  // from the frame's edge to past the tower (outer → open side): the rise's spans, then the tower
  const spansOut: [number, number][] = []; // [width, height]
  const behind = side * (1.1 - x * side); // frame edge (with a margin) to the tower
  const steps = 1 + Math.floor(r() * 2);
  for (let k = 0; k < steps; k++) spansOut.push([(behind * side) / steps, top * (0.75 + r() * 0.45)]);
  spansOut.push([width, height]);
  // the rise falls away on the open side in a few rough steps
  const fall = 1 + Math.floor(r() * 3);
  for (let k = 0; k < fall; k++)
    spansOut.push([0.04 + r() * 0.1, top * (1 - (k + 0.5 + r() * 0.5) / (fall + 1))]);
  // lay them out from the edge toward the open side, then as rising x
  const cells: { x0: number; x1: number; v: number }[] = [];
  let at = side * 1.1;
  for (const [w, v] of spansOut) {
    const next = at - side * w;
    cells.push({ x0: Math.min(at, next), x1: Math.max(at, next), v });
    at = next;
  }
  if (side > 0) cells.reverse();
  const edges: number[] = [];
  const heights: number[] = [];
  if (side > 0) heights.push(none);
  cells.forEach((c, i) => {
    if (side > 0 || i > 0) edges.push(c.x0);
    heights.push(c.v);
  });
  if (side < 0) {
    edges.push(cells[cells.length - 1]!.x1);
    heights.push(none);
  }
  const sites = spans(edges, heights);
  return { sites, x: cells.find((c) => c.v === height)!.x0 + width / 2, width, height };
}
