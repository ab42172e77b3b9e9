/**
 * `npm start`: the whole local stack in one process tree. Each service starts in order, prints where
 * it runs, and is stopped in reverse order on Ctrl-C (or SIGTERM), releasing every port.
 *
 *   --chain-port N    JSON-RPC port of the local chain (default 8545, env ATELIER_CHAIN_PORT)
 *   --gateway-port N  generator node's IPFS gateway + metrics (default 8790, env ATELIER_GATEWAY_PORT)
 *   --host H          interface to bind (default 127.0.0.1, env ATELIER_HOST)
 *   --no-demo         skip the first generated work
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { assertPortFree, deployAtelier, startHardhatNode } from "@atelier/devchain";
import { writeDeployment } from "@atelier/protocol/node";
import { requestDemoWork } from "./lib/demo-work.ts";
import { startLocalNode } from "./lib/local-node.ts";

interface Service {
  name: string;
  stop(): Promise<void>;
}

const STATE_DIR = path.resolve(import.meta.dirname, "../.atelier");

const USAGE = "usage: npm start -- [--chain-port 8545] [--gateway-port 8790] [--host 127.0.0.1] [--no-demo]";

/** npm keeps flags given without `--` for itself and exposes them as npm_config_<name>. */
function forgottenDoubleDash(): string | undefined {
  const flag = ["chain_port", "gateway_port", "host", "no_demo"].find(
    (name) => process.env[`npm_config_${name}`] !== undefined,
  );
  return flag === undefined ? undefined : `--${flag.replaceAll("_", "-")}`;
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        "chain-port": { type: "string", default: process.env.ATELIER_CHAIN_PORT ?? "8545" },
        "gateway-port": { type: "string", default: process.env.ATELIER_GATEWAY_PORT ?? "8790" },
        host: { type: "string", default: process.env.ATELIER_HOST ?? "127.0.0.1" },
        "no-demo": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    const flag = forgottenDoubleDash();
    const reason =
      flag === undefined
        ? (error as Error).message
        : `npm took ${flag} for itself: put \`--\` before the flags (npm start -- ${flag} …)`;
    console.error(`npm start: ${reason}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseCommandLine();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function port(flag: "chain-port" | "gateway-port"): number {
  const value = Number(values[flag]);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`--${flag} must be a TCP port (1-65535), got "${values[flag]}"`);
    process.exit(2);
  }
  return value;
}
const chainPort = port("chain-port");
const gatewayPort = port("gateway-port");
if (chainPort === gatewayPort) {
  console.error(`--chain-port and --gateway-port are both ${chainPort}: give each service its own port`);
  process.exit(2);
}

const services: Service[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const service of services.reverse()) {
      await service
        .stop()
        .catch((error: unknown) => console.error(`stopping ${service.name}: ${String(error)}`));
    }
  }
  process.exit(code);
}

process.on("SIGINT", () => {
  console.log("\nstopping…");
  void stopAll(0);
});
process.on("SIGTERM", () => void stopAll(0));

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

try {
  // Check every port first so a clash fails in a second, not after the chain is up.
  await assertPortFree(gatewayPort, values.host);

  console.log("starting the local chain…");
  const chain = await startHardhatNode({ port: chainPort, host: values.host });
  services.push({ name: "chain", stop: chain.stop });
  console.log(
    `chain      ${chain.rpcUrl}  (Hardhat node, chain id ${chain.chainId}, automine)  [${elapsed()}]`,
  );

  const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  const deploymentFile = await writeDeployment(deployment);
  console.log(`contracts  deployed by Ignition  [${elapsed()}]`);
  for (const [name, address] of Object.entries(deployment.contracts))
    console.log(`  ${name.padEnd(24)} ${address}`);
  console.log(`  deployment file          ${path.relative(process.cwd(), deploymentFile)}`);

  console.log("starting the generator node (loads its models: a few seconds)…");
  const node = await startLocalNode({
    rpcUrl: chain.rpcUrl,
    deployment,
    deploymentFile,
    stateDir: STATE_DIR,
    gatewayPort,
    host: values.host,
  });
  services.push({ name: "generator node", stop: node.stop });
  console.log(
    `generator  node serving model ${node.modelId} (built-in CPPN) on ${node.provider}  [${elapsed()}]`,
  );
  console.log(`  IPFS gateway             ${node.gatewayUrl}/ipfs/<cid>`);
  console.log(`  health / metrics         ${node.gatewayUrl}/readyz  ${node.gatewayUrl}/metrics`);
  console.log(`  log                      ${path.relative(process.cwd(), node.logFile)}`);

  if (!values["no-demo"]) {
    console.log("requesting a first generated work…");
    const demo = await requestDemoWork({
      rpcUrl: chain.rpcUrl,
      deployment,
      modelId: node.modelId,
      gatewayUrl: node.gatewayUrl,
      prompt: "a tide pool at dusk, mother-of-pearl and teal",
    });
    console.log(`demo       job ${demo.jobId} fulfilled as work ${demo.workId}  [${elapsed()}]`);
    console.log(`  token URI                ${demo.tokenUri}`);
    console.log(`  metadata                 ${demo.metadataUrl}`);
    if (demo.imageUrl) console.log(`  image                    ${demo.imageUrl}`);
  }

  console.log(
    `\nready in ${elapsed()}. Dev accounts are Hardhat's well-known test accounts. Ctrl-C stops everything.`,
  );
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
