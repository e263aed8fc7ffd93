import { describe, expect, it } from "vitest";
import { SandboxWorld } from "../sandbox-world.js";
import { loadShippedScenario } from "../testing/shipped.js";
import { platformTotals, truthTotals } from "./summary.js";

describe("world snapshots", () => {
  it("restores mid-day into a world that continues exactly like the original", () => {
    const a = SandboxWorld.create(loadShippedScenario("ecommerce"), { users: 2000, seed: 4 });
    a.stepDays(3);
    a.stepHours(7);
    a.faults.set("errors", { rate: 0.5 });
    const bytes = a.serialize();
    const b = SandboxWorld.restore(bytes);
    expect(b.clock).toEqual(a.clock);
    expect(b.faults.active("errors", b.clock.date)?.rate).toBe(0.5);
    a.stepDays(4);
    b.stepDays(4);
    expect(platformTotals(b.world)).toEqual(platformTotals(a.world));
    expect(truthTotals(b.world)).toEqual(truthTotals(a.world));
    expect(Array.from(b.world.users.stage)).toEqual(Array.from(a.world.users.stage));
    expect(b.serialize()).toEqual(a.serialize());
    expect(bytes.byteLength / 2000).toBeLessThan(400);
  });
});
