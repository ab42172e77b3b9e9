import { describe, expect, it } from "vitest";
import { clip, displayText, revealControls, workTitle } from "../src/lib/text.ts";

describe("text from chain and metadata", () => {
  it("shows bidi overrides and isolates as visible marks", () => {
    expect(revealControls("abc\u202Etxt.exe\u202C")).toBe("abc⟨U+202E⟩txt.exe⟨U+202C⟩");
    expect(revealControls("\u2066x\u2069")).toBe("⟨U+2066⟩x⟨U+2069⟩");
  });
  it("replaces control characters but keeps tabs and newlines", () => {
    expect(revealControls("a\u0000b\u0007c\td\ne")).toBe("a�b�c\td\ne");
  });
  it("cuts long strings at whole code points and says how long they were", () => {
    const long = "T".repeat(100 * 1024);
    const shown = clip(long, 100);
    expect(shown.startsWith("T".repeat(100) + "…")).toBe(true);
    expect(shown).toContain("102,400 characters");
    expect(clip("😀😀😀", 2)).toBe("😀😀… (3 characters)");
  });
  it("leaves markup as text (Svelte escapes it) and falls back to the work number", () => {
    expect(displayText("<script>x</script>")).toBe("<script>x</script>");
    expect(workTitle("7", null)).toBe("Work #7");
    expect(workTitle("7", "  \u202E ")).toBe("⟨U+202E⟩");
  });
});
