import { isIsoDate } from "../../domain/time.js";
import type { SqlSession } from "../../store/index.js";
import { appendAudit } from "../audit/audit-log.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import { loadAccount } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { invalidInput, notFound } from "../errors.js";
import { MIN_JUSTIFICATION_LENGTH } from "./overrides.js";

/** "Q4 is always strong": a multiplier on a channel over a date range, taken by the models as a prior. */
export interface DomainHint {
  id: number;
  workspaceId: string;
  accountId: string | null;
  channel: string;
  multiplier: number;
  dateFrom: string;
  dateTo: string;
  justification: string;
  createdBy: string;
  createdAt: Date;
}

export interface AddDomainHintInput {
  accountId: string;
  channel: string;
  multiplier: number;
  dateFrom: string;
  dateTo: string;
  justification: string;
}

function fromRow(r: Record<string, unknown>): DomainHint {
  return {
    id: Number(r.id),
    workspaceId: r.workspace_id as string,
    accountId: (r.account_id as string | null) ?? null,
    channel: r.channel as string,
    multiplier: Number(r.multiplier),
    dateFrom: r.date_from as string,
    dateTo: r.date_to as string,
    justification: r.justification as string,
    createdBy: r.created_by as string,
    createdAt: new Date(r.created_at as Date),
  };
}

export async function addDomainHint(
  deps: GovernanceDeps,
  actor: Actor,
  input: AddDomainHintInput,
): Promise<DomainHint> {
  if (!input.channel?.trim()) throw invalidInput("a domain hint needs a channel");
  if (!(input.multiplier > 0 && input.multiplier <= 10))
    throw invalidInput(`multiplier must be in (0, 10], got ${input.multiplier}`);
  if (!isIsoDate(input.dateFrom) || !isIsoDate(input.dateTo) || input.dateTo < input.dateFrom) {
    throw invalidInput(
      `a domain hint needs ISO dates with from <= to (got ${input.dateFrom} .. ${input.dateTo})`,
    );
  }
  if ((input.justification ?? "").trim().length < MIN_JUSTIFICATION_LENGTH) {
    throw invalidInput(
      `a domain hint needs a justification of at least ${MIN_JUSTIFICATION_LENGTH} characters`,
    );
  }
  return deps.store.transaction(async (s) => {
    const now = deps.clock();
    const account = await loadAccount(s, input.accountId);
    ensureAllowed(actor, "overrides.create", account.workspaceId);
    const [row] = await s.query<Record<string, unknown>>(
      `INSERT INTO domain_hints (workspace_id, account_id, channel, multiplier, date_from, date_to, justification, created_by, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
      [
        account.workspaceId,
        account.id,
        input.channel.trim(),
        input.multiplier,
        input.dateFrom,
        input.dateTo,
        input.justification.trim(),
        actor.userId,
        now,
      ],
    );
    await appendAudit(
      s,
      {
        workspaceId: account.workspaceId,
        accountId: account.id,
        actor: actor.userId,
        action: "domain_hint.created",
        subjectType: "domain_hint",
        subjectId: Number(row.id),
        before: null,
        after: row,
      },
      now,
    );
    return fromRow(row);
  });
}

export async function endDomainHint(deps: GovernanceDeps, actor: Actor, id: number): Promise<void> {
  await deps.store.transaction(async (s) => {
    const now = deps.clock();
    const [row] = await s.query<Record<string, unknown>>(
      "SELECT * FROM domain_hints WHERE id = $1 FOR UPDATE",
      [id],
    );
    if (!row) throw notFound(`domain hint ${id} does not exist`);
    ensureAllowed(actor, "overrides.end", row.workspace_id as string);
    if (row.ended_at) return;
    await s.query("UPDATE domain_hints SET ended_at = $2, ended_by = $3 WHERE id = $1", [
      id,
      now,
      actor.userId,
    ]);
    await appendAudit(
      s,
      {
        workspaceId: row.workspace_id as string,
        accountId: row.account_id as string | null,
        actor: actor.userId,
        action: "domain_hint.ended",
        subjectType: "domain_hint",
        subjectId: id,
        before: row,
        after: { ...row, ended_at: now, ended_by: actor.userId },
      },
      now,
    );
  });
}

/** Hints in force for an account's channel(s) overlapping [from, to] — what the models read as priors. */
export async function listDomainHints(
  db: Pick<SqlSession, "query">,
  filter: { accountId: string; channel?: string; from?: string; to?: string },
): Promise<DomainHint[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM domain_hints WHERE account_id = $1 AND ended_at IS NULL AND ($2::text IS NULL OR channel = $2)
        AND ($3::date IS NULL OR date_to >= $3) AND ($4::date IS NULL OR date_from <= $4) ORDER BY date_from, id`,
    [filter.accountId, filter.channel ?? null, filter.from ?? null, filter.to ?? null],
  );
  return rows.map(fromRow);
}
