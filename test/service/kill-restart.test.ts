import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoAccountId } from "../../src/service/demo/demo-setup.js";
import { openStore } from "../../src/store/index.js";
import {
  createScratchDatabase,
  decisionGaps,
  dropScratchDatabase,
  type LabRun,
  type Life,
  mismatches,
  parseTrace,
  planKills,
  type RunOutcome,
  readOutcome,
  runLife,
  runWithKills,
  type StoreTarget,
  seedPgliteFolder,
} from "./support/kill-restart.js";

// The service killed with SIGKILL at seeded points of a lab run and restarted each time must end
// exactly where an uninterrupted run of the same seed ends. The full 500-cycle run with 8 kills is
// `npm run bench -- service-kill`; here a shorter run keeps `npm test` fast.
const RUN: LabRun = {
  scenario: "ecommerce",
  seed: 11,
  users: 1000,
  hoursPerCycle: 1,
  cycles: 120,
  accountCap: 40,
};
const accountId = demoAccountId(RUN.scenario);
const url = process.env.TEST_DATABASE_URL;
const databases = [`adpilot_kill_${process.pid}_plain`, `adpilot_kill_${process.pid}_killed`];
const scratch = mkdtempSync(join(tmpdir(), "adpilot-kill-"));

/** The uninterrupted run (traced), then the same run killed at points picked from its trace. */
async function plainThenKilled(
  run: LabRun,
  plain: StoreTarget,
  killed: StoreTarget,
  kills: number,
  externalEvery: number,
): Promise<Life[]> {
  const tracePath = join(scratch, `trace-${run.cycles}-${"dataDir" in plain ? "pglite" : "pg"}.tsv`);
  await runLife(run, plain, null, tracePath);
  const plan = planKills(
    parseTrace(readFileSync(tracePath, "utf8")),
    run.seed,
    run.cycles,
    kills,
    externalEvery,
  );
  return runWithKills(run, killed, plan);
}

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  if (url) for (const name of databases) await dropScratchDatabase(url, name);
});

async function outcomeOf(target: StoreTarget): Promise<RunOutcome> {
  const store =
    "dataDir" in target
      ? await openStore({ dataDir: target.dataDir })
      : await openStore({ databaseUrl: target.databaseUrl, poolSize: 2 });
  try {
    return await readOutcome(store, accountId);
  } finally {
    await store.close();
  }
}

function expectSameAsUninterrupted(plain: RunOutcome, killed: RunOutcome, cycles: number): void {
  expect(decisionGaps(plain, cycles)).toEqual([]);
  expect(decisionGaps(killed, cycles)).toEqual([]);
  expect(killed.cycles.every((c) => c.status === "completed")).toBe(true);
  expect(killed.cycles).toHaveLength(cycles);
  expect(mismatches(plain, killed)).toEqual([]);
  expect(killed.auditChain).toEqual([expect.objectContaining({ ok: true })]);
  // The run did real work, so "identical" is not trivially true.
  expect(plain.proposals.filter((p) => p.status === "applied").length).toBeGreaterThan(10);
  expect(plain.arms.length).toBeGreaterThan(0);
}

function expectKilledAsPlanned(lives: Life[], kills: number): void {
  expect(lives.filter((l) => l.killed)).toHaveLength(kills);
  // Every self-inflicted kill died where it was planned: inside an open transaction or right after a commit.
  for (const l of lives) {
    if (l.kill?.kind !== "self") continue;
    expect(l.diedAt).toMatch(new RegExp(`^${l.kill.cycle} ${l.kill.op} `));
    if (l.kill.phase.endsWith("-committed")) expect(l.diedAt).toContain(" after-commit");
    if (l.kill.phase.endsWith("-open")) expect(l.diedAt).toContain(" in-transaction ");
  }
}

describe("the outcome comparison", () => {
  it("reports a changed decision, a missing one and a duplicated one", () => {
    const base = {
      decisions: [
        { cycle_no: 1, arm_id: "a", confidence: 0.5 },
        { cycle_no: 1, arm_id: "b", confidence: 0.5 },
        { cycle_no: 2, arm_id: "a", confidence: 0.5 },
        { cycle_no: 2, arm_id: "b", confidence: 0.5 },
      ],
    } as unknown as RunOutcome;
    const changed = { decisions: base.decisions.map((d, i) => (i === 2 ? { ...d, confidence: 0.6 } : d)) };
    expect(mismatches(base, changed as unknown as RunOutcome)).toHaveLength(1);
    expect(decisionGaps(base, 2)).toEqual([]);
    const missing = { decisions: base.decisions.slice(0, 3) } as unknown as RunOutcome;
    expect(decisionGaps(missing, 2)).toEqual(["cycle 2: 1 decisions for 2 arms"]);
    const twice = { decisions: [...base.decisions, base.decisions[0]] } as unknown as RunOutcome;
    expect(decisionGaps(twice, 2)).toEqual(["cycle 1: 3 decisions for 2 arms"]);
  });
});

describe.skipIf(!url)("the lab service killed with SIGKILL and restarted, on PostgreSQL", () => {
  it("loses no decision, duplicates none, and ends identical to an uninterrupted run", async () => {
    const [plainTarget, killedTarget] = await Promise.all(
      databases.map(async (name) => ({ databaseUrl: await createScratchDatabase(url as string, name) })),
    );
    const lives = await plainThenKilled(RUN, plainTarget, killedTarget, 4, 4);
    expectKilledAsPlanned(lives, 4);
    expect(lives.map((l) => (l.kill?.kind === "self" ? l.kill.phase : l.kill?.kind))).toEqual(
      expect.arrayContaining(["apply-committed", "record-open", "apply-open", "external"]),
    );
    expectSameAsUninterrupted(await outcomeOf(plainTarget), await outcomeOf(killedTarget), RUN.cycles);
  }, 240_000);
});

describe("the lab service killed with SIGKILL and restarted, on PGlite in a data folder", () => {
  it("recovers the stale folder each time and ends identical to an uninterrupted run", async () => {
    const run = { ...RUN, cycles: 24 };
    const plainTarget = await seedPgliteFolder(join(scratch, "plain"));
    const killedTarget = { dataDir: join(scratch, "killed") };
    cpSync(plainTarget.dataDir, killedTarget.dataDir, { recursive: true });
    // One kill right after an apply committed, one from outside: each leaves a stale lock behind.
    const lives = await plainThenKilled(run, plainTarget, killedTarget, 2, 2);
    expectKilledAsPlanned(lives, 2);
    expectSameAsUninterrupted(await outcomeOf(plainTarget), await outcomeOf(killedTarget), run.cycles);
  }, 240_000);
});
