/**
 * Prints the README's markdown tables from a bench JSON: per attack, each method's exact recovery
 * and, for Atelier, the worst image and how many images failed.
 *
 *   npx tsx scripts/bench-table.ts bench-results/photos.json
 */
import { readFileSync } from "node:fs";

interface Attack {
  exactRecovery: number;
  bitAccuracy: number;
  worst: { image: string; exactRecovery: number };
  failedCount: number;
}
type Method = Record<string, unknown> & { attacks: Record<string, Attack> };
const res = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { methods: Record<string, Method> };
const names = Object.keys(res.methods);
const pct = (v: number) => `${(v * 100).toFixed(v === 1 || v === 0 ? 0 : 1)}%`;
const first = res.methods[names[0]!]!;
console.log(`| attack | ${names.join(" | ")} | ${names[0]} worst image (failing images) |`);
console.log(`| --- | ${names.map(() => "---").join(" | ")} | --- |`);
for (const a of Object.keys(first.attacks)) {
  const w = first.attacks[a]!;
  const worst = w.failedCount > 0 ? `${w.worst.image} (${w.failedCount})` : "—";
  console.log(
    `| \`${a}\` | ${names.map((n) => pct(res.methods[n]!.attacks[a]!.exactRecovery)).join(" | ")} | ${worst} |`,
  );
}
const row = (label: string, f: (m: Method) => string) =>
  console.log(`| ${label} | ${names.map((n) => f(res.methods[n]!)).join(" | ")} | |`);
const num = (m: Method, k: string) => m[k] as number;
row("PSNR mean / min (dB)", (m) => `${num(m, "psnr").toFixed(2)} / ${num(m, "psnrMin").toFixed(2)}`);
row("SSIM mean / min", (m) => `${num(m, "ssim").toFixed(4)} / ${num(m, "ssimMin").toFixed(4)}`);
row(
  "p99.9 \\|Δ\\| mean / max (grey levels)",
  (m) => `${num(m, "p999AbsDiff").toFixed(1)} / ${num(m, "p999AbsDiffMax")}`,
);
row("false positives", (m) => {
  const fp = m.falsePositives as { hits: number; trials: number; note?: string };
  return `${fp.hits} / ${fp.trials}${fp.note ? " (no decision)" : ""}`;
});
row(
  "embed / detect ms, 1024², median",
  (m) => `${num(m, "embedMs").toFixed(1)} / ${num(m, "detectMs").toFixed(1)}`,
);
const a = first as Method & {
  psnrMinImage: string;
  ssimMinImage: string;
  p999AbsDiffMaxImage: string;
  verdicts?: unknown;
  weakImages?: string[];
  stages?: unknown;
};
console.log("");
console.log(
  `worst images (${names[0]}): PSNR ${a.psnrMinImage}, SSIM ${a.ssimMinImage}, p99.9|Δ| ${a.p999AbsDiffMaxImage}`,
);
if (a.verdicts)
  console.log(`verdicts: ${JSON.stringify(a.verdicts)}; not ok: ${(a.weakImages ?? []).join(", ")}`);
if (a.stages) console.log(`stages: ${JSON.stringify(a.stages)}`);
