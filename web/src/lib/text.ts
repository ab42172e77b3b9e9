/**
 * Text from the chain or from metadata is data: Svelte escapes it, and these helpers keep hostile
 * strings from wrecking the page — bidi overrides become visible marks, very long strings are cut.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
// C0/C1 control characters other than tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Bidi and control characters shown as `⟨U+202E⟩`, so a title cannot reorder what follows it. */
export function revealControls(text: string): string {
  return text
    .replace(BIDI_CONTROLS, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`)
    .replace(CONTROLS, "�");
}

/** At most `max` characters (whole code points), with an ellipsis and the full length when cut. */
export function clip(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max).join("")}… (${points.length.toLocaleString("en")} characters)`;
}

/** What a title, description or prompt from chain or metadata looks like on a page. */
export function displayText(text: string | null | undefined, max = 200): string {
  if (text === null || text === undefined) return "";
  return clip(revealControls(text), max);
}

/** A work's title, or a plain fallback when its metadata is missing or not yet fetched. */
export function workTitle(id: string, name: string | null | undefined, max = 120): string {
  const shown = displayText(name, max).trim();
  return shown === "" ? `Work #${id}` : shown;
}
