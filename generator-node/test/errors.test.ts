/** What an operator reads when an RPC call fails: one line, never the signed transaction. */
import { createServer, type AddressInfo } from "node:net";
import { createPublicClient, http } from "viem";
import { describe, expect, it } from "vitest";
import { describeError } from "../src/errors.ts";

describe("describeError", () => {
  it("reduces a failed raw-transaction send to one line without the signed transaction", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const signed = `0x02f8${"ab".repeat(100)}` as const;
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`, { retryCount: 0 }) });
    const err = await client.sendRawTransaction({ serializedTransaction: signed }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(signed.slice(0, 40)); // viem's own message has it
    const line = describeError(err);
    expect(line).toContain(`cannot reach the JSON-RPC endpoint http://127.0.0.1:${port}`);
    expect(line).not.toContain(signed.slice(0, 12));
    expect(line.split("\n")).toHaveLength(1);
  });
});
