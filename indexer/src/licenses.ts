import { ponder } from "ponder:registry";
import {
  dailySales,
  license,
  offer,
  privateOfferCancellation,
  privateOfferRedemption,
  revenueShare,
  withdrawal,
  work,
} from "ponder:schema";
import { zeroAddress } from "viem";
import { addCredit, addWithdrawal, ensureAccount, eventId, lower, treasuryOf, utcDay } from "./common.ts";

const NAME = "Licenses";

ponder.on("Licenses:LicensePurchased", async ({ event, context }) => {
  const a = event.args;
  const workId = a.workId.toString();
  const isPrivate = a.offerId === 0n;
  await ensureAccount(context.db, a.licensee);
  await context.db.insert(license).values({
    id: a.licenseId,
    work: workId,
    offer: isPrivate ? null : `${workId}-${a.offerId}`,
    offerId: a.offerId,
    terms: a.termsId.toString(),
    licensee: lower(a.licensee),
    holder: lower(a.licensee),
    payer: lower(event.transaction.from),
    currency: lower(a.currency),
    price: a.price,
    protocolFee: a.protocolFee,
    payee: lower(a.payee),
    payeeAmount: a.payeeAmount,
    start: event.block.timestamp,
    expiry: BigInt(a.expiry),
    isPrivate,
    blockNumber: event.block.number,
    tx: event.transaction.hash,
  });
  const day = utcDay(event.block.timestamp);
  await context.db
    .insert(dailySales)
    .values({
      id: `${day}-${lower(a.currency)}`,
      day,
      currency: lower(a.currency),
      count: 1,
      volume: a.price,
    })
    .onConflictDoUpdate((row) => ({ count: row.count + 1, volume: row.volume + a.price }));
  await addCredit(context.db, NAME, a.payee, a.currency, a.payeeAmount);
  await addCredit(
    context.db,
    NAME,
    await treasuryOf(context.db, event.log.address, NAME),
    a.currency,
    a.protocolFee,
  );
  if (await context.db.find(work, { id: a.workId })) {
    await context.db.update(work, { id: a.workId }).set((row) => ({ licensesSold: row.licensesSold + 1 }));
  }
  const offerId = `${workId}-${a.offerId}`;
  if (!isPrivate && (await context.db.find(offer, { id: offerId }))) {
    await context.db.update(offer, { id: offerId }).set((row) => ({ sold: row.sold + 1 }));
  }
});

ponder.on("Licenses:RevenueShared", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(revenueShare).values({
    id: eventId(event),
    license: a.licenseId.toString(),
    ancestorWork: a.ancestorWorkId.toString(),
    payee: lower(a.payee),
    currency: lower(a.currency),
    amount: a.amount,
  });
  await addCredit(context.db, NAME, a.payee, a.currency, a.amount);
});

ponder.on("Licenses:PrivateOfferRedeemed", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(privateOfferRedemption).values({
    id: `${lower(a.signer)}-${a.nonce}`,
    signer: lower(a.signer),
    nonce: a.nonce,
    license: a.licenseId.toString(),
  });
});

ponder.on("Licenses:PrivateOfferCancelled", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(privateOfferCancellation).values({
    id: `${lower(a.signer)}-${a.nonce}`,
    signer: lower(a.signer),
    nonce: a.nonce,
    blockNumber: event.block.number,
  });
});

// Licence tokens move only when their terms are transferable; the mint is not a move.
ponder.on("Licenses:Transfer", async ({ event, context }) => {
  if (event.args.from === zeroAddress) return;
  const id = event.args.tokenId;
  if (await context.db.find(license, { id }))
    await context.db.update(license, { id }).set({ holder: lower(event.args.to) });
});

for (const name of ["Licenses", "GenerationMarket"] as const) {
  ponder.on(`${name}:Withdrawn`, async ({ event, context }) => {
    const a = event.args;
    await addWithdrawal(context.db, name, a.account, a.currency, a.amount);
    await context.db.insert(withdrawal).values({
      id: eventId(event),
      contract: name,
      account: lower(a.account),
      currency: lower(a.currency),
      to: lower(a.to),
      amount: a.amount,
      blockNumber: event.block.number,
    });
  });
}
