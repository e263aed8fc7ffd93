import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import { auditChainOf, type ChainedAuditRecord, chain, GENESIS_HASH, verifyChain } from "./hash-chain.js";

/** n entries, entry i about account `accountOf(i)` (null: the workspace), chained per account. */
function build(
  n: number,
  accountOf: (i: number) => string | null = () => "a1",
  legacy = false,
): ChainedAuditRecord[] {
  const out: ChainedAuditRecord[] = [];
  const heads = new Map<string, string>();
  for (let i = 1; i <= n; i++) {
    const entry = {
      seq: i,
      at: new Date(Date.UTC(2026, 2, 1, 0, i)),
      workspaceId: "w1",
      accountId: accountOf(i),
      actor: i % 2 ? "system" : "ann",
      action: "proposal.approved",
      subjectType: "proposal",
      subjectId: `p${i}`,
      before: { status: "proposed" },
      after: { status: "approved", budget: 100 + i },
    };
    const key = legacy ? "" : auditChainOf(entry);
    const record = chain({ ...entry, chain: legacy ? null : key }, heads.get(key));
    heads.set(key, record.hash);
    out.push(record);
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
    expect(verifyChain(entries)).toEqual({ ok: true, entries: 20, chains: 1 });
    expect(verifyChain([])).toEqual({ ok: true, entries: 0, chains: 0 });
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
  it("reports a re-hashed tampered entry at the next link of its chain", () => {
    const entries = build(10);
    entries[4] = chain({ ...entries[4], actor: "mallory" }, entries[3].hash);
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 6, reason: "prev_hash_mismatch" });
  });
  it("keeps one chain per account and one for the workspace, interleaved in seq order", () => {
    const accountOf = (i: number) => (i % 3 === 0 ? null : i % 3 === 1 ? "a1" : "a2");
    const entries = build(30, accountOf);
    expect(entries[2].prevHash).toBe(GENESIS_HASH); // the workspace chain's first entry
    expect(entries[3].prevHash).toBe(entries[0].hash); // a1 links to a1, over a2 and the workspace
    expect(verifyChain(entries)).toEqual({ ok: true, entries: 30, chains: 3 });
    // removing an entry breaks its own chain's next link, wherever that is
    const deleted = entries.filter((e) => e.seq !== 7);
    expect(verifyChain(deleted)).toMatchObject({ ok: false, brokenAt: 10, reason: "prev_hash_mismatch" });
    // removing a chain's first entry shows too
    expect(verifyChain(entries.filter((e) => e.seq !== 2))).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: "prev_hash_mismatch",
    });
  });
  it("reports an entry filed in another account's chain", () => {
    const entries = build(6, (i) => (i % 2 ? "a1" : "a2"));
    entries[3] = { ...entries[3], chain: "account:a1" };
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 4, reason: "wrong_chain" });
  });
  it("still checks the pre-chain global log for numbering gaps", () => {
    const entries = build(10, (i) => (i % 2 ? "a1" : "a2"), true);
    expect(verifyChain(entries)).toEqual({ ok: true, entries: 10, chains: 1 });
    const deleted = entries.filter((e) => e.seq !== 7);
    expect(verifyChain(deleted)).toMatchObject({ ok: false, brokenAt: 8, reason: "sequence_gap" });
  });
});
