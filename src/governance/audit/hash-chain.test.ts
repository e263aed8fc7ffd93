import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import { type ChainedAuditRecord, chain, GENESIS_HASH, verifyChain } from "./hash-chain.js";

function build(n: number): ChainedAuditRecord[] {
  const out: ChainedAuditRecord[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(
      chain(
        {
          seq: i,
          at: new Date(Date.UTC(2026, 2, 1, 0, i)),
          workspaceId: "w1",
          accountId: "a1",
          actor: i % 2 ? "system" : "ann",
          action: "proposal.approved",
          subjectType: "proposal",
          subjectId: `p${i}`,
          before: { status: "proposed" },
          after: { status: "approved", budget: 100 + i },
        },
        out[out.length - 1] ?? null,
      ),
    );
  }
  return out;
}

describe("canonical JSON", () => {
  it("sorts keys at every depth, drops undefined, writes dates as ISO", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: new Date(0) } })).toBe(
      '{"a":{"c":"1970-01-01T00:00:00.000Z","d":[1,{"y":2}]},"b":1}',
    );
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN at \$.a/);
  });
});

describe("audit hash chain", () => {
  it("verifies an intact chain and starts from the genesis hash", () => {
    const entries = build(20);
    expect(entries[0].prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(entries)).toEqual({ ok: true, entries: 20, lastHash: entries[19].hash });
    expect(verifyChain([])).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH });
  });
  it("is independent of key order (JSONB round trip)", () => {
    const entries = build(3).map((e) => ({
      ...e,
      after: JSON.parse(
        JSON.stringify({ budget: (e.after as { budget: number }).budget, status: "approved" }),
      ),
    }));
    expect(verifyChain(entries).ok).toBe(true);
  });
  it("reports the first tampered entry", () => {
    const entries = build(10);
    entries[4] = { ...entries[4], after: { status: "approved", budget: 9_999 } };
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 5, reason: "hash_mismatch" });
  });
  it("reports a re-hashed tampered entry at the next link, and deletions as gaps", () => {
    const entries = build(10);
    entries[4] = chain({ ...entries[4], actor: "mallory" }, entries[3]);
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 6, reason: "prev_hash_mismatch" });
    const deleted = build(10).filter((e) => e.seq !== 7);
    expect(verifyChain(deleted)).toMatchObject({ ok: false, brokenAt: 8, reason: "sequence_gap" });
  });
});
