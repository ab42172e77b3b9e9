/**
 * Transaction sending with local nonce management: sends are serialised through one lock that
 * assigns consecutive nonces, so many jobs can have transactions in flight at once; receipts are
 * awaited outside the lock. A nonce error re-syncs from the chain's pending count and retries.
 */
import {
  BaseError,
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

function revertName(err: unknown): string | undefined {
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

  /**
   * Simulates (a revert throws {@link RevertError} without sending), then signs and sends with the
   * next local nonce. Returns the tx hash once the node accepted it.
   */
  async send(call: ContractCall): Promise<Hex> {
    let request: Parameters<WalletClient<Transport, Chain, Account>["writeContract"]>[0];
    try {
      const sim = await this.publicClient.simulateContract({
        address: call.address,
        abi: call.abi,
        functionName: call.functionName,
        args: call.args,
        account: this.wallet.account,
        ...(call.value !== undefined ? { value: call.value } : {}),
      } as never);
      request = (sim as { request: typeof request }).request;
    } catch (err) {
      const name = revertName(err);
      if (name !== undefined) {
        throw new RevertError(`${call.functionName} would revert: ${name}`, name, { cause: err });
      }
      throw err;
    }
    return this.lock.run(async () => {
      for (let attempt = 0; ; attempt++) {
        const nonce = this.nonce ?? (await this.syncNonce());
        try {
          const hash = await this.wallet.writeContract({ ...request, nonce } as never);
          this.nonce = nonce + 1;
          return hash;
        } catch (err) {
          const msg = String((err as Error).message).toLowerCase();
          if (attempt < 3 && /nonce|already known|replacement transaction/.test(msg)) {
            await this.syncNonce();
            continue;
          }
          this.nonce = undefined; // re-sync on the next send
          throw err;
        }
      }
    });
  }

  async wait(hash: Hex, timeoutMs = 60_000): Promise<TransactionReceipt> {
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
