/**
 * Generates packages/protocol/src/generated/abis.ts from the compiled artifacts, so every package
 * imports one copy of each ABI (typed `as const` for viem). Run by `npm run build`.
 * `--check` exits non-zero when the committed file differs from what the artifacts give.
 */
import { readFile, writeFile } from "node:fs/promises";
import { readContractArtifacts } from "@atelier/devchain";
import { renderAbisModule, ABIS_MODULE } from "./lib/protocol-artifacts.ts";

const artifacts = await readContractArtifacts();
const rendered = await renderAbisModule(artifacts);

if (process.argv.includes("--check")) {
  const current = await readFile(ABIS_MODULE, "utf8").catch(() => "");
  if (current !== rendered) {
    console.error(`${ABIS_MODULE} is out of date with artifacts/: run \`npm run build\` and commit it`);
    process.exit(1);
  }
  console.log(`ABIs up to date (${artifacts.length} contracts)`);
} else {
  await writeFile(ABIS_MODULE, rendered);
  console.log(
    `wrote ${artifacts.length} ABIs to ${ABIS_MODULE}: ${artifacts.map((a) => a.contractName).join(", ")}`,
  );
}
