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

/** Incremental verifier: feed entries in seq order; the first broken link is kept. */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private prevSeq: number | null = null;
  private count = 0;
  private failure: ChainVerification | null = null;

  /** Returns false once the chain is broken (later entries are ignored). */
  push(r: ChainedAuditRecord): boolean {
    if (this.failure) return false;
    this.count++;
    const fail = (reason: "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap", detail: string) => {
      this.failure = { ok: false, entries: this.count, brokenAt: r.seq, reason, detail };
      return false;
    };
    if (this.prevSeq !== null && r.seq !== this.prevSeq + 1) {
      return fail("sequence_gap", `entry ${r.seq} follows ${this.prevSeq}: entries are missing`);
    }
    if (this.prevSeq === null && r.seq !== 1) {
      return fail("sequence_gap", `the chain starts at entry ${r.seq}: entries 1-${r.seq - 1} are missing`);
    }
    if (r.prevHash !== this.prevHash) {
      return fail(
        "prev_hash_mismatch",
        `entry ${r.seq} links to ${r.prevHash.slice(0, 12)}… but the previous entry hashes to ${this.prevHash.slice(0, 12)}…`,
      );
    }
    const expected = auditHash(r);
    if (expected !== r.hash) {
      return fail(
        "hash_mismatch",
        `entry ${r.seq} was changed after it was written (stored ${r.hash.slice(0, 12)}…, content hashes to ${expected.slice(0, 12)}…)`,
      );
    }
    this.prevHash = r.hash;
    this.prevSeq = r.seq;
    return true;
  }

  result(): ChainVerification {
    return this.failure ?? { ok: true, entries: this.count, lastHash: this.prevHash };
  }
}

/** Checks entries in seq order and reports the first broken link. */
export function verifyChain(records: Iterable<ChainedAuditRecord>): ChainVerification {
  const verifier = new ChainVerifier();
  for (const r of records) if (!verifier.push(r)) break;
  return verifier.result();
}
