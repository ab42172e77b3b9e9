/**
 * Generates what packages/protocol ships from the compiled artifacts: the typed ABIs
 * (src/generated/abis.ts, `as const` for viem) and the deployables (artifacts/<Contract>.json: ABI,
 * creation and runtime bytecode with the metadata hash), so `npm start` deploys without a compiler.
 * Run by `npm run build`. `--check` exits non-zero when a committed file differs from a fresh compile.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { readContractArtifacts } from "@atelier/devchain";
import {
  ABIS_MODULE,
  SHIPPED_ARTIFACTS_DIR,
  renderAbisModule,
  renderShippedArtifact,
} from "./lib/protocol-artifacts.ts";

const artifacts = await readContractArtifacts();
const expected = new Map<string, string>([[ABIS_MODULE, await renderAbisModule(artifacts)]]);
for (const artifact of artifacts) {
  expected.set(
    path.join(SHIPPED_ARTIFACTS_DIR, `${artifact.contractName}.json`),
    renderShippedArtifact(artifact),
  );
}
const shippedNow = (await readdir(SHIPPED_ARTIFACTS_DIR).catch(() => [] as string[]))
  .filter((name) => name.endsWith(".json"))
  .map((name) => path.join(SHIPPED_ARTIFACTS_DIR, name));
const relative = (file: string) => path.relative(process.cwd(), file);

if (process.argv.includes("--check")) {
  const stale: string[] = [];
  for (const [file, content] of expected) {
    if ((await readFile(file, "utf8").catch(() => "")) !== content) stale.push(relative(file));
  }
  for (const file of shippedNow) if (!expected.has(file)) stale.push(`${relative(file)} (no such contract)`);
  if (stale.length > 0) {
    console.error(
      `out of date with a fresh compile: ${stale.join(", ")}\nrun \`npm run build\` and commit what it writes`,
    );
    process.exit(1);
  }
  console.log(`ABIs and bytecode up to date (${artifacts.length} contracts)`);
} else {
  await mkdir(SHIPPED_ARTIFACTS_DIR, { recursive: true });
  for (const file of shippedNow) if (!expected.has(file)) await rm(file);
  for (const [file, content] of expected) await writeFile(file, content);
  console.log(
    `wrote ${artifacts.length} ABIs and deployables: ${artifacts.map((a) => a.contractName).join(", ")}`,
  );
}
