import type { HandleServerError } from "@sveltejs/kit/hooks";
import { pageCache } from "#lib/server/page-cache.ts";

/** Explore and work pages served from memory while the index head is unchanged (lib/server/page-cache.ts). */
export const handle = pageCache;

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
