/**
 * Transaction sending with local nonce management: sends are serialised through one lock that
 * assigns consecutive nonces, so many jobs can have transactions in flight at once; receipts are
 * awaited outside the lock. A nonce error re-syncs from the chain's pending count and retries.
 */
import {
  BaseError,
  encodeFunctionData,
  ContractFunctionRevertedError,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";

export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

export interface ContractCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  value?: bigint;
}

/** A call that would revert (found by simulation before sending): the on-chain state forbids it. */
export class RevertError extends Error {
  override name = "RevertError";
  constructor(
    message: string,
    readonly errorName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The custom error (or reason) a contract call reverted with; undefined for any other failure. */
export function revertName(err: unknown): string | undefined {
  if (err instanceof BaseError) {
    const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (r instanceof ContractFunctionRevertedError) return r.data?.errorName ?? r.reason ?? "reverted";
  }
  return undefined;
}

export class TxSender {
  private nonce: number | undefined;
  private readonly lock = new Mutex();

  constructor(
    readonly publicClient: PublicClient,
    readonly wallet: WalletClient<Transport, Chain, Account>,
    private readonly opts: { pollingIntervalMs?: number } = {},
  ) {}

  get address(): Address {
    return this.wallet.account.address;
  }

  private async syncNonce(): Promise<number> {
    this.nonce = await this.publicClient.getTransactionCount({ address: this.address, blockTag: "pending" });
    return this.nonce;
  }

  /** Waits until every transaction this account already sent is mined (latest count == pending count). */
  async settlePending(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const [latest, pending] = await Promise.all([
        this.publicClient.getTransactionCount({ address: this.address, blockTag: "latest" }),
        this.publicClient.getTransactionCount({ address: this.address, blockTag: "pending" }),
      ]);
      if (latest >= pending || Date.now() > end) return;
      await new Promise((r) => setTimeout(r, this.opts.pollingIntervalMs ?? 200));
    }
  }

  private fees: { at: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | undefined;

  /** EIP-1559 fees, refreshed at most every 2 s (one RPC for many sends). */
  private async currentFees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    if (!this.fees || Date.now() - this.fees.at > 2_000) {
      const f = await this.publicClient.estimateFeesPerGas();
      this.fees = {
        at: Date.now(),
        maxFeePerGas: f.maxFeePerGas,
        maxPriorityFeePerGas: f.maxPriorityFeePerGas,
      };
    }
    return this.fees;
  }

  /**
   * Estimates gas (a revert throws {@link RevertError} with the contract's error name, and nothing is
   * sent), then signs locally with the next local nonce and sends the raw transaction. Two RPC calls
   * per transaction (fees are refreshed at most every 2 s). Returns the hash once the node accepted it.
   */
  async send(call: ContractCall): Promise<Hex> {
    const account = this.wallet.account;
    let gas: bigint;
    try {
      gas = await this.publicClient.estimateContractGas({
        address: call.address,
        abi: call.abi,
        functionName: call.functionName,
        args: call.args,
        account,
        // nonce and fees are this sender's own (local nonce, cached fees): without `prepare: false`
        // viem would fetch both from the node for every estimate
        prepare: false,
        ...(call.value !== undefined ? { value: call.value } : {}),
      } as never);
    } catch (err) {
      const name = revertName(err);
      if (name !== undefined) {
        throw new RevertError(`${call.functionName} would revert: ${name}`, name, { cause: err });
      }
      throw err;
    }
    const data = encodeFunctionData({
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
    } as never);
    const fees = await this.currentFees();
    return this.lock.run(async () => {
      for (let attempt = 0; ; attempt++) {
        const nonce = this.nonce ?? (await this.syncNonce());
        try {
          const signed = await account.signTransaction!({
            type: "eip1559",
            chainId: this.wallet.chain.id,
            to: call.address,
            data,
            value: call.value ?? 0n,
            gas: (gas * 13n) / 10n + 10_000n,
            nonce,
            ...fees,
          });
          const hash = await this.publicClient.sendRawTransaction({ serializedTransaction: signed });
          this.nonce = nonce + 1;
          return hash;
        } catch (err) {
          const msg = String((err as Error).message).toLowerCase();
          if (attempt < 3 && /nonce|already known|replacement transaction/.test(msg)) {
            await this.syncNonce();
            continue;
          }
          if (attempt < 3 && /fee|underpriced|basefee/.test(msg)) {
            this.fees = undefined;
            Object.assign(fees, await this.currentFees());
            continue;
          }
          this.nonce = undefined; // re-sync on the next send
          throw err;
        }
      }
    });
  }

  async wait(hash: Hex, timeoutMs = 60_000): Promise<TransactionReceipt> {
    // on an automining or fast chain the receipt is often there already: one RPC instead of
    // viem's block-number watch + receipt + polling tick
    const now = await this.receipt(hash);
    if (now) return now;
    return this.publicClient.waitForTransactionReceipt({
      hash,
      pollingInterval: this.opts.pollingIntervalMs ?? 50,
      timeout: timeoutMs,
    });
  }

  /** Receipt if mined, undefined if unknown or pending. */
  async receipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await this.publicClient.getTransactionReceipt({ hash });
    } catch {
      return undefined;
    }
  }
}
