import type { Address, Hex, PublicClient } from "viem";
import type { HostLog } from "./host.ts";

/** Every log of `addresses` in the block range, with its block and transaction, in chain order. */
export async function logsForHost(
  client: PublicClient,
  addresses: Address[],
  fromBlock: bigint,
  toBlock: bigint,
): Promise<HostLog[]> {
  const logs = await client.getLogs({ address: addresses, fromBlock, toBlock });
  const blocks = new Map<bigint, Awaited<ReturnType<PublicClient["getBlock"]>>>();
  const txs = new Map<Hex, Awaited<ReturnType<PublicClient["getTransaction"]>>>();
  const firstIndexInTx = new Map<Hex, number>();
  const out: HostLog[] = [];
  for (const log of logs) {
    const number = log.blockNumber!;
    if (!blocks.has(number)) blocks.set(number, await client.getBlock({ blockNumber: number }));
    const hash = log.transactionHash!;
    if (!txs.has(hash)) txs.set(hash, await client.getTransaction({ hash }));
    if (!firstIndexInTx.has(hash)) firstIndexInTx.set(hash, log.logIndex!);
    const block = blocks.get(number)!;
    const tx = txs.get(hash)!;
    out.push({
      address: log.address,
      topics: log.topics,
      data: log.data,
      logIndex: log.logIndex!,
      transactionLogIndex: log.logIndex! - firstIndexInTx.get(hash)!,
      block: {
        hash: block.hash!,
        parentHash: block.parentHash,
        number,
        timestamp: block.timestamp,
        gasUsed: block.gasUsed,
        gasLimit: block.gasLimit,
        miner: block.miner,
        baseFeePerGas: block.baseFeePerGas ?? null,
      },
      transaction: {
        hash,
        index: tx.transactionIndex ?? 0,
        from: tx.from,
        to: tx.to ?? null,
        value: tx.value,
        gas: tx.gas,
        gasPrice: tx.gasPrice ?? 0n,
        input: tx.input,
        nonce: tx.nonce,
      },
    });
  }
  return out.sort((a, b) =>
    a.block.number === b.block.number ? a.logIndex - b.logIndex : Number(a.block.number - b.block.number),
  );
}
