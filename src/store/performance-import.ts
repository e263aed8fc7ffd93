import type { ImportEvent, RowRejection, StandardRow } from "../connectors/csv/types.js";
import { DEFAULT_CHANNEL_BY_PLATFORM } from "../domain/platform.js";
import type { Store } from "./engine.js";
import type { SqlSession } from "./session.js";

/**
 * Loads standard performance rows into `performance_daily` in ONE transaction: rows stream through
 * COPY into a temporary staging table (constant memory), are checked there with SQL (duplicate keys
 * inside the file, currency conflicts), then upserted on their natural key. Importing the same file
 * twice changes nothing; a re-export with corrected numbers updates exactly the rows that differ.
 */
export interface ImportPerformanceOptions {
  file: string;
  preset: string;
  /** Import the valid rows and hand every rejected one to `onReject` (default: all or nothing). */
  skipInvalid?: boolean;
  workspaceId?: string;
  /** Time zone of accounts this import creates (their dates are taken as local dates). */
  timeZone?: string;
  onReject?: (rejection: RowRejection) => void;
  onProgress?: (rowsRead: number) => void;
  /** Aborting rolls the whole import back. */
  signal?: AbortSignal;
}

export interface ImportPerformanceResult {
  file: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  accounts: { id: string; platform: string; externalId: string; currency: string; created: boolean }[];
}

/** The first invalid row of an all-or-nothing import: nothing was written. */
export class ImportRejectedError extends Error {
  constructor(readonly rejection: RowRejection) {
    super(
      `${rejection.file}, line ${rejection.line}${rejection.column ? `, column "${rejection.column}"` : ""}: ${rejection.message}. Nothing was imported; fix the row or re-run with --skip-invalid to import the valid rows and write the rejected ones to a rejects file.`,
    );
    this.name = "ImportRejectedError";
  }
}

export class ImportConflictError extends Error {
  constructor(message: string) {
    super(`${message}. Nothing was imported.`);
    this.name = "ImportConflictError";
  }
}

const STAGE_COLUMNS = [
  "line",
  "date",
  "platform",
  "account_ext",
  "campaign_id",
  "adgroup_id",
  "ad_id",
  "campaign_name",
  "adgroup_name",
  "ad_name",
  "impressions",
  "clicks",
  "cost_minor",
  "conversions",
  "revenue_minor",
  "currency",
] as const;

const CHUNK_ROWS = 20_000;

function csvText(value: string | null): string {
  if (value === null) return "";
  if (value === "") return '""';
  return /[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replaceAll('"', '""')}"` : value;
}

function toCsvLine(r: StandardRow): string {
  return `${r.line},${r.date},${r.platform},${csvText(r.accountId)},${csvText(r.campaignId)},${csvText(r.adGroupId)},${csvText(r.adId)},${csvText(r.campaignName)},${csvText(r.adGroupName)},${csvText(r.adName)},${r.impressions},${r.clicks},${r.costMinor},${r.conversions},${r.revenueMinor},${r.currency}\n`;
}

async function* csvChunks(
  events: AsyncIterable<ImportEvent>,
  options: ImportPerformanceOptions,
  counters: { read: number; rejected: number },
): AsyncGenerator<string> {
  let buffer = "";
  let inBuffer = 0;
  for await (const event of events) {
    counters.read++;
    if ((counters.read & 4095) === 0 && options.signal?.aborted) {
      throw new Error(`${options.file}: import interrupted; nothing was imported`);
    }
    if (event.kind === "reject") {
      if (!options.skipInvalid) throw new ImportRejectedError(event.rejection);
      counters.rejected++;
      options.onReject?.(event.rejection);
      continue;
    }
    buffer += toCsvLine(event.row);
    if (++inBuffer >= CHUNK_ROWS) {
      yield buffer;
      buffer = "";
      inBuffer = 0;
      options.onProgress?.(counters.read);
    }
  }
  if (inBuffer > 0) yield buffer;
  options.onProgress?.(counters.read);
}

const channelCase = `CASE s.platform ${Object.entries(DEFAULT_CHANNEL_BY_PLATFORM)
  .map(([p, c]) => `WHEN '${p}' THEN '${c}'`)
  .join(" ")} ELSE 'other' END`;

export async function importPerformance(
  store: Store,
  events: AsyncIterable<ImportEvent>,
  options: ImportPerformanceOptions,
): Promise<ImportPerformanceResult> {
  const workspaceId = options.workspaceId ?? "default";
  const startedAt = new Date();
  const counters = { read: 0, rejected: 0 };
  return store.transaction(async (s) => {
    await s.exec(`CREATE TEMP TABLE import_stage (
      line integer NOT NULL, date date NOT NULL, platform text NOT NULL, account_ext text NOT NULL,
      campaign_id text NOT NULL, adgroup_id text NOT NULL, ad_id text NOT NULL,
      campaign_name text, adgroup_name text, ad_name text,
      impressions bigint NOT NULL, clicks bigint NOT NULL, cost_minor bigint NOT NULL,
      conversions double precision NOT NULL, revenue_minor bigint NOT NULL, currency char(3) NOT NULL
    ) ON COMMIT DROP`);
    // Sorting and hashing a million staged rows needs more than the default 4 MB of work memory.
    await s.query("SET LOCAL work_mem = '256MB'");
    await s.copyCsv("import_stage", STAGE_COLUMNS, csvChunks(events, options, counters));
    await s.query("ANALYZE import_stage");
    await rejectDuplicateKeys(s, options, counters);
    const accounts = await upsertAccounts(s, workspaceId, options);
    await upsertEntities(s, workspaceId);
    const [counts] = await s.query<{ inserted: number; updated: number; staged: number }>(
      `WITH staged AS (
         SELECT a.id AS account_id, s.* FROM import_stage s
         JOIN ad_accounts a ON a.workspace_id = $1 AND a.platform = s.platform AND a.external_id = s.account_ext
       ), up AS (
         INSERT INTO performance_daily AS p (account_id, date, campaign_id, adgroup_id, ad_id, impressions, clicks,
           cost_minor, conversions, revenue_minor, source)
         SELECT account_id, date, campaign_id, adgroup_id, ad_id, impressions, clicks, cost_minor, conversions,
           revenue_minor, 'import' FROM staged
         ON CONFLICT (account_id, date, campaign_id, adgroup_id, ad_id) DO UPDATE SET
           impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks, cost_minor = EXCLUDED.cost_minor,
           conversions = EXCLUDED.conversions, revenue_minor = EXCLUDED.revenue_minor, updated_at = now()
         WHERE (p.impressions, p.clicks, p.cost_minor, p.conversions, p.revenue_minor)
           IS DISTINCT FROM (EXCLUDED.impressions, EXCLUDED.clicks, EXCLUDED.cost_minor, EXCLUDED.conversions, EXCLUDED.revenue_minor)
         RETURNING (xmax = 0) AS inserted
       )
       SELECT (SELECT count(*) FROM up WHERE inserted)::int AS inserted,
              (SELECT count(*) FROM up WHERE NOT inserted)::int AS updated,
              (SELECT count(*) FROM staged)::int AS staged`,
      [workspaceId],
    );
    const result: ImportPerformanceResult = {
      file: options.file,
      rowsRead: counters.read,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.staged - counts.inserted - counts.updated,
      rejected: counters.rejected,
      accounts,
    };
    await s.query(
      `INSERT INTO import_runs (file, preset, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        options.file,
        options.preset,
        result.rowsRead,
        result.inserted,
        result.updated,
        result.unchanged,
        result.rejected,
        startedAt,
      ],
    );
    return result;
  });
}

async function rejectDuplicateKeys(
  s: SqlSession,
  options: ImportPerformanceOptions,
  counters: { rejected: number },
): Promise<void> {
  // A hash aggregate answers "any duplicates?" cheaply; the line numbers are looked up only when there are.
  const any = await s.query(
    `SELECT 1 FROM import_stage GROUP BY platform, account_ext, date, campaign_id, adgroup_id, ad_id HAVING count(*) > 1 LIMIT 1`,
  );
  if (any.length === 0) return;
  const duplicates = await s.query<{
    line: number;
    first_line: number;
    date: string;
    campaign_id: string;
    adgroup_id: string;
    ad_id: string;
  }>(
    `SELECT line, first_line, date, campaign_id, adgroup_id, ad_id FROM (
       SELECT line, date, campaign_id, adgroup_id, ad_id,
              min(line) OVER (PARTITION BY platform, account_ext, date, campaign_id, adgroup_id, ad_id) AS first_line
       FROM import_stage) d
     WHERE line <> first_line ORDER BY line LIMIT ${options.skipInvalid ? 1_000_000 : 1}`,
  );
  if (duplicates.length === 0) return;
  const describe = (d: (typeof duplicates)[number]) =>
    `duplicate key inside the file: date ${d.date}, campaign "${d.campaign_id}", ad group "${d.adgroup_id}", ad "${d.ad_id}" already appears on line ${d.first_line}`;
  if (!options.skipInvalid) {
    const d = duplicates[0];
    throw new ImportRejectedError({
      file: options.file,
      line: d.line,
      column: null,
      value: null,
      expected: "one row per date, account, campaign, ad group and ad",
      message: describe(d),
    });
  }
  for (const d of duplicates) {
    counters.rejected++;
    options.onReject?.({
      file: options.file,
      line: d.line,
      column: null,
      value: null,
      expected: "one row per date, account, campaign, ad group and ad",
      message: describe(d),
    });
  }
  await s.query(
    `DELETE FROM import_stage s USING (
       SELECT line, min(line) OVER (PARTITION BY platform, account_ext, date, campaign_id, adgroup_id, ad_id) AS first_line
       FROM import_stage) d
     WHERE s.line = d.line AND d.line <> d.first_line`,
  );
}

async function upsertAccounts(
  s: SqlSession,
  workspaceId: string,
  options: ImportPerformanceOptions,
): Promise<ImportPerformanceResult["accounts"]> {
  const mixed = await s.query<{ platform: string; account_ext: string; currencies: string }>(
    `SELECT platform, account_ext, string_agg(DISTINCT currency, ', ') AS currencies FROM import_stage
     GROUP BY platform, account_ext HAVING count(DISTINCT currency) > 1 LIMIT 1`,
  );
  if (mixed.length > 0) {
    const m = mixed[0];
    throw new ImportConflictError(
      `account "${m.account_ext}" (${m.platform}) has rows in several currencies (${m.currencies}); an ad account reports in one currency, so split the file or fix the currency column`,
    );
  }
  const conflict = await s.query<{
    platform: string;
    account_ext: string;
    currency: string;
    existing: string;
  }>(
    `SELECT DISTINCT s.platform, s.account_ext, s.currency, a.currency AS existing FROM import_stage s
     JOIN ad_accounts a ON a.workspace_id = $1 AND a.platform = s.platform AND a.external_id = s.account_ext
     WHERE a.currency <> s.currency LIMIT 1`,
    [workspaceId],
  );
  if (conflict.length > 0) {
    const c = conflict[0];
    throw new ImportConflictError(
      `currency mismatch: account "${c.account_ext}" (${c.platform}) is stored in ${c.existing} but the file reports ${c.currency}`,
    );
  }
  // Two statements: rows inserted by a data-modifying CTE are invisible to the rest of its statement.
  const created = await s.query<{ id: string }>(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
     SELECT DISTINCT 'acc_' || substr(md5($1 || '/' || platform || '/' || account_ext), 1, 16), $1, platform,
            account_ext, account_ext, currency, $2
     FROM import_stage
     ON CONFLICT (workspace_id, platform, external_id) DO NOTHING
     RETURNING id`,
    [workspaceId, options.timeZone ?? "UTC"],
  );
  const createdIds = new Set(created.map((c) => c.id));
  const accounts = await s.query<{ id: string; platform: string; externalId: string; currency: string }>(
    `SELECT a.id, a.platform, a.external_id AS "externalId", a.currency
     FROM (SELECT DISTINCT platform, account_ext FROM import_stage) w
     JOIN ad_accounts a ON a.workspace_id = $1 AND a.platform = w.platform AND a.external_id = w.account_ext
     ORDER BY a.platform, a.external_id`,
    [workspaceId],
  );
  return accounts.map((a) => ({ ...a, created: createdIds.has(a.id) }));
}

async function upsertEntities(s: SqlSession, workspaceId: string): Promise<void> {
  const join = `FROM import_stage s JOIN ad_accounts a
    ON a.workspace_id = $1 AND a.platform = s.platform AND a.external_id = s.account_ext`;
  await s.query(
    `INSERT INTO campaigns AS c (account_id, external_id, name, channel)
     SELECT a.id, s.campaign_id, max(s.campaign_name), max(${channelCase}) ${join}
     GROUP BY a.id, s.campaign_id
     ON CONFLICT (account_id, external_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, c.name)
     WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM c.name`,
    [workspaceId],
  );
  await s.query(
    `INSERT INTO ad_groups AS g (account_id, external_id, campaign_external_id, name)
     SELECT a.id, s.adgroup_id, max(s.campaign_id), max(s.adgroup_name) ${join} WHERE s.adgroup_id <> ''
     GROUP BY a.id, s.adgroup_id
     ON CONFLICT (account_id, external_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, g.name)
     WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM g.name`,
    [workspaceId],
  );
  await s.query(
    `INSERT INTO ads AS d (account_id, external_id, ad_group_external_id, campaign_external_id, name)
     SELECT a.id, s.ad_id, max(s.adgroup_id), max(s.campaign_id), max(s.ad_name) ${join} WHERE s.ad_id <> ''
     GROUP BY a.id, s.ad_id
     ON CONFLICT (account_id, external_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, d.name)
     WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM d.name`,
    [workspaceId],
  );
}
