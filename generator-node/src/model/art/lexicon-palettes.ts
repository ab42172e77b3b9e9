/** The lexicon's palette words: three colours each (dark, saturated middle, light), fitted as a cosine palette. */
import { paletteThrough as pal } from "./cosine-palette.ts";
import type { LexiconEntry } from "./lexicon.ts";

export const PALETTE_ENTRIES: LexiconEntry[] = [
  {
    category: "palette",
    words: ["sunset", "dusk", "sunrise", "dawn", "warm"],
    hint: "coral, orange and magenta",
    palette: pal("#241a5c", "#e0487a", "#ffc45a"),
  },
  {
    category: "palette",
    words: ["fire", "flame", "lava", "volcano", "volcanic", "ember", "red", "crimson"],
    hint: "black-red to yellow heat",
    palette: pal("#1a0402", "#d0300a", "#ffd040"),
  },
  {
    category: "palette",
    words: ["ice", "frozen", "frost", "glacier", "winter", "snow", "arctic", "cold"],
    hint: "white, pale cyan and deep blue",
    palette: pal("#0b2a4a", "#4fc3e8", "#e8f6ff"),
  },
  {
    category: "palette",
    words: ["blue", "azure", "marine", "teal"],
    hint: "teal, ultramarine and foam",
    palette: pal("#06263f", "#1b7f9c", "#9fe3d8"),
  },
  {
    category: "palette",
    words: ["ocean", "sea", "water", "lake"],
    hint: "teal, ultramarine and foam (another palette word wins: a lake at dusk takes the dusk's)",
    palette: pal("#06263f", "#1b7f9c", "#9fe3d8"),
    placePalette: true,
  },
  {
    category: "palette",
    words: ["forest", "jungle", "moss", "green", "emerald", "leaf", "spring"],
    hint: "moss, emerald and sunlit lime",
    palette: pal("#0f2a1a", "#2f7a3a", "#c9e07a"),
  },
  {
    category: "palette",
    words: ["ochre", "earth", "terracotta"],
    hint: "sand, ochre and burnt sienna",
    palette: pal("#4a2412", "#c8743a", "#f3d49a"),
  },
  {
    category: "palette",
    words: ["desert", "sand", "dune", "dunes"],
    hint: "sand, ochre and burnt sienna (another palette word wins)",
    palette: pal("#4a2412", "#c8743a", "#f3d49a"),
    placePalette: true,
  },
  {
    category: "palette",
    words: ["autumn", "fall", "copper", "rust", "orange", "amber"],
    hint: "rust, amber and olive",
    palette: pal("#3a1408", "#b5471b", "#e6b13a"),
  },
  {
    category: "palette",
    words: ["gold", "golden", "yellow", "honey", "brass"],
    hint: "gold leaf on deep brown",
    palette: pal("#2a1a06", "#9a6a1c", "#f6d67a"),
  },
  {
    category: "palette",
    words: ["neon", "cyberpunk", "synthwave", "vaporwave", "electric"],
    hint: "hot magenta and cyan on violet-black",
    palette: pal("#12002a", "#ff2fa0", "#20e8ff"),
    set: { exposure: [0.95, 1.1], lines: [0.0, 0.3], crease: [0.25, 0.5] },
  },
  {
    category: "palette",
    words: ["purple", "violet", "lavender", "amethyst", "indigo", "twilight"],
    hint: "lavender, violet and indigo",
    palette: pal("#1c0a44", "#8a3ce8", "#e4a8ff"),
  },
  {
    category: "palette",
    words: ["pink", "rose", "blossom", "sakura", "peach", "candy"],
    hint: "rose, peach and cream",
    palette: pal("#4a1a3a", "#e86a9a", "#ffd8c8"),
  },
  {
    category: "palette",
    words: ["aurora", "northern", "borealis", "iridescent", "rainbow", "prism", "holographic"],
    hint: "full-spectrum shimmer",
    palette: pal("#041a2a", "#20d890", "#b050e0"),
  },
  {
    category: "palette",
    words: ["noir", "monochrome", "black", "white", "grey", "gray", "charcoal", "ink"],
    hint: "black, greys and paper white",
    palette: pal("#0a0a0a", "#6a6a6a", "#f0f0ea"),
  },
  {
    category: "palette",
    words: ["vintage", "sepia", "old", "antique", "retro", "faded"],
    hint: "sepia, faded teal and cream",
    palette: pal("#3c2818", "#3c8c84", "#f0dab0"),
  },
  {
    category: "palette",
    words: ["pastel", "candyfloss", "pale"],
    hint: "soft pastels: periwinkle, rose and butter (tints with colour, not white)",
    palette: pal("#6f7fc0", "#e890b4", "#f6dca0"),
  },
];
