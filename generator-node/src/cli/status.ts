/** `atelier-node status`: amounts in ETH for people, wei (decimal strings) with `--json`. */
import { formatEther, type Address } from "viem";
import type { NodeStanding } from "../chain/atelier.ts";

export interface StatusReport {
  node: Address;
  chainId: number;
  market: Address;
  standing: NodeStanding;
  journal: { checkpoint: string | null; jobs: Record<string, number> };
}

const ETH_FIELDS = ["balance", "stake", "locked", "unbonding", "credit", "minStake", "claimLock"] as const;

export function printStatus(r: StatusReport, json: boolean): void {
  const st = r.standing;
  if (json) {
    const amounts = Object.fromEntries(
      ETH_FIELDS.flatMap((k) => [
        [k, st[k].toString()],
        [`${k}Eth`, formatEther(st[k])],
      ]),
    );
    console.log(
      JSON.stringify(
        {
          node: r.node,
          chainId: r.chainId,
          market: r.market,
          registered: st.registered,
          ...amounts,
          unbondingReleaseAt: st.unbondingReleaseAt,
          journal: r.journal,
        },
        null,
        2,
      ),
    );
    return;
  }
  const eth = (v: bigint) => `${formatEther(v)} ETH`;
  const unbonding =
    st.unbonding > 0n
      ? `${eth(st.unbonding)} (withdrawable from ${new Date(st.unbondingReleaseAt * 1000).toISOString()} with \`atelier-node unstake\`)`
      : "none";
  const jobs = Object.entries(r.journal.jobs)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const lines = [
    `node       ${r.node} (chain ${r.chainId}, market ${r.market})`,
    `registered ${st.registered ? "yes" : "no — run `atelier-node register`"}`,
    `balance    ${eth(st.balance)}`,
    `stake      ${eth(st.stake)} (locked by claims ${eth(st.locked)}; minimum ${eth(st.minStake)}; ${eth(st.claimLock)} locked per claim)`,
    `unbonding  ${unbonding}`,
    `earned     ${eth(st.credit)} market credit${st.credit > 0n ? " — collect it with `atelier-node withdraw`" : ""}`,
    `journal    checkpoint block ${r.journal.checkpoint ?? "none"}; jobs: ${jobs || "none"}`,
  ];
  console.log(lines.join("\n"));
}
