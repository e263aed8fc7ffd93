import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

/** The hash before the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** What is hashed: everything about an audit entry except its own hash. */
export interface AuditRecord {
  seq: number;
  at: Date;
  workspaceId: string;
  accountId: string | null;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  prevHash: string;
}

export interface ChainedAuditRecord extends AuditRecord {
  hash: string;
}

/** sha256 over the previous hash and the canonical JSON of the entry. */
export function auditHash(record: AuditRecord): string {
  // fields picked one by one: a stored row carries its own hash and maybe more columns
  const { seq, at, workspaceId, accountId, actor, action, subjectType, subjectId, before, after, prevHash } =
    record;
  const body = { seq, at, workspaceId, accountId, actor, action, subjectType, subjectId, before, after };
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(body)).digest("hex");
}

export function chain(
  record: Omit<AuditRecord, "prevHash">,
  prev: ChainedAuditRecord | null,
): ChainedAuditRecord {
  const { seq, at, workspaceId, accountId, actor, action, subjectType, subjectId, before, after } = record;
  const linked: AuditRecord = {
    seq,
    at,
    workspaceId,
    accountId,
    actor,
    action,
    subjectType,
    subjectId,
    before,
    after,
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...linked, hash: auditHash(linked) };
}

export type ChainVerification =
  | { ok: true; entries: number; lastHash: string }
  | {
      ok: false;
      entries: number;
      /** seq of the first entry that does not verify. */
      brokenAt: number;
      reason: "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap";
      detail: string;
    };

/** Checks entries in seq order and reports the first broken link. */
export function verifyChain(records: Iterable<ChainedAuditRecord>): ChainVerification {
  let prevHash = GENESIS_HASH;
  let prevSeq: number | null = null;
  let count = 0;
  for (const r of records) {
    count++;
    if (prevSeq !== null && r.seq !== prevSeq + 1) {
      return {
        ok: false,
        entries: count,
        brokenAt: r.seq,
        reason: "sequence_gap",
        detail: `entry ${r.seq} follows ${prevSeq}: entries are missing`,
      };
    }
    if (r.prevHash !== prevHash) {
      return {
        ok: false,
        entries: count,
        brokenAt: r.seq,
        reason: "prev_hash_mismatch",
        detail: `entry ${r.seq} links to ${r.prevHash.slice(0, 12)}… but the previous entry hashes to ${prevHash.slice(0, 12)}…`,
      };
    }
    const expected = auditHash(r);
    if (expected !== r.hash) {
      return {
        ok: false,
        entries: count,
        brokenAt: r.seq,
        reason: "hash_mismatch",
        detail: `entry ${r.seq} was changed after it was written (stored ${r.hash.slice(0, 12)}…, content hashes to ${expected.slice(0, 12)}…)`,
      };
    }
    prevHash = r.hash;
    prevSeq = r.seq;
  }
  return { ok: true, entries: count, lastHash: prevHash };
}
