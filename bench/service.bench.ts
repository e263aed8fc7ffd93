// The service target: one optimization cycle over 1,000 accounts x 50 arms on PostgreSQL in under 10 s.
// Seeds a fresh database (created and dropped here) with 1,000 accounts of 50 campaigns and 35 days of
// daily performance, then runs the real cycle (`runCycle`: sync upserts, arm snapshots, posteriors and
// Thompson plan, balanced budget steps, proposals through governance's guardrails, decisions,
// allocations and cycle rows) for every account — once cold (the first cycle, where nearly every arm
// gets a proposal), then once an hour later (the warm cycle, the steady state) — on
// SERVICE_BENCH_WORKERS service workers (default 2, one per core: worker threads, each with its own pg
// pool and every other account, as `adpilot serve --no-api` processes share one PostgreSQL) with
// SERVICE_BENCH_CONCURRENCY cycles in flight between them (default 8). SERVICE_BENCH_WORKERS=1 runs
// them all in this process. The platform is an in-memory one per account that answers instantly (no network, no lab),
// so the figures are AdPilot's own cost. Prints both cycles' wall time and proposals, the warm cycle's
// mean time per account, throughput and CPU (Node and PostgreSQL), and the process's peak RSS.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { openStore, type Store } from "../src/store/index.js";
import { timeQueries } from "./support/query-timer.js";
import { cycleAll, fleetCycleDeps } from "./support/service-cycles.js";
import { accountIdOf, type FleetShape, seedFleet } from "./support/service-fleet.js";

const SHAPE: FleetShape = {
  accounts: Number(process.env.SERVICE_BENCH_ACCOUNTS ?? 1000),
  arms: Number(process.env.SERVICE_BENCH_ARMS ?? 50),
  historyDays: 35,
  today: "2025-05-01",
};
const CONCURRENCY = Number(process.env.SERVICE_BENCH_CONCURRENCY ?? 8);
/** Service workers (threads here, each with its own pool); a 2-core machine runs two. */
const WORKERS = Number(process.env.SERVICE_BENCH_WORKERS ?? 2);
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
 * Busy CPU seconds of the whole machine so far (all cores, from /proc/stat), or null where it cannot be
 * read. Less this process's own CPU, that is PostgreSQL (its backends come and go with the workers'
 * pools, so they cannot be summed one by one) and whatever else runs, which here is next to nothing.
 */
function machineBusySeconds(): number | null {
  try {
    const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
    const ticks = cpu!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
    const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
    return busy / 100; // USER_HZ
  } catch {
    return null;
  }
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

/** Cycles the fleet's accounts at a clock hour; returns each cycle's milliseconds. */
interface Fleet {
  cycle(hour: number): Promise<number[]>;
  close(): Promise<void>;
}

/** All cycles in this process, CONCURRENCY in flight on the benchmark's pool (one service worker). */
async function inProcessFleet(store: Store, ids: string[]): Promise<Fleet> {
  const clock = { hour: 0 };
  const deps = await fleetCycleDeps(store, SHAPE, clock, ids);
  return {
    cycle(hour) {
      clock.hour = hour;
      return cycleAll(deps, ids, CONCURRENCY);
    },
    async close() {},
  };
}

/**
 * WORKERS worker threads, each with its own pool and every WORKERS-th account, CONCURRENCY in flight
 * between them: WORKERS service workers on one PostgreSQL, as `adpilot serve --no-api` processes are.
 */
async function threadFleet(ids: string[]): Promise<Fleet> {
  const workers = Array.from({ length: WORKERS }, (_, w) => {
    // On Node 20 a worker neither inherits the tsx loader nor honours `--import`: it registers tsx itself
    // (as src/lab/montecarlo/runner.ts does), then loads the worker's module.
    const api = createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs");
    const module = new URL("./support/service-worker.ts", import.meta.url).href;
    const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(module)}); });`;
    const worker = new Worker(code, {
      eval: true,
      workerData: {
        databaseUrl: benchUrl,
        shape: SHAPE,
        accountIds: ids.filter((_, i) => i % WORKERS === w),
        concurrency: Math.max(1, Math.round(CONCURRENCY / WORKERS)),
      },
    });
    return worker;
  });
  const next = (worker: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  await Promise.all(workers.map(next));
  return {
    async cycle(hour) {
      const answers = await Promise.all(
        workers.map((worker) => {
          const answer = next(worker);
          worker.postMessage({ hour });
          return answer as Promise<{ durations?: number[]; error?: string }>;
        }),
      );
      for (const a of answers) if (a.error) throw new Error(`bench worker failed: ${a.error}`);
      return answers.flatMap((a) => a.durations ?? []);
    },
    async close() {
      for (const worker of workers) worker.postMessage("close");
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve))));
    },
  };
}

async function bench(plain: Store): Promise<void> {
  const timer = process.env.SERVICE_BENCH_TRACE ? timeQueries(plain) : null;
  const store = timer?.store ?? plain;
  let started = performance.now();
  await seedFleet(store, SHAPE);
  const seedSeconds = (performance.now() - started) / 1000;
  const ids = Array.from({ length: SHAPE.accounts }, (_, i) => accountIdOf(i + 1));
  // profiles and traces see this process's work only
  const fleet =
    WORKERS === 1 || timer || process.env.SERVICE_BENCH_PROFILE
      ? await inProcessFleet(store, ids)
      : await threadFleet(ids);

  // The first cycle: every arm's budget moves (the fleet's budgets were never planned), so nearly every
  // arm gets a proposal; it also pays for JIT and the first plans of every statement.
  started = performance.now();
  await fleet.cycle(9);
  const firstSeconds = (performance.now() - started) / 1000;
  // The seed and the first cycle wrote gigabytes of WAL; the checkpoint that forces would otherwise
  // land in the warm cycle at a random point. Starting it checkpointed, the warm cycle still pays
  // what every steady-state cycle pays (a full-page image for each page it is first to change).
  await plain.query("CHECKPOINT");
  const checkpointsBefore = await checkpointCount(plain);
  const statements = process.env.SERVICE_BENCH_STATEMENTS ? await statementStats(plain) : null;
  timer?.reset();
  const profiler = process.env.SERVICE_BENCH_PROFILE ? await startProfile() : null;
  const machineBefore = machineBusySeconds();
  const cpu = process.cpuUsage();
  started = performance.now();
  const durations = await fleet.cycle(10);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const machineAfter = machineBusySeconds();
  await fleet.close();
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
  if (machineBefore !== null && machineAfter !== null)
    console.log(
      `service-cycle-postgres-cpu: ${(machineAfter - machineBefore - (user + system) / 1e6).toFixed(2)} s`,
    );
  console.log(`service-cycle-concurrency: ${CONCURRENCY} cycles`);
  console.log(`service-cycle-workers: ${WORKERS} workers`);
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
