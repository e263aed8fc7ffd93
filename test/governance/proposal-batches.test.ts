import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditBatch } from "../../src/governance/audit/audit-log.js";
import {
  createGovernance,
  type Governance,
  GovernanceError,
  type ProposeInput,
  systemActor,
} from "../../src/governance/index.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { budget, depsFor, FakeClock, governanceCounts, people, seedAccount } from "./support.js";

const system = systemActor("default");

describe.each(testEngines())("proposal batches on %s", (engine) => {
  let store: TestStore;
  let clock: FakeClock;
  let gov: Governance;
  beforeAll(async () => {
    store = await openTestStore(engine);
    clock = new FakeClock();
    gov = createGovernance(depsFor(store, clock));
  });
  afterAll(() => store.close());

  const change = (accountId: string, id: string, minor: number, extra: Partial<ProposeInput> = {}) => ({
    accountId,
    entity: { level: "campaign" as const, id },
    change: budget(minor),
    reason: "planner",
    cycleId: "cy1",
    ...extra,
  });

  it("judges each change as proposal-by-proposal creation would, and chains one audit entry per proposal", async () => {
    const { accountId } = await seedAccount(store, [
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
      { id: "c3", budget: 10_000 },
    ]);
    const batch = await gov.proposals.createMany(system, accountId, [
      change(accountId, "c1", 9_800),
      change(accountId, "c2", 12_000),
      change(accountId, "c3", 10_100),
    ]);
    expect(batch.map((p) => [p.entityId, p.status, p.after])).toEqual([
      ["c1", "approved", { dailyBudgetMinor: 9_800 }],
      ["c2", "proposed", { dailyBudgetMinor: 10_500 }], // clipped to the 5 % per-change cap
      ["c3", "proposed", { dailyBudgetMinor: 10_100 }],
    ]);
    expect(batch[1]!.guardrailReasons.map((r) => r.rule)).toEqual(["per_change_cap"]);
    // the one-by-one path makes the same proposals for a twin account
    const twin = await seedAccount(store, [
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
      { id: "c3", budget: 10_000 },
    ]);
    const single = [];
    for (const [id, minor] of [
      ["c1", 9_800],
      ["c2", 12_000],
      ["c3", 10_100],
    ] as const)
      single.push(await gov.proposals.create(system, change(twin.accountId, id, minor)));
    const shape = (p: (typeof batch)[number]) => [
      p.entityId,
      p.status,
      p.after,
      p.guardrailReasons,
      p.approvalReasons,
    ];
    expect(batch.map(shape)).toEqual(single.map(shape));

    const audit = await gov.audit.list(people.admin, { accountId });
    expect(audit.map((a) => [a.action, a.subjectId])).toEqual(
      batch.map((p) => ["proposal.created", String(p.id)]),
    );
    expect((await gov.audit.verify(people.admin)).ok).toBe(true);
    // a repeat of the batch (a re-run cycle) finds the same proposals and writes nothing
    const before = await governanceCounts(store);
    const again = await gov.proposals.createMany(system, accountId, [
      change(accountId, "c1", 9_800),
      change(accountId, "c2", 12_000),
      change(accountId, "c3", 10_100),
    ]);
    expect(again.map((p) => p.id)).toEqual(batch.map((p) => p.id));
    expect(await governanceCounts(store)).toEqual(before);
  });

  it("is all or nothing: one bad change refuses the batch, names the change, and writes nothing", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const before = await governanceCounts(store);
    await expect(
      gov.proposals.createMany(system, accountId, [
        change(accountId, "c1", 9_900),
        change(accountId, "nope", 9_000),
      ]),
    ).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof GovernanceError &&
        e.code === "not_found" &&
        /^change 2 \(campaign nope\): campaign nope does not exist/.test(e.message),
    );
    await expect(
      gov.proposals.createMany(system, accountId, [
        change(accountId, "c1", 9_900),
        change(accountId, "c1", 9_900, { reason: " " }),
      ]),
    ).rejects.toThrow(/change 2 \(campaign c1\): a proposal needs a reason/);
    await expect(
      gov.proposals.createMany(system, accountId, [change("another-account", "c1", 9_900)]),
    ).rejects.toThrow(/change 1 is for account another-account, but the batch is for account/);
    expect(await governanceCounts(store)).toEqual(before);
  });

  it("a newer optimizer proposal supersedes the entity's unreviewed one; within the deadband the old one stands", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }], { mode: "shadow" });
    const [first] = await gov.proposals.createMany(system, accountId, [
      change(accountId, "c1", 10_400, { cycleId: "cy1", deadbandMinor: 100 }),
    ]);
    expect(first!.status).toBe("proposed");
    // the next cycle wants 10,450: within 100 of the open proposal's 10,400, so that one stands
    const [kept] = await gov.proposals.createMany(system, accountId, [
      change(accountId, "c1", 10_450, { cycleId: "cy2", deadbandMinor: 100 }),
    ]);
    // whole, and as the database holds it (the batch built the first one without reading it back)
    expect(kept).toEqual(first);
    // submitMany answers a standing proposal by its id, and a new one whole
    const submitted = await gov.proposals.submitMany(system, accountId, [
      change(accountId, "c1", 10_420, { cycleId: "cy2b", deadbandMinor: 100 }),
    ]);
    expect(submitted).toEqual([{ standingId: first!.id }]);
    // a cycle that wants 9,500 replaces it: the old one expires, saying by which proposal
    const [next] = await gov.proposals.createMany(system, accountId, [
      change(accountId, "c1", 9_500, { cycleId: "cy3", deadbandMinor: 100 }),
    ]);
    expect(next!.id).not.toBe(first!.id);
    const { proposal: old, history } = await gov.proposals.show(people.admin, first!.id);
    expect(old).toMatchObject({ status: "expired", statusComment: `superseded by proposal ${next!.id}` });
    expect(history.map((h) => h.action)).toEqual(["proposal.created", "proposal.expired"]);
    // an analyst's own proposal is never superseded by the optimizer
    const mine = await gov.proposals.create(
      people.analyst,
      change(accountId, "c1", 10_200, { cycleId: null }),
    );
    await gov.proposals.createMany(system, accountId, [change(accountId, "c1", 9_000, { cycleId: "cy4" })]);
    expect((await gov.proposals.show(people.admin, mine.id)).proposal.status).toBe("proposed");
    const open = await gov.proposals.list(people.admin, { accountId, status: "proposed" });
    expect(open.filter((p) => p.origin === "optimizer")).toHaveLength(1);
    expect((await gov.audit.verify(people.admin)).ok).toBe(true);
  });

  it("appends more entries than one INSERT takes as one verifiable chain", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const entries = Array.from({ length: 2_300 }, (_, i) => ({
      workspaceId: "default",
      accountId,
      actor: "test",
      action: "test.bulk",
      subjectType: "test",
      subjectId: i,
      before: null,
      after: { i },
    }));
    const records = await store.transaction((s) => appendAuditBatch(s, entries, clock.now()));
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => records[0]!.seq + i));
    const stored = await gov.audit.list(people.admin, { accountId, limit: 5_000 });
    expect(stored.filter((r) => r.action === "test.bulk").map((r) => r.after)).toEqual(
      entries.map((e) => e.after),
    );
    expect((await gov.audit.verify(people.admin)).ok).toBe(true);
  });
});

// PostgreSQL only: PGlite has one connection, so two transactions cannot interleave there.
describe.runIf(testEngines().includes("postgres"))(
  "lock order between revise and a proposal batch on postgres",
  () => {
    let store: TestStore;
    let gov: Governance;
    beforeAll(async () => {
      store = await openTestStore("postgres");
      gov = createGovernance(depsFor(store, new FakeClock()));
    });
    afterAll(() => store.close());

    it("revise waits for the account's lock before it locks the proposal's row, as a batch does", async () => {
      const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }], { mode: "shadow" });
      const [open] = await gov.proposals.createMany(system, accountId, [
        {
          accountId,
          entity: { level: "campaign", id: "c1" },
          change: budget(10_400),
          reason: "planner",
          cycleId: "cy1",
        },
      ]);
      const client = async () => {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        await c.query(`SET search_path TO "${store.schemaName}"`);
        return c;
      };
      const holder = await client();
      const prober = await client();
      try {
        // a cycle's batch holding the account
        await holder.query("BEGIN");
        await holder.query("SELECT pg_advisory_xact_lock(727401, hashtext($1))", [accountId]);
        const revising = gov.proposals.revise(people.approver, open!.id, budget(10_300), "smaller step");
        await new Promise((r) => setTimeout(r, 300));
        // the batch would now lock the open proposal's row: revise must not be holding it
        await prober.query("BEGIN");
        const rows = await prober.query("SELECT id FROM proposals WHERE id = $1 FOR UPDATE NOWAIT", [
          open!.id,
        ]);
        expect(rows.rowCount).toBe(1);
        await prober.query("ROLLBACK");
        await holder.query("COMMIT");
        const revised = await revising;
        expect(revised).toMatchObject({ id: open!.id, revision: 2, after: { dailyBudgetMinor: 10_300 } });
      } finally {
        await holder.end();
        await prober.end();
      }
    });

    it("appends for one account while another account's audit append is still open, and verifies both chains", async () => {
      const first = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
      const second = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
      const at = new Date("2026-03-01T00:00:00Z");
      const entry = (accountId: string, i: number) => ({
        workspaceId: "default",
        accountId,
        actor: "test",
        action: "test.concurrent",
        subjectType: "test",
        subjectId: i,
        before: null,
        after: { i },
      });
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let firstAppended!: () => void;
      const appended = new Promise<void>((r) => {
        firstAppended = r;
      });
      // account 1 appends and keeps its transaction (and its chain's lock) open
      const holding = store.transaction(async (s) => {
        await appendAuditBatch(s, [entry(first.accountId, 1)], at);
        firstAppended();
        await held;
      });
      await appended;
      const other = await Promise.race([
        store.transaction((s) => appendAuditBatch(s, [entry(second.accountId, 2)], at)),
        new Promise<"blocked">((r) => setTimeout(() => r("blocked"), 2_000)),
      ]);
      expect(other).not.toBe("blocked");
      // the same account's next append waits for the first to commit, then links to it
      const sameAccount = store.transaction((s) => appendAuditBatch(s, [entry(first.accountId, 3)], at));
      const early = await Promise.race([
        sameAccount.then(() => "done"),
        new Promise((r) => setTimeout(() => r("waiting"), 300)),
      ]);
      expect(early).toBe("waiting");
      release();
      await holding;
      const [third] = await sameAccount;
      const chain = await gov.audit.list(people.admin, { accountId: first.accountId });
      const mine = chain.filter((e) => e.action === "test.concurrent");
      expect(mine.map((e) => e.subjectId)).toEqual(["1", "3"]);
      expect(third!.prevHash).toBe(mine[0]!.hash);
      expect(mine.every((e) => e.chain === `account:${first.accountId}`)).toBe(true);
      expect(await gov.audit.verify(people.admin)).toMatchObject({ ok: true });
    });
  },
);
