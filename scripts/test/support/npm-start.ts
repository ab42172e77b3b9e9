import { spawn } from "node:child_process";
import { freePort } from "@atelier/devchain";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StackPorts {
  chainPort: number;
  gatewayPort: number;
  indexerPort: number;
  webPort: number;
}

export interface StartedStack extends StackPorts {
  /** Every port the stack was told to use. */
  ports: number[];
  /** Seconds from spawning `npm start` to its "ready" line. */
  readySeconds: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Ctrl-C as a terminal sends it (SIGINT to the process group); resolves with how npm ended. */
  interrupt(timeoutMs?: number): Promise<Exit>;
}

/** The environment of a person's shell: nothing inherited from the npm/vitest process running us. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|ATELIER_|VITEST|INIT_CWD$|NODE_OPTIONS$|TSX_)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Four distinct free ports. */
async function freePorts(): Promise<StackPorts> {
  const taken = new Set<number>();
  const next = async () => {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    return port;
  };
  return {
    chainPort: await next(),
    gatewayPort: await next(),
    indexerPort: await next(),
    webPort: await next(),
  };
}

/** Runs `npm start -- --chain-port … --gateway-port … --indexer-port … --web-port …` in `dir`; waits for "ready". */
export async function npmStart(dir: string, options: { timeoutMs?: number } = {}): Promise<StartedStack> {
  const ports = await freePorts();
  const started = performance.now();
  const flags = [
    ["--chain-port", ports.chainPort],
    ["--gateway-port", ports.gatewayPort],
    ["--indexer-port", ports.indexerPort],
    ["--web-port", ports.webPort],
  ].flatMap(([flag, port]) => [String(flag), String(port)]);
  const child = spawn("npm", ["start", "--", ...flags], {
    cwd: dir,
    env: userEnvironment(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const interrupt = async (timeoutMs = 30_000): Promise<Exit> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return { code: child.exitCode, signal: child.signalCode };
    }
    process.kill(-child.pid!, "SIGINT");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };

  // A fresh clone builds the dApp at start: on 2 loaded cores that alone can take a minute or two.
  const deadline = started + (options.timeoutMs ?? 300_000);
  while (!/^ready in /m.test(output)) {
    if (child.exitCode !== null)
      throw new Error(`npm start exited (${child.exitCode}) before ready:\n${output}`);
    if (performance.now() > deadline) {
      await interrupt(5_000);
      throw new Error(`npm start was not ready in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    ...ports,
    ports: Object.values(ports),
    readySeconds: (performance.now() - started) / 1000,
    output: () => output,
    interrupt,
  };
}
