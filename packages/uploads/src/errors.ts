/** Every refusal of the upload endpoint: an HTTP status, a stable code, what is wrong and how to fix it. */
export type UploadErrorCode =
  | "method-not-allowed"
  | "unsupported-content-type"
  | "empty"
  | "too-large"
  | "unsupported-image-type"
  | "bad-multipart"
  | "bad-json"
  | "invalid-metadata"
  | "image-not-stored"
  | "content-hash-mismatch"
  | "mime-mismatch"
  | "storage-failed";

export class UploadError extends Error {
  override name = "UploadError";
  constructor(
    readonly status: number,
    readonly code: UploadErrorCode,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`${reason} — ${hint}`);
  }

  toJSON() {
    return { error: { status: this.status, code: this.code, reason: this.reason, hint: this.hint } };
  }
}

export function errorResponse(error: UploadError, headers: Record<string, string> = {}): Response {
  return Response.json(error.toJSON(), { status: error.status, headers });
}
