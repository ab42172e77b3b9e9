import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Account, Credit, ProtocolConfig, Withdrawal } from "../generated/schema";

export const ZERO_ADDRESS = Address.zero();

export function ensureAccount(address: Bytes): Account {
  let account = Account.load(address);
  if (account == null) {
    account = new Account(address);
    account.save();
  }
  return account;
}

/** Event-record id: unique per log. */
export function eventId(event: ethereum.Event): string {
  return event.transaction.hash.toHexString() + "-" + event.logIndex.toString();
}

export function ensureConfig(contract: Address, name: string): ProtocolConfig {
  let config = ProtocolConfig.load(contract);
  if (config == null) {
    config = new ProtocolConfig(contract);
    config.contract = name;
    config.treasury = ZERO_ADDRESS;
    config.feeBps = 0;
    config.paused = false;
    config.save();
  }
  return config;
}

function creditId(contract: string, account: Bytes, currency: Bytes): string {
  return contract + "-" + account.toHexString() + "-" + currency.toHexString();
}

function ensureCredit(contract: string, account: Bytes, currency: Bytes): Credit {
  const id = creditId(contract, account, currency);
  let credit = Credit.load(id);
  if (credit == null) {
    ensureAccount(account);
    credit = new Credit(id);
    credit.contract = contract;
    credit.account = account;
    credit.currency = currency;
    credit.credited = BigInt.zero();
    credit.withdrawn = BigInt.zero();
    credit.balance = BigInt.zero();
  }
  return credit;
}

/** Credits have no event of their own: every handler that credits calls this with the event's amount. */
export function addCredit(contract: string, account: Bytes, currency: Bytes, amount: BigInt): void {
  if (amount.isZero()) return;
  const credit = ensureCredit(contract, account, currency);
  credit.credited = credit.credited.plus(amount);
  credit.balance = credit.balance.plus(amount);
  credit.save();
}

/** A `Withdrawn` of any paying contract: the credit goes down and the withdrawal is recorded. */
export function recordWithdrawal(
  event: ethereum.Event,
  contract: string,
  account: Bytes,
  currency: Bytes,
  to: Bytes,
  amount: BigInt,
): void {
  const credit = ensureCredit(contract, account, currency);
  credit.withdrawn = credit.withdrawn.plus(amount);
  credit.balance = credit.balance.minus(amount);
  credit.save();
  const record = new Withdrawal(eventId(event));
  record.contract = contract;
  record.account = account;
  record.currency = currency;
  record.to = to;
  record.amount = amount;
  record.blockNumber = event.block.number;
  record.save();
}

/** Text from the chain is data: decoded as UTF-8 with replacement characters, NUL removed (Postgres text). */
export function bytesToText(bytes: Bytes): string {
  return cleanText(bytes.toString());
}

export function cleanText(text: string): string {
  return text.split("\u0000").join("");
}
