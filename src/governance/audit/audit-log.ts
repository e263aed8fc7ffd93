import { insertStatements, type SqlSession, type Statement } from "../../store/index.js";
import { type ChainedAuditRecord, type ChainVerification, ChainVerifier, chain } from "./hash-chain.js";

/** Serialises appends to the one chain; held until the writing transaction ends. */
const AUDIT_LOCK_KEY = 727_401_602;

export interface AuditInput {
  workspaceId: string;
  accountId: string | null;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | number;
  before: unknown;
  after: unknown;
}

interface AuditRow {
  seq: number;
  at: Date;
  workspace_id: string;
  account_id: string | null;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

function fromRow(r: AuditRow): ChainedAuditRecord {
  return {
    seq: Number(r.seq),
    at: new Date(r.at),
    workspaceId: r.workspace_id,
    accountId: r.account_id,
    actor: r.actor,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    before: r.before,
    after: r.after,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Appends one entry inside the caller's transaction, so the entry exists exactly when the state change
 * it records does. Call it last in a transaction: the chain lock is held until commit.
 */
export async function appendAudit(
  session: SqlSession,
  input: AuditInput,
  at: Date,
): Promise<ChainedAuditRecord> {
  const [record] = await appendAuditBatch(session, [input], at);
  return record!;
}

/** Rows per INSERT: 12 parameters each stays far below PostgreSQL's 65,535-parameter limit. */
const ROWS_PER_INSERT = 1_000;

/**
 * Appends several entries, in order, under one take of the chain lock: one round trip for the lock and
 * the chain's head, one INSERT per thousand entries, where entry-by-entry appends would hold the global
 * lock for three round trips each. Same rules as `appendAudit`: inside the writing transaction, last.
 */
export async function appendAuditBatch(
  session: SqlSession,
  inputs: readonly AuditInput[],
  at: Date,
): Promise<ChainedAuditRecord[]> {
  if (inputs.length === 0) return [];
  const records = chainAudit(await lockAuditHead(session), inputs, at);
  for (const statement of auditInsertStatements(records))
    await session.query(statement.text, statement.values);
  return records;
}

/**
 * Takes the chain's lock until the transaction ends and returns its head: one round trip (migration
 * 0009's function reads the head with a snapshot taken after the lock is granted).
 */
export async function lockAuditHead(session: SqlSession): Promise<ChainedAuditRecord | null> {
  const [last] = await session.query<AuditRow>("SELECT * FROM audit_lock_head($1)", [AUDIT_LOCK_KEY]);
  return last ? fromRow(last) : null;
}

/** The entries chained after `head`, in order (pure: nothing is written). */
export function chainAudit(
  head: ChainedAuditRecord | null,
  inputs: readonly AuditInput[],
  at: Date,
): ChainedAuditRecord[] {
  // the column keeps microseconds; the hash sees what comes back (milliseconds)
  const when = new Date(Math.floor(at.getTime()));
  let prev = head;
  return inputs.map((input) => {
    prev = chain(
      {
        seq: (prev?.seq ?? 0) + 1,
        at: when,
        workspaceId: input.workspaceId,
        accountId: input.accountId,
        actor: input.actor,
        action: input.action,
        subjectType: input.subjectType,
        subjectId: String(input.subjectId),
        before: normaliseJson(input.before),
        after: normaliseJson(input.after),
      },
      prev,
    );
    return prev;
  });
}

/** INSERT statements for chained entries, a thousand rows each. */
export function auditInsertStatements(records: readonly ChainedAuditRecord[]): Statement[] {
  return insertStatements(
    "INSERT INTO audit_log (seq, at, workspace_id, account_id, actor, action, subject_type, subject_id, before, after, prev_hash, hash)",
    records,
    ROWS_PER_INSERT,
    (r) => [
      r.seq,
      r.at,
      r.workspaceId,
      r.accountId,
      r.actor,
      r.action,
      r.subjectType,
      r.subjectId,
      JSON.stringify(r.before),
      JSON.stringify(r.after),
      r.prevHash,
      r.hash,
    ],
  );
}

/** What JSONB gives back: Dates become strings, undefined members disappear. */
function normaliseJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

export interface AuditQuery {
  subjectType?: string;
  subjectId?: string | number;
  accountId?: string;
  limit?: number;
}

export async function listAudit(
  db: Pick<SqlSession, "query">,
  query: AuditQuery = {},
): Promise<ChainedAuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.subjectType) where.push(`subject_type = $${params.push(query.subjectType)}`);
  if (query.subjectId !== undefined) where.push(`subject_id = $${params.push(String(query.subjectId))}`);
  if (query.accountId) where.push(`account_id = $${params.push(query.accountId)}`);
  const rows = await db.query<AuditRow>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq LIMIT $${params.push(query.limit ?? 1000)}`,
    params,
  );
  return rows.map(fromRow);
}

/** Reads the whole chain in pages and reports the first broken link (`adpilot audit verify`). */
export async function verifyAuditLog(
  db: Pick<SqlSession, "query">,
  pageSize = 5_000,
): Promise<ChainVerification> {
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const rows = await db.query<AuditRow>("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", [
      after,
      pageSize,
    ]);
    for (const r of rows) if (!verifier.push(fromRow(r))) return verifier.result();
    if (rows.length < pageSize) return verifier.result();
    after = Number(rows[rows.length - 1].seq);
  }
}
