/** Work metadata checked against the protocol's JSON schema, with the first problem named for the uploader. */
import Ajv from "ajv";
import schema from "@atelier/protocol/schemas/work-metadata.schema.json" with { type: "json" };
import { UploadError } from "./errors.ts";

export interface UploadMetadata {
  name: string;
  description?: string;
  image: string;
  properties?: { width?: number; height?: number; mime?: string };
  provenance: { source: "upload"; contentHash: string; creator?: string; [key: string]: unknown };
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
  return metadata;
}
