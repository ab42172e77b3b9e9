/**
 * Shared fixture of the contract tests: one in-process Hardhat network per test file, the protocol
 * deployed by the Ignition module (so the module itself is under test), snapshots via `loadFixture`.
 */
import { network } from "hardhat";
import { createHash } from "node:crypto";
import {
  encodeAbiParameters,
  getContract,
  keccak256,
  parseEther,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import atelier, { TERMS_PRESET_IDS } from "../ignition/modules/Atelier.ts";
import { attackerAbi, ephemeralCurrencyRequesterAbi, mockErc20Abi, smartWalletAbi } from "./mocks.ts";

export const ZERO: Address = "0x0000000000000000000000000000000000000000";
export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;
export const PRESET = TERMS_PRESET_IDS;
export const PRICE = parseEther("0.01");
export const MIN_STAKE = parseEther("0.1");
export const CLAIM_LOCK = parseEther("0.01");
export const COOLDOWN = 3600n;
export const LICENSE_FEE_BPS = 250n;
export const GENERATION_FEE_BPS = 500n;
export const GENERATED_FLAG = 1n << 55n;

let counter = 0;
/** A fresh content hash. */
export const contentHash = (): Hex => keccak256(toHex(`content-${++counter}`));
/** A fresh metadata digest (sha256 of a JSON document, as the node computes it). */
export const metadataDigest = (): Hex =>
  `0x${createHash("sha256").update(`{"name":"work ${++counter}"}`).digest("hex")}`;

/** RFC 4648 base32, lower case, no padding: an independent implementation of the CID text form. */
export function cidV1RawSha256(digest: Hex): string {
  const bytes = Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), Buffer.from(digest.slice(2), "hex")]);
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "b";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** The seed of a job fulfilled by `node` with `secret`, computed independently of the contract. */
export const jobSeedOf = (
  chainId: number,
  market: Address,
  jobId: bigint,
  node: Address,
  secret: Hex,
): bigint =>
  BigInt(
    keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "uint256" },
          { type: "address" },
          { type: "bytes32" },
        ],
        [BigInt(chainId), market, jobId, node, secret],
      ),
    ),
  );

/** An upload's watermark id: the low 55 bits of keccak256(abi.encode(minter, salt)), computed off chain. */
export const uploadWatermarkIdOf = (minter: Address, salt: Hex): bigint =>
  BigInt(keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [minter, salt]))) &
  (GENERATED_FLAG - 1n);

/** A node's secret in the tests. */
export const SECRET: Hex = keccak256(toHex("node secret"));

/** The output (content hash) a node claims `jobId` with in the tests: fixed per job and node. */
export const outputOf = (jobId: bigint, who: { account: { address: Address } }): Hex =>
  keccak256(toHex(`output-${jobId}-${who.account.address}`));

type W = Awaited<ReturnType<Awaited<ReturnType<typeof network.create>>["viem"]["getWalletClients"]>>[number];

export async function createFixture() {
  const connection = await network.create();
  const { viem, networkHelpers, ignition } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const wallet = (i: number) => {
    const w = wallets[i];
    if (w === undefined) throw new Error(`no dev account ${i}`);
    return w;
  };
  const [admin, creator, buyer, buyer2, requester, node, node2, outsider, treasury] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ].map(wallet) as [W, W, W, W, W, W, W, W, W];

  /** Deploys a test-only contract and types it with `abi`. */
  async function deployMock<const TAbi extends Abi>(name: string, abi: TAbi, args: unknown[] = []) {
    const deployed = (await viem.deployContract(name as never, args as never)) as { address: Address };
    return getContract({ address: deployed.address, abi, client: { public: publicClient, wallet: admin } });
  }
  const deployErc20 = (
    name: "MockERC20" | "NoBoolERC20" | "FeeOnTransferERC20" | "CallbackERC20" | "SenderFeeERC20",
  ) => deployMock(name, mockErc20Abi);
  const deployAttacker = () => deployMock("Attacker", attackerAbi);
  const deploySmartWallet = (owner: Address) => deployMock("SmartWallet", smartWalletAbi, [owner]);
  const deployEphemeralCurrencyRequester = () =>
    deployMock("EphemeralCurrencyRequester", ephemeralCurrencyRequesterAbi);

  async function deployAtelier() {
    const deployed = await ignition.deploy(atelier, {
      parameters: {
        Atelier: {
          treasury: treasury.account.address,
          licenseFeeBps: Number(LICENSE_FEE_BPS),
          generationFeeBps: Number(GENERATION_FEE_BPS),
          minStake: MIN_STAKE,
          claimLockAmount: CLAIM_LOCK,
          unstakeCooldown: COOLDOWN,
        },
      },
    });
    const { terms, works, licenses, market } = deployed;
    const token = await deployErc20("MockERC20");
    const noBool = await deployErc20("NoBoolERC20");
    const feeToken = await deployErc20("FeeOnTransferERC20");
    // The admin curates currencies; the odd tokens are listed too so that the tests reach the checks
    // that still guard against them (received amount, withdrawal loss).
    for (const t of [token, noBool, feeToken]) {
      await works.write.setCurrencyAllowed([t.address, true], { account: admin.account });
    }
    for (const w of [buyer, buyer2, creator, requester]) {
      await token.write.mint([w.account.address, parseEther("1000")]);
      await noBool.write.mint([w.account.address, parseEther("1000")]);
      await feeToken.write.mint([w.account.address, parseEther("1000")]);
    }
    return { terms, works, licenses, market, token, noBool, feeToken };
  }

  const load = () => networkHelpers.loadFixture(deployAtelier);
  type Deployed = Awaited<ReturnType<typeof deployAtelier>>;

  /** Waits for a transaction and returns its receipt (asserting success). */
  async function mined(hash: Hex | Promise<Hex>) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error("transaction reverted");
    return receipt;
  }

  async function now(): Promise<bigint> {
    return BigInt(await networkHelpers.time.latest());
  }

  /**
   * The `mintWork` transaction of an upload with a fresh content hash and metadata digest (no perceptual
   * hash; by default no salt, royalty, parents or offers), sent by `account`; whether it succeeds is the
   * caller's to check.
   */
  function mintUpload(
    d: Deployed,
    {
      account = creator,
      offers = [],
      parents = [],
      watermarkSalt = ZERO_HASH,
      royaltyBps = 0,
    }: {
      account?: W;
      offers?: { termsId: number; currency: Address; price: bigint; maxSupply: number }[];
      parents?: { workId: bigint; licenseId: bigint }[];
      watermarkSalt?: Hex;
      royaltyBps?: number;
    } = {},
  ): Promise<Hex> {
    return d.works.write.mintWork(
      [contentHash(), metadataDigest(), watermarkSalt, 0n, royaltyBps, parents, offers],
      { account: account.account },
    );
  }

  /** Mints a root work by `account` with the given offers; returns its id. */
  async function mintRoot(
    d: Deployed,
    account = creator,
    offers: { termsId: number; currency: Address; price: bigint; maxSupply: number }[] = [
      { termsId: PRESET.commercialRemix, currency: ZERO, price: PRICE, maxSupply: 0 },
    ],
    options: { watermarkSalt?: Hex; royaltyBps?: number } = {},
  ): Promise<bigint> {
    await mined(
      mintUpload(d, {
        account,
        offers,
        watermarkSalt: options.watermarkSalt,
        royaltyBps: options.royaltyBps ?? 500,
      }),
    );
    return d.works.read.workCount();
  }

  /** The buyLicense transaction of `account` for itself under `offerId` at `price` in ETH (not awaited for success). */
  function buyTx(d: Deployed, workId: bigint, offerId = 1n, account = buyer, price = PRICE) {
    return d.licenses.write.buyLicense([workId, offerId, account.account.address, price], {
      account: account.account,
      value: price,
    });
  }

  async function buy(
    d: Deployed,
    workId: bigint,
    offerId = 1n,
    account = buyer,
    price = PRICE,
  ): Promise<bigint> {
    await mined(buyTx(d, workId, offerId, account, price));
    const sold = await d.works.read.offerSold([workId, offerId]);
    return (workId << 64n) | (offerId << 32n) | sold;
  }

  /** `who` claims `jobId` with its test output (`outputOf`). */
  async function claim(d: Deployed, jobId: bigint, who = node) {
    return mined(d.market.write.claimJob([jobId, outputOf(jobId, who)], { account: who.account }));
  }

  /** `who` fulfils the job it claimed with its test output; returns the receipt. */
  async function fulfil(d: Deployed, jobId: bigint, who = node) {
    return mined(
      d.market.write.fulfilJob([jobId, outputOf(jobId, who), SECRET, metadataDigest(), 0n], {
        account: who.account,
      }),
    );
  }

  async function registerModel(d: Deployed): Promise<number> {
    await mined(
      d.market.write.registerModel(
        [keccak256(toHex("weights")), keccak256(toHex("cid")), 0x55n, true, "cppn"],
        {
          account: admin.account,
        },
      ),
    );
    return d.market.read.modelCount();
  }

  async function registerNode(d: Deployed, account = node, modelIds: number[] = [1], stake = MIN_STAKE * 2n) {
    await mined(d.market.write.registerNode([modelIds], { account: account.account, value: stake }));
  }

  async function request(
    d: Deployed,
    options: {
      fee?: bigint;
      deadline?: bigint;
      modelId?: number;
      termsId?: number;
      account?: typeof requester;
      parents?: { workId: bigint; licenseId: bigint }[];
    } = {},
  ): Promise<bigint> {
    const deadline = options.deadline ?? (await now()) + 3600n;
    await mined(
      d.market.write.requestGeneration(
        [
          options.modelId ?? 1,
          toHex("a lighthouse at dusk"),
          toHex('{"steps":1}'),
          Number(deadline),
          300,
          { termsId: options.termsId ?? PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 10 },
          options.parents ?? [],
        ],
        { account: (options.account ?? requester).account, value: options.fee ?? parseEther("0.001") },
      ),
    );
    return d.market.read.jobCount();
  }

  return {
    connection,
    viem,
    networkHelpers,
    publicClient,
    wallets,
    admin,
    creator,
    buyer,
    buyer2,
    requester,
    node,
    node2,
    outsider,
    treasury,
    load,
    deployErc20,
    deployAttacker,
    deploySmartWallet,
    deployEphemeralCurrencyRequester,
    mined,
    now,
    mintUpload,
    mintRoot,
    buy,
    buyTx,
    claim,
    fulfil,
    registerModel,
    registerNode,
    request,
  };
}
