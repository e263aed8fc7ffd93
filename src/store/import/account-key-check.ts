import type { SqlSession } from "../session.js";

/**
 * PostgreSQL checks `performance_daily.account_id REFERENCES ad_accounts` with a trigger that plans
 * and runs a locking look-up for every inserted row: about 40% of the server's time in a bulk import
 * (measured with perf). An import can give the same guarantee once per account instead: every row it
 * inserts takes its account id from `import_accounts`, which holds ids read from `ad_accounts` in this
 * transaction and locked FOR KEY SHARE (what the trigger's look-up does), so they can be neither
 * deleted nor re-keyed until commit.
 *
 * The per-row trigger is then skipped for the import's own INSERT statements with
 * `session_replication_role = replica`, which only a superuser may set, and only when that foreign
 * key is the table's only trigger-backed rule: any other trigger (but the day versions', which the
 * import then keeps itself), or another foreign key, and the import keeps the ordinary path.
 */
export async function canSkipAccountKeyTrigger(s: SqlSession): Promise<boolean> {
  const [row] = await s.query<{ superuser: boolean; keys: number; account_keys: number; others: number }>(
    `SELECT current_setting('is_superuser') = 'on' AS superuser,
       (SELECT count(*)::int FROM pg_constraint c
         WHERE c.conrelid = 'performance_daily'::regclass AND c.contype = 'f') AS keys,
       (SELECT count(*)::int FROM pg_constraint c
         WHERE c.conrelid = 'performance_daily'::regclass AND c.contype = 'f'
           AND c.confrelid = 'ad_accounts'::regclass
           AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                 WHERE attrelid = 'performance_daily'::regclass AND attname = 'account_id')]) AS account_keys,
       (SELECT count(*)::int FROM pg_trigger t
         WHERE t.tgrelid = 'performance_daily'::regclass
           AND t.tgfoid NOT IN ('"RI_FKey_check_ins"'::regproc, '"RI_FKey_check_upd"'::regproc)
           -- the day versions (migration 0012), which the import bumps itself (merge.ts)
           AND t.tgfoid NOT IN ('performance_versions_bump'::regproc, 'performance_truncated'::regproc)) AS others`,
  );
  return row.superuser && row.others === 0 && row.keys === 1 && row.account_keys === 1;
}

/** Locks the import's accounts as the foreign-key trigger would (see canSkipAccountKeyTrigger). */
export async function lockImportAccounts(s: SqlSession): Promise<void> {
  await s.query("SELECT 1 FROM ad_accounts WHERE id IN (SELECT id FROM import_accounts) FOR KEY SHARE");
}

/**
 * Statements that switch the per-row foreign-key trigger off and on again around the import's own
 * INSERTs (empty when it must stay on). `SET LOCAL` ends with the transaction, and a ROLLBACK TO a
 * savepoint taken before the switch undoes it too.
 */
export function accountKeyTriggerSwitch(skip: boolean): { off: string[]; on: string[] } {
  return skip
    ? {
        off: ["SET LOCAL session_replication_role = replica"],
        on: ["SET LOCAL session_replication_role = origin"],
      }
    : { off: [], on: [] };
}
