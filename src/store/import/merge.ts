import type { SqlSession } from "../session.js";
import { accountKeyTriggerSwitch } from "./account-key-check.js";

export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

const COLUMNS =
  "account_id, date, campaign_id, adgroup_id, ad_id, impressions, clicks, cost_minor, conversions, revenue_minor";
const SELECT_STAGED = `SELECT a.id, s.date, s.campaign_id, s.adgroup_id, s.ad_id, s.impressions, s.clicks, s.cost_minor,
  s.conversions, s.revenue_minor`;

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = "23505";

function hasCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

/** The batch repeats a key; nothing of it was merged, so the caller can find and report the lines. */
export class DuplicateKeyInBatch extends Error {
  constructor() {
    super("a key appears twice in one batch of the import");
    this.name = "DuplicateKeyInBatch";
  }
}

export interface MergeOptions {
  /**
   * Try a plain INSERT first, in a savepoint. Each one that succeeds leaves a subtransaction id in
   * the transaction, and past 64 of them PostgreSQL's snapshots overflow for every other session,
   * so the caller allows only a limited number per import.
   */
  tryPlainInsert: boolean;
  /** The batch may repeat a key (not yet checked): look before upserting, which would fail on it. */
  mayRepeatKeys: boolean;
  /** See canSkipAccountKeyTrigger. */
  skipAccountKeyTrigger: boolean;
}

/**
 * Moves one staged batch into `performance_daily`. A plain INSERT is tried first inside a savepoint:
 * when none of the batch's keys exist yet (a first import, new days) it is much cheaper than an upsert,
 * which looks every key up before inserting it. If any key exists, the attempt is rolled back and the
 * batch is upserted on its natural key, touching only rows whose numbers differ.
 *
 * Throws DuplicateKeyInBatch when the batch itself repeats a key. Returns `fellBack` so the caller
 * knows a duplicate key inside the file might have been merged silently: a plain INSERT that
 * succeeds proves the batch repeated no key already written by this import, an upsert does not.
 */
export async function mergeBatch(
  s: SqlSession,
  table: string,
  rows: number,
  options: MergeOptions,
): Promise<MergeCounts & { fellBack: boolean }> {
  // Statements without parameters travel together: each round trip waits for this process, which
  // is busy reading the next batch.
  const trigger = accountKeyTriggerSwitch(options.skipAccountKeyTrigger);
  if (options.tryPlainInsert) {
    await s.exec(["SAVEPOINT import_batch", ...trigger.off].join("; "));
    let inserted = false;
    try {
      await s.query(
        `INSERT INTO performance_daily (${COLUMNS}) ${SELECT_STAGED}
         FROM ${table} s JOIN import_accounts a ON a.acct = s.acct`,
      );
      inserted = true;
    } catch (error) {
      if (!hasCode(error, UNIQUE_VIOLATION)) throw error;
    }
    if (inserted) {
      await s.exec(
        [...trigger.on, ...bumpVersions(table, options), "RELEASE SAVEPOINT import_batch"].join("; "),
      );
      return { inserted: rows, updated: 0, unchanged: 0, fellBack: false };
    }
    await s.exec("ROLLBACK TO SAVEPOINT import_batch; RELEASE SAVEPOINT import_batch");
  }
  if (options.mayRepeatKeys) {
    const repeated = await s.query(
      `SELECT 1 FROM ${table} GROUP BY acct, date, campaign_id, adgroup_id, ad_id HAVING count(*) > 1 LIMIT 1`,
    );
    if (repeated.length > 0) throw new DuplicateKeyInBatch();
  }
  if (trigger.off.length > 0) await s.exec(trigger.off.join("; "));
  const counts = await upsertBatch(s, table);
  const after = [...trigger.on, ...bumpVersions(table, options)];
  if (after.length > 0) await s.exec(after.join("; "));
  return { ...counts, fellBack: true };
}

/**
 * With the table's triggers skipped, the day versions they keep (migration 0012: what tells a cycle
 * its cached arm statistics are stale) are bumped here, for every day the batch holds.
 */
function bumpVersions(table: string, options: MergeOptions): string[] {
  if (!options.skipAccountKeyTrigger) return [];
  return [
    `SELECT performance_days_changed(array_agg(a.id), array_agg(d.date))
       FROM (SELECT DISTINCT acct, date FROM ${table}) d JOIN import_accounts a ON a.acct = d.acct`,
  ];
}

async function upsertBatch(s: SqlSession, table: string): Promise<MergeCounts> {
  const [counts] = await s.query<{ inserted: number; updated: number; staged: number }>(
    `WITH up AS (
       INSERT INTO performance_daily AS p (${COLUMNS})
       ${SELECT_STAGED} FROM ${table} s JOIN import_accounts a ON a.acct = s.acct
       ON CONFLICT (account_id, date, campaign_id, adgroup_id, ad_id) DO UPDATE SET
         impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks, cost_minor = EXCLUDED.cost_minor,
         conversions = EXCLUDED.conversions, revenue_minor = EXCLUDED.revenue_minor, updated_at = now()
       WHERE (p.impressions, p.clicks, p.cost_minor, p.conversions, p.revenue_minor)
         IS DISTINCT FROM (EXCLUDED.impressions, EXCLUDED.clicks, EXCLUDED.cost_minor, EXCLUDED.conversions, EXCLUDED.revenue_minor)
       RETURNING (xmax = 0) AS inserted
     )
     SELECT (SELECT count(*) FROM up WHERE inserted)::int AS inserted,
            (SELECT count(*) FROM up WHERE NOT inserted)::int AS updated,
            (SELECT count(*) FROM ${table})::int AS staged`,
  );
  return {
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.staged - counts.inserted - counts.updated,
  };
}
