/**
 * The same entities as subgraph/schema.graphql (names and fields), as Ponder tables. Ids follow the
 * subgraph: accounts and nodes are addresses, offers "<workId>-<offerId>", event records
 * "<txHash>-<logIndex>"; works, licences, jobs, models and terms are keyed by their numeric id as
 * bigint (Ponder's row prefetch recovers keys from event arguments as bigints, so a decimal-text key
 * breaks it); references to them are decimal text, as in the subgraph.
 */
import { index, onchainTable } from "ponder";
import { searchDocument } from "./lib/search.ts";

export const account = onchainTable("account", (t) => ({
  id: t.hex().primaryKey(),
}));

export const protocolConfig = onchainTable("protocol_config", (t) => ({
  id: t.hex().primaryKey(),
  contract: t.text().notNull(),
  treasury: t.hex().notNull(),
  feeBps: t.integer().notNull(),
  paused: t.boolean().notNull(),
}));

export const feeChange = onchainTable("fee_change", (t) => ({
  id: t.text().primaryKey(),
  config: t.hex().notNull(),
  previousFeeBps: t.integer().notNull(),
  newFeeBps: t.integer().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

export const terms = onchainTable("terms", (t) => ({
  id: t.bigint().primaryKey(),
  hash: t.hex().notNull(),
  registrant: t.hex().notNull(),
  flags: t.integer().notNull(),
  commercialUse: t.boolean().notNull(),
  derivativesAllowed: t.boolean().notNull(),
  attribution: t.boolean().notNull(),
  aiTrainingAllowed: t.boolean().notNull(),
  exclusive: t.boolean().notNull(),
  transferable: t.boolean().notNull(),
  duration: t.bigint().notNull(),
  derivativeShareBps: t.integer().notNull(),
  legalTextUri: t.text().notNull(),
  /** The legal text's CID when the URI is ipfs://<CIDv1> (a legal_text row), else null. */
  legalText: t.text(),
}));

/** A licence's legal text from IPFS, fetched outside event handling: status pending | ok | rejected. */
export const legalText = onchainTable("legal_text", (t) => ({
  id: t.text().primaryKey(),
  status: t.text().notNull(),
  reason: t.text(),
  attempts: t.integer().notNull(),
  title: t.text(),
  summary: t.text(),
  size: t.integer(),
}));

export const work = onchainTable(
  "work",
  (t) => ({
    id: t.bigint().primaryKey(),
    /** The work id again, named as in the subgraph (whose String ids sort lexically). */
    number: t.bigint().notNull(),
    creator: t.hex().notNull(),
    owner: t.hex().notNull(),
    source: t.text().notNull(),
    job: t.text(),
    model: t.text(),
    node: t.hex(),
    seed: t.bigint(),
    contentHash: t.hex().notNull(),
    metadataDigest: t.hex().notNull(),
    watermarkId: t.bigint().notNull(),
    perceptualHash: t.bigint().notNull(),
    royaltyBps: t.integer().notNull(),
    depth: t.integer().notNull(),
    flagged: t.boolean().notNull(),
    salesPaused: t.boolean().notNull(),
    exclusiveSold: t.boolean().notNull(),
    licensesSold: t.integer().notNull(),
    metadata: t.text().notNull(),
    createdBlock: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    createdTx: t.hex().notNull(),
  }),
  // The dApp lists works by number, optionally by creator / owner / model / source: one index per
  // filter that ends in `number`, so a page is an index range scan, never a sort of every work.
  (table) => ({
    numberIdx: index().on(table.number),
    creatorIdx: index().on(table.creator, table.number),
    ownerIdx: index().on(table.owner, table.number),
    modelIdx: index().on(table.model, table.number),
    sourceIdx: index().on(table.source, table.number),
    metadataIdx: index().on(table.metadata),
    contentHashIdx: index().on(table.contentHash),
    watermarkIdx: index().on(table.watermarkId),
  }),
);

export const workParent = onchainTable(
  "work_parent",
  (t) => ({
    id: t.text().primaryKey(),
    child: t.text().notNull(),
    parent: t.text().notNull(),
    index: t.integer().notNull(),
    shareBps: t.integer().notNull(),
    license: t.text(),
  }),
  (table) => ({ childIdx: index().on(table.child), parentIdx: index().on(table.parent) }),
);

/** Metadata JSON from IPFS, fetched outside event handling: status pending | ok | rejected. */
export const workMetadata = onchainTable(
  "work_metadata",
  (t) => ({
    id: t.text().primaryKey(),
    status: t.text().notNull(),
    reason: t.text(),
    attempts: t.integer().notNull(),
    name: t.text(),
    description: t.text(),
    image: t.text(),
    prompt: t.text(),
  }),
  // Full-text search (tsvector + GIN) over title, description and prompt.
  (table) => ({ searchIdx: index().using("gin", searchDocument(table)) }),
);

export const offer = onchainTable(
  "offer",
  (t) => ({
    id: t.text().primaryKey(),
    work: t.text().notNull(),
    /** The work id as a number: offers filtered by rights page in work order. */
    workNumber: t.bigint().notNull(),
    offerId: t.bigint().notNull(),
    terms: t.text().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    maxSupply: t.bigint().notNull(),
    duration: t.bigint().notNull(),
    termsFlags: t.integer().notNull(),
    active: t.boolean().notNull(),
    sold: t.integer().notNull(),
  }),
  (table) => ({
    workIdx: index().on(table.work),
    workNumberIdx: index().on(table.workNumber),
    flagsIdx: index().on(table.termsFlags, table.workNumber),
  }),
);

export const license = onchainTable(
  "license",
  (t) => ({
    id: t.bigint().primaryKey(),
    work: t.text().notNull(),
    offer: t.text(),
    offerId: t.bigint().notNull(),
    terms: t.text().notNull(),
    licensee: t.hex().notNull(),
    holder: t.hex().notNull(),
    payer: t.hex().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    protocolFee: t.bigint().notNull(),
    payee: t.hex().notNull(),
    payeeAmount: t.bigint().notNull(),
    start: t.bigint().notNull(),
    expiry: t.bigint().notNull(),
    isPrivate: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({
    workIdx: index().on(table.work, table.blockNumber),
    licenseeIdx: index().on(table.licensee, table.blockNumber),
  }),
);

export const revenueShare = onchainTable("revenue_share", (t) => ({
  id: t.text().primaryKey(),
  license: t.text().notNull(),
  ancestorWork: t.text().notNull(),
  payee: t.hex().notNull(),
  currency: t.hex().notNull(),
  amount: t.bigint().notNull(),
}));

export const privateOfferRedemption = onchainTable("private_offer_redemption", (t) => ({
  id: t.text().primaryKey(),
  signer: t.hex().notNull(),
  nonce: t.bigint().notNull(),
  license: t.text().notNull(),
}));

export const privateOfferCancellation = onchainTable("private_offer_cancellation", (t) => ({
  id: t.text().primaryKey(),
  signer: t.hex().notNull(),
  nonce: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
}));

export const credit = onchainTable(
  "credit",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.text().notNull(),
    account: t.hex().notNull(),
    currency: t.hex().notNull(),
    credited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    balance: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const withdrawal = onchainTable("withdrawal", (t) => ({
  id: t.text().primaryKey(),
  contract: t.text().notNull(),
  account: t.hex().notNull(),
  currency: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
}));

export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(),
    work: t.text().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ workIdx: index().on(table.work, table.blockNumber) }),
);

export const flagChange = onchainTable(
  "flag_change",
  (t) => ({
    id: t.text().primaryKey(),
    work: t.text().notNull(),
    flagged: t.boolean().notNull(),
    arbiter: t.hex().notNull(),
    reason: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
  }),
  (table) => ({ workIdx: index().on(table.work) }),
);

export const model = onchainTable("model", (t) => ({
  id: t.bigint().primaryKey(),
  weightsHash: t.hex().notNull(),
  weightsCidDigest: t.hex().notNull(),
  weightsCidCodec: t.bigint().notNull(),
  deterministic: t.boolean().notNull(),
  name: t.text().notNull(),
  active: t.boolean().notNull(),
}));

export const node = onchainTable("node", (t) => ({
  id: t.hex().primaryKey(),
  endpoint: t.text(),
  stake: t.bigint().notNull(),
  unbonding: t.bigint().notNull(),
  releaseAt: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  forfeited: t.bigint().notNull(),
  jobsClaimed: t.integer().notNull(),
  jobsFulfilled: t.integer().notNull(),
  jobsRejected: t.integer().notNull(),
  jobsReleased: t.integer().notNull(),
  jobsExpired: t.integer().notNull(),
}));

export const nodeModel = onchainTable("node_model", (t) => ({
  id: t.text().primaryKey(),
  node: t.hex().notNull(),
  model: t.text().notNull(),
  served: t.boolean().notNull(),
}));

export const stakeChange = onchainTable("stake_change", (t) => ({
  id: t.text().primaryKey(),
  node: t.hex().notNull(),
  kind: t.text().notNull(),
  amount: t.bigint().notNull(),
  stakeAfter: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
}));

export const job = onchainTable(
  "job",
  (t) => ({
    id: t.bigint().primaryKey(),
    requester: t.hex().notNull(),
    model: t.text().notNull(),
    prompt: t.text().notNull(),
    params: t.hex().notNull(),
    fee: t.bigint().notNull(),
    deadline: t.bigint().notNull(),
    watermarkId: t.bigint().notNull(),
    seed: t.bigint(),
    royaltyBps: t.integer().notNull(),
    offerTermsId: t.bigint().notNull(),
    offerCurrency: t.hex().notNull(),
    offerPrice: t.bigint().notNull(),
    offerMaxSupply: t.bigint().notNull(),
    protocolFeeBps: t.integer().notNull(),
    contentHash: t.hex(),
    secret: t.hex(),
    status: t.text().notNull(),
    node: t.hex(),
    work: t.text(),
    reasonCode: t.integer(),
    refund: t.bigint(),
    slashed: t.bigint(),
    nodePayment: t.bigint(),
    protocolFee: t.bigint(),
    requestedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    requesterIdx: index().on(table.requester, table.requestedBlock),
    nodeIdx: index().on(table.node),
    modelIdx: index().on(table.model),
  }),
);

export const jobParent = onchainTable("job_parent", (t) => ({
  id: t.text().primaryKey(),
  job: t.text().notNull(),
  parent: t.text().notNull(),
  license: t.text(),
}));

export const jobEvent = onchainTable(
  "job_event",
  (t) => ({
    id: t.text().primaryKey(),
    job: t.text().notNull(),
    status: t.text().notNull(),
    node: t.hex(),
    reasonCode: t.integer(),
    forfeit: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ jobIdx: index().on(table.job) }),
);

/** Licence sales per UTC day and currency: the subgraph's `DailySales` aggregation. */
export const dailySales = onchainTable("daily_sales", (t) => ({
  /** "<day>-<currency>" */
  id: t.text().primaryKey(),
  /** Start of the UTC day, seconds. */
  day: t.bigint().notNull(),
  currency: t.hex().notNull(),
  count: t.integer().notNull(),
  volume: t.bigint().notNull(),
}));

/** Job status changes per UTC day and status: the subgraph's `DailyJobs` aggregation. */
export const dailyJobs = onchainTable("daily_jobs", (t) => ({
  /** "<day>-<status>" */
  id: t.text().primaryKey(),
  day: t.bigint().notNull(),
  status: t.text().notNull(),
  count: t.integer().notNull(),
}));
