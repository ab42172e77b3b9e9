/**
 * `npm run gpu:setup` — run after every `npm ci` on a GPU host. Idempotent: parts already in place
 * are left alone. It
 *   1. fetches ONNX Runtime's CUDA execution provider with onnxruntime-node's own installer
 *      (`ONNXRUNTIME_NODE_INSTALL=cuda12`; the repo's install skips it, and `npm ci` removes it), and
 *   2. installs `@tensorflow/tfjs-node-gpu` into `<dataDir>/gpu` (its own package.json and lock), which
 *      the node loads from, so the tracked package-lock.json never changes.
 * Before changing anything it checks that the hosts both downloads need are reachable; when they are
 * not it says which, and exits 1 having changed nothing.
 *
 *   npm run gpu:setup [-- --config atelier-node.json] [--only onnx|tfjs] [--skip-gpu-check]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";

const ORT_VERSION = "1.30.0";
const TFJS_VERSION = "4.22.0";
/** hosts the two installers download from (overridable for mirrors, and for the offline test) */
const NUGET = process.env.ATELIER_GPU_SETUP_NUGET_URL ?? "https://api.nuget.org/v3/index.json";
const LIBTENSORFLOW =
  process.env.ATELIER_GPU_SETUP_LIBTENSORFLOW_URL ??
  "https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz";

const REQUIREMENTS = `What each part needs on the host (they differ — install both sets side by side):
  • ONNX Runtime ${ORT_VERSION} CUDA execution provider (generation): NVIDIA driver ≥ 525, CUDA 12.x, cuDNN 9.x
    (files: NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux ${ORT_VERSION}, into node_modules/onnxruntime-node/bin/)
  • @tensorflow/tfjs-node-gpu ${TFJS_VERSION} = libtensorflow 2.9.1 (safety check): CUDA 11.2, cuDNN 8.1
    (npm package + libtensorflow from storage.googleapis.com, into <dataDir>/gpu/)`;

const { values: args } = parseArgs({
  options: {
    config: { type: "string", short: "c" },
    only: { type: "string" },
    "skip-gpu-check": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(
    `usage: npm run gpu:setup [-- --config FILE] [--only onnx|tfjs] [--skip-gpu-check]\n\n${REQUIREMENTS}`,
  );
  process.exit(0);
}
if (args.only !== undefined && args.only !== "onnx" && args.only !== "tfjs") {
  console.error(`gpu:setup: --only must be "onnx" or "tfjs", not "${args.only}"`);
  process.exit(2);
}

/** The node's data dir, as `atelier-node start` would resolve it (the file need not exist yet). */
function dataDir(): string {
  const file = path.resolve(args.config ?? process.env.ATELIER_NODE_CONFIG ?? "atelier-node.json");
  if (process.env.ATELIER_NODE_DATA_DIR) return path.resolve(process.env.ATELIER_NODE_DATA_DIR);
  let dir = ".atelier-node";
  if (existsSync(file)) {
    const cfg = JSON.parse(readFileSync(file, "utf8")) as { dataDir?: unknown };
    if (typeof cfg.dataDir === "string") dir = cfg.dataDir;
  }
  return path.resolve(path.dirname(file), dir);
}

const require = createRequire(import.meta.url);
const ortRoot = path.dirname(require.resolve("onnxruntime-node/package.json"));
const ortBin = path.join(ortRoot, "bin", "napi-v6", process.platform, process.arch);
const ortCudaLib = path.join(ortBin, "libonnxruntime_providers_cuda.so");
const prefix = path.join(dataDir(), "gpu");
const tfjsPkg = path.join(prefix, "node_modules", "@tensorflow", "tfjs-node-gpu", "package.json");

const wantOnnx = args.only !== "tfjs";
const wantTfjs = args.only !== "onnx";
const onnxDone = existsSync(ortCudaLib);
const tfjsDone =
  existsSync(tfjsPkg) &&
  (JSON.parse(readFileSync(tfjsPkg, "utf8")) as { version: string }).version === TFJS_VERSION;

console.log(REQUIREMENTS + "\n");

async function reachable(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(8_000) });
    return undefined;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (err as Error).message;
  }
}

const problems: string[] = [];
if (process.platform !== "linux" || process.arch !== "x64")
  problems.push(`this script supports linux/x64 GPU hosts; this is ${process.platform}/${process.arch}`);
if (!args["skip-gpu-check"]) {
  const smi = spawnSync("nvidia-smi", ["--query-gpu=name,driver_version", "--format=csv,noheader"], {
    encoding: "utf8",
  });
  if (smi.status === 0) console.log(`GPU: ${smi.stdout.trim().split("\n").join("; ")}`);
  else
    problems.push(
      "no NVIDIA driver found (`nvidia-smi` did not run): install the driver first, or pass --skip-gpu-check",
    );
}
if (wantOnnx && !onnxDone) {
  const why = await reachable(NUGET);
  if (why)
    problems.push(
      `no internet access to ${new URL(NUGET).host} (${why}): the ONNX Runtime CUDA provider cannot be downloaded`,
    );
}
if (wantTfjs && !tfjsDone) {
  const why = await reachable(LIBTENSORFLOW);
  if (why)
    problems.push(
      `no internet access to ${new URL(LIBTENSORFLOW).host} (${why}): libtensorflow for @tensorflow/tfjs-node-gpu cannot be downloaded`,
    );
}
if (problems.length > 0) {
  console.error(`gpu:setup cannot run here:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  console.error("Nothing was changed. The node keeps running on CPU (provider auto) until this succeeds.");
  process.exit(1);
}

if (wantOnnx) {
  if (onnxDone) console.log(`ONNX Runtime CUDA provider: already installed (${ortCudaLib})`);
  else {
    console.log(`ONNX Runtime CUDA provider: fetching with onnxruntime-node's installer …`);
    const r = spawnSync(process.execPath, [path.join(ortRoot, "script", "install.js")], {
      cwd: ortRoot,
      stdio: "inherit",
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "cuda12" },
    });
    if (r.status !== 0 || !existsSync(ortCudaLib)) {
      console.error(
        `gpu:setup: onnxruntime-node's installer failed (exit ${r.status}); ${ortCudaLib} is missing`,
      );
      process.exit(1);
    }
    console.log(`ONNX Runtime CUDA provider: installed (${ortCudaLib})`);
  }
}

if (wantTfjs) {
  if (tfjsDone) console.log(`@tensorflow/tfjs-node-gpu ${TFJS_VERSION}: already installed in ${prefix}`);
  else {
    const fresh = !existsSync(prefix);
    await mkdir(prefix, { recursive: true });
    if (!existsSync(path.join(prefix, "package.json")))
      await writeFile(
        path.join(prefix, "package.json"),
        JSON.stringify(
          {
            name: "atelier-node-gpu",
            private: true,
            description:
              "GPU packages for the Atelier generator node, kept out of the repository's lock file",
          },
          null,
          2,
        ) + "\n",
      );
    console.log(`@tensorflow/tfjs-node-gpu ${TFJS_VERSION}: installing into ${prefix} …`);
    const r = spawnSync(
      "npm",
      [
        "install",
        "--prefix",
        prefix,
        "--workspaces=false",
        "--save-exact",
        "--no-audit",
        "--no-fund",
        `@tensorflow/tfjs-node-gpu@${TFJS_VERSION}`,
        `@tensorflow/tfjs@${TFJS_VERSION}`,
      ],
      { cwd: prefix, stdio: "inherit" },
    );
    if (r.status !== 0 || !existsSync(tfjsPkg)) {
      if (fresh) await rm(prefix, { recursive: true, force: true });
      console.error(`gpu:setup: installing @tensorflow/tfjs-node-gpu failed (npm exit ${r.status})`);
      process.exit(1);
    }
    console.log(`@tensorflow/tfjs-node-gpu ${TFJS_VERSION}: installed in ${prefix}`);
  }
}
console.log(
  'Done. Start the node with provider "auto" (or "cuda", cudaDeviceId N); the log line "model loaded" and /readyz show the provider in use.',
);
