import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acknowledgeAlert,
  escalateOverdue,
  getAlert,
  listAlerts,
  resolveAlertManually,
  silenceAlert,
} from "../../src/monitoring/alerts/actions.js";
import { applyOutcomes } from "../../src/monitoring/alerts/reconcile.js";
import { alertTitle } from "../../src/monitoring/alerts/title.js";
import type { CheckOutcome, Finding } from "../../src/monitoring/checks/types.js";
import { createEventBus, type ServiceEvent } from "../../src/service/event-bus.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { seedAccount } from "./support/seed.js";

const T0 = new Date("2025-08-20T02:10:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function apiFinding(impact: string, severity: Finding["severity"] = "critical"): Finding {
  return {
    check: "api_health",
    cause: "api_health:errors",
    accountId: "acc_1",
    severity,
    headline: "Sandbox API failing for account Shop",
    impact,
    evidence: { failed: 5 },
    suggestedAction: "Check the status page.",
    links: [{ label: "account acc_1", href: "/accounts/acc_1" }],
  };
}
const outcomeOf = (findings: Finding[]): CheckOutcome => ({
  check: "api_health",
  accountId: "acc_1",
  status: findings.length ? "fail" : "ok",
  findings,
  summary: "",
  metrics: {},
});

it("titles say what, since when and what it costs", () => {
  expect(alertTitle("Sandbox API failing for account X", "spend is 48% under plan", T0)).toBe(
    "Sandbox API failing for account X since 02:10 — spend is 48% under plan",
  );
  expect(alertTitle("Loop stalled", null, T0, "America/New_York")).toBe("Loop stalled since 22:10");
});

describe.each(testEngines())("alerts on %s", (engine) => {
  let store: TestStore;
  const bus = createEventBus();
  const events: ServiceEvent[] = [];
  bus.subscribe("default", (e) => events.push(e));

  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccount(store);
  });
  afterAll(() => store.close());

  it("opens one alert per cause, updates it instead of repeating, resolves it when the check passes", async () => {
    const first = await applyOutcomes(store, bus, {
      workspaceId: "default",
      outcomes: [outcomeOf([apiFinding("spend is 20% under plan")])],
      now: at(0),
    });
    expect(first.opened).toHaveLength(1);
    const again = await applyOutcomes(store, bus, {
      workspaceId: "default",
      outcomes: [outcomeOf([apiFinding("spend is 48% under plan")])],
      now: at(5),
    });
    expect(again.opened).toHaveLength(0);
    expect(again.updated).toHaveLength(1);
    const [alert] = await listAlerts(store, { workspaceId: "default" });
    expect(alert!.title).toBe("Sandbox API failing for account Shop since 02:10 — spend is 48% under plan");
    expect(alert!.occurrences).toBe(2);
    // Skipped checks leave alerts alone.
    await applyOutcomes(store, bus, {
      workspaceId: "default",
      outcomes: [{ ...outcomeOf([]), status: "skipped" }],
      now: at(6),
    });
    expect(await listAlerts(store, { workspaceId: "default" })).toHaveLength(1);
    const passed = await applyOutcomes(store, bus, {
      workspaceId: "default",
      outcomes: [outcomeOf([])],
      now: at(10),
    });
    expect(passed.resolved.map((a) => a.id)).toEqual([alert!.id]);
    expect(await listAlerts(store, { workspaceId: "default" })).toHaveLength(0);
    const { history } = await getAlert(store, "default", alert!.id);
    expect(history.map((h) => h.kind)).toEqual(["opened", "resolved"]);
    expect(events.map((e) => e.type)).toEqual(["alert.opened", "alert.updated", "alert.resolved"]);
    // The cause recurring later opens a new alert.
    const back = await applyOutcomes(store, bus, {
      workspaceId: "default",
      outcomes: [outcomeOf([apiFinding("x")])],
      now: at(20),
    });
    expect(back.opened[0]!.id).not.toBe(alert!.id);
    await resolveAlertManually(
      { store, bus, workspaceId: "default", actor: "ops", now: at(21) },
      back.opened[0]!.id,
    );
  });

  it("escalates when unacknowledged; acknowledging stops it; silence with expiry; history kept", async () => {
    const { opened } = await applyOutcomes(store, bus, {
      workspaceId: "default",
      outcomes: [outcomeOf([apiFinding("x")])],
      now: at(100),
    });
    const id = opened[0]!.id;
    expect(await escalateOverdue(store, bus, at(110))).toHaveLength(0);
    const escalated = await escalateOverdue(store, bus, at(116));
    expect(escalated.map((a) => [a.id, a.escalationLevel])).toEqual([[id, 1]]);
    const ctx = { store, bus, workspaceId: "default", actor: "alice", now: at(120) };
    const acked = await acknowledgeAlert(ctx, id, "looking");
    expect(acked.status).toBe("acknowledged");
    expect(await escalateOverdue(store, bus, at(200))).toHaveLength(0);
    await expect(silenceAlert(ctx, id, at(100))).rejects.toThrow(/in the future/);
    const silenced = await silenceAlert(ctx, id, at(180));
    expect(silenced.silencedUntil?.toISOString()).toBe(at(180).toISOString());
    const resolved = await resolveAlertManually({ ...ctx, now: at(130) }, id, "fixed");
    expect(resolved.resolvedBy).toBe("alice");
    await expect(acknowledgeAlert(ctx, id)).rejects.toThrow(/already resolved/);
    await expect(acknowledgeAlert(ctx, 999_999)).rejects.toThrow(/no alert 999999/);
    const { history } = await getAlert(store, "default", id);
    expect(history.map((h) => h.kind)).toEqual([
      "opened",
      "escalated",
      "acknowledged",
      "silenced",
      "resolved",
    ]);
  });
});
