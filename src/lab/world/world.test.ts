import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { simpleScenario } from "../testing/fixtures.js";
import { loadShippedScenario } from "../testing/shipped.js";
import { compileScenario } from "./compile.js";
import { CLK, COST, IMP, PLATFORM_METRICS } from "./reports.js";
import { platformTotals } from "./summary.js";
import { World } from "./world.js";

function hashWorld(world: World): string {
  const h = createHash("sha256");
  for (const b of world.stats.platform) h.update(new Uint8Array(b.buffer));
  for (const b of world.stats.truthAd) h.update(new Uint8Array(b.buffer));
  h.update(new Uint8Array(world.users.stage.buffer));
  return h.digest("hex");
}

describe("world", () => {
  const ecommerce = compileScenario(loadShippedScenario("ecommerce"), { users: 3000 });

  it("is deterministic: same seed, same world bit for bit; another seed differs", () => {
    const a = new World(ecommerce, 7).run(6);
    const b = new World(ecommerce, 7).run(6);
    const c = new World(ecommerce, 8).run(6);
    expect(hashWorld(a)).toBe(hashWorld(b));
    expect(hashWorld(a)).not.toBe(hashWorld(c));
  });

  it("conserves: spend never above the daily budget, clicks <= impressions, conversions <= clicks", () => {
    const world = new World(ecommerce, 3).run(10);
    const cw = world.cw;
    for (let d = 0; d < 10; d++) {
      const groups = world.stats.group[d]!;
      for (let g = 0; g < cw.G; g++) expect(groups[g * 2]!).toBeLessThanOrEqual(groups[g * 2 + 1]!);
      const block = world.stats.platform[d]!;
      for (let o = 0; o < block.length; o += PLATFORM_METRICS) {
        expect(block[o + CLK]!).toBeLessThanOrEqual(block[o + IMP]!);
        expect(block[o + COST]!).toBeGreaterThanOrEqual(0);
      }
    }
    for (let c = 0; c < cw.C; c++) {
      const t = platformTotals(world, 0, 10, { channel: c });
      expect(t.conversions).toBeLessThanOrEqual(t.clicks);
    }
    // Every conversion that came from a click has exactly one click behind it.
    const clickIds = new Set<number>();
    for (let i = 0; i < world.conversions.length; i++) {
      const click = world.conversions.get(5, i);
      if (click < 0) continue;
      expect(clickIds.has(click)).toBe(false);
      clickIds.add(click);
    }
    expect(clickIds.size).toBeLessThanOrEqual(world.clicks.length);
  });

  it("recovers the configured CTR and CVR within their 95% intervals", () => {
    const cw = compileScenario(simpleScenario(), { users: 40000 });
    const world = new World(cw, 11).run(4);
    const t = platformTotals(world);
    const ctr = t.clicks / t.impressions;
    const seCtr = Math.sqrt((0.05 * 0.95) / t.impressions);
    expect(Math.abs(ctr - 0.05)).toBeLessThan(1.96 * seCtr + 1e-9);
    // CVR: conversions that came from clicks, over clicks by users who could still convert.
    let fromClicks = 0;
    for (let i = 0; i < world.conversions.length; i++) if (world.conversions.get(5, i) >= 0) fromClicks++;
    const perUser = new Map<number, number>();
    for (let i = 0; i < world.clicks.length; i++)
      perUser.set(world.clicks.get(3, i), (perUser.get(world.clicks.get(3, i)) ?? 0) + 1);
    const firstClicks = perUser.size; // upper bound on eligible clicks is all clicks
    const cvrLow = fromClicks / world.clicks.length;
    const cvrHigh = fromClicks / firstClicks;
    const se = Math.sqrt((0.1 * 0.9) / firstClicks);
    expect(cvrLow - 1.96 * se).toBeLessThan(0.1);
    expect(cvrHigh + 1.96 * se).toBeGreaterThan(0.1);
    expect(Math.abs(fromClicks / firstClicks - 0.1)).toBeLessThan(
      2.5 * se + (world.clicks.length - firstClicks) / firstClicks,
    );
  });

  it("returns idle journeys to UNAWARE after exactly 14 days without a touch", () => {
    const cw = compileScenario(simpleScenario(), { users: 5000 });
    const world = new World(cw, 5);
    world.stepDay();
    world.setGroupPaused(0, true);
    const touched = world.users.stage.filter((s) => s > 0 && s < 4).length;
    expect(touched).toBeGreaterThan(100);
    world.run(13); // days 1..13: last touch was day 0, 13 days ago at most
    const stillAware = world.users.stage.filter((s) => s > 0 && s < 4).length;
    expect(stillAware).toBe(touched - countConvertedAfterDay0(world));
    world.stepHour(); // day 14 begins: 14 days without a touch
    expect(world.users.stage.filter((s) => s > 0 && s < 4).length).toBe(0);
  });

  it("paces a flat budget within 5% of it every day without ever exceeding it", () => {
    const cw = compileScenario(
      simpleScenario({
        campaigns: [
          {
            name: "Social",
            channel: "social",
            adGroups: [{ name: "all", dailyBudget: 40, bid: 10, ads: [{ name: "ad" }] }],
          },
        ],
        channels: [{ name: "social", auction: "second_price", billing: "cpm", reserve: 5, baseCtr: 0.05 }],
      }),
      { users: 20000 },
    );
    const world = new World(cw, 9).run(10);
    for (let d = 2; d < 10; d++) {
      const g = world.stats.group[d]!;
      const error = (g[0]! - g[1]!) / g[1]!;
      expect(error).toBeLessThanOrEqual(0);
      expect(Math.abs(error)).toBeLessThan(0.05);
      // Spread over the day, not spent by the morning: at least 30% of it after 16:00.
      const block = world.stats.platform[d]!;
      let late = 0;
      for (let h = 16; h < 24; h++) late += block[h * cw.A * PLATFORM_METRICS + COST]!;
      expect(late / g[0]!).toBeGreaterThan(0.3);
    }
  });
});

function countConvertedAfterDay0(world: World): number {
  let n = 0;
  for (let i = 0; i < world.conversions.length; i++) if (world.conversions.get(0, i) >= 24) n++;
  return n;
}
