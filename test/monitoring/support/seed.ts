import type { MonitoredAccount } from "../../../src/monitoring/collect/store-inputs.js";
import type { Store } from "../../../src/store/index.js";

/** A workspace-default account the monitoring tests can hang alerts on. */
export async function seedAccount(store: Store, id = "acc_1", platform = "sandbox"): Promise<void> {
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
     VALUES ($1, 'default', $2, $3, $4, 'USD', 'UTC')`,
    [id, platform, `ext-${id}`, `Shop ${id}`],
  );
}

/** The account `seedAccount` writes, as the monitoring collectors see it (UTC, hourly cycles). */
export const monitoredAccount: MonitoredAccount = {
  accountId: "acc_1",
  workspaceId: "default",
  name: "Shop acc_1",
  platform: "sandbox",
  currency: "USD",
  timeZone: "UTC",
  active: true,
  intervalSeconds: 3600,
  dailyBudgetMinor: 6000,
  armLevel: "campaign",
  consecutiveFailures: 0,
  lastError: null,
};
