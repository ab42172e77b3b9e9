import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import { FeeChange } from "../generated/schema";
import { ensureConfig, eventId } from "./common";

export function onTreasuryUpdated(contract: Address, name: string, treasury: Address): void {
  const config = ensureConfig(contract, name);
  config.treasury = treasury;
  config.save();
}

export function onFeeUpdated(event: ethereum.Event, name: string, previousFeeBps: i32, newFeeBps: i32): void {
  const config = ensureConfig(event.address, name);
  config.feeBps = newFeeBps;
  config.save();
  const change = new FeeChange(eventId(event));
  change.config = event.address;
  change.previousFeeBps = previousFeeBps;
  change.newFeeBps = newFeeBps;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.save();
}

export function onPausedSet(contract: Address, name: string, paused: boolean): void {
  const config = ensureConfig(contract, name);
  config.paused = paused;
  config.save();
}

export function treasuryOf(contract: Address, name: string): Address {
  return Address.fromBytes(ensureConfig(contract, name).treasury);
}

export const ZERO = BigInt.zero();
