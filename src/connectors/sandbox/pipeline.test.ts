import { describe, expect, it } from "vitest";
import { SandboxWorld } from "../../lab/sandbox-world.js";
import { platformTotals, truthTotals } from "../../lab/world/summary.js";
import { SandboxConnector } from "./connector.js";
import { loadScenario } from "./scenario-files.js";

describe("service business: CRM pipeline and identities", () => {
  const sandbox = SandboxWorld.create(loadScenario("service-business"), { users: 6000, seed: 3 });
  sandbox.stepDays(25);
  const connector = new SandboxConnector(sandbox);

  it("emits lead -> booked -> showed -> closed events with click ids over a 4-7 day cycle", () => {
    const events = connector.pipelineEvents();
    const leads = events.filter((e) => e.stage === "lead");
    const closed = events.filter((e) => e.stage === "closed");
    expect(leads.length).toBeGreaterThan(20);
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.length).toBeLessThan(leads.length);
    for (const deal of closed) {
      const lead = leads.find((l) => l.dealId === deal.dealId)!;
      const days = (deal.occurredAt.getTime() - lead.occurredAt.getTime()) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(4);
      expect(days).toBeLessThanOrEqual(7);
      // Organic leads (no ad click) carry no click id and map to no ad, as in a real CRM.
      if (deal.clickIds.gclid !== undefined) {
        expect(deal.clickIds.gclid).toMatch(/^sbx-3-\d+$/);
        expect(deal.adId).toMatch(/^ad-\d+$/);
      } else expect(deal.adId).toBeNull();
      expect(deal.currency).toBe("AED");
    }
    expect(closed.some((d) => d.clickIds.gclid !== undefined)).toBe(true);
    const mean = closed.reduce((t, e) => t + e.valueMinor!, 0) / closed.length / 100;
    expect(mean).toBeGreaterThan(5000);
    expect(mean).toBeLessThan(9000);
    // Nothing from the future.
    expect(events.every((e) => e.occurredAt.getTime() <= Date.parse("2025-09-26T00:00:00Z"))).toBe(true);
  });

  it("the platform reports leads without revenue; the revenue is only in the ground truth", () => {
    const p = platformTotals(sandbox.world);
    expect(p.conversions).toBeGreaterThan(0);
    expect(p.revenueMinor).toBe(0);
    expect(truthTotals(sandbox.world).revenueMinor).toBeGreaterThan(0);
  });

  it("clicks carry device ids; the ground truth maps each device to its person", () => {
    const { clicks, users } = sandbox.world;
    let otherDevice = 0;
    for (let i = 0; i < clicks.length; i++) {
      const device = clicks.get(2, i);
      const user = clicks.get(3, i);
      expect(users.personOfDevice(device)).toBe(user);
      if (device !== users.deviceStart[user]) otherDevice++;
    }
    expect(otherDevice).toBeGreaterThan(0);
    const devices = users.deviceLoggedIn.length;
    expect(devices / users.n).toBeGreaterThan(1.5);
  });
});
