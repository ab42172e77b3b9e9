import type { HandleServerError } from "@sveltejs/kit/hooks";

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
