import type { JsonRead } from "../../store/index.js";

export type OverrideKind = "pin_budget" | "pin_share" | "pause" | "forbid";

export interface Override {
  id: number;
  workspaceId: string;
  accountId: string;
  kind: OverrideKind;
  entityLevel: string | null;
  entityId: string | null;
  channel: string | null;
  value: Record<string, unknown>;
  justification: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
  endReason: string | null;
}

export function overrideFromRow(r: Record<string, unknown>): Override {
  const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as Date));
  return {
    id: Number(r.id),
    workspaceId: r.workspace_id as string,
    accountId: r.account_id as string,
    kind: r.kind as OverrideKind,
    entityLevel: (r.entity_level as string | null) ?? null,
    entityId: (r.entity_id as string | null) ?? null,
    channel: (r.channel as string | null) ?? null,
    value: r.value as Record<string, unknown>,
    justification: r.justification as string,
    createdBy: r.created_by as string,
    createdAt: d(r.created_at) as Date,
    expiresAt: d(r.expires_at) as Date,
    endedAt: d(r.ended_at),
    endedBy: (r.ended_by as string | null) ?? null,
    endReason: (r.end_reason as string | null) ?? null,
  };
}

/** Every override of the account in force at `at`, oldest first. */
export function activeOverridesRead(accountId: string, at: Date): JsonRead<Override[]> {
  return {
    text: `SELECT * FROM overrides WHERE account_id = $1 AND ended_at IS NULL AND created_at <= $2 AND expires_at > $2 ORDER BY id`,
    values: [accountId, at],
    parse: (rows) => rows.map(overrideFromRow),
  };
}
