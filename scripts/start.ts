/**
 * `npm start`: the whole local stack in one process tree. Each service starts in order, prints where
 * it runs, and is stopped in reverse order on Ctrl-C (or SIGTERM), releasing every port.
 *
 *   --chain-port N   JSON-RPC port of the local chain (default 8545, env ATELIER_CHAIN_PORT)
 *   --host H         interface to bind (default 127.0.0.1, env ATELIER_HOST)
 */
import { parseArgs } from "node:util";
import { deployAtelier, startHardhatNode } from "@atelier/devchain";
import { writeDeployment } from "@atelier/protocol/node";

interface Service {
  name: string;
  stop(): Promise<void>;
}

const { values } = parseArgs({
  options: {
    "chain-port": { type: "string", default: process.env.ATELIER_CHAIN_PORT ?? "8545" },
    host: { type: "string", default: process.env.ATELIER_HOST ?? "127.0.0.1" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log("usage: npm start -- [--chain-port 8545] [--host 127.0.0.1]");
  process.exit(0);
}

const chainPort = Number(values["chain-port"]);
if (!Number.isInteger(chainPort) || chainPort < 1 || chainPort > 65535) {
  console.error(`--chain-port must be a TCP port (1-65535), got "${values["chain-port"]}"`);
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
  const chain = await startHardhatNode({ port: chainPort, host: values.host });
  services.push({ name: "chain", stop: chain.stop });
  console.log(
    `chain      ${chain.rpcUrl}  (Hardhat node, chain id ${chain.chainId}, automine)  [${elapsed()}]`,
  );

  const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  const file = await writeDeployment(deployment);
  console.log(`contracts  deployed by Ignition  [${elapsed()}]`);
  for (const [name, address] of Object.entries(deployment.contracts))
    console.log(`  ${name.padEnd(24)} ${address}`);
  console.log(`deployment ${file}`);

  console.log(
    `\nready in ${elapsed()}. Dev accounts are Hardhat's well-known test accounts. Ctrl-C stops everything.`,
  );
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
