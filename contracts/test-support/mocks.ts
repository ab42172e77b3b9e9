/**
 * ABIs of the test-only contracts in contracts/test/mocks (Hardhat generates no types for contracts in the
 * test directory, so the tests type them here, in human-readable form).
 */
import { parseAbi } from "viem";

export const mockErc20Abi = parseAbi([
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
  "function transfer(address to, uint256 amount) returns (bool)",
]);

export const attackerAbi = parseAbi([
  "function configure(uint8 mode, address target, uint256 workId, uint256 offerId, uint256 price)",
  "function setCurrency(address currency)",
  "function approve(address token, address spender, uint256 amount)",
  "function buy(uint256 value) returns (uint256)",
  "function exec(address target, uint256 value, bytes data) payable returns (bytes)",
  "function withdrawFrom(address from, address currency) returns (uint256)",
  "function registerNode(address market, uint32[] modelIds) payable",
  "function requestUnstake(address market, uint96 amount)",
  "function withdrawStake(address market) returns (uint256)",
  "function attempts() view returns (uint256)",
  "function reentered() view returns (bool)",
  "function lastError() view returns (bytes)",
]);

export const smartWalletAbi = parseAbi([
  "function owner() view returns (address)",
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
  "function exec(address target, uint256 value, bytes data) payable returns (bytes)",
]);

export const ephemeralCurrencyRequesterAbi = parseAbi([
  "function run(address works, address market, uint32 modelId, uint40 deadline, uint32 termsId) payable returns (address token, uint256 jobId)",
  "event Requested(address token, uint256 jobId)",
]);
