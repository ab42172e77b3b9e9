/**
 * Words for every custom error of the merged error ABI (`atelierErrorsAbi`): a title saying what went wrong
 * and a hint saying what to do. The record's type is derived from the ABI, so a new contract error that has
 * no words here fails the typecheck.
 */
import type { atelierErrorsAbi } from "@atelier/protocol";
import { formatDate, formatDuration, shortAddress } from "./format.ts";
import { formatAmount, formatBps } from "./format.ts";

export type AtelierErrorName = Extract<(typeof atelierErrorsAbi)[number], { type: "error" }>["name"];

export interface ErrorWords {
  title: string;
  hint: string;
}

/** Named arguments of a decoded error (ABI input name → value). */
export type ErrorArgs = Readonly<Record<string, unknown>>;

const n = (v: unknown): string => (typeof v === "bigint" || typeof v === "number" ? v.toString() : String(v));
const addr = (v: unknown): string => shortAddress(String(v));
const eth = (v: unknown): string => formatAmount(BigInt(n(v)));
const when = (v: unknown): string => formatDate(BigInt(n(v)), { time: true });
const bps = (v: unknown): string => formatBps(BigInt(n(v)));

// GenerationMarket.JobStatus, in declaration order.
const JOB_STATUS = ["none", "open", "claimed", "fulfilled", "rejected", "cancelled", "expired"];
const status = (v: unknown): string => JOB_STATUS[Number(v)] ?? `status ${n(v)}`;

type Words = (a: ErrorArgs) => ErrorWords;
const w =
  (title: string, hint: string): Words =>
  () => ({ title, hint });

export const ERROR_WORDS: Record<AtelierErrorName, Words> = {
  AccessControlBadConfirmation: w(
    "Role renunciation not confirmed",
    "Renouncing a role must be confirmed with your own address.",
  ),
  AccessControlUnauthorizedAccount: (a) => ({
    title: `Account ${addr(a.account)} lacks the role this action needs`,
    hint: "Only an administrator, arbiter or pauser of the deployment can do this; connect that account.",
  }),
  ContentReserved: (a) => ({
    title: `This exact file is reserved by generation job #${n(a.jobId)}`,
    hint: "A node has claimed a job that produces these bytes; only its fulfilment can mint them. Upload a different file.",
  }),
  CooldownActive: (a) => ({
    title: "Your unstaked funds are still cooling down",
    hint: `You can withdraw them after ${when(a.releaseAt)}.`,
  }),
  CurrencyNotAllowed: (a) => ({
    title: `The currency ${addr(a.currency)} is not accepted`,
    hint: "Use ETH or a token on the deployment's allow-list.",
  }),
  DeadlineNotPassed: (a) => ({
    title: `Job #${n(a.jobId)} is not overdue yet`,
    hint: `It can be expired after its deadline, ${when(a.deadline)}.`,
  }),
  DeadlinePassed: (a) => ({
    title: `The deadline of job #${n(a.jobId)} has passed`,
    hint: `The deadline was ${when(a.deadline)}; anyone can now expire the job, which refunds the requester.`,
  }),
  DerivativeShareTooHigh: (a) => ({
    title: `A revenue share of ${bps(a.shareBps)} is too high`,
    hint: `Choose at most ${bps(a.maxShareBps)}.`,
  }),
  DuplicateContentHash: (a) => ({
    title: `This exact file is already minted as work #${n(a.existingWorkId)}`,
    hint: "Each file can be minted once. Open that work, or upload a different file.",
  }),
  DuplicateParent: (a) => ({
    title: `Work #${n(a.workId)} is named twice as a parent`,
    hint: "Name each parent work once.",
  }),
  DuplicateWatermarkId: (a) => ({
    title: `That watermark id is already used by work #${n(a.existingWorkId)}`,
    hint: "A rare collision: pick a new salt (the page does this when you try again) and embed the mark again.",
  }),
  DurationTooLong: (a) => ({
    title: `A duration of ${formatDuration(BigInt(n(a.duration)))} is too long`,
    hint: `Choose at most ${formatDuration(BigInt(n(a.maxDuration)))}, or 0 for perpetual.`,
  }),
  ERC721IncorrectOwner: (a) => ({
    title: `Token #${n(a.tokenId)} belongs to ${addr(a.owner)}, not ${addr(a.sender)}`,
    hint: "Connect the account that owns it.",
  }),
  ERC721InsufficientApproval: (a) => ({
    title: `${addr(a.operator)} may not move token #${n(a.tokenId)}`,
    hint: "The owner must approve this account first, or send it themselves.",
  }),
  ERC721InvalidApprover: (a) => ({
    title: `${addr(a.approver)} cannot approve this token`,
    hint: "Only the token's owner or an approved operator can approve.",
  }),
  ERC721InvalidOperator: (a) => ({
    title: `${addr(a.operator)} cannot be an operator`,
    hint: "Choose another address (not the zero address).",
  }),
  ERC721InvalidOwner: (a) => ({
    title: `${addr(a.owner)} is not a valid owner`,
    hint: "Use a real account address, not the zero address.",
  }),
  ERC721InvalidReceiver: (a) => ({
    title: `${addr(a.receiver)} cannot receive this token`,
    hint: "The receiving contract does not accept NFTs; send it to a wallet or an ERC-721-aware contract.",
  }),
  ERC721InvalidSender: (a) => ({
    title: `${addr(a.sender)} cannot send this token`,
    hint: "Check the token id and the sending account.",
  }),
  ERC721NonexistentToken: (a) => ({
    title: `Token #${n(a.tokenId)} does not exist`,
    hint: "Check the id; it may not be minted yet.",
  }),
  EmptyPrompt: w("The prompt is empty", "Describe what you want generated."),
  EndpointTooLong: (a) => ({
    title: `The endpoint URL is ${n(a.length)} bytes long`,
    hint: `Use a URL of at most ${n(a.max)} bytes.`,
  }),
  EnforcedPause: w(
    "This part of Atelier is paused",
    "The operators have paused it (for maintenance or an incident). Try again later; your funds are safe.",
  ),
  EthTransferFailed: (a) => ({
    title: `Sending ${eth(a.amount)} to ${addr(a.to)} failed`,
    hint: "The receiving address refused ETH; withdraw to a wallet address instead.",
  }),
  ExclusiveAlreadySold: (a) => ({
    title: `The exclusive licence of work #${n(a.workId)} has already been sold`,
    hint: "No further licences of this work can be bought.",
  }),
  ExclusiveOfferMix: (a) => ({
    title: `Work #${n(a.workId)} cannot mix exclusive and non-exclusive offers`,
    hint: "Make every public offer exclusive, or none of them.",
  }),
  ExpectedPause: w("This part of Atelier is not paused", "There is nothing to unpause."),
  FeeTooHigh: (a) => ({
    title: `A fee of ${eth(a.fee)} is more than a job can hold`,
    hint: "Offer a smaller fee.",
  }),
  InsufficientFreeStake: (a) => ({
    title: `Only ${eth(a.free)} of your stake is free; ${eth(a.requested)} was asked for`,
    hint: "Part of your stake is locked by claimed jobs: fulfil or release them first, or ask for less.",
  }),
  InsufficientStake: (a) => ({
    title: `Node ${addr(a.node)} has too little free stake to claim (stake ${eth(a.stake)}, locked ${eth(a.locked)})`,
    hint: "Add stake, or finish claimed jobs to free the locked part.",
  }),
  InvalidAdmin: w("That admin address is not valid", "Use a real account address, not the zero address."),
  InvalidContentHash: w(
    "The file's content hash is missing",
    "The page computes it from the file; choose the file again.",
  ),
  InvalidCurrency: (a) => ({
    title: `${addr(a.currency)} is not a usable currency`,
    hint: "Use ETH or an ERC-20 token on the allow-list.",
  }),
  InvalidDeadline: (a) => ({
    title: `The deadline ${when(a.deadline)} is not valid`,
    hint: "Pick a deadline in the future, within the allowed window.",
  }),
  InvalidJobId: (a) => ({ title: `Job id ${n(a.jobId)} is out of range`, hint: "Check the job id." }),
  InvalidLicensee: w(
    "The licensee address is not valid",
    "Buy the licence for a real account, not the zero address.",
  ),
  InvalidMarket: w("The market address is not valid", "Use the deployed GenerationMarket's address."),
  InvalidMetadataDigest: w(
    "The work's metadata digest is missing",
    "Store the metadata first (the page does this) and mint again.",
  ),
  InvalidRecipient: w(
    "That recipient cannot receive this withdrawal",
    "Withdraw to your own wallet or another account (not the zero address or the contract itself).",
  ),
  InvalidShortString: w("A text value is malformed", "This is an internal error; please report it."),
  InvalidSignature: w(
    "The offer's signature is not valid",
    "The signer must be the work's current owner; ask them for a freshly signed offer.",
  ),
  InvalidStakeRecipient: w("That address cannot receive the stake", "Withdraw the stake to a real account."),
  InvalidTreasury: w(
    "The treasury address is not valid",
    "Use a real account address, not the zero address.",
  ),
  InvalidWatermarkSalt: w(
    "The watermark salt gives an unusable id",
    "Pick another salt (the page does this when you try again) and embed the mark again.",
  ),
  InvalidWeightsHash: w(
    "The model's weights hash is missing",
    "Give the sha2-256 hash of the model weights.",
  ),
  JobGivenBack: (a) => ({
    title: `Node ${addr(a.node)} gave job #${n(a.jobId)} back and cannot claim it again`,
    hint: "Leave it to another node.",
  }),
  JobNotClaimed: (a) => ({
    title: `Job #${n(a.jobId)} is not claimed (it is ${status(a.status)})`,
    hint: "Only a claimed job can be fulfilled, released or rejected.",
  }),
  JobNotOpen: (a) => ({
    title: `Job #${n(a.jobId)} is no longer open (it is ${status(a.status)})`,
    hint: "Refresh the page to see what happened to it.",
  }),
  LicenseNonTransferable: (a) => ({
    title: `Licence #${n(a.licenseId)} cannot be transferred`,
    hint: "Its terms bind it to the account that bought it.",
  }),
  LicensesAlreadySold: (a) => ({
    title: `Work #${n(a.workId)} has already sold licences, so an exclusive one can no longer be sold`,
    hint: "Choose a non-exclusive offer.",
  }),
  LineageTooDeep: (a) => ({
    title: `This chain of derivatives would be ${n(a.depth)} levels deep`,
    hint: `At most ${n(a.max)} levels are allowed; choose parents closer to the original.`,
  }),
  MarketAlreadySet: w("The market is already connected", "It can be set only once per deployment."),
  ModelInactive: (a) => ({
    title: `Model #${n(a.modelId)} is switched off`,
    hint: "Choose another model.",
  }),
  ModelNameTooLong: (a) => ({
    title: `The model name is ${n(a.length)} bytes long`,
    hint: `Use at most ${n(a.max)} bytes.`,
  }),
  ModelNotServed: (a) => ({
    title: `Node ${addr(a.node)} does not serve model #${n(a.modelId)}`,
    hint: "Add the model to the node's served models first.",
  }),
  NodeAlreadyRegistered: (a) => ({
    title: `${addr(a.node)} is already a registered node`,
    hint: "Add stake or change its models instead.",
  }),
  NodeNotRegistered: (a) => ({
    title: `${addr(a.node)} is not a registered node`,
    hint: "Register the node with a stake first.",
  }),
  NonceAlreadyUsed: (a) => ({
    title: "This private offer was already redeemed or cancelled",
    hint: `Nonce ${n(a.nonce)} of ${addr(a.signer)} is used up; ask the owner for a new offer.`,
  }),
  NotClaimingNode: (a) => ({
    title: `Job #${n(a.jobId)} was claimed by another node, not ${addr(a.caller)}`,
    hint: "Only the node that claimed a job can fulfil, release or reject it.",
  }),
  NotOfferBuyer: (a) => ({
    title: `This private offer is for ${addr(a.buyer)}, not for ${addr(a.caller)}`,
    hint: "Connect the account the offer names.",
  }),
  NotRequester: (a) => ({
    title: `Only the requester of job #${n(a.jobId)} can do this`,
    hint: `Connect the account that requested it (not ${addr(a.caller)}).`,
  }),
  NotWorkOwner: (a) => ({
    title: `You (${addr(a.caller)}) do not own work #${n(a.workId)}`,
    hint: "Connect the owner's account, or buy a licence that allows derivatives and name it.",
  }),
  NothingToWithdraw: (a) => ({
    title: `There is nothing to withdraw for ${addr(a.account)}`,
    hint: "Earnings appear here after sales or finished jobs.",
  }),
  NothingUnbonding: (a) => ({
    title: `Node ${addr(a.node)} has no stake waiting to be withdrawn`,
    hint: "Start an unstake first; it can be withdrawn after the cooldown.",
  }),
  OfferExpired: (a) => ({
    title: `This private offer expired on ${when(a.deadline)}`,
    hint: "Ask the owner for a new offer.",
  }),
  OfferInactive: (a) => ({
    title: `Offer ${n(a.offerId)} of work #${n(a.workId)} is paused`,
    hint: "The owner has stopped new sales of it; choose another offer.",
  }),
  OfferIssuedInFuture: (a) => ({
    title: `This private offer says it was issued in the future (${when(a.issuedAt)})`,
    hint: "The signer's clock is wrong; ask for a new offer.",
  }),
  OfferPredatesOwnership: (a) => ({
    title: "This private offer was signed before the work changed hands",
    hint: `It was issued ${when(a.issuedAt)}; the current owner has owned the work since ${when(a.ownerSince)}. Ask them for a new offer.`,
  }),
  OfferSoldOut: (a) => ({
    title: `Offer ${n(a.offerId)} of work #${n(a.workId)} is sold out`,
    hint: "Choose another offer.",
  }),
  OnlyLicenses: (a) => ({
    title: `Only the Licenses contract can do this, not ${addr(a.caller)}`,
    hint: "Buy licences through the Licenses contract.",
  }),
  OnlyMarket: (a) => ({
    title: `Only the generation market can do this, not ${addr(a.caller)}`,
    hint: "Generated works are minted by the market when a node fulfils a job.",
  }),
  ParamsTooLong: (a) => ({
    title: `The generation parameters are ${n(a.length)} bytes long`,
    hint: `Keep them under ${n(a.max)} bytes.`,
  }),
  ParentFlagged: (a) => ({
    title: `Parent work #${n(a.workId)} is flagged`,
    hint: "A flagged work cannot be the source of new works; choose another parent.",
  }),
  ParentSharesTooHigh: (a) => ({
    title: `The parents' revenue shares add up to ${bps(a.totalBps)}`,
    hint: "That leaves too little for the new work; use fewer parents or parents with smaller shares.",
  }),
  PriceAboveMax: (a) => ({
    title: `The price is now ${eth(a.price)}, above the ${eth(a.maxPrice)} you agreed to`,
    hint: "Reload the offer to see the current price, then buy again.",
  }),
  PromptTooLong: (a) => ({
    title: `The prompt is ${n(a.length)} bytes long`,
    hint: `Shorten it to at most ${n(a.max)} bytes.`,
  }),
  ProtocolFeeTooHigh: (a) => ({
    title: `A protocol fee of ${bps(a.feeBps)} is above the cap`,
    hint: `The cap is ${bps(a.maxFeeBps)}.`,
  }),
  ReentrancyGuardReentrantCall: w(
    "A contract tried to call back in the middle of the transaction",
    "Send the transaction from a normal wallet rather than a contract that calls back.",
  ),
  RoyaltyTooHigh: (a) => ({
    title: `A royalty of ${bps(a.royaltyBps)} is too high`,
    hint: `Choose at most ${bps(a.maxBps)}.`,
  }),
  SafeERC20FailedOperation: (a) => ({
    title: `The token ${addr(a.token)} refused the transfer`,
    hint: "Check your token balance and that you approved enough for this payment.",
  }),
  SalesPaused: (a) => ({
    title: `The owner has paused sales of work #${n(a.workId)}`,
    hint: "Try again later or choose another work.",
  }),
  ShareWithoutDerivatives: w(
    "A revenue share needs derivatives to be allowed",
    "Allow derivatives, or set the revenue share to 0%.",
  ),
  StakeBelowMinimum: (a) => ({
    title: `A stake of ${eth(a.stake)} is below the minimum`,
    hint: `Stake at least ${eth(a.minStake)}.`,
  }),
  StakeOverflow: w("That stake is larger than a node can hold", "Stake a smaller amount."),
  StakeTransferFailed: (a) => ({
    title: `Returning ${eth(a.amount)} of stake to ${addr(a.node)} failed`,
    hint: "The address refused ETH; withdraw the stake to a wallet address.",
  }),
  StringTooLong: w("A text value is too long", "Shorten it and try again."),
  StringsInsufficientHexLength: w(
    "A value did not fit its text form",
    "This is an internal error; please report it.",
  ),
  TooManyAncestors: (a) => ({
    title: `This work would have ${n(a.paths)} lines of ancestry`,
    hint: `At most ${n(a.max)} are allowed; use fewer parents or parents with shorter histories.`,
  }),
  TooManyOffers: (a) => ({
    title: `${n(a.count)} offers are too many`,
    hint: `A work can have at most ${n(a.max)} offers.`,
  }),
  TooManyParents: (a) => ({
    title: `${n(a.count)} parent works are too many`,
    hint: `Name at most ${n(a.max)} parents.`,
  }),
  UnknownJob: (a) => ({ title: `There is no job #${n(a.jobId)}`, hint: "Check the job id." }),
  UnknownModel: (a) => ({
    title: `There is no model #${n(a.modelId)}`,
    hint: "Choose one of the registered models.",
  }),
  UnknownOffer: (a) => ({
    title: `Work #${n(a.workId)} has no offer ${n(a.offerId)}`,
    hint: "Reload the work to see its offers.",
  }),
  UnknownParent: (a) => ({
    title: `Parent work #${n(a.workId)} does not exist`,
    hint: "Check the parent's work id.",
  }),
  UnknownTerms: (a) => ({
    title: `There are no licence terms #${n(a.termsId)}`,
    hint: "Choose a preset, or register the terms first.",
  }),
  UnknownWork: (a) => ({
    title: `There is no work #${n(a.workId)}`,
    hint: "Check the work id; it may not be minted yet.",
  }),
  UnlicensedParent: (a) =>
    BigInt(n(a.licenseId)) === 0n
      ? {
          title: `You neither own work #${n(a.workId)} nor named a licence of it`,
          hint: "Name a licence of it that allows derivatives, or buy one first.",
        }
      : {
          title: `Licence #${n(a.licenseId)} does not let you make derivatives of work #${n(a.workId)}`,
          hint: "It may have expired, belong to another account, or not allow derivatives; buy a licence that allows them.",
        },
  UnsupportedCurrencyTransfer: (a) => ({
    title: `The token ${addr(a.currency)} delivered ${n(a.received)} instead of ${n(a.expected)}`,
    hint: "Tokens that charge fees on transfer are not supported; pay in ETH or another token.",
  }),
  UnsupportedWithdrawal: (a) => ({
    title: `The token ${addr(a.currency)} took ${n(a.taken)} for a withdrawal of ${n(a.amount)}`,
    hint: "This token misbehaves on transfer; report it to the operators.",
  }),
  WorkIdOverflow: w("No more works can be minted on this deployment", "The work id space is used up."),
  WorkIsFlagged: (a) => ({
    title: `Work #${n(a.workId)} is flagged and sells no new licences`,
    hint: "An arbiter flagged it (content standards or improper registration); licences already sold stay valid.",
  }),
  WrongPayment: (a) => ({
    title: `The payment was ${eth(a.paid)} but ${eth(a.expected)} is due`,
    hint: "Reload the offer and pay exactly its price.",
  }),
  ZeroAmount: w("The amount is zero", "Enter an amount greater than zero."),
};

/** Words for a decoded custom error; errors from outside the ABI get generic words naming them. */
export function wordsForError(name: string, args: ErrorArgs = {}): ErrorWords {
  const words = (ERROR_WORDS as Record<string, Words | undefined>)[name];
  if (words) return words(args);
  return {
    title: `The contract refused the transaction (${name})`,
    hint: "This error is not from the Atelier contracts; check the call's inputs.",
  };
}
