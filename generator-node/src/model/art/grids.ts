/**
 * The pixel grids the art graph reads: the screen grid shared by every image of a resolution, the
 * field grid (the plane folded for radial, mirror and spiral compositions) and the per-image affine map.
 */
import type { ArtConditioning } from "./condition.ts";

const screenCache = new Map<string, Float32Array>();

/**
 * The eight ways to lay a composition on the frame (bit 1: mirrored left–right, bit 2: upside down,
 * bit 4: x and y swapped — square frames only). A picture drawn on the grid of orientation `o` is the
 * picture of orientation 0 mirrored, flipped or transposed: the same composition, its light, focus
 * and motifs on another side of the frame.
 */
export type Orientation = number;

/**
 * The screen grid (pixels × 3: x·aspect, y down, 1), shared by every image of a resolution and
 * orientation: the pixel at (px, py) reads the coordinates the unoriented grid has at its mirror or
 * transposed position.
 */
export function screenGrid(width: number, height: number, orientation: Orientation = 0): Float32Array {
  const o8 = width === height ? orientation & 7 : orientation & 3;
  const key = `${width}x${height}/${o8}`;
  let grid = screenCache.get(key);
  if (!grid) {
    grid = new Float32Array(width * height * 3);
    const aspect = width / height;
    let o = 0;
    for (let py = 0; py < height; py++) {
      for (let px = 0; px < width; px++) {
        let qx = o8 & 1 ? width - 1 - px : px;
        let qy = o8 & 2 ? height - 1 - py : py;
        if (o8 & 4) [qx, qy] = [qy, qx];
        grid[o++] = (((qx + 0.5) / width) * 2 - 1) * aspect;
        grid[o++] = ((qy + 0.5) / height) * 2 - 1;
        grid[o++] = 1;
      }
    }
    screenCache.set(key, grid);
  }
  return grid;
}

/** Whether the plane is folded (radial, mirror, spiral; a rose window) rather than an affine map. */
export function foldsPlane(c: ArtConditioning): boolean {
  return c.transform.fold !== "none";
}

/**
 * The per-image affine map applied (as a row vector times 3×3) to the field grid: rotation and zoom
 * about the focus, then an offset. For folded compositions the grid is already centred on the focus.
 */
export function fieldTransform(c: ArtConditioning): Float32Array {
  const { zoom, stretch, rotation, cx, cy, ox, oy } = c.transform;
  const zc = Math.cos(rotation) * zoom;
  const zs = Math.sin(rotation) * zoom;
  const [tx, ty] = foldsPlane(c) ? [0, 0] : [cx, cy];
  // the rotated field's x axis divided by the stretch: lower frequencies along it, never higher
  const k = 1 / stretch;
  return Float32Array.of(
    zc * k,
    zs,
    0,
    -zs * k,
    zc,
    0,
    (-tx * zc + ty * zs) * k + ox,
    -tx * zs - ty * zc + oy,
    1,
  );
}

/**
 * The field grid for one image (pixels × 3): the screen grid itself for affine compositions, the
 * plane folded about the focus for radial, mirror and spiral ones.
 */
export function fieldGrid(c: ArtConditioning, width: number, height: number): Float32Array {
  const screen = screenGrid(width, height, c.orientation);
  if (!foldsPlane(c)) return screen;
  const { folds, swirl, cx, cy, axis, skew } = c.transform;
  const out = new Float32Array(screen.length);
  const sector = (Math.PI * 2) / folds;
  const [ca0, sa0] = [Math.cos(axis), Math.sin(axis)];
  for (let o = 0; o < screen.length; o += 3) {
    const dx = screen[o]! - cx;
    const dy = screen[o + 1]! - cy;
    // into the figure's own axes: u along its first mirror line
    let x = dx * ca0 + dy * sa0;
    let y = -dx * sa0 + dy * ca0;
    if (skew > 0 && c.transform.fold !== "mirror") {
      // seen at an angle: the plane magnified smoothly toward one side (a scale in [1/(1+skew), 1]
      // that changes slowly, so the figure stays continuous and its frequencies only go down)
      const f = 1 / (1 + (skew * (1 + Math.tanh(x * 1.2))) / 2);
      x *= f;
      y *= f;
    }
    if (c.transform.fold === "radial") {
      const r = Math.sqrt(x * x + y * y);
      let theta = Math.atan2(y, x);
      theta = Math.abs((((theta % sector) + sector) % sector) - sector / 2);
      x = r * Math.cos(theta);
      y = r * Math.sin(theta);
    } else if (c.transform.fold === "mirror") {
      // the second half a magnified reflection of the first (skew > 0): still continuous at the line
      x = x < 0 ? -x / (1 + skew) : x;
    } else {
      const r = Math.sqrt(x * x + y * y);
      const a = swirl * Math.log(r + 0.25);
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      const nx = x * ca - y * sa;
      y = x * sa + y * ca;
      x = nx;
    }
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = 1;
  }
  return out;
}
