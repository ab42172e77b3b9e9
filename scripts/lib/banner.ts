/** The last thing `npm start` prints: where everything runs (the dApp first) and where the start time went. */

export interface Stage {
  name: string;
  /** Time on the start's critical path (since the previous stage ended). */
  seconds: number;
  note?: string;
}

export interface BannerFacts {
  webUrl?: string;
  workUrl?: string;
  graphqlUrl?: string;
  gatewayUrl: string;
  rpcUrl: string;
  chainId: number;
  logDir: string;
  stages: Stage[];
  crashed: string[];
  totalSeconds: number;
  /** What the seed is still making when the banner appears (the stack is usable meanwhile). */
  stillSeeding?: string;
}

const row = (label: string, value: string) => `  ${label.padEnd(14)} ${value}`;

export function printBanner(facts: BannerFacts): void {
  const lines = ["", "Atelier is running", ""];
  if (facts.webUrl) lines.push(row("dApp", `${facts.webUrl}   ← open this`));
  if (facts.workUrl) lines.push(row("  demo work", facts.workUrl));
  if (facts.graphqlUrl) lines.push(row("GraphQL", facts.graphqlUrl));
  lines.push(row("IPFS gateway", `${facts.gatewayUrl}/ipfs/<cid>   (health ${facts.gatewayUrl}/readyz)`));
  lines.push(row("chain RPC", `${facts.rpcUrl}   (chain id ${facts.chainId})`));
  lines.push(row("logs", `${facts.logDir}/<service>.log`));
  if (facts.stillSeeding)
    lines.push(row("still seeding", `${facts.stillSeeding}; "seed | demo market complete" follows`));
  lines.push("", `  start time ${facts.totalSeconds.toFixed(1)} s, by service:`);
  for (const stage of facts.stages) {
    const share = (100 * stage.seconds) / facts.totalSeconds;
    lines.push(
      `    share ${stage.name.padEnd(10)} ${stage.seconds.toFixed(1).padStart(5)} s  ${share.toFixed(0).padStart(3)} %${stage.note ? `  (${stage.note})` : ""}`,
    );
  }
  lines.push("");
  if (facts.crashed.length > 0)
    lines.push(`  status: DEGRADED — ${facts.crashed.join(", ")} exited during the start (see above)`, "");
  console.log(lines.join("\n"));
  console.log(
    `ready in ${facts.totalSeconds.toFixed(1)} s. Dev accounts are Hardhat's well-known test accounts. Ctrl-C stops everything.`,
  );
}
