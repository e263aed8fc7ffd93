import { insertStatements, type SqlSession, type Statement, type Store } from "../../store/index.js";
import {
  auditChainOf,
  type ChainedAuditRecord,
  type ChainVerification,
  ChainVerifier,
  chain,
  GENESIS_HASH,
} from "./hash-chain.js";

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
  chain: string | null;
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
    chain: r.chain,
    hash: r.hash,
  };
}

/**
 * Appends one entry inside the caller's transaction, so the entry exists exactly when the state change
 * it records does. Call it last in a transaction: its chain's lock is held until commit.
 */
export async function appendAudit(
  session: SqlSession,
  input: AuditInput,
  at: Date,
): Promise<ChainedAuditRecord> {
  const [record] = await appendAuditBatch(session, [input], at);
  return record!;
}

/** Rows per INSERT: 13 parameters each stays far below PostgreSQL's 65,535-parameter limit. */
const ROWS_PER_INSERT = 1_000;

/**
 * Appends several entries, in order, under one take of their chains' locks: one round trip for the
 * locks, the heads and the sequence numbers, one INSERT per thousand entries. Same rules as
 * `appendAudit`: inside the writing transaction, last.
 */
export async function appendAuditBatch(
  session: SqlSession,
  inputs: readonly AuditInput[],
  at: Date,
): Promise<ChainedAuditRecord[]> {
  if (inputs.length === 0) return [];
  const records = chainAudit(await lockAuditChains(session, inputs), inputs, at);
  for (const statement of auditInsertStatements(records))
    await session.query(statement.text, statement.values);
  return records;
}

/** What appending to some chains needs: each chain's last hash, and fresh sequence numbers. */
export interface AuditChainHeads {
  /** chain -> hash of its last entry (absent: the chain has none yet). */
  heads: ReadonlyMap<string, string>;
  /** One per entry to append, increasing. */
  seqs: readonly number[];
}

/**
 * Takes the locks of the chains `inputs` append to until the transaction ends, and returns their heads
 * and a sequence number per input: one round trip (migration 0010's function locks in a fixed order,
 * then reads with a snapshot taken after the locks are granted and draws the numbers, so they
 * increase along every chain).
 */
export async function lockAuditChains(
  session: SqlSession,
  inputs: readonly Pick<AuditInput, "workspaceId" | "accountId">[],
): Promise<AuditChainHeads> {
  const chains = [...new Set(inputs.map(auditChainOf))];
  const [row] = await session.query<{ locked: { heads: { chain: string; hash: string }[]; seqs: number[] } }>(
    "SELECT audit_lock_chains($1::text[], $2::int) AS locked",
    [chains, inputs.length],
  );
  const { heads, seqs } = row!.locked;
  return {
    heads: new Map(heads.map((h) => [h.chain, h.hash])),
    seqs: seqs.map(Number).sort((a, b) => a - b),
  };
}

/** The entries chained after their chains' heads, in order (pure: nothing is written). */
export function chainAudit(
  locked: AuditChainHeads,
  inputs: readonly AuditInput[],
  at: Date,
): ChainedAuditRecord[] {
  // the column keeps microseconds; the hash sees what comes back (milliseconds)
  const when = new Date(Math.floor(at.getTime()));
  const heads = new Map(locked.heads);
  return inputs.map((input, i) => {
    const chainKey = auditChainOf(input);
    const record = chain(
      {
        seq: locked.seqs[i]!,
        at: when,
        workspaceId: input.workspaceId,
        accountId: input.accountId,
        actor: input.actor,
        action: input.action,
        subjectType: input.subjectType,
        subjectId: String(input.subjectId),
        before: normaliseJson(input.before),
        after: normaliseJson(input.after),
        chain: chainKey,
      },
      heads.get(chainKey) ?? GENESIS_HASH,
    );
    heads.set(chainKey, record.hash);
    return record;
  });
}

/** INSERT statements for chained entries, a thousand rows each. */
export function auditInsertStatements(records: readonly ChainedAuditRecord[]): Statement[] {
  return insertStatements(
    "INSERT INTO audit_log (seq, at, workspace_id, account_id, actor, action, subject_type, subject_id, before, after, prev_hash, chain, hash)",
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
      r.chain,
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

/**
 * Reads every chain in pages and reports the first broken link (`adpilot audit verify`). The pages
 * share one snapshot: chains append concurrently, so an entry with a lower number can commit after a
 * page has passed it, and a moving read would then see its successor without it.
 */
export async function verifyAuditLog(
  db: Pick<Store, "transaction">,
  pageSize = 5_000,
): Promise<ChainVerification> {
  return db.transaction(async (session) => {
    await session.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const verifier = new ChainVerifier();
    let after = 0;
    for (;;) {
      const rows = await session.query<AuditRow>(
        "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        [after, pageSize],
      );
      for (const r of rows) if (!verifier.push(fromRow(r))) return verifier.result();
      if (rows.length < pageSize) return verifier.result();
      after = Number(rows[rows.length - 1]!.seq);
    }
  });
}
