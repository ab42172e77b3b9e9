/**
 * Public render API (`@atelier/generator-node/render`): a built-in model's raw output for a prompt and a
 * seed, the same pixels a node generates before its safety check and watermark — for fixtures, benches and
 * tools elsewhere in the monorepo. Only ONNX Runtime is loaded (not the node's chain, storage or HTTP).
 */
import { builtinManifestPath, type BuiltinName } from "./model/builtin.ts";
import { loadManifest } from "./model/manifest.ts";
import { ModelRuntime, type Provider, type ProviderChoice, type RawImage } from "./model/runtime.ts";

export type { BuiltinName, Provider, ProviderChoice, RawImage };

export interface RenderRequest {
  prompt: string;
  /** hex, e.g. a job seed (`0x` + 64 hex digits) */
  seed: string;
  /** `builtin:art-variation`: the prompt and seed of the work it varies */
  variationOf?: { prompt: string; seed: string };
  /** `builtin:upscale-x4`: the image to upscale */
  parentImage?: RawImage;
}

export interface Renderer {
  /** the model's name as registered on chain, e.g. `atelier-art-v2` */
  readonly model: string;
  readonly provider: Provider;
  /** width × height of a text-to-image model's output */
  readonly resolution: { width: number; height: number };
  /** the model's output: 8-bit RGB, deterministic in (prompt, seed) */
  render(req: RenderRequest): Promise<RawImage>;
  close(): Promise<void>;
}

/**
 * Opens a built-in model (default `art`, the node's `builtin:art`) for rendering. Call `close()` when
 * done; ONNX Runtime's session holds native memory.
 */
export async function openRenderer(
  model: BuiltinName = "art",
  opts: { provider?: ProviderChoice; threads?: number } = {},
): Promise<Renderer> {
  const runtime = await ModelRuntime.create(await loadManifest(builtinManifestPath(`builtin:${model}`)), {
    provider: opts.provider ?? "cpu",
    threads: opts.threads ?? 1,
  });
  return {
    model: runtime.manifest.name,
    provider: runtime.provider,
    resolution: runtime.manifest.resolution,
    async render(req) {
      const [image] = await runtime.generate([req]);
      return image!;
    },
    close: () => runtime.close(),
  };
}
