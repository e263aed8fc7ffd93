import { describe, expect, it } from "vitest";
import { loadShippedScenario } from "../testing/shipped.js";
import { compileScenario } from "../world/compile.js";
import { dailyRows } from "../world/summary.js";
import { World } from "../world/world.js";
import { type ArmSpec, analyseExperiment, assignArms } from "./experiments.js";
import { fidelity, ksCritical, ksStatistic, mape } from "./fidelity.js";
import { normalCdf, twoProportionTest } from "./stats.js";

describe("experiments inside a world", () => {
  const cw = compileScenario(loadShippedScenario("ecommerce"), { users: 8000 });

  it("a holdout shows a significant lift in converting users; an A/A split does not", () => {
    const holdout: ArmSpec[] = [
      { name: "holdout", share: 0.3, bidMultiplier: 0 },
      { name: "ads", share: 0.7, bidMultiplier: 1 },
    ];
    const world = new World(cw, 21);
    const counts = assignArms(world, { arms: holdout, unit: "users", seed: 5 });
    expect(counts[0]! / 8000).toBeCloseTo(0.3, 1);
    world.run(21);
    const result = analyseExperiment(world, holdout);
    expect(result.conversionRate[0]!.difference).toBeGreaterThan(0);
    expect(result.conversionRate[0]!.significant).toBe(true);
    expect(result.conversionRate[0]!.ciLow).toBeGreaterThan(0);

    const aa: ArmSpec[] = [
      { name: "a", share: 0.5, bidMultiplier: 1 },
      { name: "b", share: 0.5, bidMultiplier: 1 },
    ];
    const twin = new World(cw, 22);
    assignArms(twin, { arms: aa, unit: "geos", geos: 40, seed: 6 });
    twin.run(21);
    const same = analyseExperiment(twin, aa);
    expect(same.conversionRate[0]!.pValue).toBeGreaterThan(0.05);
    expect(same.conversionRate[0]!.ciLow).toBeLessThan(0);
    expect(same.conversionRate[0]!.ciHigh).toBeGreaterThan(0);
  });
});

describe("statistics", () => {
  it("matches reference values", () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
    // 120/1000 vs 100/1000: X-squared = 2.0429, p = 0.1529 (R: prop.test(c(120, 100), c(1000, 1000), correct = FALSE)).
    const t = twoProportionTest(120, 1000, 100, 1000);
    expect(t.z ** 2).toBeCloseTo(2.0429, 3);
    expect(t.pValue).toBeCloseTo(0.1529, 3);
    expect(t.significant).toBe(false);
  });
});

describe("fidelity", () => {
  it("computes KS, its critical value and MAPE", () => {
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksStatistic([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6])).toBe(0.5);
    expect(ksCritical(30, 30)).toBeCloseTo(0.351, 3);
    expect(mape([100, 200, 0], [110, 180, 5])).toBeCloseTo(0.1);
  });

  it("passes a sandbox against its own history and fails one whose revenue is doubled", () => {
    const cwSmall = compileScenario(loadShippedScenario("ecommerce"), { users: 5000 });
    const sim = dailyRows(new World(cwSmall, 1).run(30));
    const replay = dailyRows(new World(cwSmall, 1).run(30));
    expect(fidelity(replay, sim).pass).toBe(true);
    const doubled = replay.map((r) => ({ ...r, revenueMinor: 2 * r.revenueMinor }));
    const report = fidelity(doubled, sim);
    expect(report.roas.mape).toBeCloseTo(0.5, 1);
    expect(report.roas.ks).toBeGreaterThan(0.35);
    expect(report.pass).toBe(false);
  });
});
