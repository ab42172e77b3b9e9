/**
 * Reads and writes AssemblyScript 0.19 objects in a mapping's linear memory (the layouts graph-node
 * uses): strings are UTF-16LE with their byte length at `ptr - 4`; `Uint8Array`-like objects
 * (Bytes, Address, BigInt) are `{buffer, dataStart, byteLength}`; `Array<T>` adds `length`.
 * The stub runtime has no GC, so objects the host creates need no pinning.
 */
export interface AscExports {
  memory: WebAssembly.Memory;
  __new(size: number, classId: number): number;
  id_of_type(typeId: number): number;
  [name: string]: unknown;
}

export class AscMemory {
  private readonly classIds = new Map<string, number>();

  constructor(private readonly exports: AscExports) {}

  /** The runtime class id of a graph-ts type, e.g. `Uint8Array`, `ArrayEthereumValue`. */
  classId(typeName: string): number {
    let id = this.classIds.get(typeName);
    if (id === undefined) {
      const global = this.exports[`TypeId.${typeName}`] as WebAssembly.Global | undefined;
      if (global === undefined) throw new Error(`the mapping exports no TypeId.${typeName}`);
      id = this.exports.id_of_type(global.value as number);
      this.classIds.set(typeName, id);
    }
    return id;
  }

  private get view(): DataView {
    return new DataView(this.exports.memory.buffer);
  }

  private get bytes(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }

  u32(ptr: number): number {
    return this.view.getUint32(ptr, true);
  }

  i32(ptr: number): number {
    return this.view.getInt32(ptr, true);
  }

  u64(ptr: number): bigint {
    return this.view.getBigUint64(ptr, true);
  }

  setU32(ptr: number, value: number): void {
    this.view.setUint32(ptr, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.view.setBigUint64(ptr, value, true);
  }

  setU8(ptr: number, value: number): void {
    this.view.setUint8(ptr, value);
  }

  alloc(size: number, typeName: string): number {
    return this.exports.__new(size, this.classId(typeName));
  }

  readString(ptr: number): string {
    if (ptr === 0) throw new Error("null string pointer");
    const byteLength = this.u32(ptr - 4);
    return Buffer.from(this.bytes.slice(ptr, ptr + byteLength)).toString("utf16le");
  }

  writeString(text: string): number {
    const encoded = Buffer.from(text, "utf16le");
    const ptr = this.alloc(encoded.length, "String");
    this.bytes.set(encoded, ptr);
    return ptr;
  }

  /** Bytes of a Uint8Array-like object (Bytes, Address, BigInt, Uint8Array). */
  readBytes(ptr: number): Uint8Array {
    if (ptr === 0) throw new Error("null bytes pointer");
    const dataStart = this.u32(ptr + 4);
    const byteLength = this.u32(ptr + 8);
    return this.bytes.slice(dataStart, dataStart + byteLength);
  }

  writeBytes(data: Uint8Array, typeName = "Uint8Array"): number {
    const buffer = this.alloc(data.length, "ArrayBuffer");
    this.bytes.set(data, buffer);
    const ptr = this.alloc(12, typeName);
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, data.length);
    return ptr;
  }

  /** Element pointers of an `Array<T>` of objects. */
  readArray(ptr: number): number[] {
    const dataStart = this.u32(ptr + 4);
    const length = this.i32(ptr + 12);
    return Array.from({ length }, (_, i) => this.u32(dataStart + 4 * i));
  }

  writeArray(pointers: number[], typeName: string): number {
    const buffer = this.alloc(pointers.length * 4, "ArrayBuffer");
    pointers.forEach((p, i) => this.setU32(buffer + 4 * i, p));
    const ptr = this.alloc(16, typeName);
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, pointers.length * 4);
    this.setU32(ptr + 12, pointers.length);
    return ptr;
  }

  /** A class instance whose fields are all pointers (4 bytes each), in declaration order. */
  writeStruct(fields: number[], typeName: string): number {
    const ptr = this.alloc(fields.length * 4, typeName);
    fields.forEach((p, i) => this.setU32(ptr + 4 * i, p));
    return ptr;
  }

  /** `{kind: i32, payload: u64}`: store values, ethereum values and JSON values. */
  writeTagged(kind: number, payload: bigint, typeName: string): number {
    const ptr = this.alloc(16, typeName);
    this.setU32(ptr, kind);
    this.setU64(ptr + 8, payload);
    return ptr;
  }
}

/** graph-ts BigInt: little-endian two's complement, any length. */
export function bigIntFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  const negative = (bytes[bytes.length - 1]! & 0x80) !== 0;
  return negative ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** The shortest little-endian two's complement of `value` (what graph-node's BigInt returns). */
export function bigIntToBytes(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    const signBit = (byte & 0x80) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) break;
  }
  return Uint8Array.from(out);
}
