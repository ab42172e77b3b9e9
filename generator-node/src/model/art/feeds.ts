/**
 * Input tensors of the art model v2 for a batch of requests (see graph.ts for what each one is).
 */
import * as ort from "onnxruntime-node";
import type { ModelManifest } from "../manifest.ts";
import { artConditionFor, artVariationFor } from "./condition.ts";
import { fieldGrid, fieldTransform, screenGrid } from "./grids.ts";
import { ART_LATENT_DIM, SITE_ROWS, SITES } from "./layout.ts";
import { siteRows } from "./sites.ts";

export interface ArtRequest {
  prompt: string;
  seed: string;
  /** a variation of an earlier work of this model: its prompt and seed */
  variationOf?: { prompt: string; seed: string };
}

export function artFeeds(reqs: ArtRequest[], m: ModelManifest): Record<string, ort.Tensor> {
  if (m.latentDim !== ART_LATENT_DIM)
    throw new Error(
      `model ${m.name}: latentDim ${m.latentDim}, the art conditioning writes ${ART_LATENT_DIM}`,
    );
  const { width, height } = m.resolution;
  const P = width * height;
  const B = reqs.length;
  const coords = new Float32Array(B * P * 3);
  const field = new Float32Array(B * P * 3);
  const transform = new Float32Array(B * 9);
  const latent = new Float32Array(B * ART_LATENT_DIM);
  const palette = new Float32Array(B * 12);
  const sites = new Float32Array(B * SITE_ROWS * SITES);
  reqs.forEach((r, b) => {
    const c = r.variationOf
      ? artVariationFor(r.variationOf.prompt, r.variationOf.seed, r.seed)
      : artConditionFor(r.prompt, r.seed);
    coords.set(screenGrid(width, height, c.orientation), b * P * 3);
    field.set(fieldGrid(c, width, height), b * P * 3);
    transform.set(fieldTransform(c), b * 9);
    latent.set(c.latent, b * ART_LATENT_DIM);
    palette.set(c.palette, b * 12);
    // the layouts are drawn for a square frame: spread their centres over a wider (or taller) one
    const aspect = width / height;
    // (not a rose window's wedge, in the folded plane, nor ring centres placed at the focus)
    const fixed = aspect === 1 || c.style.cellFold > 0 || c.composition === "rings";
    const spread = fixed ? c.sites : c.sites.map((s) => ({ ...s, x: s.x * aspect }));
    sites.set(siteRows(spread, c.style.siteSharp), b * SITE_ROWS * SITES);
  });
  const inputs = m.inputs as Required<ModelManifest["inputs"]>;
  return {
    [inputs.coords]: new ort.Tensor("float32", coords, [B, P, 3]),
    [inputs.field]: new ort.Tensor("float32", field, [B, P, 3]),
    [inputs.transform]: new ort.Tensor("float32", transform, [B, 3, 3]),
    [inputs.latent!]: new ort.Tensor("float32", latent, [B, 1, ART_LATENT_DIM]),
    [inputs.palette]: new ort.Tensor("float32", palette, [B, 4, 3]),
    [inputs.sites]: new ort.Tensor("float32", sites, [B, SITE_ROWS, SITES]),
  };
}
