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
  /**
   * The chain the entry links into: one per account (`account:<id>`), one per workspace for entries
   * about no account (`workspace:<id>`); null for the single global chain written before migration 0010.
   * Derived from the hashed ids, so it needs no hash of its own: verify checks it matches them.
   */
  chain: string | null;
  hash: string;
}

/** The chain an entry belongs to. Separate chains let accounts append without waiting for each other. */
export function auditChainOf(entry: { workspaceId: string; accountId: string | null }): string {
  return entry.accountId === null ? `workspace:${entry.workspaceId}` : `account:${entry.accountId}`;
}

/** sha256 over the previous hash and the canonical JSON of the entry. */
export function auditHash(record: AuditRecord): string {
  // fields picked one by one: a stored row carries its own hash and maybe more columns
  const { seq, at, workspaceId, accountId, actor, action, subjectType, subjectId, before, after, prevHash } =
    record;
  const body = { seq, at, workspaceId, accountId, actor, action, subjectType, subjectId, before, after };
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(body)).digest("hex");
}

/** Links `record` after `prevHash` (the genesis hash when it starts its chain). */
export function chain(
  record: Omit<AuditRecord, "prevHash"> & { chain: string | null },
  prevHash: string = GENESIS_HASH,
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
    prevHash,
  };
  return { ...linked, chain: record.chain, hash: auditHash(linked) };
}

export type ChainVerification =
  | { ok: true; entries: number; chains: number }
  | {
      ok: false;
      entries: number;
      /** seq of the first entry that does not verify. */
      brokenAt: number;
      reason: "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap" | "wrong_chain";
      detail: string;
    };

type BrokenLink = Extract<ChainVerification, { ok: false }>["reason"];

/**
 * Incremental verifier: feed entries in seq order (all chains interleaved); the first broken link is
 * kept. Within a chain each entry must link to the hash of the one before it, so an entry altered,
 * removed or moved breaks the next link; the pre-0010 global chain also numbers its entries 1, 2, 3...
 */
export class ChainVerifier {
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  private count = 0;
  private failure: ChainVerification | null = null;

  /** Returns false once a chain is broken (later entries are ignored). */
  push(r: ChainedAuditRecord): boolean {
    if (this.failure) return false;
    this.count++;
    const fail = (reason: BrokenLink, detail: string) => {
      this.failure = { ok: false, entries: this.count, brokenAt: r.seq, reason, detail };
      return false;
    };
    if (r.chain !== null && r.chain !== auditChainOf(r)) {
      return fail(
        "wrong_chain",
        `entry ${r.seq} is filed in chain ${r.chain} but belongs to ${auditChainOf(r)}: it was moved`,
      );
    }
    const key = r.chain ?? "";
    const head = this.heads.get(key);
    if (r.chain === null) {
      const expectedSeq = (head?.seq ?? 0) + 1;
      if (r.seq !== expectedSeq) {
        return fail(
          "sequence_gap",
          head
            ? `entry ${r.seq} follows ${head.seq}: entries are missing`
            : `the chain starts at entry ${r.seq}: entries 1-${r.seq - 1} are missing`,
        );
      }
    }
    const prevHash = head?.hash ?? GENESIS_HASH;
    if (r.prevHash !== prevHash) {
      return fail(
        "prev_hash_mismatch",
        head
          ? `entry ${r.seq} links to ${r.prevHash.slice(0, 12)}… but the chain's previous entry (${head.seq}) hashes to ${prevHash.slice(0, 12)}…`
          : `entry ${r.seq} is the first of chain ${key || "(global)"} left but links to ${r.prevHash.slice(0, 12)}…: earlier entries are missing`,
      );
    }
    const expected = auditHash(r);
    if (expected !== r.hash) {
      return fail(
        "hash_mismatch",
        `entry ${r.seq} was changed after it was written (stored ${r.hash.slice(0, 12)}…, content hashes to ${expected.slice(0, 12)}…)`,
      );
    }
    this.heads.set(key, { seq: r.seq, hash: r.hash });
    return true;
  }

  result(): ChainVerification {
    return this.failure ?? { ok: true, entries: this.count, chains: this.heads.size };
  }
}

/** Checks entries in seq order and reports the first broken link. */
export function verifyChain(records: Iterable<ChainedAuditRecord>): ChainVerification {
  const verifier = new ChainVerifier();
  for (const r of records) if (!verifier.push(r)) break;
  return verifier.result();
}
