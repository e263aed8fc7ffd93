// API latency under a steady load: GET of one account's endpoints at a fixed rate against a server on
// 127.0.0.1 with a seeded store (PGlite; PostgreSQL too when TEST_DATABASE_URL is set).
// The target: the account's current allocation at 200 requests/s for 30 s with p99 under 50 ms
// (api-allocation-p50-ms, api-allocation-p99-ms); the account's metrics by channel are measured the
// same way (api-p50-ms, api-p99-ms). PGlite figures are unsuffixed, PostgreSQL's end in -postgres.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { featureRoutes } from "../src/api/features/index.js";
import { buildApiServer } from "../src/api/index.js";
import { createApiKey } from "../src/api/keys/index.js";
import { createGovernance } from "../src/governance/index.js";
import { createRng } from "../src/models/random/index.js";
import { createEventBus } from "../src/service/event-bus.js";
import { openStore, PGLITE_PARSERS, type Store } from "../src/store/index.js";

/** The endpoints measured, each with the prefix of its figures. */
const ENDPOINTS = [
  { prefix: "api-allocation", path: (accountId: string) => `/accounts/${accountId}/allocation` },
  {
    prefix: "api",
    path: (accountId: string) =>
      `/accounts/${accountId}/metrics?by=channel&grain=total&from=2025-04-24&to=2025-04-30`,
  },
];
const RATE = Number(process.env.API_BENCH_RATE ?? 200);
const SECONDS = Number(process.env.API_BENCH_SECONDS ?? 30);
const ACCOUNT = "acc_bench";

interface AutocannonResult {
  latency: { p50: number; p99: number; max: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/**
 * 50 campaigns over 6 channels, 120 days of daily rows (6,000 performance rows), like a mid-size
 * account, managed by the service for 480 cycles (hourly for 20 days), each with its allocation.
 */
async function seed(store: Store): Promise<string> {
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency) VALUES ($1, 'default', 'google', 'bench', 'Bench', 'USD')`,
    [ACCOUNT],
  );
  await store.query(
    `INSERT INTO campaigns (account_id, external_id, name, channel, daily_budget_minor)
     SELECT $1, 'c' || i, 'Campaign ' || i, (ARRAY['search','shopping','social','video','display','email'])[1 + i % 6], 10000 + i * 100
     FROM generate_series(1, 50) i`,
    [ACCOUNT],
  );
  await store.query(
    `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor)
     SELECT $1, d::date, 'c' || i, 1000 + (i * 37 + extract(doy FROM d)::int * 11) % 900, 40 + i % 30,
            5000 + (i * 13) % 4000, 1 + i % 5, 15000 + (i * 101) % 9000
     FROM generate_series('2025-01-01'::date, '2025-04-30'::date, '1 day') d, generate_series(1, 50) i`,
    [ACCOUNT],
  );
  await store.query(
    `INSERT INTO service_accounts (account_id, daily_budget_minor, interval_seconds, next_cycle_no)
     SELECT $1, sum(daily_budget_minor), 3600, 481 FROM campaigns WHERE account_id = $1`,
    [ACCOUNT],
  );
  await store.query(
    `INSERT INTO cycles (account_id, cycle_no, status, sim_time, started_at, finished_at, duration_ms, summary)
     SELECT $1, n, 'completed', '2025-04-10'::timestamptz + n * interval '1 hour',
            '2025-04-10'::timestamptz + n * interval '1 hour', '2025-04-10'::timestamptz + n * interval '1 hour', 40,
            '{"channels":[{"channel":"search","source":"bandit"},{"channel":"social","source":"bandit"}]}'::jsonb
     FROM generate_series(1, 480) n`,
    [ACCOUNT],
  );
  await store.query(
    `INSERT INTO allocations (account_id, cycle_no, arm_id, channel, budget_minor, share)
     SELECT $1, n, c.external_id, c.channel, c.daily_budget_minor + (n * 7) % 300, 0.02
     FROM generate_series(1, 480) n, campaigns c WHERE c.account_id = $1`,
    [ACCOUNT],
  );
  // PGlite runs no autovacuum, so statistics exist only after an explicit ANALYZE (as after an import).
  await store.query("ANALYZE");
  return (await createApiKey(store, { workspaceId: "default", role: "viewer", name: "bench" })).key;
}

async function measure(label: string, store: Store): Promise<void> {
  const key = await seed(store);
  const clock = () => new Date();
  const app = await buildApiServer({
    store,
    events: createEventBus(),
    clock,
    limits: { rateLimitMax: RATE * SECONDS * 2 * ENDPOINTS.length },
    routes: featureRoutes({ governance: createGovernance({ store, clock, rng: createRng(1) }) }),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${key}` };
  const suffix = label === "pglite" ? "" : `-${label}`;
  try {
    for (const endpoint of ENDPOINTS) {
      const url = `${origin}${endpoint.path(ACCOUNT)}`;
      const warm = await fetch(url, { headers });
      if (warm.status !== 200) throw new Error(`warm-up of ${url} got ${warm.status}: ${await warm.text()}`);
      await autocannon({ url, headers, connections: 10, overallRate: RATE, duration: 3 });
      const result = await autocannon({
        url,
        headers,
        connections: 10,
        overallRate: RATE,
        duration: SECONDS,
      });
      const name = endpoint.prefix;
      console.log(`${name}-p50-ms${suffix}: ${result.latency.p50} ms`);
      console.log(`${name}-p99-ms${suffix}: ${result.latency.p99} ms`);
      console.log(`${name}-max-ms${suffix}: ${result.latency.max} ms`);
      console.log(`${name}-requests-per-second${suffix}: ${result.requests.average} req/s`);
      console.log(
        `${name}-failed-requests${suffix}: ${result.non2xx + result.errors + result.timeouts} requests`,
      );
    }
  } finally {
    await app.close();
  }
}

const pglite = await PGlite.create({ parsers: PGLITE_PARSERS });
const embedded = await openStore({ pglite });
try {
  await measure("pglite", embedded);
} finally {
  await embedded.close();
  await pglite.close();
}

const databaseUrl = process.env.TEST_DATABASE_URL;
if (databaseUrl) {
  const schema = `bench_api_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ databaseUrl, schema, poolSize: 8 });
  try {
    await measure("postgres", store);
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}
