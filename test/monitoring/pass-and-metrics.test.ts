import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdPlatformConnector } from "../../src/connectors/port.js";
import { listAlerts } from "../../src/monitoring/alerts/actions.js";
import { createMonitoringMetrics, metricsRoutes } from "../../src/monitoring/metrics.js";
import { latestCheckResults, runMonitoringPass } from "../../src/monitoring/run-pass.js";
import { createEventBus } from "../../src/service/event-bus.js";
import { openTestStore, type TestStore } from "../support/stores.js";
import { seedAccount } from "./support/seed.js";

const T0 = new Date("2025-08-20T10:00:00Z");
const at = (m: number) => new Date(T0.getTime() + m * 60_000);

/** A platform whose calls fail while `down` is set (the only fake: the platform is an outside service). */
function flakyConnector(state: { down: boolean }): AdPlatformConnector {
  const fail = () => {
    if (state.down) throw new Error("HTTP 503 from platform");
  };
  return {
    platform: "sandbox",
    async listAccounts() {
      fail();
      return [];
    },
    async listEntities() {
      return [];
    },
    async fetchPerformance() {
      return [];
    },
    async applyChange() {
      throw new Error("not used");
    },
    async health() {
      return {
        ok: !state.down,
        successRate: 1,
        p95LatencyMs: 0,
        rateLimitPressure: 0.1,
        tokenExpiresAt: null,
      };
    },
  };
}

describe("monitoring pass on the store", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore("pglite");
    await seedAccount(store);
    await store.query(
      `INSERT INTO service_accounts (account_id, daily_budget_minor, interval_seconds, consecutive_failures, last_error, updated_at)
       VALUES ('acc_1', 100000, 900, 0, NULL, $1)`,
      [at(-60)],
    );
    await store.query(
      "INSERT INTO cycles (account_id, cycle_no, status, started_at) VALUES ('acc_1', 1, 'completed', $1)",
      [at(-5)],
    );
  });
  afterAll(() => store.close());

  it("opens an API alert within two probes, resolves it when the platform is back; loop failures page", async () => {
    const state = { down: false };
    const bus = createEventBus();
    const deps = { store, bus, connectorFor: async () => flakyConnector(state) };
    expect((await runMonitoringPass(deps, at(0), { scope: "health" })).alerts.opened).toHaveLength(0);
    state.down = true;
    expect((await runMonitoringPass(deps, at(1), { scope: "health" })).alerts.opened).toHaveLength(0);
    const down = await runMonitoringPass(deps, at(2), { scope: "health" });
    expect(down.alerts.opened.map((a) => a.cause)).toEqual(["api_health:errors"]);
    expect(down.alerts.opened[0]!.title).toBe("Sandbox API failing for account Shop acc_1 since 10:02");
    state.down = false;
    const up = await runMonitoringPass(deps, at(3), { scope: "health" });
    expect(up.alerts.resolved.map((a) => a.cause)).toEqual(["api_health:errors"]);

    await store.query(
      "UPDATE service_accounts SET consecutive_failures = 3, last_error = 'boom' WHERE account_id = 'acc_1'",
    );
    const crash = await runMonitoringPass(deps, at(5), { scope: "health" });
    expect(crash.alerts.opened.map((a) => a.title)).toEqual([
      "Optimization loop for account Shop acc_1 failed 3 times in a row since 10:05 — budgets are not being optimized",
    ]);
    const checks = await latestCheckResults(store, "default");
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ["api_health", "ok"],
      ["loop", "fail"],
    ]);
  });

  it("runs every check on a full pass and flags data for unknown campaigns", async () => {
    await store.query(
      "INSERT INTO campaigns (account_id, external_id, name) VALUES ('acc_1', 'c1', 'Search')",
    );
    await store.query(
      `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor)
       SELECT 'acc_1', d::date, c, 1000, 50, 4000, 5, 12000
       FROM generate_series('2025-08-10'::date, '2025-08-20'::date, '1 day') d, unnest(ARRAY['c1', 'cmp-x9']) c`,
    );
    const result = await runMonitoringPass({ store, bus: createEventBus() }, at(10));
    expect(result.outcomes.map((o) => o.check).sort()).toEqual(["data_quality", "loop", "mapping", "pacing"]);
    const open = await listAlerts(store, { workspaceId: "default" });
    expect(open.map((a) => a.cause)).toContain("mapping:unknown_entities");
  });

  it("serves Prometheus metrics from events and the store", async () => {
    const metrics = createMonitoringMetrics({ store });
    const base = { workspaceId: "default", accountId: "acc_1", at: T0.toISOString() };
    metrics.observeEvent({ ...base, id: 1, type: "cycle.completed", data: { durationMs: 1200 } });
    metrics.observeEvent({ ...base, id: 2, type: "cycle.failed", data: {} });
    metrics.observeEvent({
      ...base,
      id: 3,
      type: "decision.recorded",
      data: { action: "SCALE", confidence: 0.8, reason: "strong" },
    });
    metrics.observeEvent({
      ...base,
      id: 4,
      type: "decision.recorded",
      data: { action: "KILL", confidence: 0.6, reason: "creative fatigue" },
    });
    metrics.observeEvent({ ...base, id: 5, type: "proposal.applied", data: {} });
    metrics.observeApiCall("google", "rate_limited");
    const app = Fastify();
    metricsRoutes(app, { metrics });
    const res = await app.inject({ method: "GET", url: "/metrics" });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/plain/);
    const text = res.body;
    expect(text).toContain('adpilot_cycles_total{status="completed"} 1');
    expect(text).toContain('adpilot_cycles_total{status="failed"} 1');
    expect(text).toContain("adpilot_cycle_duration_seconds_count 1");
    expect(text).toContain('adpilot_decisions_total{action="scale"} 1');
    expect(text).toContain("adpilot_decision_confidence_mean 0.7");
    expect(text).toContain("adpilot_fatigue_detections_total 1");
    expect(text).toContain('adpilot_applies_total{result="applied"} 1');
    expect(text).toContain('adpilot_api_calls_total{platform="google",status="rate_limited"} 1');
    expect(text).toContain('adpilot_rate_limits_hit_total{platform="google"} 1');
    expect(text).toMatch(/adpilot_alerts_open\{severity="critical"\} [1-9]/);
  });
});
