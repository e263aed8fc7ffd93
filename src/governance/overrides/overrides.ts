import type { EntityLevel } from "../../domain/entities.js";
import type { SqlSession } from "../../store/index.js";
import { appendAudit } from "../audit/audit-log.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import { loadAccount, loadEntity, lockAccount } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { conflict, invalidInput, notFound } from "../errors.js";
import { insertProposal } from "../proposals/create.js";
import type { Proposal } from "../proposals/types.js";
import { type Override, type OverrideKind, overrideFromRow } from "./lookup.js";

export const MAX_OVERRIDE_DAYS = 90;
export const MIN_JUSTIFICATION_LENGTH = 10;

export interface AddOverrideInput {
  accountId: string;
  kind: OverrideKind;
  /** pin_budget, pause: the entity; forbid: an entity or a channel; pin_share: a channel. */
  entity?: { level: EntityLevel; id: string };
  channel?: string;
  /** pin_budget: { dailyBudgetMinor }; pin_share: { share } (0-1]. */
  value?: { dailyBudgetMinor?: number; share?: number };
  justification: string;
  expiresAt: Date;
}

export interface AddOverrideResult {
  override: Override;
  /** pin_budget and pause become a proposal that another person must approve. */
  proposal: Proposal | null;
}

function validate(input: AddOverrideInput, now: Date): void {
  const kinds: OverrideKind[] = ["pin_budget", "pin_share", "pause", "forbid"];
  if (!kinds.includes(input.kind))
    throw invalidInput(`unknown override kind "${input.kind}" (valid: ${kinds.join(", ")})`);
  if ((input.justification ?? "").trim().length < MIN_JUSTIFICATION_LENGTH) {
    throw invalidInput(
      `an override needs a justification of at least ${MIN_JUSTIFICATION_LENGTH} characters saying why`,
    );
  }
  if (!(input.expiresAt instanceof Date) || Number.isNaN(input.expiresAt.getTime()))
    throw invalidInput("an override needs an expiry time");
  if (input.expiresAt.getTime() <= now.getTime())
    throw invalidInput(`the expiry ${input.expiresAt.toISOString()} is not in the future`);
  if (input.expiresAt.getTime() > now.getTime() + MAX_OVERRIDE_DAYS * 86_400_000) {
    throw invalidInput(`overrides last at most ${MAX_OVERRIDE_DAYS} days; renew it when it ends`);
  }
  if ((input.kind === "pin_budget" || input.kind === "pause") && !input.entity)
    throw invalidInput(`a ${input.kind} override needs an entity`);
  if (input.kind === "pin_share" && !input.channel)
    throw invalidInput("a pin_share override needs a channel");
  if (input.kind === "forbid" && !input.entity && !input.channel)
    throw invalidInput("a forbid override needs an entity or a channel");
  if (input.kind === "pin_budget") {
    const b = input.value?.dailyBudgetMinor;
    if (b === undefined || !Number.isSafeInteger(b) || b < 0)
      throw invalidInput(
        `pin_budget needs value.dailyBudgetMinor, a non-negative integer of minor units (got ${b})`,
      );
  }
  if (input.kind === "pin_share") {
    const share = input.value?.share;
    if (share === undefined || !(share > 0 && share <= 1))
      throw invalidInput(`pin_share needs value.share in (0, 1] (got ${share})`);
  }
}

/** Pins a budget or share, pauses or forbids an entity, with a justification and an expiry (analyst and up). */
export async function addOverride(
  deps: GovernanceDeps,
  actor: Actor,
  input: AddOverrideInput,
): Promise<AddOverrideResult> {
  const now = deps.clock();
  validate(input, now);
  return deps.store.transaction(async (s) => {
    const account = await loadAccount(s, input.accountId);
    ensureAllowed(actor, "overrides.create", account.workspaceId);
    await lockAccount(s, account.id);
    const entity = input.entity ? await loadEntity(s, account.id, input.entity.level, input.entity.id) : null;
    const [row] = await s.query<Record<string, unknown>>(
      `INSERT INTO overrides (workspace_id, account_id, kind, entity_level, entity_id, channel, value, justification, created_by, created_at, expires_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING *`,
      [
        account.workspaceId,
        account.id,
        input.kind,
        entity?.level ?? null,
        entity?.id ?? null,
        input.channel ?? entity?.channel ?? null,
        JSON.stringify(input.value ?? {}),
        input.justification.trim(),
        actor.userId,
        now,
        input.expiresAt,
      ],
    );
    const override = overrideFromRow(row);
    await appendAudit(
      s,
      {
        workspaceId: account.workspaceId,
        accountId: account.id,
        actor: actor.userId,
        action: "override.created",
        subjectType: "override",
        subjectId: override.id,
        before: null,
        after: row,
      },
      now,
    );
    let proposal: Proposal | null = null;
    if (entity && (input.kind === "pin_budget" || input.kind === "pause")) {
      const change =
        input.kind === "pin_budget"
          ? { kind: "daily_budget" as const, dailyBudgetMinor: input.value?.dailyBudgetMinor as number }
          : { kind: "status" as const, status: "paused" as const };
      const unchanged =
        input.kind === "pin_budget"
          ? entity.dailyBudgetMinor === change.dailyBudgetMinor
          : entity.status === "paused";
      if (!unchanged) {
        proposal = await insertProposal(s, deps, account, actor.userId, {
          accountId: account.id,
          entity: { level: entity.level, id: entity.id },
          change,
          reason: `override ${override.id} by ${actor.userId}: ${input.justification.trim()}`,
          origin: "override",
          overrideId: override.id,
          idempotencyKey: `override:${override.id}`,
        });
      }
    }
    return { override, proposal };
  });
}

/** Ends an override before its expiry. */
export async function endOverride(
  deps: GovernanceDeps,
  actor: Actor,
  id: number,
  reason: string,
): Promise<Override> {
  if (!reason?.trim()) throw invalidInput(`ending override ${id} needs a reason`);
  return deps.store.transaction(async (s) => {
    const now = deps.clock();
    const [row] = await s.query<Record<string, unknown>>("SELECT * FROM overrides WHERE id = $1 FOR UPDATE", [
      id,
    ]);
    if (!row) throw notFound(`override ${id} does not exist`);
    const before = overrideFromRow(row);
    ensureAllowed(actor, "overrides.end", before.workspaceId);
    if (before.endedAt)
      throw conflict(
        `override ${id} already ended at ${before.endedAt.toISOString()} (by ${before.endedBy})`,
      );
    if (before.expiresAt.getTime() <= now.getTime())
      throw conflict(`override ${id} already expired at ${before.expiresAt.toISOString()}`);
    const [updated] = await s.query<Record<string, unknown>>(
      "UPDATE overrides SET ended_at = $2, ended_by = $3, end_reason = $4 WHERE id = $1 RETURNING *",
      [id, now, actor.userId, reason.trim()],
    );
    await appendAudit(
      s,
      {
        workspaceId: before.workspaceId,
        accountId: before.accountId,
        actor: actor.userId,
        action: "override.ended",
        subjectType: "override",
        subjectId: id,
        before: row,
        after: updated,
      },
      now,
    );
    return overrideFromRow(updated);
  });
}

export interface OverrideFilter {
  accountId?: string;
  workspaceId?: string;
  /** Only those in force at this time. */
  activeAt?: Date;
}

export async function listOverrides(
  db: Pick<SqlSession, "query">,
  filter: OverrideFilter = {},
): Promise<Override[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.accountId) where.push(`account_id = $${params.push(filter.accountId)}`);
  if (filter.workspaceId) where.push(`workspace_id = $${params.push(filter.workspaceId)}`);
  if (filter.activeAt) {
    const p = params.push(filter.activeAt);
    where.push(`ended_at IS NULL AND created_at <= $${p} AND expires_at > $${p}`);
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM overrides ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id`,
    params,
  );
  return rows.map(overrideFromRow);
}
