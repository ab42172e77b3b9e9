#!/usr/bin/env -S npx tsx
/**
 * atelier-node — the generator node operator's CLI.
 *
 *   atelier-node init       write a config file and a fresh key (prints only the address)
 *   atelier-node register   stake and register the served models on chain
 *   atelier-node start      run the node (follow requests, produce, fulfil)
 *   atelier-node status     node registration, stake, balance, journal summary
 *   atelier-node unstake    request unstake, or withdraw once the cooldown has passed
 *   atelier-node withdraw   collect the node's market credit (fees earned)
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { formatEther, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { connectMarket, startNodeApp } from "../app.ts";
import { OperatorError } from "../chain/atelier.ts";
import { ConfigError, DEFAULT_HTTP_PORT, configSchema, loadConfig } from "../config.ts";
import { Journal } from "../journal.ts";
import { createLogger, routeConsole } from "../logger.ts";
import { startProgress } from "../progress.ts";
import { StaleStateError, resetState } from "../state.ts";
import { describeError } from "../errors.ts";
import { ignoreNodeFiles } from "./gitignore.ts";
import { printStatus } from "./status.ts";

/** commander argument parser: an amount of ETH ("0.5"), refused with a one-line message otherwise */
function eth(value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an amount of ETH`);
  return parseEther(value);
}

function modelId(value: string, prev: string[] | undefined): string[] {
  if (!/^[1-9]\d*$/.test(value))
    throw new InvalidArgumentError(`"${value}" is not a model id (a positive integer, as on chain)`);
  return [...(prev ?? []), value];
}

const program = new Command()
  .name("atelier-node")
  .description("Atelier generator node: turns on-chain generation requests into watermarked works on IPFS")
  .option("-c, --config <file>", "config file (default: ./atelier-node.json or $ATELIER_NODE_CONFIG)")
  // a mistyped flag or command: one line, not the whole help
  .configureOutput({
    outputError: (str, write) =>
      write(
        `atelier-node: ${str
          .replace(/^error: /, "")
          .replace(/\s*\n\s*/g, " ")
          .trim()} (see \`atelier-node --help\`)\n`,
      ),
  });

function config(requireKey = true) {
  const file = program.opts<{ config?: string }>().config;
  return loadConfig({ ...(file ? { file } : {}), requireKey });
}

program
  .command("init")
  .description(
    "write a config file and generate a private key file (mode 0600); prints the node address only",
  )
  .option("--rpc-url <url>", "JSON-RPC endpoint", "http://127.0.0.1:8545")
  .option(
    "--model <id...>",
    "on-chain model id(s) to serve with the built-in art model v2 (default: 1)",
    modelId,
  )
  .option("--deployment <file>", "deployment file (default: @atelier/protocol's deployments/<chainId>.json)")
  .option("--force", "overwrite an existing config / key", false)
  .action(async (o: { rpcUrl: string; model?: string[]; deployment?: string; force: boolean }) => {
    const file = path.resolve(program.opts<{ config?: string }>().config ?? "atelier-node.json");
    const dir = path.dirname(file);
    const keyFile = path.join(dir, "node.key");
    const rpc = configSchema.shape.rpcUrl.safeParse(o.rpcUrl);
    if (!rpc.success) throw new ConfigError(`--rpc-url "${o.rpcUrl}": ${rpc.error.issues[0]!.message}`);
    if (!o.force && (existsSync(file) || existsSync(keyFile))) {
      throw new ConfigError(`${existsSync(file) ? file : keyFile} exists; use --force to overwrite`);
    }
    await mkdir(dir, { recursive: true });
    const cfg = {
      rpcUrl: o.rpcUrl,
      ...(o.deployment ? { deployment: o.deployment } : {}),
      keyFile: "node.key",
      dataDir: ".atelier-node",
      models: (o.model ?? ["1"]).map((id) => ({ id: Number(id), manifest: "builtin:art", minFeeWei: "0" })),
      provider: "auto",
      concurrency: 4,
      safety: { enabled: true, threshold: 0.9, maxPromptBytes: 1000, bannedTerms: [], bannedPatterns: [] },
      http: { host: "127.0.0.1", port: DEFAULT_HTTP_PORT },
    };
    await writeFile(file, JSON.stringify(cfg, null, 2) + "\n");
    const key = generatePrivateKey();
    await writeFile(keyFile, key + "\n", { mode: 0o600 });
    await chmod(keyFile, 0o600);
    console.log(`wrote ${file}\nwrote ${keyFile} (mode 0600; back it up, never share it)`);
    console.log(ignoreNodeFiles(dir, [path.basename(file), "node.key", ".atelier-node/"]));
    console.log(
      `node address: ${privateKeyToAccount(key).address} — fund it, then run \`atelier-node register\``,
    );
  });

program
  .command("register")
  .description("stake ETH and register (or update) the models this node serves")
  .option("--stake <eth>", "stake to add, in ETH (default: config register.stakeWei)", eth)
  .action(async (o: { stake?: bigint }) => {
    const cfg = config();
    const market = await connectMarket(cfg);
    const stake = o.stake ?? BigInt(cfg.register.stakeWei);
    const models = cfg.models.map((m) => m.id);
    const hash = await market.register(models, stake);
    console.log(
      `registered ${market.account} serving models [${models.join(", ")}] with +${formatEther(stake)} ETH stake (tx ${hash})`,
    );
  });

program
  .command("status")
  .description("show the node's registration, stake, earnings (market credit) and job journal")
  .option("--json", "machine-readable output (amounts in wei, as decimal strings)", false)
  .action(async (o: { json: boolean }) => {
    const cfg = config();
    const market = await connectMarket(cfg);
    const st = await market.nodeStatus();
    const journal = await Journal.open(cfg.dataDir);
    const byState: Record<string, number> = {};
    for (const r of journal.all()) byState[r.state] = (byState[r.state] ?? 0) + 1;
    printStatus(
      {
        node: market.account,
        chainId: market.chainId,
        market: market.address,
        standing: st,
        journal: { checkpoint: (await journal.readCheckpoint())?.toString() ?? null, jobs: byState },
      },
      o.json,
    );
  });

program
  .command("unstake")
  .description(
    "move stake into the cooldown (--amount or --all), or, with neither, withdraw stake whose cooldown is over",
  )
  .option("--amount <eth>", "amount of stake to unstake, in ETH", eth)
  .option("--all", "unstake all unlocked stake (the node can no longer claim jobs)", false)
  .action(async (o: { amount?: bigint; all: boolean }) => {
    if (o.all && o.amount !== undefined) throw new OperatorError("pass either --amount or --all, not both");
    const cfg = config();
    const market = await connectMarket(cfg);
    console.log(await market.unstake(o.all ? "all" : o.amount));
  });

program
  .command("withdraw")
  .description("collect the node's market credit (fees earned for fulfilled jobs) to its account")
  .action(async () => {
    const cfg = config();
    const market = await connectMarket(cfg);
    const { amount, tx } = await market.withdrawCredit();
    console.log(
      tx
        ? `withdrew ${formatEther(amount)} ETH of market credit to ${market.account} (tx ${tx})`
        : `no market credit to withdraw for ${market.account}`,
    );
  });

program
  .command("start")
  .description("run the node: catch up from the checkpoint, follow requests, produce and fulfil")
  .addOption(new Option("--no-progress", "no live status line even in a terminal"))
  .option(
    "--reset-state",
    "move the journal and checkpoint aside (to <dataDir>/stale-<time>/) and start fresh, e.g. after a local chain restart",
    false,
  )
  .action(async (o: { progress: boolean; resetState: boolean }) => {
    const cfg = config();
    const log = createLogger({
      level: cfg.log.level,
      ...(cfg.log.pretty !== undefined ? { pretty: cfg.log.pretty } : {}),
    });
    // libraries' console output joins the JSON log instead of breaking it
    routeConsole(log);
    if (o.resetState) {
      const aside = await resetState(cfg.dataDir);
      log.warn(
        { movedTo: aside ?? null },
        aside ? "moved the old node state aside" : "no node state to reset",
      );
    }
    const app = await startNodeApp(cfg, { log });
    const stopProgress = o.progress
      ? startProgress(app.node, { provider: app.provider, gateway: app.url })
      : () => undefined;
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      stopProgress();
      log.info({ signal }, "shutting down: finishing or releasing in-flight jobs");
      void app.stop().then(() => process.exit(0));
    };
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    if (process.send) process.send({ ready: true, url: app.url, provider: app.provider });
  });

program.parseAsync().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof OperatorError || err instanceof StaleStateError;
  process.stderr.write(`atelier-node: ${known ? (err as Error).message : describeError(err)}\n`);
  process.exit(1);
});
