import { ponder } from "ponder:registry";
import { feeChange, protocolConfig } from "ponder:schema";
import { ensureConfig, eventId, lower } from "./common.ts";

for (const name of ["Licenses", "GenerationMarket"] as const) {
  ponder.on(`${name}:TreasuryUpdated`, async ({ event, context }) => {
    await ensureConfig(context.db, event.log.address, name);
    await context.db
      .update(protocolConfig, { id: lower(event.log.address) })
      .set({ treasury: lower(event.args.newTreasury) });
  });
  ponder.on(`${name}:ProtocolFeeUpdated`, async ({ event, context }) => {
    await ensureConfig(context.db, event.log.address, name);
    await context.db
      .update(protocolConfig, { id: lower(event.log.address) })
      .set({ feeBps: event.args.newFeeBps });
    await context.db.insert(feeChange).values({
      id: eventId(event),
      config: lower(event.log.address),
      previousFeeBps: event.args.previousFeeBps,
      newFeeBps: event.args.newFeeBps,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
    });
  });
}

for (const name of ["Works", "Licenses", "GenerationMarket"] as const) {
  for (const [eventName, paused] of [
    ["Paused", true],
    ["Unpaused", false],
  ] as const) {
    ponder.on(`${name}:${eventName}`, async ({ event, context }) => {
      await ensureConfig(context.db, event.log.address, name);
      await context.db.update(protocolConfig, { id: lower(event.log.address) }).set({ paused });
    });
  }
}
