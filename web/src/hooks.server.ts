import type { HandleServerError, ServerInit } from "@sveltejs/kit/hooks";
import { pageCache } from "#lib/server/page-cache.ts";
import { uploads } from "./routes/api/uploads/uploads.server.ts";

/** Explore and work pages served from memory while the index head is unchanged (lib/server/page-cache.ts). */
export const handle = pageCache;

/**
 * With IPFS peers configured (npm start: the generator node), the upload store opens with the server, not
 * at the first upload: the node's gateway can then fetch what earlier runs uploaded from the start. Its
 * libp2p listener would keep the process alive after adapter-node's graceful shutdown: close it then.
 */
export const init: ServerInit = async () => {
  if (!process.env.ATELIER_UPLOADS_IPFS_PEERS) return;
  const store = await uploads();
  process.once("sveltekit:shutdown" as "exit", () => void store.close());
};

/**
 * Unexpected errors a reader sees: our errors' message and hint (they carry no secrets: the config,
 * index and chain errors say what to fix) instead of a bare "Internal Error". App and framework errors
 * (404s, `error(…)`) keep their own bodies.
 */
export const handleError: HandleServerError = (input) => {
  if (input.kind !== "unknown") return;
  const { error } = input;
  console.error(error);
  const text = error instanceof Error ? error.message : String(error);
  const [message, ...rest] = text.split("\nHint: ");
  return { message: `The page could not be built: ${message}`, hint: rest.join(" ") || undefined };
};
