import { validateScenario } from "../scenario/parse.js";
import type { Scenario, ScenarioInput } from "../scenario/schema.js";

/**
 * A minimal one-channel, one-segment market with every side effect switchable, for tests that
 * need to recover configured parameters exactly.
 */
export function simpleScenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  const base: ScenarioInput = {
    name: "simple",
    currency: "USD",
    population: { users: 10000, opportunitiesPerDay: 1, devicesPerUser: 1 },
    time: { hourProfile: Array(24).fill(1), seasons: [] },
    journey: { stageCtr: [1, 1, 1, 1], stageCvr: [1, 1, 1, 1], convertedCtr: 1 },
    fatigue: { perExposure: 0, dailyDecay: 0.5, creativeHalfLife: 1e12 },
    conversionDelay: [{ kind: "exponential", weight: 1, meanHours: 1 }],
    segments: [
      {
        name: "everyone",
        share: 1,
        cvr: 0.1,
        baselineShare: 0.3,
        organic: { advance: 0, convert: 0 },
        orderValue: { mean: 50, sigma: 0.3 },
        channelMix: { social: 1 },
      },
    ],
    channels: [
      {
        name: "social",
        auction: "second_price",
        billing: "cpm",
        reserve: 0,
        baseCtr: 0.05,
        impressionAdvance: [0.05, 0.05, 0.05, 0],
      },
    ],
    campaigns: [
      {
        name: "Social",
        channel: "social",
        adGroups: [{ name: "all", dailyBudget: 10000, bid: 10, ads: [{ name: "ad" }] }],
      },
    ],
    competitors: [],
    ...overrides,
  };
  return validateScenario(base, "simple");
}
