import { describe, expect, it } from "vitest";
import { computeOracle, concaveHull, interpolate } from "./oracle.js";
import { fixedPolicy, totalBudgetMilli, uniformPolicy } from "./policy.js";
import { runWorld } from "./run-world.js";
import { loadShippedScenario } from "./testing/shipped.js";
import { compileScenario } from "./world/compile.js";

describe("oracle", () => {
  it("allocates the whole budget and beats a uniform split on true incremental conversions", () => {
    const cw = compileScenario(loadShippedScenario("ecommerce"), { users: 3000 });
    const oracle = computeOracle(cw, { seed: 100, days: 10 });
    const sum = oracle.budgets.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(totalBudgetMilli(cw), -1);
    let oracleTotal = 0;
    let uniformTotal = 0;
    // Evaluated on fresh seeds, not the ones the oracle measured its curves on.
    for (const seed of [1, 2, 3]) {
      oracleTotal += runWorld(cw, seed, 14, fixedPolicy("oracle", oracle.budgets)).incrementalConversions;
      uniformTotal += runWorld(cw, seed, 14, uniformPolicy(cw)).incrementalConversions;
    }
    expect(oracleTotal).toBeGreaterThan(uniformTotal * 1.05);
  });

  it("uses the concave envelope of a response curve", () => {
    const hull = concaveHull([
      [0, 0],
      [1, 1],
      [2, 1.2],
      [3, 2.4],
      [4, 2],
    ]);
    expect(hull).toEqual([
      [0, 0],
      [1, 1],
      [3, 2.4],
    ]);
    expect(interpolate(hull, 2)).toBeCloseTo(1.7);
    expect(interpolate(hull, 10)).toBe(2.4);
  });
});
