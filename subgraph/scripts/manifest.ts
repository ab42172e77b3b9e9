/**
 * Writes `subgraph.yaml` (and `abis/*.json`) for one network from a deployment file of
 * @atelier/protocol: `npm run -w @atelier/subgraph manifest -- --deployment FILE [--network NAME]`.
 * Without `--deployment` it uses the local fixture, so `graph codegen`/`graph build` run offline in CI.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { abis, parseDeployment, type Deployment } from "@atelier/protocol";
import { renderManifest } from "../src-node/manifest.ts";

const HERE = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    deployment: { type: "string", default: path.join(HERE, "networks/localhost.json") },
    network: { type: "string", default: "localhost" },
    out: { type: "string", default: path.join(HERE, "subgraph.yaml") },
  },
});

const deployment: Deployment = parseDeployment(
  JSON.parse(await readFile(values.deployment, "utf8")),
  values.deployment,
);
await mkdir(path.join(HERE, "abis"), { recursive: true });
for (const name of ["Works", "Licenses", "LicenseTerms", "GenerationMarket"] as const) {
  await writeFile(path.join(HERE, "abis", `${name}.json`), `${JSON.stringify(abis[name], null, 2)}\n`);
}
await writeFile(values.out, renderManifest(deployment, values.network));
console.log(
  `wrote ${path.relative(process.cwd(), values.out)} for ${values.network} (chain ${deployment.chainId})`,
);
