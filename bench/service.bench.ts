// The service target: one optimization cycle over 1,000 accounts x 50 arms on PostgreSQL in under 10 s.
// Seeds a fresh database (created and dropped here) with 1,000 accounts of 50 campaigns and 35 days of
// daily performance, then runs the real cycle (`runCycle`: sync upserts, arm snapshots, posteriors and
// Thompson plan, balanced budget steps, proposals through governance's guardrails, decisions,
// allocations and cycle rows) for every account — once cold (the first cycle, where nearly every arm
// gets a proposal), then once an hour later (the warm cycle, the steady state) — with
// SERVICE_BENCH_CONCURRENCY cycles in flight over one shared pg pool, as that many pg-boss workers would
// run them. The platform is an in-memory one per account that answers instantly (no network, no lab),
// so the figures are AdPilot's own cost. Prints both cycles' wall time and proposals, the warm cycle's
// mean time per account, throughput and CPU (Node and PostgreSQL), and the process's peak RSS.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import pg from "pg";
import pino from "pino";
import { createGovernance } from "../src/governance/index.js";
import { createRng } from "../src/models/random/index.js";
import { type CycleDeps, runCycle } from "../src/service/cycle/run-cycle.js";
import { createEventBus } from "../src/service/event-bus.js";
import { governanceGateway } from "../src/service/governance-gateway.js";
import { openStore, type Store } from "../src/store/index.js";
import { timeQueries } from "./support/query-timer.js";
import { accountIdOf, type FleetShape, fleetRuntimes, seedFleet } from "./support/service-fleet.js";

const SHAPE: FleetShape = {
  accounts: Number(process.env.SERVICE_BENCH_ACCOUNTS ?? 1000),
  arms: Number(process.env.SERVICE_BENCH_ARMS ?? 50),
  historyDays: 35,
  today: "2025-05-01",
};
const CONCURRENCY = Number(process.env.SERVICE_BENCH_CONCURRENCY ?? 8);
const POOL_SIZE = CONCURRENCY + 2;

const baseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!baseUrl) {
  console.error("service bench: set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server");
  process.exit(2);
}
const database = `adpilot_bench_service_${process.pid}`;
const benchUrl = (() => {
  const u = new URL(baseUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * CPU seconds used so far by this database's PostgreSQL backends (the pool's connections), read from
 * /proc when the server runs on this machine; null when it cannot be read.
 */
async function backendCpuSeconds(store: Store): Promise<number | null> {
  const rows = await store.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
  );
  let ticks = 0;
  try {
    for (const { pid } of rows) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
  } catch {
    return null;
  }
  return ticks / 100; // USER_HZ
}

/** Checkpoints the server has run (timed or forced); one in the warm cycle adds I/O and full-page writes. */
async function checkpointCount(store: Store): Promise<number | null> {
  // PostgreSQL 17 moved these counters to pg_stat_checkpointer
  const [row] = await store
    .query<{ n: number }>("SELECT (checkpoints_timed + checkpoints_req)::int AS n FROM pg_stat_bgwriter")
    .catch(() => [] as { n: number }[]);
  return row?.n ?? null;
}

/**
 * SERVICE_BENCH_STATEMENTS=1: the warm cycle's statements by execution time inside the server, from
 * pg_stat_statements (the server must load it: shared_preload_libraries = 'pg_stat_statements').
 * Unlike the trace, this leaves out time spent waiting for a connection or on the network.
 */
async function statementStats(store: Store): Promise<{ report(): Promise<string> }> {
  await store.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  await store.query("SELECT pg_stat_statements_reset()");
  return {
    async report() {
      const rows = await store.query<{
        ms: number;
        calls: number;
        blocks: number;
        wal: number;
        query: string;
      }>(
        `SELECT total_exec_time::float8 AS ms, calls::int, (shared_blks_hit + shared_blks_read)::float8 AS blocks,
                wal_bytes::float8 AS wal, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time DESC LIMIT 12`,
      );
      return rows
        .map(
          (r) =>
            `${r.ms.toFixed(0).padStart(8)} ms ${String(r.calls).padStart(6)}x ${(r.blocks / r.calls).toFixed(0).padStart(6)} blocks ${(r.wal / r.calls / 1024).toFixed(1).padStart(7)} kB WAL  ${r.query}`,
        )
        .join("\n");
    },
  };
}

/** SERVICE_BENCH_PROFILE=<file> writes a V8 CPU profile of the warm cycle (open it in Chrome's DevTools). */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.error(`# warm cycle's CPU profile: ${file}`);
    },
  };
}

/** Runs every account's cycle with at most CONCURRENCY in flight; returns each cycle's milliseconds. */
async function cycleAll(deps: CycleDeps, accountIds: string[]): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < accountIds.length) {
      const id = accountIds[next++];
      const started = performance.now();
      await runCycle(deps, id);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return durations;
}

async function bench(plain: Store): Promise<void> {
  const timer = process.env.SERVICE_BENCH_TRACE ? timeQueries(plain) : null;
  const store = timer?.store ?? plain;
  let started = performance.now();
  await seedFleet(store, SHAPE);
  const seedSeconds = (performance.now() - started) / 1000;
  const clock = { hour: 9 };
  const runtimes = await fleetRuntimes(store, SHAPE, clock);
  const instant = () => new Date(`${SHAPE.today}T${String(clock.hour).padStart(2, "0")}:00:00Z`);
  const governance = createGovernance({ store, clock: instant, rng: createRng(1) });
  const executor = governance.executor({
    connectorFor: async (accountId) => runtimes.get(accountId)!.connector,
    sleep: async () => {},
    workerId: "bench",
  });
  const deps: CycleDeps = {
    store,
    bus: createEventBus(),
    log: pino({ level: "error" }),
    runtimeFor: async (accountId) => {
      const runtime = runtimes.get(accountId);
      if (!runtime) throw new Error(`bench: no runtime for ${accountId}`);
      return runtime;
    },
    gateway: governanceGateway(governance, executor, () => "default"),
  };
  const ids = Array.from({ length: SHAPE.accounts }, (_, i) => accountIdOf(i + 1));

  // The first cycle: every arm's budget moves (the fleet's budgets were never planned), so nearly every
  // arm gets a proposal; it also pays for JIT and the first plans of every statement.
  started = performance.now();
  await cycleAll(deps, ids);
  const firstSeconds = (performance.now() - started) / 1000;
  clock.hour = 10;
  // The seed and the first cycle wrote gigabytes of WAL; the checkpoint that forces would otherwise
  // land in the warm cycle at a random point. Starting it checkpointed, the warm cycle still pays
  // what every steady-state cycle pays (a full-page image for each page it is first to change).
  await plain.query("CHECKPOINT");
  const checkpointsBefore = await checkpointCount(plain);
  const statements = process.env.SERVICE_BENCH_STATEMENTS ? await statementStats(plain) : null;
  timer?.reset();
  const profiler = process.env.SERVICE_BENCH_PROFILE ? await startProfile() : null;
  const pgBefore = await backendCpuSeconds(plain);
  const cpu = process.cpuUsage();
  started = performance.now();
  const durations = await cycleAll(deps, ids);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const pgAfter = await backendCpuSeconds(plain);
  const checkpointsAfter = await checkpointCount(plain);
  if (profiler) await profiler.stop(process.env.SERVICE_BENCH_PROFILE!);
  if (timer) console.error(`# warm cycle's queries by total time\n${timer.report()}`);
  if (statements) console.error(`# warm cycle's statements by server time\n${await statements.report()}`);

  const [counts] = await store.query<{
    decisions: number;
    proposals: number;
    firstProposals: number;
    completed: number;
  }>(
    `SELECT (SELECT count(*)::int FROM decisions WHERE cycle_no = 2) AS decisions,
            (SELECT count(*)::int FROM proposals WHERE cycle_id LIKE '%:1') AS "firstProposals",
            (SELECT count(*)::int FROM proposals WHERE cycle_id LIKE '%:2') AS proposals,
            (SELECT count(*)::int FROM cycles WHERE cycle_no = 2 AND status = 'completed') AS completed`,
  );
  if (counts.completed !== SHAPE.accounts || counts.decisions !== SHAPE.accounts * SHAPE.arms) {
    throw new Error(
      `warm cycle incomplete: ${counts.completed} of ${SHAPE.accounts} cycles, ${counts.decisions} decisions`,
    );
  }
  const mean = durations.reduce((s, d) => s + d, 0) / durations.length;
  const label = `${SHAPE.accounts}x${SHAPE.arms}`;
  console.log(`service-seed-seconds: ${seedSeconds.toFixed(1)} s`);
  console.log(`service-cycle-first-${label}: ${firstSeconds.toFixed(2)} s`);
  console.log(`service-cycle-first-proposals: ${counts.firstProposals} proposals`);
  console.log(`service-cycle-${label}: ${seconds.toFixed(2)} s`);
  console.log(`service-cycle-per-account: ${mean.toFixed(1)} ms`);
  console.log(`service-cycle-accounts-per-second: ${(SHAPE.accounts / seconds).toFixed(0)} accounts/s`);
  console.log(`service-cycle-proposals: ${counts.proposals} proposals`);
  console.log(`service-cycle-node-cpu: ${((user + system) / 1e6).toFixed(2)} s`);
  if (pgBefore !== null && pgAfter !== null)
    console.log(`service-cycle-postgres-cpu: ${(pgAfter - pgBefore).toFixed(2)} s`);
  console.log(`service-cycle-concurrency: ${CONCURRENCY} cycles`);
  if (checkpointsBefore !== null && checkpointsAfter !== null)
    console.log(`service-cycle-checkpoints: ${checkpointsAfter - checkpointsBefore} checkpoints`);
  console.log(`service-peak-rss: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

await admin(`DROP DATABASE IF EXISTS ${database}`);
await admin(`CREATE DATABASE ${database}`);
try {
  const store = await openStore({ databaseUrl: benchUrl, poolSize: POOL_SIZE });
  try {
    await bench(store);
  } finally {
    await store.close();
  }
} finally {
  // SERVICE_BENCH_KEEP=1 leaves the database for EXPLAIN ANALYZE of the cycle's queries.
  if (!process.env.SERVICE_BENCH_KEEP) await admin(`DROP DATABASE IF EXISTS ${database}`);
  else console.error(`# kept database ${database}`);
}
