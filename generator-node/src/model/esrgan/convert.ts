/**
 * Converts a TF.js Keras layers model (model.json + weight shards, as @upscalerjs/esrgan-* ship
 * them) to ONNX, for the layer kinds the ESRGAN-slim (RDN) generators use: InputLayer, Conv2D
 * (linear or ReLU), Activation(relu), Concatenate, Add, UpSampling2D (nearest). TF.js works in
 * NHWC; the ONNX graph is NCHW (Conv weights HWIO → OIHW, concat on axis 1). Input and output keep
 * the model's 0–255 range. The output bytes depend only on the input files (deterministic encoder).
 */
import { encodeModel, type OnnxGraph, type OnnxInitializer, type OnnxNode } from "../onnx-proto.ts";

interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

export interface TfjsLayersModel {
  format: string;
  modelTopology: {
    model_config: {
      config: { layers: KerasLayer[]; output_layers: [string, number, number][] };
    };
  };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export class UnsupportedLayerError extends Error {
  override name = "UnsupportedLayerError";
}

/** Splits the concatenated weight shards into named float32 tensors. */
export function readWeights(
  model: TfjsLayersModel,
  shards: Uint8Array[],
): Map<string, { shape: number[]; data: Float32Array }> {
  const total = shards.reduce((n, s) => n + s.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const s of shards) {
    all.set(s, o);
    o += s.length;
  }
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const group of model.weightsManifest)
    for (const w of group.weights) {
      if (w.dtype !== "float32")
        throw new UnsupportedLayerError(`weight ${w.name}: dtype ${w.dtype} (only float32)`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const view = new DataView(all.buffer, all.byteOffset + offset, n * 4);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
      offset += n * 4;
      out.set(w.name, { shape: w.shape, data });
    }
  if (offset !== total)
    throw new UnsupportedLayerError(`weights: manifest covers ${offset} of ${total} bytes`);
  return out;
}

/** HWIO → OIHW */
function toOIHW(shape: number[], data: Float32Array): { dims: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          out[((o * ci + i) * kh + h) * kw + w] = data[((h * kw + w) * ci + i) * co + o]!;
  return { dims: [co, ci, kh, kw], data: out };
}

export function convertLayersModel(
  model: TfjsLayersModel,
  shards: Uint8Array[],
  name: string,
): { graph: OnnxGraph; scale: number } {
  const weights = readWeights(model, shards);
  const cfg = model.modelTopology.model_config.config;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const valueOf = new Map<string, string>(); // keras layer name → ONNX value name
  let input = "";
  let scale = 1;
  const inboundOf = (l: KerasLayer) => (l.inbound_nodes[0] ?? []).map((n) => valueOf.get(n[0])!);
  for (const l of cfg.layers) {
    const ins = inboundOf(l);
    const out = l.name;
    switch (l.class_name) {
      case "InputLayer":
        input = l.name;
        valueOf.set(l.name, "input");
        continue;
      case "Conv2D": {
        const c = l.config as {
          kernel_size: [number, number];
          strides: [number, number];
          padding: string;
          dilation_rate: [number, number];
          activation: string;
          use_bias: boolean;
        };
        if (c.strides.some((s) => s !== 1) || c.dilation_rate.some((d) => d !== 1))
          throw new UnsupportedLayerError(`${l.name}: strides/dilation other than 1`);
        const kernel = weights.get(`${l.name}/kernel`);
        if (!kernel) throw new UnsupportedLayerError(`${l.name}: no kernel weights`);
        const w = toOIHW(kernel.shape, kernel.data);
        initializers.push({ name: `${l.name}.weight`, dims: w.dims, data: w.data });
        const convInputs = [ins[0]!, `${l.name}.weight`];
        if (c.use_bias) {
          const bias = weights.get(`${l.name}/bias`)!;
          initializers.push({ name: `${l.name}.bias`, dims: bias.shape, data: bias.data });
          convInputs.push(`${l.name}.bias`);
        }
        const [kh, kw] = c.kernel_size;
        if (c.padding === "same" && (kh % 2 === 0 || kw % 2 === 0))
          throw new UnsupportedLayerError(`${l.name}: "same" padding with an even kernel`);
        const pads =
          c.padding === "same" ? [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2] : [0, 0, 0, 0];
        const convOut = c.activation === "linear" ? out : `${out}.pre`;
        nodes.push({
          opType: "Conv",
          inputs: convInputs,
          outputs: [convOut],
          name: l.name,
          attributes: [
            { name: "kernel_shape", ints: [kh, kw] },
            { name: "pads", ints: pads },
            { name: "strides", ints: [1, 1] },
            { name: "dilations", ints: [1, 1] },
          ],
        });
        if (c.activation === "relu")
          nodes.push({ opType: "Relu", inputs: [convOut], outputs: [out], name: `${l.name}.relu` });
        else if (c.activation !== "linear")
          throw new UnsupportedLayerError(`${l.name}: activation ${c.activation}`);
        break;
      }
      case "Activation": {
        const act = (l.config as { activation: string }).activation;
        if (act !== "relu") throw new UnsupportedLayerError(`${l.name}: activation ${act}`);
        nodes.push({ opType: "Relu", inputs: [ins[0]!], outputs: [out], name: l.name });
        break;
      }
      case "Concatenate": {
        const axis = (l.config as { axis?: number }).axis ?? -1;
        if (axis !== -1 && axis !== 3) throw new UnsupportedLayerError(`${l.name}: concat axis ${axis}`);
        nodes.push({
          opType: "Concat",
          inputs: ins,
          outputs: [out],
          name: l.name,
          attributes: [{ name: "axis", int: 1 }],
        });
        break;
      }
      case "Add":
        nodes.push({ opType: ins.length === 2 ? "Add" : "Sum", inputs: ins, outputs: [out], name: l.name });
        break;
      case "UpSampling2D": {
        const c = l.config as { size: [number, number]; interpolation?: string };
        if ((c.interpolation ?? "nearest") !== "nearest" || c.size[0] !== c.size[1])
          throw new UnsupportedLayerError(`${l.name}: only square nearest upsampling`);
        scale *= c.size[0];
        initializers.push({
          name: `${l.name}.scales`,
          dims: [4],
          data: Float32Array.of(1, 1, c.size[0], c.size[1]),
        });
        nodes.push({
          opType: "Resize",
          inputs: [ins[0]!, "", `${l.name}.scales`],
          outputs: [out],
          name: l.name,
          attributes: [
            { name: "mode", string: "nearest" },
            { name: "coordinate_transformation_mode", string: "asymmetric" },
            { name: "nearest_mode", string: "floor" },
          ],
        });
        break;
      }
      default:
        throw new UnsupportedLayerError(`${l.name}: layer ${l.class_name} is not supported by the converter`);
    }
    valueOf.set(l.name, out);
  }
  if (!input) throw new UnsupportedLayerError("model has no InputLayer");
  const [outLayer] = cfg.output_layers[0]!;
  nodes.push({ opType: "Identity", inputs: [valueOf.get(outLayer)!], outputs: ["output"], name: "output" });
  return {
    scale,
    graph: {
      name,
      producer: "atelier-generator-node",
      opset: 17,
      nodes,
      initializers,
      inputs: [{ name: "input", shape: ["batch", 3, "height", "width"] }],
      outputs: [{ name: "output", shape: ["batch", 3, "out_height", "out_width"] }],
      docString: `${name}: converted from a TF.js layers model (${cfg.layers.length} layers), NCHW, range 0–255, ×${scale}`,
    },
  };
}

export function convertToOnnx(
  model: TfjsLayersModel,
  shards: Uint8Array[],
  name: string,
): { onnx: Uint8Array; scale: number } {
  const { graph, scale } = convertLayersModel(model, shards, name);
  return { onnx: encodeModel(graph), scale };
}
