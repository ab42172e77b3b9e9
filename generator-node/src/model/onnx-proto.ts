/**
 * A minimal, deterministic protobuf writer for the subset of ONNX's `ModelProto` that a feed-forward
 * graph needs (nodes, float initializers, typed inputs/outputs, opset imports).
 *
 * Written by hand instead of going through protobufjs so that the same graph description always
 * serialises to the same bytes (the weights hash registered on chain is the sha2-256 of the file).
 * Field numbers follow onnx/onnx.proto3 (IR version 8).
 */

class Writer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  varint(value: number | bigint): this {
    let v = BigInt(value);
    if (v < 0n) v = (1n << 64n) + v;
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.push(Uint8Array.from(out));
    return this;
  }

  tag(field: number, wire: 0 | 2): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** ONNX TensorProto.DataType.FLOAT */
export const FLOAT = 1;

/** A node attribute: an int, a list of ints or a string (the kinds the graphs here need). */
export type OnnxAttribute =
  { name: string; int: number } | { name: string; ints: number[] } | { name: string; string: string };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface OnnxValueInfo {
  name: string;
  /** a number is a fixed dimension, a string a symbolic one (e.g. "batch") */
  shape: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  producer: string;
  opset: number;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
}

function floatBytesLE(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] ?? 0, true);
  return out;
}

function valueInfo(w: Writer, v: OnnxValueInfo): void {
  w.string(1, v.name);
  // TypeProto.tensor_type = 1 → { elem_type = 1, shape = 2 }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => {
            if (typeof d === "number") dim.int(1, d);
            else dim.string(2, d);
          });
        }
      });
    }),
  );
}

/** Serialises a graph to ONNX ModelProto bytes (IR version 8). */
export function encodeModel(g: OnnxGraph): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, g.producer); // producer_name
  w.string(3, "1"); // producer_version
  if (g.docString) w.string(6, g.docString);
  w.message(7, (graph) => {
    for (const n of g.nodes) {
      graph.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(3, n.name);
        node.string(4, n.opType);
        // AttributeProto: name = 1, i = 3, s = 4, ints = 8, type = 20 (INT 2, STRING 3, INTS 7)
        for (const a of n.attributes ?? []) {
          node.message(5, (attr) => {
            attr.string(1, a.name);
            if ("int" in a) attr.int(3, a.int).int(20, 2);
            else if ("ints" in a) {
              for (const v of a.ints) attr.int(8, v);
              attr.int(20, 7);
            } else attr.string(4, a.string).int(20, 3);
          });
        }
      });
    }
    graph.string(2, g.name);
    for (const t of g.initializers) {
      graph.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, FLOAT);
        tensor.string(8, t.name);
        tensor.bytes(9, floatBytesLE(t.data));
      });
    }
    for (const i of g.inputs) graph.message(11, (vi) => valueInfo(vi, i));
    for (const o of g.outputs) graph.message(12, (vi) => valueInfo(vi, o));
  });
  w.message(8, (opset) => {
    opset.string(1, "");
    opset.int(2, g.opset);
  });
  return w.finish();
}
