import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { Actor } from "../../governance/index.js";
import type { AccountRow } from "../../store/accounts.js";
import type { Store } from "../../store/index.js";
import { principalOf } from "../auth/principal.js";
import { ApiError, notFound } from "../errors.js";
import { requireAccount } from "../routes/account-scope.js";

/** The governance actor an API key speaks as: audit entries and approvals name the key, never a person. */
export function actorOf(request: FastifyRequest): Actor {
  const p = principalOf(request);
  return { userId: `key:${p.keyId}`, role: p.role, workspaceId: p.workspaceId };
}

export const iso = (d: Date | string | null | undefined): string | null =>
  d === null || d === undefined ? null : new Date(d).toISOString();

export const idParams = z.object({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe("numeric id"),
});

/** SQL for a timestamptz column as an ISO string in UTC (Date parsing differs between drivers). */
export const isoSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The row `table.id = id` if it belongs to `workspaceId`, else 404: another workspace's ids are answered
 * exactly like missing ones. `table` is one of ours, never user input.
 */
export async function requireOwned(
  store: Store,
  table: "proposals" | "overrides" | "lab_runs",
  id: number,
  workspaceId: string,
  what: string,
  field = "params.id",
): Promise<void> {
  const rows = await store.query(`SELECT 1 FROM ${table} WHERE id = $1 AND workspace_id = $2`, [
    id,
    workspaceId,
  ]);
  if (rows.length === 0) throw notFound(`there is no ${what} ${id} in this workspace`, field);
}

/** requireAccount, naming `field` (e.g. query.account, body.accountId) when the account is not found. */
export async function requireAccountAt(
  store: Store,
  workspaceId: string,
  accountId: string,
  field: string,
): Promise<AccountRow> {
  try {
    return await requireAccount(store, workspaceId, accountId);
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 404) {
      throw notFound(
        `there is no account "${accountId}" in this workspace; GET /accounts lists the ids`,
        field,
      );
    }
    throw error;
  }
}
