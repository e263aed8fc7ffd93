import type { Governance } from "../../governance/index.js";
import { getAccountConfig, setAccountConfigValue } from "../../store/accounts.js";
import type { Store } from "../../store/index.js";
import { upsertServiceAccount } from "../cycle/service-accounts.js";
import type { SandboxRuntime } from "../sandbox-runtime.js";

export const DEMO_WORKSPACE = "demo";
export const DEMO_ADMIN = { userId: "demo-admin", role: "admin" as const, workspaceId: DEMO_WORKSPACE };

export function demoAccountId(scenario: string): string {
  return `acc_demo_${scenario.replace(/[^a-z0-9]+/gi, "_")}`;
}

/**
 * Creates (once) the demo workspace and its sandbox account, managed by the service with the scenario's
 * total daily budget, in live mode with increases auto-approved inside the guardrails — so the loop
 * visibly learns. Re-running finds everything in place and changes nothing. The service account is
 * written last and marks the setup as done: a first start killed halfway is completed by the next.
 */
export async function ensureDemoAccount(
  store: Store,
  governance: Governance,
  runtime: SandboxRuntime,
  input: { accountId: string; scenario: string; seed: number; intervalSeconds: number },
): Promise<{ created: boolean }> {
  const done = await store.query("SELECT 1 FROM service_accounts WHERE account_id = $1", [input.accountId]);
  if (done.length > 0) return { created: false };
  await store.query(
    `INSERT INTO workspaces (id, name) VALUES ($1, 'Demo workspace') ON CONFLICT (id) DO NOTHING`,
    [DEMO_WORKSPACE],
  );
  const [platformAccount] = await runtime.connector.listAccounts();
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
     VALUES ($1, $2, 'sandbox', $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [
      input.accountId,
      DEMO_WORKSPACE,
      platformAccount.externalId,
      platformAccount.name,
      platformAccount.currency,
      platformAccount.timeZone,
    ],
  );
  // No cycle has run (they need the service account), so the world still has the scenario's budgets.
  const entities = await runtime.connector.listEntities(platformAccount.externalId);
  const budget = entities
    .filter((e) => e.level === "campaign")
    .reduce((sum, e) => sum + (e.dailyBudgetMinor ?? 0), 0);
  await setAccountConfigValue(
    store,
    input.accountId,
    "guardrails.autoApproveIncreaseLimit",
    "0.05",
    DEMO_ADMIN.userId,
  );
  await setAccountConfigValue(
    store,
    input.accountId,
    "guardrails.accountDailyBudget",
    String(budget / 100),
    DEMO_ADMIN.userId,
  );
  if ((await getAccountConfig(store, input.accountId)).mode !== "live") {
    await governance.setMode(
      DEMO_ADMIN,
      input.accountId,
      "live",
      "demo: live with auto-approval inside the guardrails",
    );
  }
  await upsertServiceAccount(store, {
    accountId: input.accountId,
    dailyBudgetMinor: budget,
    intervalSeconds: input.intervalSeconds,
    seed: input.seed,
    scenario: input.scenario,
  });
  return { created: true };
}
