import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ServiceEvent } from "../service/event-bus.js";
import type { Store } from "../store/index.js";

export interface MonitoringMetrics {
  registry: Registry;
  /** Feed every service event here (cycles, decisions, proposals, applies). */
  observeEvent(event: ServiceEvent): void;
  /** A call to a platform API: status "ok", "error" or "rate_limited". */
  observeApiCall(platform: string, status: "ok" | "error" | "rate_limited"): void;
  observeFatigue(count?: number): void;
}

/**
 * The Prometheus metrics of AdPilot. Counters move with events; proposals by status and alerts open by
 * severity are read from the store at scrape time (so they are right after a restart too).
 */
export function createMonitoringMetrics(
  options: { store?: Store; registry?: Registry } = {},
): MonitoringMetrics {
  const registry = options.registry ?? new Registry();
  const store = options.store;
  const cycles = new Counter({
    name: "adpilot_cycles_total",
    help: "Optimization cycles run, by status",
    labelNames: ["status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "adpilot_cycle_duration_seconds",
    help: "Duration of optimization cycles",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const applies = new Counter({
    name: "adpilot_applies_total",
    help: "Changes applied to platforms, by result",
    labelNames: ["result"],
    registers: [registry],
  });
  const apiCalls = new Counter({
    name: "adpilot_api_calls_total",
    help: "Platform API calls, by platform and status",
    labelNames: ["platform", "status"],
    registers: [registry],
  });
  const rateLimits = new Counter({
    name: "adpilot_rate_limits_hit_total",
    help: "Platform rate limits hit",
    labelNames: ["platform"],
    registers: [registry],
  });
  const decisions = new Counter({
    name: "adpilot_decisions_total",
    help: "Per-arm decisions, by action",
    labelNames: ["action"],
    registers: [registry],
  });
  const confidenceSum = { sum: 0, n: 0 };
  new Gauge({
    name: "adpilot_decision_confidence_mean",
    help: "Mean confidence of the decisions recorded since the process started",
    registers: [registry],
    collect() {
      this.set(confidenceSum.n > 0 ? confidenceSum.sum / confidenceSum.n : 0);
    },
  });
  const fatigue = new Counter({
    name: "adpilot_fatigue_detections_total",
    help: "Creative fatigue detections",
    registers: [registry],
  });
  new Gauge({
    name: "adpilot_proposals",
    help: "Proposals by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      if (!store) return;
      this.reset();
      const rows = await store.query<{ status: string; n: number }>(
        "SELECT status, count(*)::int AS n FROM proposals GROUP BY status",
      );
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: "adpilot_alerts_open",
    help: "Open (incl. acknowledged) alerts by severity",
    labelNames: ["severity"],
    registers: [registry],
    async collect() {
      if (!store) return;
      for (const s of ["info", "warning", "critical"]) this.set({ severity: s }, 0);
      const rows = await store.query<{ severity: string; n: number }>(
        "SELECT severity, count(*)::int AS n FROM alerts WHERE status <> 'resolved' GROUP BY severity",
      );
      for (const r of rows) this.set({ severity: r.severity }, Number(r.n));
    },
  });
  new Gauge({
    name: "adpilot_alert_deliveries_pending",
    help: "Alert notifications not yet taken by their receiver",
    registers: [registry],
    async collect() {
      if (!store) return;
      const rows = await store.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM alert_deliveries WHERE status = 'pending'",
      );
      this.set(Number(rows[0]?.n ?? 0));
    },
  });
  for (const status of ["completed", "failed"]) cycles.inc({ status }, 0);
  for (const result of ["applied", "failed"]) applies.inc({ result }, 0);

  return {
    registry,
    observeEvent(event) {
      const d = event.data;
      switch (event.type) {
        case "cycle.completed":
          cycles.inc({ status: "completed" });
          if (typeof d.durationMs === "number") duration.observe(d.durationMs / 1000);
          break;
        case "cycle.failed":
          cycles.inc({ status: "failed" });
          break;
        case "decision.recorded":
          decisions.inc({ action: String(d.action ?? "unknown").toLowerCase() });
          if (typeof d.confidence === "number") {
            confidenceSum.sum += d.confidence;
            confidenceSum.n++;
          }
          if (/fatigue/i.test(String(d.reason ?? ""))) fatigue.inc();
          break;
        case "proposal.applied":
          applies.inc({ result: "applied" });
          break;
        case "proposal.failed":
          applies.inc({ result: "failed" });
          break;
      }
    },
    observeApiCall(platform, status) {
      apiCalls.inc({ platform, status });
      if (status === "rate_limited") rateLimits.inc({ platform });
    },
    observeFatigue(count = 1) {
      fatigue.inc(count);
    },
  };
}

/**
 * GET /metrics in Prometheus text format. Register it on the root app (public, like /healthz) or
 * inside the authenticated scope (then scrapes need a key with status.read).
 */
export function metricsRoutes(app: FastifyInstance, deps: { metrics: MonitoringMetrics }): void {
  app.get(
    "/metrics",
    { config: { action: "status.read", rateLimit: false }, schema: { hide: true } },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.header("content-type", deps.metrics.registry.contentType).send(text);
    },
  );
}
