import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { upsertServiceAccount } from "../../src/service/cycle/service-accounts.js";
import { SandboxRuntime } from "../../src/service/sandbox-runtime.js";
import { openStore, type Store } from "../../src/store/index.js";

const url = process.env.TEST_DATABASE_URL;
const cliMain = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
const schema = `workers_${process.pid}`;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", cliMain, "serve", "--no-api"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      ADPILOT_DB_SCHEMA: schema,
      LOG_LEVEL: "error",
      ADPILOT_QUEUE_SUPERVISE_SECONDS: "2",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`);
  await client.end();
});

// Scaling out: several worker processes on one PostgreSQL through pg-boss.
describe.skipIf(!url)("worker processes on PostgreSQL", () => {
  it("never run an account's cycle twice at once, and a killed worker's cycle is finished by another", async () => {
    const store: Store = await openStore({ databaseUrl: url, schema });
    try {
      const accounts = ["ecommerce", "service-business", "subscription-app"];
      for (const [i, scenario] of accounts.entries()) {
        const accountId = `acc_w_${i}`;
        const runtime = await SandboxRuntime.open(store, accountId, {
          scenario,
          seed: i + 1,
          users: 1500,
          hoursPerCycle: 1,
        });
        const [platform] = await runtime.connector.listAccounts();
        await store.query(
          `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
           VALUES ($1, 'default', 'sandbox', $2, $3, $4, $5)`,
          [accountId, platform.externalId, platform.name, platform.currency, platform.timeZone],
        );
        // Cycles every second, so the test sees many of them.
        await upsertServiceAccount(store, {
          accountId,
          dailyBudgetMinor: 20_000,
          intervalSeconds: 1,
          seed: i + 1,
          scenario,
        });
        await store.query("UPDATE service_accounts SET interval_seconds = 1 WHERE account_id = $1", [
          accountId,
        ]);
      }
      const first = startWorker();
      startWorker();
      const completed = () =>
        store
          .query<{ n: number }>("SELECT count(*)::int AS n FROM cycles WHERE status = 'completed'")
          .then((r) => r[0].n);
      await waitFor("12 completed cycles", async () => ((await completed()) >= 12 ? true : null), 90_000);
      // Kill one worker while it is inside a cycle.
      await waitFor(
        "a running cycle",
        async () =>
          (await store.query("SELECT 1 FROM cycles WHERE status = 'running'")).length > 0 ? true : null,
        30_000,
      );
      const inFlight = await store.query<{ account_id: string; cycle_no: number }>(
        "SELECT account_id, cycle_no FROM cycles WHERE status = 'running'",
      );
      first.kill("SIGKILL");
      const atKill = await completed();
      await waitFor(
        "progress after the kill",
        async () => ((await completed()) >= atKill + 9 ? true : null),
        90_000,
      );

      // Whatever was in flight when the worker died is completed by the survivor.
      for (const c of inFlight) {
        await waitFor(
          `cycle ${c.account_id}#${c.cycle_no} to complete`,
          async () =>
            (
              await store.query(
                "SELECT 1 FROM cycles WHERE account_id = $1 AND cycle_no = $2 AND status = 'completed'",
                [c.account_id, c.cycle_no],
              )
            ).length > 0
              ? true
              : null,
          90_000,
        );
      }
      // Exactly one attempt's decisions per cycle and arm (the primary key would refuse a second)...
      const perCycle = await store.query<{ account_id: string; cycle_no: number; n: number }>(
        `SELECT c.account_id, c.cycle_no, count(d.arm_id)::int AS n FROM cycles c
         LEFT JOIN decisions d USING (account_id, cycle_no) WHERE c.status = 'completed' GROUP BY 1, 2`,
      );
      expect(perCycle.every((r) => r.n > 0)).toBe(true);
      // ...cycles of one account never overlap in time...
      const overlaps = await store.query(
        `SELECT a.account_id FROM cycles a JOIN cycles b ON a.account_id = b.account_id AND a.cycle_no < b.cycle_no
         WHERE a.status = 'completed' AND b.status = 'completed' AND b.started_at < a.finished_at`,
      );
      expect(overlaps).toEqual([]);
      // ...and every account kept advancing through consecutive cycle numbers.
      const gaps = await store.query(
        `SELECT account_id FROM cycles GROUP BY account_id HAVING max(cycle_no) <> count(*)`,
      );
      expect(gaps).toEqual([]);
      for (let i = 0; i < accounts.length; i++) {
        const [row] = await store.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM cycles WHERE account_id = $1 AND status = 'completed'",
          [`acc_w_${i}`],
        );
        expect(row.n).toBeGreaterThan(1);
      }
    } finally {
      await store.close();
    }
  }, 240_000);
});
