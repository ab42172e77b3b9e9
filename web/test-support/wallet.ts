/**
 * An injected EIP-1193 wallet for Playwright pages, backed by the chain's unlocked dev accounts: the
 * page's `request` goes through a function exposed by the test, which forwards JSON-RPC to the local
 * chain. It is announced over EIP-6963. The test steers it: the chain it reports, and whether the
 * "user" rejects the next request.
 */
import type { Page } from "@playwright/test";
import type { Address } from "viem";

export interface WalletControl {
  /** Chain id the wallet reports (a different one simulates a wallet on the wrong network). */
  chainId: number;
  account: Address;
  /** The next eth_sendTransaction is declined by the "user" (code 4001). */
  rejectNext: boolean;
  /** Every method the page asked for, in order. */
  calls: string[];
  /** Chains the page asked the wallet to add. */
  added: unknown[];
}

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export async function injectWallet(
  page: Page,
  options: { rpcUrl: string; chainId: number; account: Address; realChainId: number },
): Promise<WalletControl> {
  // Like a real wallet, it shares accounts only after the page asked (eth_requestAccounts).
  let authorized = false;
  const control: WalletControl = {
    chainId: options.chainId,
    account: options.account,
    rejectNext: false,
    calls: [],
    added: [],
  };
  let id = 0;
  const forward = async (method: string, params: unknown[]): Promise<RpcAnswer> => {
    const response = await fetch(options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
    });
    const body = (await response.json()) as RpcAnswer;
    return body.error ? { error: body.error } : { result: body.result };
  };
  await page.exposeFunction(
    "__atelierWalletRequest",
    async (method: string, params: unknown[] = []): Promise<RpcAnswer> => {
      control.calls.push(method);
      switch (method) {
        case "eth_requestAccounts":
          authorized = true;
          return { result: [control.account] };
        case "eth_accounts":
          return { result: authorized ? [control.account] : [] };
        case "eth_chainId":
          return { result: `0x${control.chainId.toString(16)}` };
        case "net_version":
          return { result: String(control.chainId) };
        case "wallet_requestPermissions":
          authorized = true;
          return { result: [{ parentCapability: "eth_accounts" }] };
        case "wallet_getPermissions":
          return { result: authorized ? [{ parentCapability: "eth_accounts" }] : [] };
        case "wallet_revokePermissions":
          authorized = false;
          return { result: null };
        case "wallet_switchEthereumChain": {
          const wanted = Number.parseInt((params[0] as { chainId: string }).chainId, 16);
          if (wanted !== options.realChainId)
            return { error: { code: 4902, message: "Unrecognized chain ID" } };
          control.chainId = wanted;
          return { result: null };
        }
        case "wallet_addEthereumChain":
          control.added.push(params[0]);
          return { result: null };
        case "eth_sendTransaction":
          if (control.rejectNext) {
            control.rejectNext = false;
            return { error: { code: 4001, message: "User rejected the request." } };
          }
          if (control.chainId !== options.realChainId)
            return { error: { code: -32000, message: "wallet is on another chain" } };
          return forward(method, params);
        default:
          return forward(method, params);
      }
    },
  );
  // Plain JavaScript text, so no bundler helper (e.g. esbuild's __name) leaks into the page.
  await page.addInitScript({ content: PAGE_PROVIDER });
  return control;
}

/** The page side: an EIP-1193 provider whose `request` goes through the exposed bridge, announced over EIP-6963. */
const PAGE_PROVIDER = `(() => {
  const listeners = new Map();
  const emit = (event, ...args) => listeners.get(event)?.forEach((l) => l(...args));
  const provider = {
    isAtelierTestWallet: true,
    async request({ method, params }) {
      const answer = await window.__atelierWalletRequest(method, params ?? []);
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        error.data = answer.error.data;
        throw error;
      }
      if (method === "wallet_switchEthereumChain") emit("chainChanged", params[0].chainId);
      if (method === "eth_requestAccounts") emit("accountsChanged", answer.result);
      return answer.result;
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return provider;
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  const info = {
    uuid: "3f0b7a9e-0d8f-4f55-9a4e-7a3c2a1e0b01",
    name: "Test Wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'/%3E",
    rdns: "dev.atelier.testwallet",
  };
  const announce = () =>
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;
