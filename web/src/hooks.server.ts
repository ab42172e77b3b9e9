import type { HandleServerError } from "@sveltejs/kit";

/** Errors a reader sees: the message (with the hint our errors carry) instead of a bare 500. */
export const handleError: HandleServerError = ({ error, status }) => {
  const text = error instanceof Error ? error.message : String(error);
  const [message, ...rest] = text.split("\nHint: ");
  if (status >= 500) console.error(error);
  return {
    message: status === 404 ? message! : `The page could not be built: ${message}`,
    hint: rest.join(" ") || undefined,
  };
};
