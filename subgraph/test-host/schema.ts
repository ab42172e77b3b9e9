import { readFile } from "node:fs/promises";

export interface EntityType {
  name: string;
  immutable: boolean;
  /** Non-null fields that are stored (not `@derivedFrom`). */
  required: string[];
}

/** Entity types of a subgraph schema: enough to enforce what graph-node enforces on `store.set`. */
export async function readEntityTypes(schemaFile: string): Promise<Map<string, EntityType>> {
  const text = (await readFile(schemaFile, "utf8")).replace(/"[^"\n]*"/g, "").replace(/#.*$/gm, "");
  const types = new Map<string, EntityType>();
  for (const match of text.matchAll(/type\s+(\w+)\s+@entity\(([^)]*)\)\s*\{([^}]*)\}/g)) {
    const [, name, args, body] = match as unknown as [string, string, string, string];
    const required: string[] = [];
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s*:\s*([^@\s]+)\s*(@derivedFrom)?/.exec(line);
      if (field && field[2]!.endsWith("!") && !field[3]) required.push(field[1]!);
    }
    types.set(name, { name, immutable: /immutable:\s*true/.test(args), required });
  }
  return types;
}
