import { createHash } from "node:crypto";
import { insertStatements, type JsonRead, type SqlSession, type Statement } from "../../store/index.js";
import { canonicalJson } from "../audit/canonical-json.js";
import { notFound } from "../errors.js";
import type { ProposalStatus } from "./status.js";
import type { Proposal, ProposalValue } from "./types.js";

type Queryable = Pick<SqlSession, "query">;
type Row = Record<string, unknown>;

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date));

export function proposalFromRow(r: Row): Proposal {
  return {
    id: Number(r.id),
    workspaceId: r.workspace_id as string,
    accountId: r.account_id as string,
    entityLevel: r.entity_level as Proposal["entityLevel"],
    entityId: r.entity_id as string,
    campaignId: r.campaign_id as string,
    kind: r.kind as Proposal["kind"],
    currency: (r.currency as string).trim(),
    before: r.before_value as ProposalValue,
    after: r.after_value as ProposalValue,
    requested: r.requested_value as ProposalValue,
    guardrailReasons: r.guardrail_reasons as Proposal["guardrailReasons"],
    guardrailInputs: r.guardrail_inputs as Proposal["guardrailInputs"],
    reason: r.reason as string,
    factors: r.factors as Proposal["factors"],
    modelVersions: r.model_versions as Record<string, string>,
    mode: r.mode as Proposal["mode"],
    origin: r.origin as Proposal["origin"],
    cycleId: (r.cycle_id as string | null) ?? null,
    overrideId: r.override_id === null ? null : Number(r.override_id),
    rollsBack: (r.rolls_back as number[]).map(Number),
    createdBy: r.created_by as string,
    createdAt: date(r.created_at) as Date,
    idempotencyKey: r.idempotency_key as string,
    revision: Number(r.revision),
    contentHash: r.content_hash as string,
    requiresApproval: Boolean(r.requires_approval),
    approvalReasons: r.approval_reasons as string[],
    status: r.status as ProposalStatus,
    statusChangedAt: date(r.status_changed_at) as Date,
    statusChangedBy: r.status_changed_by as string,
    statusComment: (r.status_comment as string | null) ?? null,
    expiresAt: date(r.expires_at) as Date,
    attempts: Number(r.attempts),
    nextAttemptAt: date(r.next_attempt_at),
    lastError: (r.last_error as string | null) ?? null,
    appliedAt: date(r.applied_at),
  };
}

/** What an approval approves: a reviewer signs this hash, and a changed proposal no longer matches it. */
export function proposalContentHash(
  p: Pick<Proposal, "accountId" | "entityLevel" | "entityId" | "kind" | "before" | "after">,
): string {
  const content = {
    accountId: p.accountId,
    entityLevel: p.entityLevel,
    entityId: p.entityId,
    kind: p.kind,
    before: p.before,
    after: p.after,
  };
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

export async function findProposal(db: Queryable, id: number): Promise<Proposal | null> {
  const [row] = await db.query<Row>("SELECT * FROM proposals WHERE id = $1", [id]);
  return row ? proposalFromRow(row) : null;
}

/** Locks the proposal row for the rest of the transaction (concurrent reviewers and executors wait). */
export async function lockProposal(session: SqlSession, id: number): Promise<Proposal> {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw notFound(`proposal id must be a positive integer, got ${id}`);
  const [row] = await session.query<Row>("SELECT * FROM proposals WHERE id = $1 FOR UPDATE", [id]);
  if (!row) throw notFound(`proposal ${id} does not exist`);
  return proposalFromRow(row);
}

export async function setStatus(
  session: SqlSession,
  id: number,
  status: ProposalStatus,
  actor: string,
  at: Date,
  comment: string | null = null,
  extra: Record<string, unknown> = {},
): Promise<Proposal> {
  const sets = ["status = $2", "status_changed_by = $3", "status_changed_at = $4", "status_comment = $5"];
  const params: unknown[] = [id, status, actor, at, comment];
  for (const [column, value] of Object.entries(extra)) {
    params.push(
      value !== null && typeof value === "object" && !(value instanceof Date) ? JSON.stringify(value) : value,
    );
    sets.push(`${column} = $${params.length}`);
  }
  const [row] = await session.query<Row>(
    `UPDATE proposals SET ${sets.join(", ")} WHERE id = $1 RETURNING *`,
    params,
  );
  return proposalFromRow(row);
}

export interface ProposalFilter {
  accountId?: string;
  workspaceId?: string;
  status?: ProposalStatus | ProposalStatus[];
  cycleId?: string;
  limit?: number;
}

export async function listProposals(db: Queryable, filter: ProposalFilter = {}): Promise<Proposal[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.accountId) where.push(`account_id = $${params.push(filter.accountId)}`);
  if (filter.workspaceId) where.push(`workspace_id = $${params.push(filter.workspaceId)}`);
  if (filter.cycleId) where.push(`cycle_id = $${params.push(filter.cycleId)}`);
  if (filter.status) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    where.push(`status = ANY($${params.push(statuses)}::text[])`);
  }
  const rows = await db.query<Row>(
    `SELECT * FROM proposals ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${params.push(filter.limit ?? 200)}`,
    params,
  );
  return rows.map(proposalFromRow);
}

/** A compact view of a proposal for audit entries. */
export function auditView(
  p: Pick<
    Proposal,
    "status" | "revision" | "kind" | "entityLevel" | "entityId" | "before" | "after" | "contentHash"
  >,
): Record<string, unknown> {
  return {
    status: p.status,
    revision: p.revision,
    kind: p.kind,
    entity: `${p.entityLevel}:${p.entityId}`,
    before: p.before,
    after: p.after,
    contentHash: p.contentHash,
  };
}

export function proposalsByKeyRead(keys: readonly string[]): JsonRead<Map<string, Proposal>> {
  return {
    text: "SELECT * FROM proposals WHERE idempotency_key = ANY($1::text[])",
    values: [[...new Set(keys)]],
    parse: (rows) => new Map(rows.map((r) => [r.idempotency_key as string, proposalFromRow(r)])),
  };
}

/** What a batch needs of an unreviewed proposal: to match it, keep it, or supersede and audit it. */
export type OpenProposal = Pick<
  Proposal,
  | "id"
  | "entityLevel"
  | "entityId"
  | "kind"
  | "requested"
  | "status"
  | "revision"
  | "before"
  | "after"
  | "contentHash"
>;

/**
 * Unreviewed optimizer proposals of these entities, oldest first and locked (a newer one supersedes
 * them). Only the columns a batch uses: a shadow-mode account has one open proposal per arm, read by
 * every cycle.
 */
export function openOptimizerProposalsRead(
  accountId: string,
  entityIds: readonly string[],
): JsonRead<OpenProposal[]> {
  return {
    text: `SELECT id, entity_level, entity_id, kind, requested_value, status, revision, before_value, after_value, content_hash
             FROM proposals WHERE account_id = $1 AND status = 'proposed' AND origin = 'optimizer'
              AND entity_id = ANY($2::text[]) ORDER BY id FOR UPDATE`,
    values: [accountId, [...new Set(entityIds)]],
    parse: (rows) =>
      rows.map((r) => ({
        id: Number(r.id),
        entityLevel: r.entity_level as Proposal["entityLevel"],
        entityId: r.entity_id as string,
        kind: r.kind as Proposal["kind"],
        requested: r.requested_value as Proposal["requested"],
        status: r.status as ProposalStatus,
        revision: Number(r.revision),
        before: r.before_value as Proposal["before"],
        after: r.after_value as Proposal["after"],
        contentHash: r.content_hash as string,
      })),
  };
}

/** Whole proposals by id, in the order asked. */
export async function findProposals(db: Queryable, ids: readonly number[]): Promise<Proposal[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<Row>("SELECT * FROM proposals WHERE id = ANY($1::bigint[])", [
    [...new Set(ids)],
  ]);
  const byId = new Map(rows.map((r) => [Number(r.id), proposalFromRow(r)]));
  return ids.map((id) => byId.get(id)!);
}

/** A proposal as inserted: every column but the id and the executor's bookkeeping. */
export type NewProposalRow = Omit<
  Proposal,
  "id" | "revision" | "statusChangedAt" | "attempts" | "nextAttemptAt" | "lastError" | "appliedAt"
>;

const PROPOSAL_COLUMNS = `workspace_id, account_id, entity_level, entity_id, campaign_id, kind, currency, before_value, after_value,
  requested_value, guardrail_reasons, guardrail_inputs, reason, factors, model_versions, mode, origin, cycle_id, override_id,
  rolls_back, created_by, created_at, idempotency_key, revision, content_hash, requires_approval, approval_reasons, status,
  status_changed_at, status_changed_by, status_comment, expires_at`;
/** 32 parameters a row: 500 rows stay well below PostgreSQL's 65,535-parameter limit. */
const PROPOSALS_PER_INSERT = 500;

/** INSERT statements for new proposals whose ids were drawn beforehand (`proposalIdsRead`). */
export function proposalInsertStatements(rows: readonly (NewProposalRow & { id: number })[]): Statement[] {
  return insertStatements(
    `INSERT INTO proposals (id, ${PROPOSAL_COLUMNS})`,
    rows,
    PROPOSALS_PER_INSERT,
    (r) => [
      r.id,
      r.workspaceId,
      r.accountId,
      r.entityLevel,
      r.entityId,
      r.campaignId,
      r.kind,
      r.currency,
      JSON.stringify(r.before),
      JSON.stringify(r.after),
      JSON.stringify(r.requested),
      JSON.stringify(r.guardrailReasons),
      JSON.stringify(r.guardrailInputs),
      r.reason,
      JSON.stringify(r.factors),
      JSON.stringify(r.modelVersions),
      r.mode,
      r.origin,
      r.cycleId,
      r.overrideId,
      JSON.stringify(r.rollsBack),
      r.createdBy,
      r.createdAt,
      r.idempotencyKey,
      1,
      r.contentHash,
      r.requiresApproval,
      JSON.stringify(r.approvalReasons),
      r.status,
      r.createdAt,
      r.statusChangedBy,
      r.statusComment,
      r.expiresAt,
    ],
  );
}

/** `count` fresh proposal ids, drawn with the batch's reads (ids left unused are gaps, as with any sequence). */
export function proposalIdsRead(count: number): JsonRead<number[]> {
  return {
    text: "SELECT nextval(pg_get_serial_sequence('proposals', 'id')) AS id FROM generate_series(1, $1::int)",
    values: [count],
    parse: (rows) => rows.map((r) => Number(r.id)),
  };
}

/** A new proposal as the database will return it once its row is written. */
export function newProposal(row: NewProposalRow, id: number): Proposal {
  const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  return {
    ...row,
    id,
    before: json(row.before),
    after: json(row.after),
    requested: json(row.requested),
    guardrailReasons: json(row.guardrailReasons),
    guardrailInputs: json(row.guardrailInputs),
    factors: json(row.factors),
    modelVersions: json(row.modelVersions),
    revision: 1,
    statusChangedAt: row.createdAt,
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    appliedAt: null,
  };
}

/**
 * Marks open proposals expired, each with its own comment. The caller holds their rows (read FOR UPDATE),
 * so every one of them is still open.
 */
export function expireStatement(
  changes: readonly { id: number; comment: string }[],
  actor: string,
  at: Date,
): Statement {
  return {
    text: `UPDATE proposals p SET status = 'expired', status_changed_by = $3, status_changed_at = $4, status_comment = x.comment
             FROM unnest($1::bigint[], $2::text[]) AS x(id, comment)
            WHERE p.id = x.id AND p.status = 'proposed'`,
    values: [changes.map((c) => c.id), changes.map((c) => c.comment), actor, at],
  };
}
