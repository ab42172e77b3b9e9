/**
 * The built-in model: a CPPN (compositional pattern-producing network). Per-pixel coordinates
 * (x, y, r) and a per-image latent vector go through a small tanh MLP; a softmax over three
 * logits mixes a per-image three-colour palette, and a sigmoid "luminance" head shades it.
 *
 *   h1   = tanh(coords·Wc + latent·Wz + b1)        coords [B,P,3], latent [B,1,Z]
 *   hk   = tanh(h(k-1)·Wk + bk)                    k = 2..L
 *   mix  = softmax(hL·Wo + bo)                     [B,P,3]
 *   rgb  = (mix·palette) ⊙ (a + b·sigmoid(hL·Wl + bl))   palette [B,3,3]
 *
 * The weights are fixed (a seeded PRNG), so the ONNX file and its hash are reproducible
 * byte for byte from this code; all variation comes from the inputs (latent, palette, structure).
 */
import { mulberry32 } from "@atelier/procedural";
import { encodeModel, type OnnxGraph, type OnnxInitializer, type OnnxNode } from "./onnx-proto.ts";

export interface CppnSpec {
  name: string;
  /** PRNG seed for the fixed weights */
  weightSeed: number;
  latentDim: number;
  hidden: number;
  layers: number;
}

export const DEFAULT_CPPN: CppnSpec = {
  name: "atelier-cppn-v1",
  weightSeed: 0x5eed_a7e1,
  latentDim: 8,
  hidden: 48,
  layers: 4,
};

function uniformTensor(rand: () => number, name: string, dims: number[], scale: number): OnnxInitializer {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (rand() * 2 - 1) * scale;
  return { name, dims, data };
}

export function buildCppnGraph(spec: CppnSpec = DEFAULT_CPPN): OnnxGraph {
  const rand = mulberry32(spec.weightSeed);
  const H = spec.hidden;
  const init: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const node = (opType: string, inputs: string[], output: string): string => {
    nodes.push({ opType, inputs, outputs: [output], name: `${opType.toLowerCase()}_${output}` });
    return output;
  };
  // uniform(±s) has std s/√3; tanh layers with gain ≈ 1.6 give rich but not saturated patterns.
  const gain = (fanIn: number, g: number) => (g * Math.sqrt(3)) / Math.sqrt(fanIn);
  init.push(uniformTensor(rand, "Wc", [3, H], 4.0));
  init.push(uniformTensor(rand, "Wz", [spec.latentDim, H], 1.2));
  init.push(uniformTensor(rand, "b1", [H], 0.5));
  let h = node(
    "Tanh",
    [
      node(
        "Add",
        [
          node("Add", [node("MatMul", ["coords", "Wc"], "c1"), node("MatMul", ["latent", "Wz"], "z1")], "s1"),
          "b1",
        ],
        "a1",
      ),
    ],
    "h1",
  );
  for (let k = 2; k <= spec.layers; k++) {
    init.push(uniformTensor(rand, `W${k}`, [H, H], gain(H, 2.2)));
    init.push(uniformTensor(rand, `b${k}`, [H], 0.3));
    h = node("Tanh", [node("Add", [node("MatMul", [h, `W${k}`], `m${k}`), `b${k}`], `a${k}`)], `h${k}`);
  }
  init.push(uniformTensor(rand, "Wo", [H, 3], gain(H, 4.0)));
  init.push(uniformTensor(rand, "bo", [3], 0.2));
  init.push(uniformTensor(rand, "Wl", [H, 1], gain(H, 3.0)));
  init.push(uniformTensor(rand, "bl", [1], 0.2));
  init.push({ name: "lumA", dims: [], data: Float32Array.of(0.3) });
  init.push({ name: "lumB", dims: [], data: Float32Array.of(0.75) });
  const mix = node("Softmax", [node("Add", [node("MatMul", [h, "Wo"], "mo"), "bo"], "logits")], "mix");
  const colour = node("MatMul", [mix, "palette"], "colour");
  const lum = node("Sigmoid", [node("Add", [node("MatMul", [h, "Wl"], "ml"), "bl"], "lumLogit")], "lum");
  const shade = node("Add", [node("Mul", [lum, "lumB"], "lumScaled"), "lumA"], "shade");
  node("Mul", [colour, shade], "rgb");
  return {
    name: spec.name,
    producer: "atelier-generator-node",
    opset: 17,
    nodes,
    initializers: init,
    inputs: [
      { name: "coords", shape: ["batch", "pixels", 3] },
      { name: "latent", shape: ["batch", 1, spec.latentDim] },
      { name: "palette", shape: ["batch", 3, 3] },
    ],
    outputs: [{ name: "rgb", shape: ["batch", "pixels", 3] }],
    docString: `CPPN ${spec.name}: latent ${spec.latentDim}, hidden ${H}×${spec.layers}, weight seed ${spec.weightSeed}`,
  };
}

export function buildCppnModel(spec: CppnSpec = DEFAULT_CPPN): Uint8Array {
  return encodeModel(buildCppnGraph(spec));
}
