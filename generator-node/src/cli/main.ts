#!/usr/bin/env -S npx tsx
/**
 * atelier-node — the generator node operator's CLI.
 *
 *   atelier-node init       write a config file and a fresh key (prints only the address)
 *   atelier-node register   stake and register the served models on chain
 *   atelier-node start      run the node (follow requests, produce, fulfil)
 *   atelier-node status     node registration, stake, balance, journal summary
 *   atelier-node unstake    request unstake, or withdraw once the cooldown has passed
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { formatEther, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { connectMarket, startNodeApp } from "../app.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { Journal } from "../journal.ts";
import { createLogger } from "../logger.ts";
import { startProgress } from "../progress.ts";

const program = new Command()
  .name("atelier-node")
  .description("Atelier generator node: turns on-chain generation requests into watermarked works on IPFS")
  .option("-c, --config <file>", "config file (default: ./atelier-node.json or $ATELIER_NODE_CONFIG)")
  .showHelpAfterError();

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
  .option("--model <id...>", "on-chain model id(s) to serve with the built-in CPPN", ["1"])
  .option("--deployment <file>", "deployment file (default: @atelier/protocol's deployments/<chainId>.json)")
  .option("--force", "overwrite an existing config / key", false)
  .action(async (o: { rpcUrl: string; model: string[]; deployment?: string; force: boolean }) => {
    const file = path.resolve(program.opts<{ config?: string }>().config ?? "atelier-node.json");
    const keyFile = path.join(path.dirname(file), "node.key");
    if (!o.force && (existsSync(file) || existsSync(keyFile))) {
      throw new ConfigError(`${existsSync(file) ? file : keyFile} exists; use --force to overwrite`);
    }
    await mkdir(path.dirname(file), { recursive: true });
    const cfg = {
      rpcUrl: o.rpcUrl,
      ...(o.deployment ? { deployment: o.deployment } : {}),
      keyFile: "node.key",
      dataDir: ".atelier-node",
      models: o.model.map((id) => ({ id: Number(id), manifest: "builtin:art" })),
      provider: "auto",
      concurrency: 4,
      safety: { enabled: true, threshold: 0.9, maxPromptBytes: 1000, bannedTerms: [], bannedPatterns: [] },
      http: { host: "127.0.0.1", port: 8790 },
    };
    await writeFile(file, JSON.stringify(cfg, null, 2) + "\n");
    const key = generatePrivateKey();
    await writeFile(keyFile, key + "\n", { mode: 0o600 });
    await chmod(keyFile, 0o600);
    console.log(`wrote ${file}\nwrote ${keyFile} (mode 0600; back it up, never share it)`);
    console.log(
      `node address: ${privateKeyToAccount(key).address} — fund it, then run \`atelier-node register\``,
    );
  });

program
  .command("register")
  .description("stake ETH and register (or update) the models this node serves")
  .option("--stake <eth>", "stake to add, in ETH (default: config register.stakeWei)")
  .action(async (o: { stake?: string }) => {
    const cfg = config();
    const market = await connectMarket(cfg);
    const stake = o.stake !== undefined ? parseEther(o.stake) : BigInt(cfg.register.stakeWei);
    const models = cfg.models.map((m) => m.id);
    const hash = await market.register(models, stake);
    console.log(
      `registered ${market.account} serving models [${models.join(", ")}] with +${formatEther(stake)} ETH stake (tx ${hash})`,
    );
  });

program
  .command("status")
  .description("show the node's registration, stake, balance and job journal")
  .action(async () => {
    const cfg = config();
    const market = await connectMarket(cfg);
    const st = await market.nodeStatus();
    const journal = await Journal.open(cfg.dataDir);
    const byState: Record<string, number> = {};
    for (const r of journal.all()) byState[r.state] = (byState[r.state] ?? 0) + 1;
    console.log(
      JSON.stringify(
        {
          node: market.account,
          chainId: market.chainId,
          market: market.address,
          ...st,
          journal: { checkpoint: (await journal.readCheckpoint())?.toString() ?? null, jobs: byState },
        },
        (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
        2,
      ),
    );
  });

program
  .command("unstake")
  .description("request unstake (starts the cooldown), or withdraw the stake once the cooldown is over")
  .option("--amount <eth>", "amount to unstake (default: all unlocked stake)")
  .action(async (o: { amount?: string }) => {
    const cfg = config();
    const market = await connectMarket(cfg);
    const res = await market.unstake(o.amount !== undefined ? parseEther(o.amount) : undefined);
    console.log(res);
  });

program
  .command("start")
  .description("run the node: catch up from the checkpoint, follow requests, produce and fulfil")
  .addOption(new Option("--no-progress", "no live status line even in a terminal"))
  .action(async (o: { progress: boolean }) => {
    const cfg = config();
    const log = createLogger({
      level: cfg.log.level,
      ...(cfg.log.pretty !== undefined ? { pretty: cfg.log.pretty } : {}),
    });
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
  if (err instanceof ConfigError) console.error(`atelier-node: ${err.message}`);
  else console.error(`atelier-node: ${(err as Error).message}`);
  process.exit(1);
});
