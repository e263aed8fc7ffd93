import { describe, expect, it } from "vitest";
import { loadShippedScenario } from "../testing/shipped.js";
import { compileScenario } from "./compile.js";
import { platformTotals } from "./summary.js";
import { World } from "./world.js";

/**
 * Documented realism checks of the auction (simulation.md): as our bid rises, the win count rises
 * with diminishing returns (a concave win-rate curve), and the price we pay per billable event rises
 * but never exceeds the bid (second price: we pay what is needed to beat the next rank).
 */
describe("auction realism", () => {
  const cw = compileScenario(loadShippedScenario("ecommerce"), { users: 4000 });
  // The display retargeting ad group: a CPM auction with competitors on every channel.
  const group = 3;
  const channel = cw.groupChannel[group]!;
  const cpc = cw.chanCpc[channel] === 1;
  const levels = [0.2, 1, 2];

  const outcomes = levels.map((level) => {
    const world = new World(cw, 21);
    for (let g = 0; g < cw.G; g++) world.setGroupBudget(g, g === group ? 1e12 : 0);
    world.setGroupBid(group, cw.groupBidMilli[group]! * level);
    world.run(3);
    const t = platformTotals(world, 0, 3, { group });
    const units = cpc ? t.clicks : t.impressions;
    return {
      bidMilli: cw.groupBidMilli[group]! * level,
      wins: t.impressions,
      pricePerUnitMilli: units > 0 ? (t.costMinor * 1000) / units : 0,
    };
  });

  it("wins more as the bid rises, with diminishing returns", () => {
    for (let i = 1; i < outcomes.length; i++)
      expect(outcomes[i]!.wins).toBeGreaterThan(outcomes[i - 1]!.wins);
    const gains = outcomes.slice(1).map((o, i) => o.wins / outcomes[i]!.wins);
    expect(gains.at(-1)!).toBeLessThan(gains[0]!);
  });

  it("pays more as the bid rises but never more than the bid", () => {
    for (const o of outcomes) expect(o.pricePerUnitMilli).toBeLessThanOrEqual(o.bidMilli * 1.0001);
    for (let i = 1; i < outcomes.length; i++) {
      expect(outcomes[i]!.pricePerUnitMilli).toBeGreaterThanOrEqual(outcomes[i - 1]!.pricePerUnitMilli);
    }
    // Second price: on average well below the bid.
    expect(outcomes.at(-1)!.pricePerUnitMilli).toBeLessThan(outcomes.at(-1)!.bidMilli * 0.8);
  });
});
