import { requireSecretKey } from "../connectors/credentials/index.js";
import { connectorFromStore, isAdPlatform } from "../connectors/registry.js";
import { localDateHour } from "../domain/time.js";
import type { Store } from "../store/index.js";
import type { AccountRuntime } from "./cycle/runtime.js";
import { loadServiceAccount } from "./cycle/service-accounts.js";
import { SandboxRuntime } from "./sandbox-runtime.js";

/**
 * Builds (once per process) each account's runtime: sandbox accounts get their lab world from the
 * store (again whenever another process saved a newer one); Google, Meta, TikTok and LinkedIn accounts get a connector from the encrypted credentials
 * and the real clock in the account's time zone.
 */
export function createRuntimeFactory(store: Store): (accountId: string) => Promise<AccountRuntime> {
  const cache = new Map<string, Promise<AccountRuntime>>();
  const build = async (accountId: string): Promise<AccountRuntime> => {
    const account = await loadServiceAccount(store, accountId);
    if (account.platform === "sandbox") {
      return SandboxRuntime.open(store, accountId, {
        scenario: account.scenario ?? "ecommerce",
        seed: account.seed,
        hoursPerCycle: Math.max(1, Math.round(account.intervalSeconds / 3600)),
      });
    }
    if (!isAdPlatform(account.platform)) {
      throw new Error(
        `account ${accountId} is on platform "${account.platform}", which the service cannot optimise (import-only)`,
      );
    }
    const connector = await connectorFromStore(store, requireSecretKey(), account.platform, {
      workspaceId: account.workspaceId,
    });
    return {
      connector,
      now() {
        const instant = new Date();
        return { ...localDateHour(instant, account.timeZone), instant };
      },
    };
  };
  return async (accountId) => {
    let runtime = cache.get(accountId);
    if (!runtime) {
      runtime = build(accountId);
      runtime.catch(() => cache.delete(accountId));
      cache.set(accountId, runtime);
    }
    const ready = await runtime;
    // Another worker may have run (and saved) this account's cycles since this process last did.
    if (ready instanceof SandboxRuntime) await ready.refresh();
    return ready;
  };
}
