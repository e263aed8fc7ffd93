import type { AdPlatformConnector } from "../connectors/port.js";
import type { Rng } from "../models/random/index.js";
import type { Store } from "../store/index.js";

/** What the governance services need from the outside, injected (tests pass fakes). */
export interface GovernanceDeps {
  store: Store;
  /** The current time; never Date.now() inside the services. */
  clock: () => Date;
  /** Seeded generator for jitter and the opt-in budget fuzz. */
  rng: Rng;
}

export interface ExecutorDeps extends GovernanceDeps {
  /** The connector that manages an account (resolved by the service layer). */
  connectorFor: (accountId: string) => AdPlatformConnector | Promise<AdPlatformConnector>;
  /** Waits; tests inject one that only records (and maybe advances a fake clock). */
  sleep: (ms: number) => Promise<void>;
  /** Names this worker in the audit log ("executor:host:pid"). */
  workerId: string;
}
