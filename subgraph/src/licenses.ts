import {
  LicensePurchased,
  Paused,
  PrivateOfferCancelled,
  PrivateOfferRedeemed,
  ProtocolFeeUpdated,
  RevenueShared,
  Transfer as TransferEvent,
  TreasuryUpdated,
  Unpaused,
  Withdrawn,
} from "../generated/Licenses/Licenses";
import {
  License,
  LicenseSale,
  Offer,
  PrivateOfferCancellation,
  PrivateOfferRedemption,
  RevenueShare,
  Work,
} from "../generated/schema";
import { addCredit, recordWithdrawal, ensureAccount, eventId, ZERO_ADDRESS } from "./common";
import { onFeeUpdated, onPausedSet, onTreasuryUpdated, treasuryOf } from "./config";

const NAME = "Licenses";

export function handleLicensePurchased(event: LicensePurchased): void {
  const p = event.params;
  const workId = p.workId.toString();
  const license = new License(p.licenseId.toString());
  ensureAccount(p.licensee);
  license.work = workId;
  license.offerId = p.offerId;
  license.isPrivate = p.offerId.isZero();
  if (!license.isPrivate) license.offer = workId + "-" + p.offerId.toString();
  license.terms = p.termsId.toString();
  license.licensee = p.licensee;
  license.holder = p.licensee;
  license.payer = event.transaction.from;
  license.currency = p.currency;
  license.price = p.price;
  license.protocolFee = p.protocolFee;
  license.payee = p.payee;
  license.payeeAmount = p.payeeAmount;
  license.start = event.block.timestamp;
  license.expiry = p.expiry;
  license.blockNumber = event.block.number;
  license.tx = event.transaction.hash;
  license.save();

  // graph-node assigns the data point's id; DailySales rolls the points up per day and currency.
  const sale = new LicenseSale(0);
  sale.timestamp = event.block.timestamp.toI64() * 1000000; // graph-node Timestamps are µs
  sale.currency = p.currency;
  sale.price = p.price;
  sale.save();

  addCredit(NAME, p.payee, p.currency, p.payeeAmount);
  addCredit(NAME, treasuryOf(event.address, NAME), p.currency, p.protocolFee);

  const work = Work.load(workId);
  if (work != null) {
    work.licensesSold = work.licensesSold + 1;
    work.save();
  }
  if (!license.isPrivate) {
    const offer = Offer.load(workId + "-" + p.offerId.toString());
    if (offer != null) {
      offer.sold = offer.sold + 1;
      offer.save();
    }
  }
}

export function handleRevenueShared(event: RevenueShared): void {
  const p = event.params;
  const share = new RevenueShare(eventId(event));
  share.license = p.licenseId.toString();
  share.ancestorWork = p.ancestorWorkId.toString();
  share.payee = p.payee;
  share.currency = p.currency;
  share.amount = p.amount;
  share.save();
  addCredit(NAME, p.payee, p.currency, p.amount);
}

export function handlePrivateOfferRedeemed(event: PrivateOfferRedeemed): void {
  const p = event.params;
  const record = new PrivateOfferRedemption(p.signer.toHexString() + "-" + p.nonce.toString());
  record.signer = p.signer;
  record.nonce = p.nonce;
  record.license = p.licenseId.toString();
  record.save();
}

export function handlePrivateOfferCancelled(event: PrivateOfferCancelled): void {
  const p = event.params;
  const record = new PrivateOfferCancellation(p.signer.toHexString() + "-" + p.nonce.toString());
  record.signer = p.signer;
  record.nonce = p.nonce;
  record.blockNumber = event.block.number;
  record.save();
}

/** Licence tokens move only when their terms are transferable; the mint is not a move. */
export function handleTransfer(event: TransferEvent): void {
  if (event.params.from.equals(ZERO_ADDRESS)) return;
  const license = License.load(event.params.tokenId.toString());
  if (license == null) return;
  license.holder = event.params.to;
  license.save();
}

export function handleWithdrawn(event: Withdrawn): void {
  const p = event.params;
  recordWithdrawal(event, NAME, p.account, p.currency, p.to, p.amount);
}

export function handleTreasuryUpdated(event: TreasuryUpdated): void {
  onTreasuryUpdated(event.address, NAME, event.params.newTreasury);
}

export function handleProtocolFeeUpdated(event: ProtocolFeeUpdated): void {
  onFeeUpdated(event, NAME, event.params.previousFeeBps, event.params.newFeeBps);
}

export function handlePaused(event: Paused): void {
  onPausedSet(event.address, NAME, true);
}

export function handleUnpaused(event: Unpaused): void {
  onPausedSet(event.address, NAME, false);
}
