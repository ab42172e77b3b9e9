/**
 * Picks the development set out of extracted Debian packages (see build-devset.sh) and writes each
 * image as PNG, long side ≤ 1024 px (the size works are shared at), named `<package>--<file>.png`.
 * The choice is a fixed list of rules, so the set is the same on every machine.
 */
import { mkdirSync, readdirSync, statSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import sharp from "sharp";

const [root, out] = process.argv.slice(2);
if (!root || !out) {
  console.error("usage: tsx scripts/select-devset.ts EXTRACTED_DIR OUT_DIR");
  process.exit(2);
}
const IMG = /\.(png|jpe?g|webp)$/i;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const res: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) res.push(...walk(p));
    else if (IMG.test(e.name)) res.push(p);
  }
  return res.sort();
}

const picks: { pkg: string; file: string }[] = [];
const add = (pkg: string, files: string[]) => files.forEach((file) => picks.push({ pkg, file }));

// KDE Plasma: one image per wallpaper theme (the largest in contents/images).
const plasma = join(root, "plasma-workspace-wallpapers/usr/share/wallpapers");
for (const theme of existsSync(plasma) ? readdirSync(plasma).sort() : []) {
  const imgs = walk(join(plasma, theme, "contents/images"));
  if (imgs.length === 0) continue;
  imgs.sort((a, b) => statSync(b).size - statSync(a).size);
  add(`plasma-${theme}`, [imgs[0]!]);
}
for (const p of [
  "lomiri-wallpapers-16.04",
  "lomiri-wallpapers-20.04",
  "lomiri-wallpapers",
  "ukui-wallpapers",
])
  add(p.replace("-wallpapers", ""), walk(join(root, p, "usr/share/backgrounds")));
add(
  "gnome",
  walk(join(root, "gnome-backgrounds/usr/share/backgrounds/gnome")).filter((f) =>
    /-l\.(webp|png|jpe?g)$/.test(f),
  ),
);
add(
  "sway",
  walk(join(root, "sway-backgrounds/usr/share/backgrounds/sway")).filter((f) => f.includes("1920x1080")),
);
add(
  "mypaint",
  walk(join(root, "mypaint-data-extras/usr/share/mypaint/backgrounds")).filter((f) =>
    /HR_Canvas 01|HR_Cork|HR_WaterColor|HR_RoughPaper|mamurk_a_1/.test(f),
  ),
);
const OPENCV = [
  "baboon.jpg",
  "fruits.jpg",
  "HappyFish.jpg",
  "messi5.jpg",
  "lena.jpg",
  "starry_night.jpg",
  "text_defocus.jpg",
  "sudoku.png",
  "board.jpg",
  "building.jpg",
  "home.jpg",
  "graf1.png",
  "butterfly.jpg",
  "smarties.png",
  "stuff.jpg",
  "leuvenA.jpg",
  "notes.png",
  "licenseplate_motion.jpg",
  "orange.jpg",
  "squirrel_cls.jpg",
];
const ocv = join(root, "opencv-doc/usr/share/doc/opencv-doc/examples/data");
add(
  "opencv",
  OPENCV.map((f) => join(ocv, f)).filter((f) => existsSync(f)),
);
// GIMP manual: the three largest screenshots of dialogs (text, widgets) and of filter examples.
const gimp = join(root, "gimp-help-en/usr/share/gimp/2.0/help/en/images");
for (const sub of ["dialogs", "filters/examples"]) {
  const files = walk(join(gimp, sub)).sort((a, b) => statSync(b).size - statSync(a).size);
  add(`gimp-${sub.replace("/", "-")}`, files.slice(0, 3));
}

mkdirSync(out, { recursive: true });
let written = 0;
for (const { pkg, file } of picks) {
  const meta = await sharp(file).metadata();
  if (!meta.width || !meta.height || Math.min(meta.width, meta.height) < 256) continue;
  const name = `${pkg}--${basename(file)
    .replace(/\.[^.]+$/, "")
    .replace(/[^A-Za-z0-9_.-]+/g, "_")}.png`;
  await sharp(file)
    .rotate()
    .flatten({ background: "#ffffff" })
    .resize(1024, 1024, { fit: "inside", withoutEnlargement: true })
    .png()
    .toFile(join(out, name));
  written++;
}
console.log(`${written} images written to ${out}`);
