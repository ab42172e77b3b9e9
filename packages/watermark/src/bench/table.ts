/** The benchmark's console table: exact recovery per attack and the quality, speed and FP rows. */
import type { MethodResult } from "./results.ts";

export function printTable(
  methods: Record<string, MethodResult>,
  attacks: string[],
  log: (l: string) => void,
): void {
  const names = Object.keys(methods);
  const pad = (s: string, n: number) => s.padEnd(n);
  log("");
  log("exact payload recovery (bit accuracy) per attack; worst image for the first method");
  log(pad("attack", 19) + names.map((n) => pad(n, 18)).join("") + "worst");
  for (const a of attacks) {
    const first = methods[names[0]!]!.attacks[a]!;
    log(
      pad(a, 19) +
        names
          .map((n) => {
            const r = methods[n]!.attacks[a]!;
            return pad(`${(r.exactRecovery * 100).toFixed(1)}% (${r.bitAccuracy.toFixed(3)})`, 18);
          })
          .join("") +
        (first.failedCount > 0 ? `${first.worst.image} (${first.failedCount} failing)` : ""),
    );
  }
  const row = (label: string, f: (r: MethodResult) => string) =>
    log(pad(label, 19) + names.map((n) => pad(f(methods[n]!), 18)).join(""));
  row("PSNR mean/min", (r) => `${r.psnr.toFixed(2)}/${r.psnrMin.toFixed(2)}`);
  row("SSIM mean/min", (r) => `${r.ssim.toFixed(4)}/${r.ssimMin.toFixed(4)}`);
  row("p99.9|Δ| mean/max", (r) => `${r.p999AbsDiff.toFixed(1)}/${r.p999AbsDiffMax}`);
  row("smooth RMS mean/max", (r) => `${r.smoothRms.toFixed(2)}/${r.smoothRmsMax.toFixed(2)}`);
  row("embed ms med/min", (r) => `${r.embedMs.toFixed(1)}/${r.embedMsMin.toFixed(1)}`);
  row("detect ms med/min", (r) => `${r.detectMs.toFixed(1)}/${r.detectMsMin.toFixed(1)}`);
  row("false pos.", (r) => `${r.falsePositives.hits}/${r.falsePositives.trials}`);
}
