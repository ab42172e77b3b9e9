/** Messages between the Verify page and its worker. */
export interface VerifyRequest {
  blob: Blob;
}

export interface VerifyProgress {
  type: "progress";
  step: "decode" | "watermark" | "hash";
  message: string;
}

export type VerifyResult =
  | {
      type: "result";
      ok: true;
      width: number;
      height: number;
      /** Decimal watermark id, or null when no Atelier mark was found. */
      watermarkId: string | null;
      version: number | null;
      confidence: number | null;
      /** 16 hex digits. */
      perceptualHash: string;
      ms: number;
      /** Where the time went: decode (bitmap → RGBA pixels), watermark detection, perceptual hash. */
      stages: { decodeMs: number; detectMs: number; hashMs: number };
    }
  | { type: "result"; ok: false; message: string };

/** Runs the worker on one image; `onProgress` gets each step. */
export function readImage(blob: Blob, onProgress: (p: VerifyProgress) => void): Promise<VerifyResult> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<VerifyProgress | VerifyResult>) => {
      if (event.data.type === "progress") onProgress(event.data);
      else {
        worker.terminate();
        resolve(event.data);
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      resolve({ type: "result", ok: false, message: `The image reader stopped: ${event.message}` });
    };
    worker.postMessage({ blob } satisfies VerifyRequest);
  });
}

/** SHA-256 of the exact file bytes (the protocol's content hash), as 0x-hex. */
export async function contentHash(blob: Blob): Promise<`0x${string}`> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return `0x${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
