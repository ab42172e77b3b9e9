/** A throwaway PostgreSQL cluster for tests: its own data dir in a temp folder, on a free port. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "@atelier/devchain";

const run = promisify(execFile);
const BIN_DIRS = [
  "/usr/local/bin",
  "/usr/lib/postgresql/15/bin",
  "/usr/lib/postgresql/16/bin",
  "/usr/lib/postgresql/17/bin",
];

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

function findBin(name: string): string | undefined {
  for (const dir of BIN_DIRS) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/** Whether initdb and pg_ctl are installed (Debian: `apt-get install postgresql`). */
export function postgresAvailable(): boolean {
  return findBin("initdb") !== undefined && findBin("pg_ctl") !== undefined;
}

/**
 * initdb + pg_ctl start in a temp dir. The server refuses to run as root, so under root it runs as
 * the `postgres` system user (created by the Debian package).
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const initdb = findBin("initdb");
  const pgCtl = findBin("pg_ctl");
  if (!initdb || !pgCtl)
    throw new Error("PostgreSQL binaries not found: install them with `apt-get install postgresql`");
  const root = await mkdtemp(path.join(tmpdir(), "atelier-pg-"));
  const dataDir = path.join(root, "data");
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(root, Number(stdout.trim()), Number(gid.trim()));
    await chmod(root, 0o700);
  }
  const exec = (bin: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", bin, ...args]) : run(bin, args);
  await exec(initdb, ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  await exec(pgCtl, [
    "-D",
    dataDir,
    "-l",
    path.join(root, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await exec(pgCtl, ["-D", dataDir, "-m", "fast", "-w", "stop"]).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
