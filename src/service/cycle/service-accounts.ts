import type { Store } from "../../store/index.js";
import { LATEST_SHARES_SQL } from "./mmm-split.js";

export interface ServiceAccount {
  accountId: string;
  workspaceId: string;
  platform: string;
  externalId: string;
  name: string;
  currency: string;
  timeZone: string;
  active: boolean;
  intervalSeconds: number;
  dailyBudgetMinor: number;
  armLevel: "campaign" | "ad_group";
  seed: number;
  scenario: string | null;
  nextCycleNo: number;
  nextRunAt: Date;
  consecutiveFailures: number;
  lastError: string | null;
  /** When a cycle last re-read the whole lookback window, and the account-local date then (null: never). */
  lookbackSyncedAt: Date | null;
  lookbackSyncedOn: string | null;
  config: unknown;
}

const SELECT = `SELECT s.account_id AS "accountId", a.workspace_id AS "workspaceId", a.platform, a.external_id AS "externalId",
  a.name, a.currency, a.time_zone AS "timeZone", s.active AND a.status = 'active' AS active, s.interval_seconds AS "intervalSeconds",
  s.daily_budget_minor AS "dailyBudgetMinor", s.arm_level AS "armLevel", s.seed, s.scenario, s.next_cycle_no AS "nextCycleNo",
  s.next_run_at AS "nextRunAt", s.consecutive_failures AS "consecutiveFailures", s.last_error AS "lastError",
  s.lookback_synced_at AS "lookbackSyncedAt", to_char(s.lookback_synced_on, 'YYYY-MM-DD') AS "lookbackSyncedOn", coalesce(c.config, '{}'::jsonb) AS config
  FROM service_accounts s JOIN ad_accounts a ON a.id = s.account_id LEFT JOIN account_configs c ON c.account_id = s.account_id`;

/** A service account with what its cycle reads first: the latest converged MMM fit's channel shares. */
export interface CycleAccount extends ServiceAccount {
  channelShares: Record<string, number> | null;
}

export async function loadServiceAccount(store: Store, accountId: string): Promise<ServiceAccount> {
  const rows = await store.query<ServiceAccount>(`${SELECT} WHERE s.account_id = $1`, [accountId]);
  if (rows.length === 0) throw notManaged(accountId);
  return rows[0]!;
}

/**
 * Starts a cycle in one round trip: the service account with its MMM shares, and its next cycle's row
 * marked running at `simTime` (a retry of a cycle that died counts one more attempt).
 */
export async function startCycle(store: Store, accountId: string, simTime: Date): Promise<CycleAccount> {
  const select = SELECT.replace(
    " FROM service_accounts s",
    `, ${LATEST_SHARES_SQL} AS "channelShares" FROM service_accounts s`,
  );
  const rows = await store.query<CycleAccount>(
    `WITH acc AS (${select} WHERE s.account_id = $1),
     run AS (
       INSERT INTO cycles (account_id, cycle_no, status, sim_time) SELECT "accountId", "nextCycleNo", 'running', $2 FROM acc
       ON CONFLICT (account_id, cycle_no) DO UPDATE SET status = 'running', attempts = cycles.attempts + 1,
         started_at = now(), error = NULL)
     SELECT * FROM acc`,
    [accountId, simTime],
  );
  if (rows.length === 0) throw notManaged(accountId);
  return rows[0]!;
}

const notManaged = (accountId: string) =>
  new Error(
    `account ${accountId} is not managed by the service: add it with \`adpilot service add\` or the API`,
  );

export async function listServiceAccounts(store: Store, workspaceId?: string): Promise<ServiceAccount[]> {
  return workspaceId
    ? store.query<ServiceAccount>(`${SELECT} WHERE a.workspace_id = $1 ORDER BY s.account_id`, [workspaceId])
    : store.query<ServiceAccount>(`${SELECT} ORDER BY s.account_id`);
}

/** Accounts whose next cycle is due at `now` (active ones only). */
export async function dueAccounts(store: Store, now: Date): Promise<string[]> {
  const rows = await store.query<{ id: string }>(
    `SELECT s.account_id AS id FROM service_accounts s JOIN ad_accounts a ON a.id = s.account_id
     WHERE s.active AND a.status = 'active' AND s.next_run_at <= $1 ORDER BY s.next_run_at, s.account_id`,
    [now],
  );
  return rows.map((r) => r.id);
}

export async function upsertServiceAccount(
  store: Store,
  input: {
    accountId: string;
    dailyBudgetMinor: number;
    intervalSeconds?: number;
    armLevel?: "campaign" | "ad_group";
    seed?: number;
    scenario?: string | null;
  },
): Promise<void> {
  await store.query(
    `INSERT INTO service_accounts (account_id, daily_budget_minor, interval_seconds, arm_level, seed, scenario)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (account_id) DO UPDATE SET daily_budget_minor = EXCLUDED.daily_budget_minor,
       interval_seconds = EXCLUDED.interval_seconds, arm_level = EXCLUDED.arm_level, updated_at = now()`,
    [
      input.accountId,
      input.dailyBudgetMinor,
      input.intervalSeconds ?? 900,
      input.armLevel ?? "campaign",
      input.seed ?? 1,
      input.scenario ?? null,
    ],
  );
}

export async function setServiceAccountActive(
  store: Store,
  accountId: string,
  active: boolean,
): Promise<void> {
  const rows = await store.query(
    "UPDATE service_accounts SET active = $2, updated_at = now() WHERE account_id = $1 RETURNING 1",
    [accountId, active],
  );
  if (rows.length === 0) throw new Error(`account ${accountId} is not managed by the service`);
}

/** Marks the cycle failed and schedules a retry with exponential backoff (capped at one interval). */
export async function markCycleFailed(
  store: Store,
  accountId: string,
  cycleNo: number,
  error: string,
  durationMs: number,
): Promise<void> {
  await store.transaction(async (s) => {
    await s.query(
      `UPDATE cycles SET status = 'failed', error = $3, finished_at = now(), duration_ms = $4
       WHERE account_id = $1 AND cycle_no = $2`,
      [accountId, cycleNo, error.slice(0, 2000), durationMs],
    );
    await s.query(
      `UPDATE service_accounts SET consecutive_failures = consecutive_failures + 1, last_error = $2,
         next_run_at = now() + make_interval(secs => least(interval_seconds, 5 * power(2, consecutive_failures))),
         updated_at = now()
       WHERE account_id = $1`,
      [accountId, error.slice(0, 2000)],
    );
  });
}
