import { hexToBytes, type Hex } from "viem";
import { AscMemory, bigIntFromBytes, bigIntToBytes } from "./memory.ts";

/** graph-ts `ValueKind` of store values. */
export const StoreKind = {
  String: 0,
  Int: 1,
  BigDecimal: 2,
  Bool: 3,
  Array: 4,
  Null: 5,
  Bytes: 6,
  BigInt: 7,
  Int8: 8,
  Timestamp: 9,
} as const;

export type StoreValue =
  | { kind: "String"; value: string }
  | { kind: "Int"; value: number }
  | { kind: "Bool"; value: boolean }
  | { kind: "Null"; value: null }
  | { kind: "Bytes"; value: Uint8Array }
  | { kind: "BigInt"; value: bigint }
  | { kind: "Int8"; value: bigint }
  | { kind: "Timestamp"; value: bigint }
  | { kind: "Array"; value: StoreValue[] };

export type EntityData = Map<string, StoreValue>;

export function readStoreValue(mem: AscMemory, ptr: number): StoreValue {
  const kind = mem.i32(ptr);
  const payload = mem.u64(ptr + 8);
  switch (kind) {
    case StoreKind.String:
      return { kind: "String", value: mem.readString(Number(payload)) };
    case StoreKind.Int:
      return { kind: "Int", value: Number(BigInt.asIntN(32, payload)) };
    case StoreKind.Bool:
      return { kind: "Bool", value: payload !== 0n };
    case StoreKind.Null:
      return { kind: "Null", value: null };
    case StoreKind.Bytes:
      return { kind: "Bytes", value: mem.readBytes(Number(payload)) };
    case StoreKind.BigInt:
      return { kind: "BigInt", value: bigIntFromBytes(mem.readBytes(Number(payload))) };
    case StoreKind.Int8:
      return { kind: "Int8", value: BigInt.asIntN(64, payload) };
    case StoreKind.Timestamp:
      return { kind: "Timestamp", value: BigInt.asIntN(64, payload) };
    case StoreKind.Array:
      return { kind: "Array", value: mem.readArray(Number(payload)).map((p) => readStoreValue(mem, p)) };
    case StoreKind.BigDecimal:
      throw new Error("host: BigDecimal store values are not implemented");
    default:
      throw new Error(`host: unknown store value kind ${kind}`);
  }
}

export function writeStoreValue(mem: AscMemory, value: StoreValue): number {
  const tag = (kind: number, payload: bigint) => mem.writeTagged(kind, payload, "StoreValue");
  switch (value.kind) {
    case "String":
      return tag(StoreKind.String, BigInt(mem.writeString(value.value)));
    case "Int":
      return tag(StoreKind.Int, BigInt.asUintN(64, BigInt(value.value)));
    case "Bool":
      return tag(StoreKind.Bool, value.value ? 1n : 0n);
    case "Null":
      return tag(StoreKind.Null, 0n);
    case "Bytes":
      return tag(StoreKind.Bytes, BigInt(mem.writeBytes(value.value)));
    case "BigInt":
      return tag(StoreKind.BigInt, BigInt(mem.writeBytes(bigIntToBytes(value.value))));
    case "Int8":
      return tag(StoreKind.Int8, BigInt.asUintN(64, value.value));
    case "Timestamp":
      return tag(StoreKind.Timestamp, BigInt.asUintN(64, value.value));
    case "Array": {
      const items = value.value.map((v) => writeStoreValue(mem, v));
      return tag(StoreKind.Array, BigInt(mem.writeArray(items, "ArrayStoreValue")));
    }
  }
}

/** An entity (`TypedMap<string, Value>`) from mapping memory. */
export function readEntity(mem: AscMemory, ptr: number): EntityData {
  const data: EntityData = new Map();
  for (const entry of mem.readArray(mem.u32(ptr))) {
    data.set(mem.readString(mem.u32(entry)), readStoreValue(mem, mem.u32(entry + 4)));
  }
  return data;
}

export function writeEntity(mem: AscMemory, data: EntityData): number {
  const entries = [...data].map(([key, value]) =>
    mem.writeStruct([mem.writeString(key), writeStoreValue(mem, value)], "TypedMapEntryStringStoreValue"),
  );
  return mem.writeStruct(
    [mem.writeArray(entries, "ArrayTypedMapEntryStringStoreValue")],
    "TypedMapStringStoreValue",
  );
}

/** An ABI parameter as viem describes it. */
export interface AbiParam {
  name?: string;
  type: string;
  components?: readonly AbiParam[];
}

const EthKind = {
  Address: 0,
  FixedBytes: 1,
  Bytes: 2,
  Int: 3,
  Uint: 4,
  Bool: 5,
  String: 6,
  FixedArray: 7,
  Array: 8,
  Tuple: 9,
};

/** An `ethereum.Value` for one decoded event argument. */
export function writeEthereumValue(mem: AscMemory, param: AbiParam, value: unknown): number {
  const tag = (kind: number, payload: number | bigint) =>
    mem.writeTagged(kind, BigInt(payload), "EthereumValue");
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (arrayMatch) {
    const inner: AbiParam = { ...param, type: arrayMatch[1]! };
    const items = (value as unknown[]).map((v) => writeEthereumValue(mem, inner, v));
    const kind = arrayMatch[2] === "" ? EthKind.Array : EthKind.FixedArray;
    return tag(kind, mem.writeArray(items, "ArrayEthereumValue"));
  }
  if (param.type === "tuple") {
    const components = param.components ?? [];
    const items = components.map((c, i) => {
      const field = Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name ?? ""];
      return writeEthereumValue(mem, c, field);
    });
    return tag(EthKind.Tuple, mem.writeArray(items, "ArrayEthereumValue"));
  }
  if (param.type === "address") return tag(EthKind.Address, mem.writeBytes(hexToBytes(value as Hex)));
  if (param.type === "bool") return tag(EthKind.Bool, value ? 1 : 0);
  if (param.type === "string") return tag(EthKind.String, mem.writeString(value as string));
  if (param.type === "bytes") return tag(EthKind.Bytes, mem.writeBytes(hexToBytes(value as Hex)));
  if (/^bytes\d+$/.test(param.type)) return tag(EthKind.FixedBytes, mem.writeBytes(hexToBytes(value as Hex)));
  if (/^u?int\d*$/.test(param.type)) {
    const kind = param.type.startsWith("u") ? EthKind.Uint : EthKind.Int;
    return tag(kind, mem.writeBytes(bigIntToBytes(BigInt(value as bigint | number))));
  }
  throw new Error(`host: ABI type ${param.type} is not implemented`);
}

const JsonKind = { Null: 0, Bool: 1, Number: 2, String: 3, Array: 4, Object: 5 };

/** A graph-ts `JSONValue` tree for a parsed JSON value. */
export function writeJsonValue(mem: AscMemory, value: unknown): number {
  const tag = (kind: number, payload: number | bigint) => mem.writeTagged(kind, BigInt(payload), "JsonValue");
  if (value === null) return tag(JsonKind.Null, 0);
  if (typeof value === "boolean") return tag(JsonKind.Bool, value ? 1 : 0);
  if (typeof value === "number") return tag(JsonKind.Number, mem.writeString(String(value)));
  if (typeof value === "string") return tag(JsonKind.String, mem.writeString(value));
  if (Array.isArray(value)) {
    return tag(
      JsonKind.Array,
      mem.writeArray(
        value.map((v) => writeJsonValue(mem, v)),
        "ArrayJsonValue",
      ),
    );
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    mem.writeStruct([mem.writeString(k), writeJsonValue(mem, v)], "TypedMapEntryStringJsonValue"),
  );
  const map = mem.writeStruct(
    [mem.writeArray(entries, "ArrayTypedMapEntryStringJsonValue")],
    "TypedMapStringJsonValue",
  );
  return tag(JsonKind.Object, map);
}
