import type { AccountConfig } from "../domain/account-config.js";
import { parseAccountConfig, setConfigValue } from "../domain/account-config-edit.js";
import type { Store } from "./engine.js";

export interface AccountRow {
  id: string;
  workspaceId: string;
  platform: string;
  externalId: string;
  name: string;
  currency: string;
  timeZone: string;
  status: string;
}

export class UnknownAccountError extends Error {
  constructor(reference: string, known: string[]) {
    super(
      `unknown account "${reference}". ${known.length ? `Known accounts: ${known.join(", ")}` : "No accounts yet: import data first with `adpilot import <file.csv>`"}`,
    );
    this.name = "UnknownAccountError";
  }
}

const SELECT_ACCOUNT = `SELECT id, workspace_id AS "workspaceId", platform, external_id AS "externalId", name,
  currency, time_zone AS "timeZone", status FROM ad_accounts`;

export async function listAccounts(store: Store, workspaceId = "default"): Promise<AccountRow[]> {
  return store.query<AccountRow>(`${SELECT_ACCOUNT} WHERE workspace_id = $1 ORDER BY platform, external_id`, [
    workspaceId,
  ]);
}

/** Finds an account by our id or the platform's id. */
export async function resolveAccount(
  store: Store,
  reference: string,
  workspaceId = "default",
): Promise<AccountRow> {
  const rows = await store.query<AccountRow>(
    `${SELECT_ACCOUNT} WHERE workspace_id = $1 AND (id = $2 OR external_id = $2) ORDER BY id`,
    [workspaceId, reference],
  );
  if (rows.length === 1) return rows[0];
  const known = (await listAccounts(store, workspaceId)).map(
    (a) => `${a.externalId} (${a.platform}, id ${a.id})`,
  );
  if (rows.length > 1) {
    throw new Error(
      `account "${reference}" is ambiguous: it matches ${rows.map((r) => r.id).join(", ")}; use our id instead`,
    );
  }
  throw new UnknownAccountError(reference, known);
}

export async function getAccountConfig(store: Store, accountId: string): Promise<AccountConfig> {
  const rows = await store.query<{ config: unknown }>(
    "SELECT config FROM account_configs WHERE account_id = $1",
    [accountId],
  );
  return parseAccountConfig(rows[0]?.config ?? {});
}

/** Validates and stores one key; returns the full new configuration. Nothing is written when invalid. */
export async function setAccountConfigValue(
  store: Store,
  accountId: string,
  key: string,
  valueText: string,
  actor: string,
): Promise<AccountConfig> {
  const next = setConfigValue(await getAccountConfig(store, accountId), key, valueText);
  await store.query(
    `INSERT INTO account_configs (account_id, config, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (account_id) DO UPDATE SET config = EXCLUDED.config, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [accountId, JSON.stringify(next), actor],
  );
  return next;
}
