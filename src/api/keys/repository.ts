import type { SqlSession } from "../../store/index.js";
import { ROLES, type Role } from "../auth/roles.js";
import { generateKey, parseKey, type RandomBytes, secretMatches } from "./key-format.js";

/** A store or a transaction: anything that runs a query. */
export type Queryable = Pick<SqlSession, "query">;

export interface ApiKeyInfo {
  id: string;
  workspaceId: string;
  role: Role;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Who a valid key speaks for. */
export interface Principal {
  keyId: string;
  workspaceId: string;
  role: Role;
  name: string;
}

export class ApiKeyInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiKeyInputError";
  }
}

const SELECT_KEY = `SELECT id, workspace_id AS "workspaceId", role, name,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastUsedAt",
  to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "revokedAt"
  FROM api_keys`;

export interface CreateApiKeyInput {
  workspaceId: string;
  role: Role;
  name: string;
  /** Defaults to now(); tests pass a fixed time. */
  now?: Date;
  random?: RandomBytes;
}

/** Creates a key and returns it in full: the only time the secret is ever visible. */
export async function createApiKey(
  store: Queryable,
  input: CreateApiKeyInput,
): Promise<{ id: string; key: string; info: ApiKeyInfo }> {
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new ApiKeyInputError("role", `unknown role "${input.role}"; valid roles: ${ROLES.join(", ")}`);
  }
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new ApiKeyInputError(
      "name",
      "the key needs a name of 1 to 200 characters saying who or what uses it",
    );
  }
  const workspace = await store.query("SELECT 1 FROM workspaces WHERE id = $1", [input.workspaceId]);
  if (workspace.length === 0) {
    const known = await store.query<{ id: string }>("SELECT id FROM workspaces ORDER BY id");
    throw new ApiKeyInputError(
      "workspace",
      `unknown workspace "${input.workspaceId}"; known workspaces: ${known.map((w) => w.id).join(", ") || "none"}`,
    );
  }
  const generated = generateKey(input.random);
  await store.query(
    "INSERT INTO api_keys (id, workspace_id, role, name, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [generated.id, input.workspaceId, input.role, name, generated.hash, input.now ?? new Date()],
  );
  const [info] = await store.query<ApiKeyInfo>(`${SELECT_KEY} WHERE id = $1`, [generated.id]);
  return { id: generated.id, key: generated.key, info };
}

export async function listApiKeys(
  store: Queryable,
  workspaceId: string,
  options: { includeRevoked?: boolean } = {},
): Promise<ApiKeyInfo[]> {
  const revoked = options.includeRevoked ? "" : " AND revoked_at IS NULL";
  return store.query<ApiKeyInfo>(`${SELECT_KEY} WHERE workspace_id = $1${revoked} ORDER BY created_at, id`, [
    workspaceId,
  ]);
}

/**
 * Revokes a key of `workspaceId`; returns it, or null when that workspace has no such key (a key of
 * another workspace is reported the same as a missing one). Revoking twice keeps the first time.
 */
export async function revokeApiKey(
  store: Queryable,
  workspaceId: string,
  id: string,
  now: Date = new Date(),
): Promise<ApiKeyInfo | null> {
  await store.query(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE id = $1 AND workspace_id = $2",
    [id, workspaceId, now],
  );
  const rows = await store.query<ApiKeyInfo>(`${SELECT_KEY} WHERE id = $1 AND workspace_id = $2`, [
    id,
    workspaceId,
  ]);
  return rows[0] ?? null;
}

export interface AuthenticateOptions {
  now?: Date;
  /** Skip the last_used_at write when the stored value is younger than this (default 60 s). */
  touchIntervalMs?: number;
}

/** The principal for a presented key, or null when it is malformed, unknown, wrong or revoked. */
export async function authenticate(
  store: Queryable,
  key: string,
  options: AuthenticateOptions = {},
): Promise<Principal | null> {
  const parsed = parseKey(key);
  if (!parsed) return null;
  const rows = await store.query<{
    id: string;
    workspaceId: string;
    role: Role;
    name: string;
    hash: string;
    revoked: boolean;
    lastUsedMs: number | null;
  }>(
    `SELECT id, workspace_id AS "workspaceId", role, name, hash, revoked_at IS NOT NULL AS revoked,
            (extract(epoch FROM last_used_at) * 1000)::float8 AS "lastUsedMs"
     FROM api_keys WHERE id = $1`,
    [parsed.id],
  );
  const row = rows[0];
  if (!row || row.revoked || !secretMatches(parsed.secret, row.hash)) return null;
  const now = options.now ?? new Date();
  const interval = options.touchIntervalMs ?? 60_000;
  if (row.lastUsedMs === null || now.getTime() - row.lastUsedMs >= interval) {
    await store.query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", [row.id, now]);
  }
  return { keyId: row.id, workspaceId: row.workspaceId, role: row.role, name: row.name };
}
