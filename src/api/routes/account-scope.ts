import type { AccountRow } from "../../store/accounts.js";
import type { Store } from "../../store/index.js";
import { notFound } from "../errors.js";

const SELECT_ACCOUNT = `SELECT id, workspace_id AS "workspaceId", platform, external_id AS "externalId", name,
  currency, time_zone AS "timeZone", status FROM ad_accounts`;

export async function listWorkspaceAccounts(store: Store, workspaceId: string): Promise<AccountRow[]> {
  return store.query<AccountRow>(`${SELECT_ACCOUNT} WHERE workspace_id = $1 ORDER BY platform, external_id`, [
    workspaceId,
  ]);
}

/**
 * The account `accountId` of `workspaceId`, or 404. An account of another workspace is answered exactly
 * like a missing one, so a key never learns what exists elsewhere.
 */
export async function requireAccount(
  store: Store,
  workspaceId: string,
  accountId: string,
): Promise<AccountRow> {
  const rows = await store.query<AccountRow>(`${SELECT_ACCOUNT} WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    accountId,
  ]);
  if (rows.length === 0) {
    throw notFound(
      `there is no account "${accountId}" in this workspace; GET /accounts lists the ids`,
      "params.accountId",
    );
  }
  return rows[0];
}
