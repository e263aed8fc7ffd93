import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/schema.js";
import { simpleScenario } from "../testing/fixtures.js";
import { compileScenario } from "./compile.js";
import { competitorDays } from "./summary.js";
import { World } from "./world.js";

const KINDS = ["rule", "q_learning", "policy_gradient"] as const;

function market(
  competitor: Partial<ScenarioInput["competitors"] extends (infer T)[] | undefined ? T : never>,
) {
  return compileScenario(
    simpleScenario({
      channels: [{ name: "social", auction: "second_price", billing: "cpm", reserve: 1, baseCtr: 0.02 }],
      campaigns: [
        {
          name: "Us",
          channel: "social",
          adGroups: [{ name: "us", dailyBudget: 100000, bid: 20, ads: [{ name: "ad" }] }],
        },
      ],
      competitors: KINDS.map((kind) => ({
        name: kind,
        kind,
        channels: ["social"],
        dailyBudget: 1000,
        bidCpm: 5,
        valueCpm: 60,
        participation: 1,
        noise: 0.2,
        ...competitor,
      })),
    }),
    { users: 4000 },
  );
}

describe("learning competitors", () => {
  it("bid up after losing streaks and win more", () => {
    const world = new World(market({}), 3).run(20);
    for (let k = 0; k < KINDS.length; k++) {
      const days = competitorDays(world, k);
      const late = days.slice(-3);
      expect(
        late.every((d) => d.multiplier > 2),
        KINDS[k],
      ).toBe(true);
      expect(late[2]!.wins, KINDS[k]).toBeGreaterThan(days[0]!.wins * 3 + 10);
    }
  });

  it("bid down when they overspend their budget", () => {
    // Alone in a first-price market with a budget far below what their opening bid would spend:
    // lower bids still win, cost less and stretch the budget over the day.
    for (const kind of KINDS) {
      const cw = compileScenario(
        simpleScenario({
          channels: [{ name: "social", auction: "first_price", billing: "cpm", reserve: 1, baseCtr: 0.02 }],
          campaigns: [
            {
              name: "Us",
              channel: "social",
              adGroups: [{ name: "us", dailyBudget: 0, bid: 1, ads: [{ name: "ad" }] }],
            },
          ],
          competitors: [
            {
              name: kind,
              kind,
              channels: ["social"],
              dailyBudget: 20,
              bidCpm: 60,
              valueCpm: 62,
              participation: 1,
              noise: 0.1,
            },
          ],
        }),
        { users: 4000 },
      );
      const days = competitorDays(new World(cw, 3).run(15), 0);
      expect(
        days.slice(-3).every((d) => d.multiplier < 0.8),
        kind,
      ).toBe(true);
    }
  });
});
