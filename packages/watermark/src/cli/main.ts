/** atelier-watermark: embed / detect / phash / bench on PNG and JPEG files. */
import { isAbsolute, resolve } from "node:path";
import { statSync } from "node:fs";
import {
  embed,
  detect,
  payloadFromHex,
  payloadToHex,
  perceptualHash,
  psnr,
  decodePayload,
} from "../index.ts";
import { decodeImage, formatFromPath, writeImage } from "../node/io.ts";
import { describeLookup, lookupWatermark } from "./lookup.ts";

const HELP = `atelier-watermark — robust invisible watermark for images (PNG, JPEG)

Usage:
  atelier-watermark embed  --in FILE --out FILE --payload HEX [--psnr DB] [--quality Q]
  atelier-watermark detect --in FILE [--rpc URL] [--deployment FILE] [--json]
  atelier-watermark phash  --in FILE
  atelier-watermark bench  [--images DIR] [--json FILE] [--trials N] [--attacks a,b,..] [--methods m,..]
                           [--repeats N] [--timing-runs N]

Commands:
  embed    mark FILE with a 64-bit payload (16 hex digits: 8-bit format version + 56-bit watermark id);
           the output format follows --out's extension (.png, .jpg/.jpeg; JPEG quality --quality, default 95);
           strength is adapted so that PSNR >= 42 dB (target --psnr, default 42.2)
  detect   look for a watermark and, with --rpc (and the deployment file of that chain; by default the one
           \`npm start\` or a deploy wrote for its chain id), the work it identifies: id, creator, owner,
           token URI, licences sold; --json prints {"found", "payload", "confidence", "bitErrors",
           "watermarkId", "lookup"}
  phash    print the 64-bit DCT perceptual hash (16 hex digits)
  bench    benchmark Atelier vs the invisible-watermark baselines (dwtDct, dwtDctSvd) under attacks;
           without --images it uses a built-in set of generated images; --trials: unmarked false-positive
           trials (default 1000); --repeats: random windows/noise per image for crop*, noise5, combo

Exit status: 0 on success (also when no watermark is found), 1 on error, 2 on bad usage.
`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { cmd: string | undefined; flags: Map<string, string | true> } {
  const flags = new Map<string, string | true>();
  let cmd: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-h" || a === "--help") {
      flags.set("help", true);
    } else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) {
        flags.set(a.slice(2, eq), a.slice(eq + 1));
      } else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith("--")) {
          flags.set(a.slice(2), next);
          i++;
        } else {
          flags.set(a.slice(2), true);
        }
      }
    } else if (cmd === undefined) {
      cmd = a;
    } else {
      throw new UsageError(`unexpected argument "${a}"`);
    }
  }
  return { cmd, flags };
}

/** Paths are relative to where the user ran the command (npm run changes cwd to the package). */
function userPath(p: string): string {
  if (isAbsolute(p)) return p;
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

function str(flags: Map<string, string | true>, name: string, required: true): string;
function str(flags: Map<string, string | true>, name: string, required?: false): string | undefined;
function str(flags: Map<string, string | true>, name: string, required = false): string | undefined {
  const v = flags.get(name);
  if (v === undefined) {
    if (required) throw new UsageError(`missing --${name}`);
    return undefined;
  }
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

function num(flags: Map<string, string | true>, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

function checkFlags(flags: Map<string, string | true>, allowed: string[]): void {
  for (const k of flags.keys()) {
    if (k !== "help" && !allowed.includes(k)) throw new UsageError(`unknown option --${k}`);
  }
}

async function readInput(path: string) {
  try {
    if (!statSync(path).isFile()) throw new Error("not a file");
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      cause: e,
    });
  }
  try {
    return await decodeImage(path);
  } catch (e) {
    throw new Error(`cannot decode ${path} as an image: ${(e as Error).message}`, { cause: e });
  }
}

export async function main(argv: string[]): Promise<number> {
  const { cmd, flags } = parseArgs(argv);
  if (cmd === undefined) checkFlags(flags, []);
  if (flags.has("help") || cmd === undefined || cmd === "help") {
    process.stdout.write(HELP);
    return cmd === undefined && !flags.has("help") ? 2 : 0;
  }
  switch (cmd) {
    case "embed": {
      checkFlags(flags, ["in", "out", "payload", "psnr", "quality"]);
      const inPath = userPath(str(flags, "in", true));
      const outPath = userPath(str(flags, "out", true));
      let payload: bigint;
      try {
        payload = payloadFromHex(str(flags, "payload", true));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      try {
        formatFromPath(outPath);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const target = num(flags, "psnr");
      const quality = num(flags, "quality") ?? 95;
      if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
        throw new UsageError("--quality must be an integer 1..100");
      }
      const image = await readInput(inPath);
      const marked = embed(image, payload, target === undefined ? {} : { psnr: target });
      await writeImage(outPath, marked, quality);
      const { version, id } = decodePayload(payload);
      process.stderr.write(
        `embedded payload ${payloadToHex(payload)} (version ${version}, id ${id}) into ${outPath}; ` +
          `PSNR ${psnr(image, marked).toFixed(2)} dB\n`,
      );
      return 0;
    }
    case "detect": {
      checkFlags(flags, ["in", "json", "rpc", "deployment"]);
      const inPath = userPath(str(flags, "in", true));
      const rpc = str(flags, "rpc");
      const deploymentFile = str(flags, "deployment");
      if (deploymentFile !== undefined && rpc === undefined) {
        throw new UsageError("--deployment needs --rpc (the chain to ask)");
      }
      const image = await readInput(inPath);
      const d = detect(image);
      const id = d ? decodePayload(d.payload).id : undefined;
      const lookup =
        id !== undefined && rpc !== undefined
          ? await lookupWatermark(rpc, id, deploymentFile && userPath(deploymentFile))
          : undefined;
      const out = {
        found: d !== null,
        payload: d ? payloadToHex(d.payload) : null,
        confidence: d ? Math.round(d.confidence * 1000) / 1000 : 0,
        bitErrors: d ? d.bitErrors : 0,
        watermarkId: id?.toString() ?? null,
        lookup: lookup ?? null,
      };
      if (flags.has("json")) {
        process.stdout.write(JSON.stringify(out) + "\n");
      } else if (d) {
        const { version } = decodePayload(d.payload);
        process.stdout.write(
          `found an Atelier watermark: id ${id} (payload ${out.payload}, format ${version}); confidence ` +
            `${out.confidence}, ${out.bitErrors} of 188 coded bits in error\n`,
        );
        process.stdout.write(
          lookup
            ? describeLookup(lookup)
            : `To see the work, its creator and licences, ask the chain it was minted on:\n` +
                `  atelier-watermark detect --in ${inPath} --rpc <json-rpc url> [--deployment <file>]\n` +
                `or call Works.workByWatermark(${id}) there.\n`,
        );
      } else {
        process.stdout.write(
          "no watermark found. This does not prove the image is unlicensed: it may be unmarked, cropped\n" +
            "below ~128 px, or altered beyond what the mark survives.\n",
        );
      }
      return 0;
    }
    case "phash": {
      checkFlags(flags, ["in"]);
      const image = await readInput(userPath(str(flags, "in", true)));
      process.stdout.write(perceptualHash(image).toString(16).padStart(16, "0") + "\n");
      return 0;
    }
    case "bench": {
      checkFlags(flags, ["images", "json", "trials", "attacks", "methods", "timing-runs", "repeats"]);
      const { runBench } = await import("../bench/run.ts");
      const images = str(flags, "images");
      const json = str(flags, "json");
      const trials = num(flags, "trials");
      const attacks = str(flags, "attacks");
      const methods = str(flags, "methods");
      const timingRuns = num(flags, "timing-runs");
      const repeats = num(flags, "repeats");
      await runBench({
        ...(images ? { images: userPath(images) } : {}),
        ...(json ? { json: userPath(json) } : {}),
        ...(trials !== undefined ? { trials } : {}),
        ...(attacks ? { attacks: attacks.split(",") } : {}),
        ...(methods ? { methods: methods.split(",") } : {}),
        ...(timingRuns !== undefined ? { timingRuns } : {}),
        ...(repeats !== undefined ? { repeats } : {}),
      });
      if (json) process.stderr.write(`wrote ${userPath(json)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

/** Runs the CLI: usage errors print the help and return 2, other errors their message and return 1. */
export async function run(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${HELP}`);
      return 2;
    }
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
