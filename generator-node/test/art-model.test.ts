import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artConditionFor, artVariationFor } from "../src/model/art/condition.ts";
import { screenGrid } from "../src/model/art/grids.ts";
import { LEXICON, lexiconData } from "../src/model/art/lexicon.ts";
import {
  artManifest,
  artVariationManifest,
  BUILTIN_ART_MANIFEST,
  BUILTIN_ART_VARIATION_MANIFEST,
  BUILTIN_MODELS_DIR,
  builtinArt,
} from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { colourfulness, edgeDensity, meanHue, warmth } from "../src/model/quality.ts";
import { ModelRuntime, type RawImage } from "../src/model/runtime.ts";

const seed = (i: number) => "0x" + i.toString(16).padStart(64, "0");
const same = (a: RawImage, b: RawImage) => Buffer.from(a.data).equals(Buffer.from(b.data));
/** mean absolute difference per channel value (0–255) */
const meanAbsDiff = (a: RawImage, b: RawImage) => {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
};
/** circular distance between hues in degrees */
const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe("built-in art model v2", () => {
  it("scripts/build-art.ts output (ONNX, manifest, lexicon JSON) is reproduced byte for byte by the code", async () => {
    const { onnx, manifest } = builtinArt();
    const committed = new Uint8Array(await readFile(path.join(BUILTIN_MODELS_DIR, manifest.file)));
    expect(Buffer.compare(Buffer.from(committed), Buffer.from(onnx))).toBe(0);
    expect(JSON.parse(await readFile(BUILTIN_ART_MANIFEST, "utf8"))).toEqual(manifest);
    // the variation model: same ONNX file and weights hash, its own name
    const variation = JSON.parse(await readFile(BUILTIN_ART_VARIATION_MANIFEST, "utf8"));
    expect(variation).toEqual(artVariationManifest(manifest));
    expect(variation).toMatchObject({
      file: manifest.file,
      weightsHash: manifest.weightsHash,
      variationOf: manifest.name,
    });
    const lexicon = JSON.parse(
      await readFile(path.join(BUILTIN_MODELS_DIR, `${manifest.name}.lexicon.json`), "utf8"),
    );
    expect(lexicon).toEqual(lexiconData());
  });

  it("same job → same bytes: twice, inside a batch, and across a restart of the runtime", async () => {
    const loaded = await loadManifest(BUILTIN_ART_MANIFEST);
    const job = { prompt: "sunset over the sea", seed: seed(7) };
    const rt1 = await ModelRuntime.create(loaded, { provider: "cpu" });
    const [a, b] = await rt1.generate([job, job]);
    const [alone] = await rt1.generate([job]);
    const [batched] = await rt1.generate([job, { prompt: "neon city at night", seed: seed(8) }]);
    await rt1.close();
    const rt2 = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
    const [restarted] = await rt2.generate([job]);
    await rt2.close();
    expect(a!.width).toBe(512);
    expect(same(a!, b!)).toBe(true);
    expect(same(a!, alone!)).toBe(true);
    expect(same(a!, batched!)).toBe(true);
    expect(same(a!, restarted!)).toBe(true);
  });

  describe("at 128×128 (same graph, smaller grid)", () => {
    let rt: ModelRuntime;
    beforeAll(async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "atelier-art-"));
      const { onnx } = builtinArt();
      const manifest = artManifest(onnx, { width: 128, height: 128 });
      await writeFile(path.join(dir, manifest.file), onnx);
      await writeFile(path.join(dir, "m.json"), JSON.stringify(manifest));
      rt = await ModelRuntime.create(await loadManifest(path.join(dir, "m.json")), { provider: "cpu" });
    });
    afterAll(async () => rt.close());

    it('the lexicon steers: "sunset" outputs are warmer than "ice" outputs, over 20 seeds each', async () => {
      const seeds = Array.from({ length: 20 }, (_, i) => seed(100 + i));
      const sunset = await rt.generate(seeds.map((s) => ({ prompt: "sunset", seed: s })));
      const ice = await rt.generate(seeds.map((s) => ({ prompt: "ice", seed: s })));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      // mean hue: sunset nearer orange (30°), ice nearer cyan-blue (200°)
      const sunsetHue = mean(sunset.map((im) => hueDistance(meanHue(im), 30)));
      const iceHue = mean(ice.map((im) => hueDistance(meanHue(im), 30)));
      expect(sunsetHue).toBeLessThan(iceHue);
      expect(mean(sunset.map(warmth))).toBeGreaterThan(mean(ice.map(warmth)) + 0.1);
      // not only on average: every sunset image is warmer than every ice image
      expect(Math.min(...sunset.map(warmth))).toBeGreaterThan(Math.max(...ice.map(warmth)));
    });

    it("outputs have colour and edges; different prompts and seeds differ", async () => {
      const prompts = ["cat on a windowsill", "portrait of an old fisherman, oil painting", "minimal"];
      const images = await rt.generate([
        ...prompts.map((p) => ({ prompt: p, seed: seed(1) })),
        { prompt: prompts[0]!, seed: seed(2) },
      ]);
      for (const im of images) {
        expect(colourfulness(im)).toBeGreaterThan(20);
        expect(new Set(im.data).size).toBeGreaterThan(100);
      }
      expect(Math.max(...images.map((im) => edgeDensity(im)))).toBeGreaterThan(0.02);
      expect(meanAbsDiff(images[0]!, images[1]!)).toBeGreaterThan(10);
      expect(meanAbsDiff(images[0]!, images[3]!)).toBeGreaterThan(5);
    });

    it("words pick the motif compositions (cells, tiles, stripes, rings, discs, skyline) and the seed moves them", async () => {
      const cases = [
        ["cathedral window, stained glass", "glass"],
        ["hexagon tiles", "tiles"],
        ["minimal stripes", "stripes"],
        ["topographic contour map", "rings"],
        ["bubbles", "discs"],
        ["city skyline at night", "city"],
      ] as const;
      for (const [prompt, composition] of cases) {
        const [a, b] = [artConditionFor(prompt, seed(1)), artConditionFor(prompt, seed(2))];
        expect(a.composition).toBe(composition);
        // the layout itself (where the sites lie) follows the seed, not only the texture
        expect(a.sites.length).toBeGreaterThan(0);
        expect(a.sites).not.toEqual(b.sites);
      }
      const images = await rt.generate(
        cases.flatMap(([prompt]) => [1, 2].map((i) => ({ prompt, seed: seed(i) }))),
      );
      for (let i = 0; i < cases.length; i++) {
        const [one, two] = [images[2 * i]!, images[2 * i + 1]!];
        expect(colourfulness(one)).toBeGreaterThan(15);
        expect(meanAbsDiff(one, two), cases[i]![0]).toBeGreaterThan(12);
      }
      // lead lines, tile grout and windows are edges the field alone rarely has
      for (const i of [0, 1, 5]) expect(edgeDensity(images[2 * i]!), cases[i]![0]).toBeGreaterThan(0.02);
    });

    it("weak prompts of the sheet: a pastel sky is coloured, not white; a lake at dusk takes the dusk's palette; a portrait is a lit bust", async () => {
      const [clouds, lake] = await rt.generate([
        { prompt: "pastel dreamy clouds", seed: seed(1) },
        { prompt: "calm lake at dusk", seed: seed(1) },
      ]);
      let luma = 0;
      for (let i = 0; i < clouds!.data.length; i += 3)
        luma += 0.299 * clouds!.data[i]! + 0.587 * clouds!.data[i + 1]! + 0.114 * clouds!.data[i + 2]!;
      expect(luma / (clouds!.data.length / 3)).toBeLessThan(200); // was 235–242: near white
      expect(colourfulness(clouds!)).toBeGreaterThan(35); // was 19–24
      expect(artConditionFor("pastel dreamy clouds", seed(1)).composition).toBe("land");
      const dusk = artConditionFor("calm lake at dusk", seed(1));
      expect(Array.from(dusk.palette)).toEqual(Array.from(artConditionFor("dusk", seed(1)).palette));
      expect(Array.from(artConditionFor("calm lake", seed(1)).palette)).toEqual(
        Array.from(artConditionFor("ocean", seed(1)).palette),
      );
      expect(warmth(lake!)).toBeGreaterThan(0.1);
      const portrait = artConditionFor("portrait of an old fisherman, oil painting", seed(1));
      expect(portrait.composition).toBe("portrait");
      expect(portrait.style.orb).toBe(1);
      expect(portrait.sites).toHaveLength(1); // the shoulders
    });

    it("a variation keeps the parent's composition and palette and changes the detail", async () => {
      const parent = { prompt: "moonlit mountains", seed: seed(11) };
      const [p, v, other, v2] = await rt.generate([
        parent,
        { prompt: parent.prompt, seed: seed(12), variationOf: parent },
        { prompt: parent.prompt, seed: seed(12) },
        { prompt: parent.prompt, seed: seed(12), variationOf: parent },
      ]);
      expect(same(p!, v!)).toBe(false);
      expect(same(v!, v2!)).toBe(true); // deterministic
      expect(meanAbsDiff(p!, v!)).toBeLessThan(meanAbsDiff(p!, other!));
      const c = artConditionFor(parent.prompt, parent.seed);
      const cv = artVariationFor(parent.prompt, parent.seed, seed(12));
      expect(Array.from(cv.palette)).toEqual(Array.from(c.palette));
      expect(cv.composition).toBe(c.composition);
    });
  });

  it("the seed lays the composition on the frame mirrored, upside down or transposed; a landscape only mirrored", () => {
    for (const [w, h] of [
      [6, 6],
      [8, 5],
    ] as const) {
      const base = screenGrid(w, h, 0);
      for (let o = 0; o < 8; o++) {
        const g = screenGrid(w, h, o);
        const transposed = w === h && (o & 4) !== 0;
        for (let py = 0; py < h; py++)
          for (let px = 0; px < w; px++) {
            let qx = o & 1 ? w - 1 - px : px;
            let qy = o & 2 ? h - 1 - py : py;
            if (transposed) [qx, qy] = [qy, qx];
            const at = (py * w + px) * 3;
            const from = (qy * w + qx) * 3;
            expect([g[at], g[at + 1]]).toEqual([base[from], base[from + 1]]);
          }
      }
    }
    const orientations = (prompt: string) =>
      new Set(Array.from({ length: 40 }, (_, i) => artConditionFor(prompt, seed(300 + i)).orientation));
    expect(orientations("golden marble").size).toBe(8);
    expect([...orientations("sunset over the sea")].sort()).toEqual([0, 1]);
    expect([...orientations("portrait of a woman")].sort()).toEqual([0, 1]);
  });

  it("conditioning: normalised prompts, lexicon words, hash fallback for unknown words", () => {
    const a = artConditionFor("Sunset  over the SEA", seed(1));
    const b = artConditionFor("sunset over the sea", seed(1));
    expect(Array.from(a.latent)).toEqual(Array.from(b.latent));
    expect(a.matched).toEqual(["sunset", "sea"]);
    expect(a.composition).toBe("land");
    expect(artConditionFor("a blue ocean mandala", seed(1)).composition).toBe("radial");
    // unknown words: still deterministic, and two different prompts get different palettes
    const x = artConditionFor("zqx wibble", seed(1));
    const y = artConditionFor("florp quux", seed(1));
    expect(x.matched).toEqual([]);
    expect(Array.from(x.palette)).not.toEqual(Array.from(y.palette));
    expect(Array.from(artConditionFor("zqx wibble", seed(1)).latent)).toEqual(Array.from(x.latent));
  });

  it("the lexicon covers the six categories and every entry has words and a hint", () => {
    const data = lexiconData();
    for (const cat of ["palette", "mood", "light", "composition", "motif", "texture"] as const)
      expect(data.categories[cat].length).toBeGreaterThan(2);
    for (const e of LEXICON) {
      expect(e.words.length).toBeGreaterThan(0);
      expect(e.hint.length).toBeGreaterThan(3);
    }
  });
});
