// API latency under a steady load: GET of one account's endpoint at a fixed rate against a server on
// 127.0.0.1 with a seeded store (PGlite; PostgreSQL too when TEST_DATABASE_URL is set).
// Prints api-p50-ms, api-p99-ms and api-requests-per-second per engine (the PGlite figures unsuffixed).
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { buildApiServer } from "../src/api/index.js";
import { createApiKey } from "../src/api/keys/index.js";
import { createEventBus } from "../src/service/event-bus.js";
import { openStore, PGLITE_PARSERS, type Store } from "../src/store/index.js";

/**
 * The endpoint measured. The target is the account's current allocation; until that route
 * exists, the account's spend and results per channel over the last week of data stand in for it.
 */
const BENCH_PATH = (accountId: string) =>
  `/accounts/${accountId}/metrics?by=channel&grain=total&from=2025-04-24&to=2025-04-30`;
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

/** 50 campaigns over 6 channels, 120 days of daily rows (6,000 performance rows), like a mid-size account. */
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
  // PGlite runs no autovacuum, so statistics exist only after an explicit ANALYZE (as after an import).
  await store.query("ANALYZE");
  return (await createApiKey(store, { workspaceId: "default", role: "viewer", name: "bench" })).key;
}

async function measure(label: string, store: Store): Promise<void> {
  const key = await seed(store);
  const app = await buildApiServer({
    store,
    events: createEventBus(),
    clock: () => new Date(),
    limits: { rateLimitMax: RATE * SECONDS * 2 },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${BENCH_PATH(ACCOUNT)}`;
  const headers = { authorization: `Bearer ${key}` };
  try {
    const warm = await fetch(url, { headers });
    if (warm.status !== 200) throw new Error(`warm-up got ${warm.status}: ${await warm.text()}`);
    await autocannon({ url, headers, connections: 10, overallRate: RATE, duration: 3 });
    const result = await autocannon({ url, headers, connections: 10, overallRate: RATE, duration: SECONDS });
    const suffix = label === "pglite" ? "" : `-${label}`;
    console.log(`api-p50-ms${suffix}: ${result.latency.p50} ms`);
    console.log(`api-p99-ms${suffix}: ${result.latency.p99} ms`);
    console.log(`api-max-ms${suffix}: ${result.latency.max} ms`);
    console.log(`api-requests-per-second${suffix}: ${result.requests.average} req/s`);
    console.log(`api-failed-requests${suffix}: ${result.non2xx + result.errors + result.timeouts} requests`);
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
