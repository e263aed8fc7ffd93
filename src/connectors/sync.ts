import { createHash } from "node:crypto";
import type { EntityLevel } from "../domain/entities.js";
import { addDays, localDateHour } from "../domain/time.js";
import type { Store } from "../store/index.js";
import { upsertConnectorEntities, upsertPerformanceFacts } from "../store/synced-data.js";
import type { AdPlatformConnector, ConnectorAccount } from "./port.js";

export interface SyncOptions {
  workspaceId?: string;
  /** Days to backfill when the account was never synced (default 90, today included). */
  days?: number;
  /** Days re-read before the last synced date: conversions keep arriving (default 7). */
  lookbackDays?: number;
  level?: EntityLevel;
  /** Days per report request and per transaction (default 7). */
  chunkDays?: number;
  now?: () => Date;
  onProgress?: (doneDays: number, totalDays: number) => void;
  signal?: AbortSignal;
}

export interface SyncResult {
  accountId: string;
  externalId: string;
  from: string;
  to: string;
  entities: number;
  rows: number;
}

/** Our id for a platform account: the same one the CSV importer derives, so both land on one account. */
export function adAccountId(workspaceId: string, platform: string, externalId: string): string {
  return `acc_${createHash("md5").update(`${workspaceId}/${platform}/${externalId}`).digest("hex").slice(0, 16)}`;
}

export async function ensureAdAccount(
  store: Store,
  platform: string,
  account: ConnectorAccount,
  workspaceId = "default",
): Promise<string> {
  const [row] = await store.query<{ id: string }>(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (workspace_id, platform, external_id) DO UPDATE SET name = EXCLUDED.name,
       currency = EXCLUDED.currency, time_zone = EXCLUDED.time_zone
     RETURNING id`,
    [
      adAccountId(workspaceId, platform, account.externalId),
      workspaceId,
      platform,
      account.externalId,
      account.name,
      account.currency,
      account.timeZone,
    ],
  );
  return row.id;
}

/**
 * Syncs one account into the store: entities, then daily performance in chunks, each chunk in its
 * own transaction with the sync state advanced in it, so an interrupted backfill resumes where it
 * stopped. Incremental: after the first run only [synced_through - lookback, today] is read again.
 * Upserts on natural keys make a repeated sync store the same rows.
 */
export async function syncAccount(
  store: Store,
  connector: AdPlatformConnector,
  account: ConnectorAccount,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const workspaceId = options.workspaceId ?? "default";
  const accountId = await ensureAdAccount(store, connector.platform, account, workspaceId);
  const now = (options.now ?? (() => new Date()))();
  const today = localDateHour(now, account.timeZone).date;
  const [state] = await store.query<{ synced_through: string | null }>(
    "SELECT synced_through FROM connector_sync_state WHERE account_id = $1",
    [accountId],
  );
  const backfillFrom = addDays(today, -((options.days ?? 90) - 1));
  const from = state?.synced_through
    ? maxDate(backfillFrom, addDays(minDate(state.synced_through, today), -(options.lookbackDays ?? 7)))
    : backfillFrom;
  await store.query(
    `INSERT INTO connector_sync_state (account_id, last_attempt_at) VALUES ($1, $2)
     ON CONFLICT (account_id) DO UPDATE SET last_attempt_at = EXCLUDED.last_attempt_at`,
    [accountId, now],
  );
  const level = options.level ?? "campaign";
  const chunk = options.chunkDays ?? 7;
  const totalDays = daysInclusive(from, today);
  let rows = 0;
  let entities = 0;
  try {
    const listed = await connector.listEntities(account.externalId);
    entities = listed.length;
    await store.transaction((s) => upsertConnectorEntities(s, accountId, listed));
    options.onProgress?.(0, totalDays);
    for (let start = from; start <= today; start = addDays(start, chunk)) {
      options.signal?.throwIfAborted();
      const end = minDate(addDays(start, chunk - 1), today);
      const facts = await connector.fetchPerformance({
        accountExternalId: account.externalId,
        from: start,
        to: end,
        granularity: "day",
        level,
      });
      await store.transaction(async (s) => {
        rows += await upsertPerformanceFacts(s, accountId, facts, "sync");
        await s.query(
          `UPDATE connector_sync_state SET synced_through = GREATEST(COALESCE(synced_through, $2::date), $2::date)
           WHERE account_id = $1`,
          [accountId, end],
        );
      });
      options.onProgress?.(daysInclusive(from, end), totalDays);
    }
    await store.query(
      `UPDATE connector_sync_state SET last_success_at = $2, rows_last_sync = $3, consecutive_failures = 0
       WHERE account_id = $1`,
      [accountId, now, rows],
    );
  } catch (error) {
    await store.query(
      `UPDATE connector_sync_state SET error_count = error_count + 1, consecutive_failures = consecutive_failures + 1,
         last_error = $2, last_error_at = $3 WHERE account_id = $1`,
      [accountId, (error as Error).message.slice(0, 2000), now],
    );
    throw error;
  }
  return { accountId, externalId: account.externalId, from, to: today, entities, rows };
}

export interface AccountSyncStatus {
  accountId: string;
  platform: string;
  externalId: string;
  name: string;
  credentialsPresent: boolean;
  lastSuccessAt: Date | null;
  syncedThrough: string | null;
  rows: number;
  errorCount: number;
  consecutiveFailures: number;
  lastError: string | null;
}

/** Per account: credentials present, last successful sync, rows stored, errors. Never reads secrets. */
export async function syncStatus(store: Store, workspaceId = "default"): Promise<AccountSyncStatus[]> {
  const rows = await store.query<{
    account_id: string;
    platform: string;
    external_id: string;
    name: string;
    has_credentials: boolean;
    last_success_at: Date | null;
    synced_through: string | null;
    rows: number;
    error_count: number | null;
    consecutive_failures: number | null;
    last_error: string | null;
  }>(
    `SELECT a.id AS account_id, a.platform, a.external_id, a.name,
       EXISTS (SELECT 1 FROM connector_credentials c WHERE c.workspace_id = a.workspace_id AND c.platform = a.platform) AS has_credentials,
       s.last_success_at, s.synced_through, s.error_count, s.consecutive_failures, s.last_error,
       (SELECT count(*)::int FROM performance_daily p WHERE p.account_id = a.id) AS rows
     FROM ad_accounts a LEFT JOIN connector_sync_state s ON s.account_id = a.id
     WHERE a.workspace_id = $1 ORDER BY a.platform, a.external_id`,
    [workspaceId],
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    platform: r.platform,
    externalId: r.external_id,
    name: r.name,
    credentialsPresent: r.has_credentials,
    lastSuccessAt: r.last_success_at ? new Date(r.last_success_at) : null,
    syncedThrough: r.synced_through,
    rows: Number(r.rows),
    errorCount: Number(r.error_count ?? 0),
    consecutiveFailures: Number(r.consecutive_failures ?? 0),
    lastError: r.last_error,
  }));
}

const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);
function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
