import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGovernance } from "../../src/governance/index.js";
import { createRng } from "../../src/models/random/index.js";
import { openTestStore, type TestStore } from "../support/stores.js";
import { PLATFORM_SQL } from "./multiprocess/pg-platform.js";
import { people, seedAccount, T0 } from "./support.js";

/**
 * Four OS processes propose, approve and execute for one account on the real PostgreSQL while the
 * test SIGKILLs one of them now and then and starts it again. The platform (tables in the same
 * database) ignores idempotency keys, so only the executor's locks and reconciliation stand between a
 * kill and a double apply. Simulated time runs at 1 hour per real second.
 */
const WORKERS = 4;
const MAX_KILLS = 3;
const QUOTA = 5;
const SPEED = 3_600;
const HOUR = 3_600_000;
const WORKER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "multiprocess", "worker.ts");

describe.skipIf(!process.env.TEST_DATABASE_URL)("four processes with kills on PostgreSQL", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore("postgres");
  });
  afterAll(() => store.close());

  it("never double-applies, never exceeds a limit, and finishes every approved proposal", {
    timeout: 90_000,
  }, async () => {
    const campaigns = Array.from({ length: 2 * WORKERS }, (_, i) => ({ id: `c${i}`, budget: 10_000 }));
    const limits = { changesPerCampaignPerHour: 2, changesPerAccountPerDay: 100, accountDailyBudget: 820 };
    const { accountId, externalId } = await seedAccount(store, campaigns, { guardrails: limits });
    await store.query(PLATFORM_SQL);
    for (const c of campaigns) {
      await store.query("INSERT INTO platform_entities VALUES ($1, 'active', $2)", [c.id, c.budget]);
    }
    const start = Date.now();
    const env = {
      ...process.env,
      MP_DB_URL: process.env.TEST_DATABASE_URL,
      MP_SCHEMA: store.schemaName!,
      MP_ACCOUNT: accountId,
      MP_EXTERNAL: externalId,
      MP_QUOTA: String(QUOTA),
      MP_WORKERS: String(WORKERS),
      MP_T0: String(T0.getTime()),
      MP_START: String(start),
      MP_SPEED: String(SPEED),
    };
    const procs = new Map<number, ChildProcess>();
    const done = new Map<number, Promise<void>>();
    const rng = createRng(77);
    let kills = 0;
    // kill a worker right after its platform call and before its commit, now and then; restart it
    const launch = (w: number, finished: () => void) => {
      const child = spawn(process.execPath, ["--import", "tsx", WORKER_SCRIPT], {
        env: { ...env, MP_WORKER: String(w) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (d) => {
        stderr += String(d);
      });
      child.stdout?.on("data", (d) => {
        if (String(d).includes("platform-applied") && kills < MAX_KILLS && rng.nextFloat() < 0.4) {
          kills++;
          child.kill("SIGKILL");
        }
      });
      procs.set(w, child);
      child.on("exit", (code, signal) => {
        if (signal === "SIGKILL") return launch(w, finished);
        if (code !== 0) console.error(`worker ${w} exited ${code}: ${stderr}`);
        finished();
      });
    };
    for (let w = 0; w < WORKERS; w++) done.set(w, new Promise((resolve) => launch(w, resolve)));

    const all = Promise.all([...done.values()]).then(() => [...procs.values()].map((c) => c.exitCode));
    const watchdog = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000));
    const codes = await Promise.race([all, watchdog]);
    if (codes === "timeout") {
      for (const child of procs.values()) child.kill("SIGKILL");
      const stuck = await store.query(
        "SELECT id, status, status_comment, next_attempt_at FROM proposals WHERE account_id = $1 AND status IN ('proposed', 'approved')",
        [accountId],
      );
      throw new Error(`workers did not finish; open proposals: ${JSON.stringify(stuck)}`);
    }
    expect(codes).toEqual(Array(WORKERS).fill(0));

    const mutations = await store.query<{ key: string; entity_id: string; daily_budget_minor: number }>(
      "SELECT key, entity_id, daily_budget_minor FROM platform_mutations ORDER BY id",
    );
    // each key reached the platform once, and each belongs to a proposal recorded as applied
    expect(new Set(mutations.map((m) => m.key)).size).toBe(mutations.length);
    const applied = await store.query<{ idempotency_key: string; campaign_id: string; applied_at: Date }>(
      "SELECT idempotency_key, campaign_id, applied_at FROM applied_changes WHERE account_id = $1 ORDER BY applied_at",
      [accountId],
    );
    expect(applied.map((a) => a.idempotency_key).sort()).toEqual(mutations.map((m) => m.key).sort());
    expect(applied.length).toBeGreaterThan(WORKERS * 2);
    expect(kills).toBeGreaterThan(0);
    for (const a of applied) {
      const t = new Date(a.applied_at).getTime();
      const within = (b: { applied_at: Date }, ms: number) =>
        new Date(b.applied_at).getTime() > t - ms && new Date(b.applied_at).getTime() <= t;
      expect(
        applied.filter((b) => b.campaign_id === a.campaign_id && within(b, HOUR)).length,
      ).toBeLessThanOrEqual(limits.changesPerCampaignPerHour);
    }
    const budgets = new Map(campaigns.map((c) => [c.id, c.budget]));
    for (const m of mutations) {
      budgets.set(m.entity_id, Number(m.daily_budget_minor));
      expect([...budgets.values()].reduce((s, b) => s + b, 0)).toBeLessThanOrEqual(
        limits.accountDailyBudget * 100,
      );
    }
    const statuses = await store.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM proposals WHERE account_id = $1 GROUP BY status ORDER BY status",
      [accountId],
    );
    expect(statuses.map((s) => s.status)).not.toContain("approved");
    const [{ reconciled }] = await store.query<{ reconciled: number }>(
      "SELECT count(*)::int AS reconciled FROM applied_changes WHERE account_id = $1 AND reconciled",
      [accountId],
    );
    // the kills came between a platform call and its commit: the restarted workers recorded those
    // applies from the platform's state instead of applying again
    expect(reconciled).toBeGreaterThan(0);
    const gov = createGovernance({ store, clock: () => new Date(), rng: createRng(1) });
    expect(await gov.audit.verify(people.viewer)).toMatchObject({ ok: true });
    console.log(
      `multiprocess: workers=${WORKERS} kills=${kills} applied=${applied.length} reconciled=${reconciled} statuses=${JSON.stringify(statuses)} seconds=${((Date.now() - start) / 1000).toFixed(1)}`,
    );
  });
});
