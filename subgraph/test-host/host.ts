import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeEventLog, hexToBytes, toHex, type Abi, type AbiEvent, type Address, type Hex } from "viem";
import { abis } from "@atelier/protocol";
import { DATA_SOURCES, FILE_TEMPLATES } from "../src-node/manifest.ts";
import { AscMemory, bigIntFromBytes, bigIntToBytes, type AscExports } from "./memory.ts";
import { readEntityTypes, type EntityType } from "./schema.ts";
import {
  readEntity,
  writeEntity,
  writeEthereumValue,
  writeJsonValue,
  type AbiParam,
  type EntityData,
} from "./values.ts";

type SourceName = keyof typeof DATA_SOURCES;

/** One log with the block and transaction fields a mapping's `ethereum.Event` carries. */
export interface HostLog {
  address: Address;
  topics: readonly Hex[];
  data: Hex;
  logIndex: number;
  transactionLogIndex: number;
  block: {
    hash: Hex;
    parentHash: Hex;
    number: bigint;
    timestamp: bigint;
    gasUsed: bigint;
    gasLimit: bigint;
    miner: Address;
    baseFeePerGas: bigint | null;
  };
  transaction: {
    hash: Hex;
    index: number;
    from: Address;
    to: Address | null;
    value: bigint;
    gas: bigint;
    gasPrice: bigint;
    input: Hex;
    nonce: number;
  };
}

export interface FileSource {
  template: string;
  cid: string;
  /** "pending" until content was found and its handler ran. */
  status: "pending" | "done";
}

export interface HostLogLine {
  level: number;
  message: string;
}

interface Instance {
  name: string;
  exports: AscExports;
  mem: AscMemory;
  /** `dataSource.address()` while a handler runs. */
  current: Uint8Array;
}

const LOG_LEVEL_CRITICAL = 0;

/**
 * Runs the subgraph's built WASM mappings (graph build output) against real logs, with an in-memory
 * store. Implements the graph-node host imports the mappings use; any other import throws by name.
 */
export class SubgraphHost {
  readonly store = new Map<string, Map<string, EntityData>>();
  readonly files: FileSource[] = [];
  readonly logs: HostLogLine[] = [];
  private readonly instances = new Map<string, Instance>();
  private readonly byAddress = new Map<string, SourceName>();

  private constructor(
    private readonly types: Map<string, EntityType>,
    contracts: Record<string, Address>,
  ) {
    for (const name of Object.keys(DATA_SOURCES) as SourceName[]) {
      const address = contracts[name];
      if (address) this.byAddress.set(address.toLowerCase(), name);
    }
  }

  static async load(options: { buildDir: string; schemaFile: string; contracts: Record<string, Address> }) {
    const host = new SubgraphHost(await readEntityTypes(options.schemaFile), options.contracts);
    const wasmFiles: [string, string][] = [
      ...Object.keys(DATA_SOURCES).map((n): [string, string] => [
        n,
        path.join(options.buildDir, n, `${n}.wasm`),
      ]),
      ...FILE_TEMPLATES.map(({ name }): [string, string] => [
        name,
        path.join(options.buildDir, `templates/${name}/${name}.wasm`),
      ]),
    ];
    for (const [name, file] of wasmFiles) {
      const bytes = await readFile(file).catch(() => {
        throw new Error(`no built mapping at ${file}: run \`npm run -w @atelier/subgraph build\` first`);
      });
      host.instances.set(name, host.instantiate(name, new WebAssembly.Module(bytes)));
    }
    return host;
  }

  private instantiate(name: string, module: WebAssembly.Module): Instance {
    const instance = { name } as Instance;
    const mem = () => instance.mem;
    const bigint = (ptr: number) => bigIntFromBytes(mem().readBytes(ptr));
    const newBigInt = (value: bigint) => mem().writeBytes(bigIntToBytes(value));
    const implemented: Record<string, (...args: number[]) => number | void> = {
      "env.abort": (msg, file, line, column) => {
        const text = msg ? mem().readString(msg) : "(no message)";
        const where = file ? mem().readString(file) : "?";
        throw new Error(`mapping ${name} aborted: ${text} at ${where}:${line}:${column}`);
      },
      "index.store.get": (entity, id) =>
        this.storeGet(instance, mem().readString(entity), mem().readString(id)),
      "index.store.set": (entity, id, data) =>
        this.storeSet(mem().readString(entity), mem().readString(id), readEntity(mem(), data)),
      "index.store.remove": (entity, id) => {
        this.store.get(mem().readString(entity))?.delete(mem().readString(id));
      },
      "index.log.log": (level, message) => {
        const line = { level, message: mem().readString(message) };
        this.logs.push(line);
        if (level === LOG_LEVEL_CRITICAL) throw new Error(`mapping ${name} logged critical: ${line.message}`);
      },
      "conversion.typeConversion.bigIntToString": (ptr) => mem().writeString(bigint(ptr).toString()),
      "conversion.typeConversion.bigIntToHex": (ptr) => mem().writeString(toHex(bigint(ptr))),
      "conversion.typeConversion.bytesToHex": (ptr) => mem().writeString(toHex(mem().readBytes(ptr))),
      "conversion.typeConversion.bytesToString": (ptr) =>
        mem().writeString(new TextDecoder("utf-8").decode(mem().readBytes(ptr))),
      "conversion.typeConversion.stringToH160": (ptr) =>
        mem().writeBytes(hexToBytes(mem().readString(ptr) as Hex)),
      "numbers.bigInt.plus": (a, b) => newBigInt(bigint(a) + bigint(b)),
      "numbers.bigInt.minus": (a, b) => newBigInt(bigint(a) - bigint(b)),
      "numbers.bigInt.times": (a, b) => newBigInt(bigint(a) * bigint(b)),
      "numbers.bigInt.dividedBy": (a, b) => {
        if (bigint(b) === 0n) throw new Error(`mapping ${name}: BigInt division by zero`);
        return newBigInt(bigint(a) / bigint(b));
      },
      "numbers.bigInt.mod": (a, b) => newBigInt(bigint(a) % bigint(b)),
      "numbers.bigInt.fromString": (ptr) => newBigInt(BigInt(mem().readString(ptr))),
      "datasource.dataSource.create": (template, params) => {
        const list = mem()
          .readArray(params)
          .map((p) => mem().readString(p));
        this.files.push({ template: mem().readString(template), cid: list[0] ?? "", status: "pending" });
      },
      "datasource.dataSource.address": () => mem().writeBytes(instance.current),
      "json.json.try_fromBytes": (ptr) => this.tryParseJson(instance, mem().readBytes(ptr)),
    };
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
    for (const entry of WebAssembly.Module.imports(module)) {
      const key = `${entry.module}.${entry.name}`;
      const fn =
        implemented[key] ??
        (() => {
          throw new Error(`host import not implemented: ${key} (called by the ${name} mapping)`);
        });
      (imports[entry.module] ??= {})[entry.name] = fn;
    }
    const wasm = new WebAssembly.Instance(module, imports);
    instance.exports = wasm.exports as unknown as AscExports;
    instance.mem = new AscMemory(instance.exports);
    instance.current = new Uint8Array();
    (instance.exports._start as () => void)();
    return instance;
  }

  private storeGet(instance: Instance, entity: string, id: string): number {
    const data = this.store.get(entity)?.get(id);
    return data ? writeEntity(instance.mem, data) : 0;
  }

  private storeSet(entity: string, id: string, data: EntityData): void {
    const type = this.types.get(entity);
    if (!type) throw new Error(`store.set of unknown entity type ${entity}`);
    const table = this.store.get(entity) ?? new Map<string, EntityData>();
    this.store.set(entity, table);
    if (type.timeseries) {
      // graph-node numbers data points itself (the mapping's id is a placeholder).
      id = String(table.size + 1);
      data.set("id", { kind: "Int8", value: BigInt(id) });
    }
    if (type.immutable && table.has(id)) throw new Error(`immutable entity ${entity} ${id} saved twice`);
    for (const field of type.required) {
      const value = data.get(field);
      if (!value || value.kind === "Null")
        throw new Error(`entity ${entity} ${id}: required field "${field}" missing`);
    }
    table.set(id, data);
  }

  private tryParseJson(instance: Instance, bytes: Uint8Array): number {
    const mem = instance.mem;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      const flag = mem.alloc(4, "WrappedBool");
      mem.setU8(flag, 1);
      return mem.writeStruct([0, flag], "ResultJsonValueBool");
    }
    const wrapped = mem.writeStruct([writeJsonValue(mem, parsed)], "WrappedJsonValue");
    return mem.writeStruct([wrapped, 0], "ResultJsonValueBool");
  }

  /** Runs the handler for one log, if a data source watches its contract and event. */
  handleLog(log: HostLog): boolean {
    const source = this.byAddress.get(log.address.toLowerCase());
    if (!source) return false;
    const abi = abis[source] as Abi;
    let decoded: { eventName: string; args: unknown };
    try {
      decoded = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true });
    } catch {
      return false;
    }
    if (!(DATA_SOURCES[source].events as readonly string[]).includes(decoded.eventName)) return false;
    const event = abi.find((e): e is AbiEvent => e.type === "event" && e.name === decoded.eventName)!;
    const instance = this.instances.get(source)!;
    instance.current = hexToBytes(log.address);
    const eventPtr = this.writeEvent(instance.mem, log, event, decoded.args);
    const handler = instance.exports[`handle${decoded.eventName}`] as ((ptr: number) => void) | undefined;
    if (!handler) throw new Error(`the ${source} mapping exports no handle${decoded.eventName}`);
    handler(eventPtr);
    return true;
  }

  private writeEvent(mem: AscMemory, log: HostLog, event: AbiEvent, args: unknown): number {
    const b = log.block;
    const t = log.transaction;
    const bytes = (hex: Hex) => mem.writeBytes(hexToBytes(hex));
    const big = (v: bigint | number) => mem.writeBytes(bigIntToBytes(BigInt(v)));
    const zero32 = `0x${"00".repeat(32)}` as Hex;
    const block = mem.writeStruct(
      [
        bytes(b.hash),
        bytes(b.parentHash),
        bytes(zero32),
        bytes(b.miner),
        bytes(zero32),
        bytes(zero32),
        bytes(zero32),
        big(b.number),
        big(b.gasUsed),
        big(b.gasLimit),
        big(b.timestamp),
        big(0),
        big(0),
        0,
        b.baseFeePerGas === null ? 0 : big(b.baseFeePerGas),
      ],
      "EthereumBlock",
    );
    const tx = mem.writeStruct(
      [
        bytes(t.hash),
        big(t.index),
        bytes(t.from),
        t.to === null ? 0 : bytes(t.to),
        big(t.value),
        big(t.gas),
        big(t.gasPrice),
        bytes(t.input),
        big(t.nonce),
      ],
      "EthereumTransaction",
    );
    const params = event.inputs.map((input, i) => {
      const value = Array.isArray(args) ? args[i] : (args as Record<string, unknown>)[input.name ?? ""];
      return mem.writeStruct(
        [mem.writeString(input.name ?? ""), writeEthereumValue(mem, input as AbiParam, value)],
        "EventParam",
      );
    });
    return mem.writeStruct(
      [
        bytes(log.address),
        big(log.logIndex),
        big(log.transactionLogIndex),
        0,
        block,
        tx,
        mem.writeArray(params, "ArrayEventParam"),
        0,
      ],
      "EthereumEvent",
    );
  }

  /**
   * Runs the file data sources (kind: file/ipfs) created so far whose content `fetch` finds; the
   * others stay pending, as graph-node retries them.
   */
  async processFiles(fetch: (cid: string) => Promise<Uint8Array | undefined>): Promise<void> {
    for (const file of this.files) {
      if (file.status !== "pending") continue;
      const content = await fetch(file.cid);
      if (content === undefined) continue;
      const instance = this.instances.get(file.template);
      if (!instance) throw new Error(`no template named ${file.template}`);
      instance.current = new TextEncoder().encode(file.cid);
      const handler = instance.exports[`handle${file.template}`] as (ptr: number) => void;
      handler(instance.mem.writeBytes(content));
      file.status = "done";
    }
  }

  /** Entities of one type as plain JSON values: BigInt as decimal strings, Bytes as 0x-hex. */
  entities(type: string): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [id, data] of this.store.get(type) ?? []) {
      out[id] = Object.fromEntries([...data].map(([k, v]) => [k, plain(v)]));
    }
    return out;
  }
}

function plain(value: EntityData extends Map<string, infer V> ? V : never): unknown {
  switch (value.kind) {
    case "Bytes":
      return toHex(value.value);
    case "BigInt":
    case "Int8":
    case "Timestamp":
      return value.value.toString();
    case "Array":
      return value.value.map(plain);
    default:
      return value.value;
  }
}
