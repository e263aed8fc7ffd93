import { describe, expect, it } from "vitest";
import { uniformPolicy } from "./policy.js";
import { runWorld } from "./run-world.js";
import { loadShippedScenario } from "./testing/shipped.js";
import { thompsonPolicy } from "./thompson-policy.js";
import { compileScenario } from "./world/compile.js";

describe("the Thompson-sampling policy in the lab", () => {
  it("earns more true incremental conversions than a uniform split on the same worlds, and spends the same", () => {
    const cw = compileScenario(loadShippedScenario("ecommerce"), { users: 5000 });
    let ours = 0;
    let uniform = 0;
    let ourSpend = 0;
    let uniformSpend = 0;
    for (const seed of [11, 12, 13]) {
      const a = runWorld(cw, seed, 45, thompsonPolicy(cw, seed));
      const b = runWorld(cw, seed, 45, uniformPolicy(cw));
      ours += a.incrementalConversions;
      uniform += b.incrementalConversions;
      ourSpend += a.spendMinor;
      uniformSpend += b.spendMinor;
    }
    expect(ours).toBeGreaterThan(uniform * 1.05);
    // Same total budget: it wins by where the money goes, not by spending more.
    expect(ourSpend).toBeLessThan(uniformSpend * 1.1);
  });

  it("is deterministic for a seed", () => {
    const cw = compileScenario(loadShippedScenario("ecommerce"), { users: 2000 });
    const a = runWorld(cw, 5, 10, thompsonPolicy(cw, 5));
    const b = runWorld(cw, 5, 10, thompsonPolicy(cw, 5));
    expect(a).toEqual(b);
  });
});
