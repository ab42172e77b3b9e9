import { Bytes, dataSource, json, JSONValue, JSONValueKind, TypedMap } from "@graphprotocol/graph-ts";
import { WorkMetadata } from "../generated/schema";
import { cleanText } from "./common";

/** Metadata over this size is not parsed (the entity records only its CID). */
const MAX_METADATA_BYTES = 262144;

function text(object: TypedMap<string, JSONValue>, key: string): string | null {
  const value = object.get(key);
  if (value == null || value.kind != JSONValueKind.STRING) return null;
  return cleanText(value.toString());
}

function promptOf(object: TypedMap<string, JSONValue>): string | null {
  const attributes = object.get("attributes");
  if (attributes == null || attributes.kind != JSONValueKind.ARRAY) return null;
  const list = attributes.toArray();
  for (let i = 0; i < list.length; i++) {
    if (list[i].kind != JSONValueKind.OBJECT) continue;
    const entry = list[i].toObject();
    const trait = text(entry, "trait_type");
    if (trait != null && trait == "prompt") return text(entry, "value");
  }
  return null;
}

/** File data source handler (kind: file/ipfs): the ERC-721 metadata JSON of a work. */
export function handleWorkMetadata(content: Bytes): void {
  const metadata = new WorkMetadata(dataSource.stringParam());
  if (content.length <= MAX_METADATA_BYTES) {
    const parsed = json.try_fromBytes(content);
    if (parsed.isOk && parsed.value.kind == JSONValueKind.OBJECT) {
      const object = parsed.value.toObject();
      metadata.name = text(object, "name");
      metadata.description = text(object, "description");
      metadata.image = text(object, "image");
      metadata.prompt = promptOf(object);
    }
  }
  metadata.save();
}
