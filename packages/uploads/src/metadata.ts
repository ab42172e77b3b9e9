/** Work metadata checked against the protocol's JSON schema, with the first problem named for the uploader. */
import Ajv from "ajv";
import schema from "@atelier/protocol/schemas/work-metadata.schema.json" with { type: "json" };
import { UploadError } from "./errors.ts";

export interface UploadMetadata {
  name: string;
  description?: string;
  image: string;
  properties?: { width?: number; height?: number; mime?: string };
  provenance: {
    source: "upload";
    contentHash: string;
    creator?: string;
    /** A derivative's parents, as `mintWork` names them (licence "0" for a parent the minter owns). */
    parents?: { workId: string; licenseId: string }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

const ajv = new Ajv({ allErrors: false, jsonPointers: true });
const validate = ajv.compile(schema);

/** The metadata if it follows the schema and is an upload's (generated works are stored by their node). */
export function validateWorkMetadata(json: unknown): UploadMetadata {
  if (!validate(json)) {
    const first = validate.errors?.[0];
    const where = first?.dataPath ? `at ${first.dataPath}` : "at the top level";
    throw new UploadError(
      422,
      "invalid-metadata",
      `the metadata does not follow the work metadata schema ${where}: ${first?.message ?? "invalid"}`,
      "Build it as packages/protocol/schemas/work-metadata.schema.json describes (name, image ipfs:// uri, provenance).",
    );
  }
  const metadata = json as UploadMetadata;
  if (metadata.provenance.source !== "upload") {
    throw new UploadError(
      422,
      "invalid-metadata",
      `provenance.source is "${String(metadata.provenance.source)}"; this endpoint stores uploads only`,
      "Generated works are stored by the generator node that produced them.",
    );
  }
  // The schema bounds the list (≤ 4, decimal ids); the contract would refuse a repeat (DuplicateParent)
  // only after the metadata is stored and its digest minted, so refuse it here.
  const seen = new Set<string>();
  for (const p of metadata.provenance.parents ?? []) {
    const id = BigInt(p.workId).toString();
    if (seen.has(id)) {
      throw new UploadError(
        422,
        "invalid-metadata",
        `provenance.parents names work ${id} more than once`,
        "Name each parent work once, with the licence you hold of it (or 0 if you own it).",
      );
    }
    seen.add(id);
  }
  return metadata;
}
