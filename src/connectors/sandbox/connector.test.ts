import { describe, expect, it } from "vitest";
import { SandboxWorld } from "../../lab/sandbox-world.js";
import { platformTotals } from "../../lab/world/summary.js";
import { ConnectorFailure } from "../port.js";
import { SandboxConnector } from "./connector.js";
import { loadScenario } from "./scenario-files.js";

function setup(days = 3) {
  const sandbox = SandboxWorld.create(loadScenario("ecommerce"), { users: 3000, seed: 2 });
  sandbox.stepDays(days);
  const sleeps: number[] = [];
  const connector = new SandboxConnector(sandbox, {
    seed: 1,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { sandbox, connector, sleeps, account: connector.accountId };
}

describe("sandbox connector (through the port)", () => {
  it("lists the account and entities with budgets, bids and channels", async () => {
    const { connector, account } = setup(0);
    const accounts = await connector.listAccounts();
    expect(accounts).toEqual([expect.objectContaining({ externalId: account, currency: "USD" })]);
    const entities = await connector.listEntities(account);
    const campaigns = entities.filter((e) => e.level === "campaign");
    expect(campaigns.map((c) => c.channel)).toEqual(["search", "social", "video", "display"]);
    const groups = entities.filter((e) => e.level === "ad_group");
    expect(groups[0]).toMatchObject({ externalId: "grp-0", parentExternalId: "cmp-0", status: "active" });
    // 70 USD per 10,000 users, scaled to 3,000 users.
    expect(groups[0]!.dailyBudgetMinor).toBe(2100);
    expect(campaigns[0]!.dailyBudgetMinor).toBe(2100 + 750);
  });

  it("reports daily performance that adds up to the world's platform view", async () => {
    const { sandbox, connector, account } = setup(3);
    const rows = await connector.fetchPerformance({
      accountExternalId: account,
      from: "2025-08-04",
      to: "2025-08-05",
      granularity: "day",
      level: "ad",
    });
    const t = platformTotals(sandbox.world, 0, 2);
    expect(rows.reduce((s, r) => s + r.impressions, 0)).toBe(t.impressions);
    expect(rows.reduce((s, r) => s + r.clicks, 0)).toBe(t.clicks);
    expect(Math.abs(rows.reduce((s, r) => s + r.costMinor, 0) - t.costMinor)).toBeLessThanOrEqual(
      rows.length,
    );
    expect(rows.every((r) => r.hour === -1 && r.adId.startsWith("ad-"))).toBe(true);
  });

  it("hides hours younger than the channel's reporting lag", async () => {
    const { sandbox, connector, account } = setup(3);
    sandbox.stepHours(10); // clock: day 3, 10:00
    const rows = await connector.fetchPerformance({
      accountExternalId: account,
      from: "2025-08-07",
      to: "2025-08-07",
      granularity: "hour",
      level: "campaign",
    });
    const search = rows.filter((r) => r.campaignId === "cmp-0");
    expect(Math.max(...search.map((r) => r.hour))).toBeLessThanOrEqual(10 - 1 - 3);
    const display = rows.filter((r) => r.campaignId === "cmp-3");
    expect(Math.max(-1, ...display.map((r) => r.hour))).toBeLessThanOrEqual(10 - 1 - 6);
  });

  it("applies budget, bid and status changes idempotently and the world follows them", async () => {
    const { sandbox, connector, account } = setup(1);
    const change = {
      kind: "daily_budget" as const,
      accountExternalId: account,
      level: "ad_group" as const,
      entityExternalId: "grp-2",
      value: { dailyBudgetMinor: 500 },
      idempotencyKey: "k1",
    };
    const result = await connector.applyChange(change);
    expect(result).toMatchObject({ ok: true, after: { dailyBudgetMinor: 500, status: "active" } });
    expect(await connector.applyChange(change)).toBe(result);
    await connector.applyChange({
      kind: "status",
      accountExternalId: account,
      level: "campaign",
      entityExternalId: "cmp-3",
      value: { status: "paused" },
      idempotencyKey: "k2",
    });
    sandbox.stepDay();
    const g2 = sandbox.world.stats.group[1]!;
    expect(g2[2 * 2]!).toBeLessThanOrEqual(500_000);
    expect(platformTotals(sandbox.world, 1, 2, { channel: 3 }).impressions).toBe(0);
    await expect(
      connector.applyChange({ ...change, entityExternalId: "grp-99", idempotencyKey: "k3" }),
    ).rejects.toMatchObject({ kind: "not_found" });
    await expect(
      connector.applyChange({ ...change, value: { dailyBudgetMinor: -1 }, idempotencyKey: "k4" }),
    ).rejects.toMatchObject({ kind: "invalid_request" });
  });

  it("injects errors, rate limits and latency, visible in health", async () => {
    const { sandbox, connector, account, sleeps } = setup(1);
    sandbox.faults.set("errors", { rate: 1 });
    await expect(connector.listEntities(account)).rejects.toBeInstanceOf(ConnectorFailure);
    await expect(connector.listEntities(account)).rejects.toMatchObject({ kind: "transient" });
    sandbox.faults.set("errors", null);
    sandbox.faults.set("rate_limit", { rate: 1 });
    await expect(connector.listAccounts()).rejects.toMatchObject({
      kind: "rate_limit",
      retryAfterMs: 60_000,
    });
    sandbox.faults.clear("rate_limit");
    sandbox.faults.set("latency", { latencyMs: 1500 });
    await connector.listAccounts();
    expect(sleeps).toEqual([1500]);
    const health = await connector.health();
    expect(health.successRate).toBeCloseTo(1 / 4);
    expect(health.ok).toBe(false);
    expect(health.p95LatencyMs).toBe(1500);
    expect(health.rateLimitPressure).toBeCloseTo(1 / 4);
  });

  it("injects missing days, partial data and wrong ids only inside their time windows", async () => {
    const { sandbox, connector, account } = setup(4);
    const request = {
      accountExternalId: account,
      from: "2025-08-04",
      to: "2025-08-07",
      granularity: "day" as const,
      level: "ad" as const,
    };
    const clean = await connector.fetchPerformance(request);
    sandbox.faults.set("missing_days", { from: "2025-08-05", to: "2025-08-06" });
    const missing = await connector.fetchPerformance(request);
    expect(new Set(missing.map((r) => r.date))).toEqual(new Set(["2025-08-04", "2025-08-07"]));
    sandbox.faults.set("missing_days", null);
    sandbox.faults.set("wrong_ids", { rate: 0.5 });
    const wrong = await connector.fetchPerformance(request);
    const bad = wrong.filter((r) => r.adId.startsWith("ad-x")).length;
    expect(bad).toBeGreaterThan(0);
    expect(bad).toBeLessThan(wrong.length);
    sandbox.faults.set("wrong_ids", null);
    sandbox.faults.set("partial_data", { rate: 1 });
    const partial = await connector.fetchPerformance(request);
    expect(partial.length).toBeLessThan(clean.length);
    expect(partial.reduce((s, r) => s + r.clicks, 0)).toBeLessThan(clean.reduce((s, r) => s + r.clicks, 0));
  });

  it("stuck pacing under-delivers while the fault is on", async () => {
    const { sandbox } = setup(2);
    const spend = (d: number) =>
      sandbox.world.stats.group[d]!.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
    sandbox.faults.set("stuck_pacing", { from: "2025-08-06", to: "2025-08-06" });
    sandbox.stepDays(2);
    expect(spend(2)).toBeLessThan(0.4 * spend(1));
    expect(spend(3)).toBeGreaterThan(0.6 * spend(1));
  });
});

describe("scenario files", () => {
  it("names the key, the value and what is allowed when a scenario is bad", async () => {
    const { ScenarioError, parseScenarioText } = await import("../../lab/scenario/parse.js");
    const { readFileSync } = await import("node:fs");
    const { listScenarios } = await import("./scenario-files.js");
    const path = listScenarios().find((s) => s.name === "ecommerce")!.path;
    const text = readFileSync(path, "utf8")
      .replace("auction: gsp", "auction: vickrey")
      .replace("share: 0.45", "share: lots")
      .replace("name: search\n", "name: search\n    colour: red\n");
    try {
      parseScenarioText(text, "bad.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      const message = (error as Error).message;
      expect(message).toContain(
        'channels[0].auction: Invalid option: expected one of "second_price"|"first_price"|"gsp" (got "vickrey")',
      );
      expect(message).toContain(
        'segments[0].share: Invalid input: expected number, received string (got "lots")',
      );
      expect(message).toContain('channels[0]: unknown key(s) "colour"');
    }
    expect(() => loadScenario("nope")).toThrow(/available: .*ecommerce/);
  });
});
