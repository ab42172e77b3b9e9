import { spawn } from "node:child_process";
import { freePort } from "@atelier/devchain";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartedStack {
  chainPort: number;
  gatewayPort: number;
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

/** Runs `npm start -- --chain-port P --gateway-port Q` in `dir` and waits for its "ready" line. */
export async function npmStart(dir: string, options: { timeoutMs?: number } = {}): Promise<StartedStack> {
  const chainPort = await freePort();
  let gatewayPort = await freePort();
  while (gatewayPort === chainPort) gatewayPort = await freePort();
  const started = performance.now();
  const child = spawn(
    "npm",
    ["start", "--", "--chain-port", String(chainPort), "--gateway-port", String(gatewayPort)],
    { cwd: dir, env: userEnvironment(), detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
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

  const deadline = started + (options.timeoutMs ?? 180_000);
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
    chainPort,
    gatewayPort,
    readySeconds: (performance.now() - started) / 1000,
    output: () => output,
    interrupt,
  };
}
