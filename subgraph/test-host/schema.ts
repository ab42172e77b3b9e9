import { readFile } from "node:fs/promises";

export interface EntityType {
  name: string;
  immutable: boolean;
  /** `@entity(timeseries: true)`: data points, immutable, ids assigned by the store (graph-node's rule). */
  timeseries: boolean;
  /** Non-null fields that are stored (not `@derivedFrom`). */
  required: string[];
  /** Every stored field (not `@derivedFrom`), in schema order. */
  fields: string[];
  /** GraphQL type of each stored field, without `!` (e.g. `BigInt`, `Bytes`, `String`, `Work`). */
  fieldTypes: Record<string, string>;
}

/** Entity types of a subgraph schema: enough to enforce what graph-node enforces on `store.set`. */
export async function readEntityTypes(schemaFile: string): Promise<Map<string, EntityType>> {
  const text = (await readFile(schemaFile, "utf8")).replace(/"[^"\n]*"/g, "").replace(/#.*$/gm, "");
  const types = new Map<string, EntityType>();
  for (const match of text.matchAll(/type\s+(\w+)\s+@entity\(([^)]*)\)\s*\{([^}]*)\}/g)) {
    const [, name, args, body] = match as unknown as [string, string, string, string];
    const required: string[] = [];
    const fields: string[] = [];
    const fieldTypes: Record<string, string> = {};
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s*:\s*([^@\s]+)\s*(@derivedFrom)?/.exec(line);
      if (!field || field[3]) continue;
      fields.push(field[1]!);
      fieldTypes[field[1]!] = field[2]!.replace(/!$/, "");
      if (field[2]!.endsWith("!")) required.push(field[1]!);
    }
    const timeseries = /timeseries:\s*true/.test(args);
    types.set(name, {
      name,
      immutable: timeseries || /immutable:\s*true/.test(args),
      timeseries,
      required,
      fields,
      fieldTypes,
    });
  }
  return types;
}
