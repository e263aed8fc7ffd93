import { describe, expect, it } from "vitest";
import { runLabWithScenario } from "../run-lab.js";
import { simpleScenario } from "../testing/fixtures.js";
import { loadShippedScenario } from "../testing/shipped.js";
import { compileScenario } from "../world/compile.js";
import { truthTotals } from "../world/summary.js";
import { World } from "../world/world.js";
import { estimate } from "./aggregate.js";

describe("Monte Carlo", () => {
  it("gives bit-identical results on 1 and 2 worker threads", async () => {
    const scenario = loadShippedScenario("subscription-app");
    const options = { scenario, days: 5, users: 1500, worlds: 4, seed: 42, oracle: false };
    const one = await runLabWithScenario({ ...options, threads: 1 });
    const two = await runLabWithScenario({ ...options, threads: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(new Set(one.perWorld.map((w) => w.seed)).size).toBe(4);
    expect(one.spend.ciLow).toBeLessThanOrEqual(one.spend.mean);
    expect(one.spend.ciHigh).toBeGreaterThanOrEqual(one.spend.mean);
  }, 60_000);

  it("importance sampling of a rare segment matches plain sampling within intervals, with less variance", () => {
    // Budgets far above what the market can absorb, so users are independent and weights are exact.
    const rare = {
      name: "rare_valuable",
      share: 0.02,
      cvr: 0.3,
      baselineShare: 0.1,
      organic: { advance: 0, convert: 0 },
      orderValue: { mean: 500, sigma: 0.2 },
      channelMix: { social: 1 },
    };
    const common = { ...rare, name: "common", share: 0.98, cvr: 0.05, orderValue: { mean: 40, sigma: 0.2 } };
    const plain = compileScenario(simpleScenario({ segments: [common, rare] }), { users: 4000 });
    const weighted = compileScenario(
      simpleScenario({
        segments: [
          { ...common, sampleShare: 0.8 },
          { ...rare, sampleShare: 0.2 },
        ],
      }),
      { users: 4000, importanceSampling: true },
    );
    const runs = (cw: typeof plain) =>
      Array.from({ length: 30 }, (_, i) => {
        const w = new World(cw, 1000 + i).run(5);
        const total = truthTotals(w).incrementalRevenueMinor;
        const rareOnly = w.stats.truthSegment.reduce((t, b) => t + b[4 + 3]!, 0) * cw.segWeight[1]!;
        return { total, rareOnly };
      });
    const a = runs(plain);
    const b = runs(weighted);
    const ea = estimate(a.map((r) => r.total));
    const eb = estimate(b.map((r) => r.total));
    const seA = (ea.ciHigh - ea.mean) / 1.96;
    const seB = (eb.ciHigh - eb.mean) / 1.96;
    expect(Math.abs(ea.mean - eb.mean)).toBeLessThan(1.96 * Math.sqrt(seA ** 2 + seB ** 2));
    const ra = estimate(a.map((r) => r.rareOnly));
    const rb = estimate(b.map((r) => r.rareOnly));
    expect(Math.abs(ra.mean - rb.mean)).toBeLessThan(
      1.96 * Math.hypot((ra.ciHigh - ra.mean) / 1.96, (rb.ciHigh - rb.mean) / 1.96),
    );
    // The rare segment's estimate is tighter with over-sampling.
    expect(rb.ciHigh - rb.ciLow).toBeLessThan(ra.ciHigh - ra.ciLow);
  });
});
