/**
 * The browser's wallet: EIP-6963 discovery of injected wallets (through wagmi's multi-injected
 * provider discovery), connection state, wrong-network detection and switch/add. Browser only.
 */
import {
  connect,
  createConfig,
  disconnect,
  getConnection,
  getConnectors,
  http,
  reconnect,
  switchChain,
  watchConnection,
  watchConnectors,
  type Config,
  type Connector,
} from "@wagmi/core";
import type { Address } from "viem";
import type { PublicConfig } from "../config.ts";
import { atelierChain } from "./chain.ts";
import { describeFailure } from "./errors.ts";

export interface WalletState {
  ready: boolean;
  status: "disconnected" | "connecting" | "connected" | "reconnecting";
  address: Address | undefined;
  chainId: number | undefined;
  connectorName: string | undefined;
  wallets: { uid: string; name: string; icon?: string }[];
  error: string | undefined;
}

class Wallet {
  state: WalletState = $state({
    ready: false,
    status: "disconnected",
    address: undefined,
    chainId: undefined,
    connectorName: undefined,
    wallets: [],
    error: undefined,
  });
  config: Config | undefined;
  expectedChainId = 0;

  get wrongNetwork(): boolean {
    return this.state.status === "connected" && this.state.chainId !== this.expectedChainId;
  }

  init(publicConfig: PublicConfig): void {
    if (this.config || typeof window === "undefined") return;
    const chain = atelierChain(publicConfig);
    this.expectedChainId = chain.id;
    // No connector is listed by hand: every wallet comes from EIP-6963 announcements.
    this.config = createConfig({
      chains: [chain],
      transports: { [chain.id]: http(publicConfig.rpcUrl) },
      multiInjectedProviderDiscovery: true,
      // Created in the browser only (onMount), so wallets announced before this point are listed at once.
      ssr: false,
    });
    const sync = () => {
      const c = getConnection(this.config!);
      this.state.status = c.status;
      this.state.address = c.address;
      this.state.chainId = c.chainId;
      this.state.connectorName = c.connector?.name;
    };
    const listWallets = (connectors: readonly Connector[]) => {
      this.state.wallets = connectors.map((c) => ({ uid: c.uid, name: c.name, icon: c.icon }));
    };
    watchConnection(this.config, { onChange: sync });
    watchConnectors(this.config, { onChange: listWallets });
    listWallets(getConnectors(this.config));
    sync();
    void reconnect(this.config).finally(() => {
      sync();
      this.state.ready = true;
    });
  }

  async connect(uid: string): Promise<void> {
    const connector = getConnectors(this.config!).find((c) => c.uid === uid);
    if (!connector) return;
    this.state.error = undefined;
    try {
      await connect(this.config!, { connector });
    } catch (error) {
      const failure = describeFailure(error);
      this.state.error =
        failure.kind === "rejected" ? "You declined the connection. Nothing was shared." : failure.message;
    }
  }

  async disconnect(): Promise<void> {
    await disconnect(this.config!);
  }

  /** Asks the wallet to switch; wagmi falls back to wallet_addEthereumChain when the chain is unknown to it. */
  async switchNetwork(): Promise<void> {
    this.state.error = undefined;
    try {
      await switchChain(this.config!, { chainId: this.expectedChainId });
    } catch (error) {
      const failure = describeFailure(error);
      this.state.error =
        failure.kind === "rejected"
          ? "You declined the network switch: transactions stay disabled until your wallet is on this network."
          : `Your wallet could not switch networks: ${failure.message}`;
    }
  }
}

export const wallet = new Wallet();
