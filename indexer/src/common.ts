import type { Context } from "ponder:registry";
import { account, credit, protocolConfig } from "ponder:schema";
import { hexToBytes, zeroAddress, type Hex } from "viem";

export type Db = Context["db"];
export const ETH = zeroAddress;

export const eventId = (event: { transaction: { hash: Hex }; log: { logIndex: number } }) =>
  `${event.transaction.hash}-${event.log.logIndex}`;

/** Text from the chain is data: UTF-8 with replacement characters, NUL removed (Postgres text). */
export const bytesToText = (bytes: Hex) => cleanText(new TextDecoder("utf-8").decode(hexToBytes(bytes)));
export const cleanText = (text: string) => text.replaceAll("\u0000", "");

export const lower = (address: Hex) => address.toLowerCase() as Hex;

export async function ensureAccount(db: Db, address: Hex) {
  await db
    .insert(account)
    .values({ id: lower(address) })
    .onConflictDoNothing();
}

export async function ensureConfig(db: Db, contract: Hex, name: string) {
  const id = lower(contract);
  const existing = await db.find(protocolConfig, { id });
  if (existing) return existing;
  const row = { id, contract: name, treasury: zeroAddress, feeBps: 0, paused: false };
  await db.insert(protocolConfig).values(row);
  return row;
}

export async function treasuryOf(db: Db, contract: Hex, name: string): Promise<Hex> {
  return (await ensureConfig(db, contract, name)).treasury;
}

const creditId = (contract: string, who: Hex, currency: Hex) =>
  `${contract}-${lower(who)}-${lower(currency)}`;

/** Adds to an account's credit in one contract and currency (`credited` in, `withdrawn` out). */
async function bookCredit(
  db: Db,
  contract: string,
  who: Hex,
  currency: Hex,
  { credited, withdrawn }: { credited: bigint; withdrawn: bigint },
) {
  await ensureAccount(db, who);
  await db
    .insert(credit)
    .values({
      id: creditId(contract, who, currency),
      contract,
      account: lower(who),
      currency: lower(currency),
      credited,
      withdrawn,
      balance: credited - withdrawn,
    })
    .onConflictDoUpdate((row) => ({
      credited: row.credited + credited,
      withdrawn: row.withdrawn + withdrawn,
      balance: row.balance + credited - withdrawn,
    }));
}

export async function addCredit(db: Db, contract: string, who: Hex, currency: Hex, amount: bigint) {
  if (amount === 0n) return;
  await bookCredit(db, contract, who, currency, { credited: amount, withdrawn: 0n });
}

export async function addWithdrawal(db: Db, contract: string, who: Hex, currency: Hex, amount: bigint) {
  await bookCredit(db, contract, who, currency, { credited: 0n, withdrawn: amount });
}

/** Start of the UTC day of a block timestamp (seconds), the bucket of the daily rollups. */
export const utcDay = (timestamp: bigint) => (timestamp / 86_400n) * 86_400n;
