import type { StandardRow } from "../../connectors/csv/types.js";
import type { SqlSession } from "../session.js";
import { lockImportAccounts } from "./account-key-check.js";
import { ImportConflictError } from "./errors.js";

export interface ImportedAccount {
  id: string;
  platform: string;
  externalId: string;
  currency: string;
  created: boolean;
}

interface Entry {
  acct: number;
  platform: string;
  externalId: string;
  currency: string;
  /** Set once the account exists in the store and in `import_accounts`. */
  account?: ImportedAccount;
}

/**
 * The accounts one import touches, keyed by platform and external id (a handful per file, so held in
 * memory). Rows get a small account number for staging; `resolve` creates the new accounts in the
 * store and checks that each one's currency agrees with the stored account.
 */
export class AccountRegistry {
  private readonly byKey = new Map<string, Entry>();
  private readonly pending: Entry[] = [];
  private last: Entry | undefined;

  constructor(
    private readonly workspaceId: string,
    private readonly timeZone: string,
  ) {}

  /** The account number of a row; throws ImportConflictError when its account has rows in another currency. */
  acctOf(r: StandardRow): number {
    let entry = this.last;
    if (entry === undefined || entry.externalId !== r.accountId || entry.platform !== r.platform) {
      const key = `${r.platform}\u0000${r.accountId}`;
      entry = this.byKey.get(key);
      if (entry === undefined) {
        entry = {
          acct: this.byKey.size + 1,
          platform: r.platform,
          externalId: r.accountId,
          currency: r.currency,
        };
        this.byKey.set(key, entry);
        this.pending.push(entry);
      }
      this.last = entry;
    }
    if (entry.currency !== r.currency) {
      const both = [entry.currency, r.currency].sort().join(", ");
      throw new ImportConflictError(
        `account "${entry.externalId}" (${entry.platform}) has rows in several currencies (${both}); an ad account reports in one currency, so split the file or fix the currency column`,
      );
    }
    return entry.acct;
  }

  /** Creates the accounts seen since the last call (ids derived from workspace, platform and external id). */
  async resolve(s: SqlSession): Promise<void> {
    const fresh = this.pending.splice(0);
    if (fresh.length === 0) return;
    const platforms = fresh.map((e) => e.platform);
    const externalIds = fresh.map((e) => e.externalId);
    const stored = await s.query<{ platform: string; external_id: string; currency: string }>(
      `SELECT platform, external_id, currency FROM ad_accounts
       WHERE workspace_id = $1 AND (platform, external_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [this.workspaceId, platforms, externalIds],
    );
    for (const a of stored) {
      const entry = this.byKey.get(`${a.platform}\u0000${a.external_id}`);
      if (entry !== undefined && entry.currency !== a.currency) {
        throw new ImportConflictError(
          `currency mismatch: account "${a.external_id}" (${a.platform}) is stored in ${a.currency} but the file reports ${entry.currency}`,
        );
      }
    }
    const created = await s.query<{ id: string }>(
      `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
       SELECT 'acc_' || substr(md5($1 || '/' || p || '/' || e), 1, 16), $1, p, e, e, c, $2
       FROM unnest($3::text[], $4::text[], $5::text[]) AS f(p, e, c)
       ON CONFLICT (workspace_id, platform, external_id) DO NOTHING
       RETURNING id`,
      [this.workspaceId, this.timeZone, platforms, externalIds, fresh.map((e) => e.currency)],
    );
    const createdIds = new Set(created.map((c) => c.id));
    const rows = await s.query<{ id: string; platform: string; external_id: string; currency: string }>(
      `SELECT id, platform, external_id, currency FROM ad_accounts
       WHERE workspace_id = $1 AND (platform, external_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [this.workspaceId, platforms, externalIds],
    );
    for (const a of rows) {
      const entry = this.byKey.get(`${a.platform}\u0000${a.external_id}`);
      if (entry === undefined) continue;
      entry.account = {
        id: a.id,
        platform: a.platform,
        externalId: a.external_id,
        currency: a.currency,
        created: createdIds.has(a.id),
      };
    }
    const ids = fresh.map((e) => {
      if (e.account === undefined) {
        throw new Error(`account "${e.externalId}" (${e.platform}) was neither found nor created`);
      }
      return e.account.id;
    });
    await s.query("INSERT INTO import_accounts (acct, id) SELECT * FROM unnest($1::int[], $2::text[])", [
      fresh.map((e) => e.acct),
      ids,
    ]);
    await lockImportAccounts(s);
  }

  /** Every account of the import, ordered by platform and external id. */
  list(): ImportedAccount[] {
    const accounts: ImportedAccount[] = [];
    for (const entry of this.byKey.values()) if (entry.account) accounts.push(entry.account);
    return accounts.sort((a, b) =>
      a.platform === b.platform ? compare(a.externalId, b.externalId) : compare(a.platform, b.platform),
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
