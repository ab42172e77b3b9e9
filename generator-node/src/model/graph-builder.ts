/**
 * A small builder for feed-forward ONNX graphs made of elementwise ops, MatMul and Concat,
 * on top of the deterministic encoder in `onnx-proto.ts`. Values are tensor names; every op gets a
 * fresh, stable output name, so the same build code always produces the same bytes.
 */
import type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxNode, OnnxValueInfo } from "./onnx-proto.ts";

export type V = string;

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly scalars = new Map<number, V>();
  private count = 0;

  /** A float constant (initializer) with the given shape. */
  constant(name: string, dims: number[], data: Float32Array | number[]): V {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const n = dims.reduce((a, b) => a * b, 1);
    if (values.length !== n) throw new Error(`constant ${name}: ${values.length} values for shape [${dims}]`);
    this.initializers.push({ name, dims, data: values });
    return name;
  }

  /** A shared scalar constant. */
  scalar(v: number): V {
    let name = this.scalars.get(v);
    if (!name) {
      name = `k${this.scalars.size}`;
      this.scalars.set(v, name);
      this.constant(name, [1, 1, 1], [v]); // rank 3 like the image tensors: ORT broadcasts a rank-0 scalar far slower
    }
    return name;
  }

  op(opType: string, inputs: V[], hint = opType.toLowerCase(), attributes?: OnnxAttribute[]): V {
    const out = `${hint}_${this.count++}`;
    this.nodes.push({
      opType,
      inputs,
      outputs: [out],
      name: `n_${out}`,
      ...(attributes ? { attributes } : {}),
    });
    return out;
  }

  concat(values: V[], axis: number): V {
    const out = `concat_${this.count++}`;
    this.nodes.push({
      opType: "Concat",
      inputs: values,
      outputs: [out],
      name: `n_${out}`,
      attributes: [{ name: "axis", int: axis }],
    });
    return out;
  }

  private arg(v: V | number): V {
    return typeof v === "number" ? this.scalar(v) : v;
  }

  add(a: V | number, b: V | number): V {
    return this.op("Add", [this.arg(a), this.arg(b)]);
  }
  sub(a: V | number, b: V | number): V {
    return this.op("Sub", [this.arg(a), this.arg(b)]);
  }
  mul(a: V | number, b: V | number): V {
    return this.op("Mul", [this.arg(a), this.arg(b)]);
  }
  div(a: V | number, b: V | number): V {
    return this.op("Div", [this.arg(a), this.arg(b)]);
  }
  matmul(a: V, b: V): V {
    return this.op("MatMul", [a, b]);
  }
  sin(a: V): V {
    return this.op("Sin", [a]);
  }
  cos(a: V): V {
    return this.op("Cos", [a]);
  }
  abs(a: V): V {
    return this.op("Abs", [a]);
  }
  exp(a: V): V {
    return this.op("Exp", [a]);
  }
  sqrt(a: V): V {
    return this.op("Sqrt", [a]);
  }
  sigmoid(a: V): V {
    return this.op("Sigmoid", [a]);
  }
  tanh(a: V): V {
    return this.op("Tanh", [a]);
  }
  max(a: V | number, b: V | number): V {
    return this.op("Max", [this.arg(a), this.arg(b)]);
  }
  min(a: V | number, b: V | number): V {
    return this.op("Min", [this.arg(a), this.arg(b)]);
  }
  /** the minimum along one axis, kept as a size-1 axis (opset 17: axes is an attribute) */
  reduceMin(a: V, axis: number): V {
    return this.op("ReduceMin", [a], "reducemin", [
      { name: "axes", ints: [axis] },
      { name: "keepdims", int: 1 },
    ]);
  }
  transpose(a: V, perm: number[]): V {
    return this.op("Transpose", [a], "transpose", [{ name: "perm", ints: perm }]);
  }
  clamp01(a: V): V {
    return this.min(this.max(a, 0), 1);
  }
  /** a + (b − a)·t */
  lerp(a: V | number, b: V | number, t: V): V {
    return this.add(a, this.mul(this.sub(b, a), t));
  }

  /** Names a value as a graph output (Identity). */
  output(v: V, name: string): V {
    this.nodes.push({ opType: "Identity", inputs: [v], outputs: [name], name: `n_${name}` });
    return name;
  }

  graph(opts: {
    name: string;
    inputs: OnnxValueInfo[];
    outputs: OnnxValueInfo[];
    docString?: string;
    opset?: number;
  }): OnnxGraph {
    return {
      name: opts.name,
      producer: "atelier-generator-node",
      opset: opts.opset ?? 17,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: opts.inputs,
      outputs: opts.outputs,
      ...(opts.docString ? { docString: opts.docString } : {}),
    };
  }
}
