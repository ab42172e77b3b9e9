/**
 * Compiles `contracts/TestUSD.sol` with the repository's solc (solcjs, the exact version Hardhat uses) and
 * writes `artifacts/TestUSD.json` (ABI + bytecode), which the seed deploys: `npm start` compiles nothing.
 * `--check` fails when the committed artifact differs from a fresh compile.
 */
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCE = path.join(ROOT, "contracts/TestUSD.sol");
export const TOKEN_ARTIFACT = path.join(ROOT, "artifacts/TestUSD.json");

export async function compileToken(): Promise<string> {
  const solc = require("solc") as { compile(input: string, callbacks: object): string };
  const input = {
    language: "Solidity",
    sources: { "TestUSD.sol": { content: await readFile(SOURCE, "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const findImports = (file: string) => {
    try {
      return { contents: require("node:fs").readFileSync(require.resolve(file), "utf8") as string };
    } catch {
      return { error: `not found: ${file}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts["TestUSD.sol"]!.TestUSD!;
  return `${JSON.stringify({ contractName: "TestUSD", abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fresh = await compileToken();
  if (process.argv.includes("--check")) {
    const committed = await readFile(TOKEN_ARTIFACT, "utf8").catch(() => "");
    if (committed !== fresh) {
      console.error(
        `${path.relative(process.cwd(), TOKEN_ARTIFACT)} differs from a fresh compile: run npm run -w @atelier/seed build:token`,
      );
      process.exit(1);
    }
    console.log("TestUSD artifact matches a fresh compile");
  } else {
    await writeFile(TOKEN_ARTIFACT, fresh);
    console.log(`wrote ${path.relative(process.cwd(), TOKEN_ARTIFACT)}`);
  }
}
