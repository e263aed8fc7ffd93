// Kill -9 the lab service at seeded points of a 500-cycle run and restart it each time: no decision
// lost, none duplicated, and decisions, allocations, cycle checkpoints, proposals, applied changes,
// audit trail, synced performance, arm state and the saved world identical to an uninterrupted run of
// the same seed. `npm test` runs a shorter version (test/service/kill-restart.test.ts).
//
// Engines: PostgreSQL (a fresh database per run on BENCH_DATABASE_URL / TEST_DATABASE_URL's server)
// and PGlite in a data folder (each restart recovers the folder's stale lock). SERVICE_KILL_ENGINES
// picks them (default "postgres,pglite"); SERVICE_KILL_CYCLES and SERVICE_KILL_KILLS size the run.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoAccountId } from "../src/service/demo/demo-setup.js";
import { openStore } from "../src/store/index.js";
import {
  createScratchDatabase,
  decisionGaps,
  dropScratchDatabase,
  type LabRun,
  mismatches,
  parseTrace,
  planKills,
  readOutcome,
  runLife,
  runWithKills,
  type StoreTarget,
  seedPgliteFolder,
} from "../test/service/support/kill-restart.js";

const RUN: LabRun = {
  scenario: "ecommerce",
  seed: Number(process.env.SERVICE_KILL_SEED ?? 7),
  users: 1000,
  hoursPerCycle: 1,
  cycles: Number(process.env.SERVICE_KILL_CYCLES ?? 500),
  accountCap: 40,
};
const KILLS = Number(process.env.SERVICE_KILL_KILLS ?? 8);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const engines = (process.env.SERVICE_KILL_ENGINES ?? "postgres,pglite").split(",").filter((e) => e);
const scratch = mkdtempSync(join(tmpdir(), "adpilot-service-kill-"));
const accountId = demoAccountId(RUN.scenario);

async function outcome(target: StoreTarget) {
  const store = "dataDir" in target ? await openStore({ dataDir: target.dataDir }) : await openStore(target);
  try {
    return await readOutcome(store, accountId);
  } finally {
    await store.close();
  }
}

async function bench(engine: string): Promise<number> {
  const databases = [`adpilot_kill_bench_${process.pid}_plain`, `adpilot_kill_bench_${process.pid}_killed`];
  let plain: StoreTarget;
  let killed: StoreTarget;
  if (engine === "postgres") {
    if (!adminUrl) {
      console.log("# postgres skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL");
      return 0;
    }
    plain = { databaseUrl: await createScratchDatabase(adminUrl, databases[0] as string) };
    killed = { databaseUrl: await createScratchDatabase(adminUrl, databases[1] as string) };
  } else {
    plain = await seedPgliteFolder(join(scratch, "plain"));
    killed = await seedPgliteFolder(join(scratch, "killed"));
  }
  try {
    const tracePath = join(scratch, `trace-${engine}.tsv`);
    const t0 = Date.now();
    await runLife(RUN, plain, null, tracePath);
    const plainSeconds = (Date.now() - t0) / 1000;
    const plan = planKills(parseTrace(readFileSync(tracePath, "utf8")), RUN.seed, RUN.cycles, KILLS);
    const t1 = Date.now();
    const lives = await runWithKills(RUN, killed, plan);
    const killedSeconds = (Date.now() - t1) / 1000;
    const [a, b] = [await outcome(plain), await outcome(killed)];
    const problems = [...mismatches(a, b), ...decisionGaps(b, RUN.cycles), ...decisionGaps(a, RUN.cycles)];
    for (const l of lives.filter((x) => x.killed)) {
      const where =
        l.kill?.kind === "self" ? `${l.kill.phase} at ${l.diedAt}` : `external, cycle ${l.kill?.cycle}`;
      console.log(`# killed: ${where}`);
    }
    for (const p of problems) console.log(`# mismatch: ${p}`);
    const prefix = engine === "postgres" ? "kill-restart" : `kill-restart-${engine}`;
    console.log(`${prefix}-cycles: ${b.cycles.length}`);
    console.log(`${prefix}-kills: ${lives.filter((l) => l.killed).length}`);
    console.log(`${prefix}-decisions: ${b.decisions.length}`);
    console.log(`${prefix}-applied-changes: ${b.appliedChanges.length}`);
    console.log(`${prefix}-mismatches: ${problems.length}`);
    console.log(`${prefix}-uninterrupted-run: ${plainSeconds.toFixed(1)} s`);
    console.log(`${prefix}-killed-run: ${killedSeconds.toFixed(1)} s`);
    return problems.length;
  } finally {
    if (engine === "postgres" && adminUrl) for (const d of databases) await dropScratchDatabase(adminUrl, d);
  }
}

let failures = 0;
try {
  for (const engine of engines) failures += await bench(engine);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failures > 0 ? 1 : 0);
