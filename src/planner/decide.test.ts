import { describe, expect, it } from "vitest";
import { createRng } from "../models/random/rng.js";
import type { ArmSnapshot } from "./arm-snapshot.js";
import { decideArm } from "./decide.js";
import { DEFAULT_DECISION_CONFIG, decisionConfig } from "./decision-config.js";
import { planBudget } from "./plan-budget.js";

/** An arm in EUR (minor units = cents), direct mode helpers. */
function arm(over: Partial<ArmSnapshot>): ArmSnapshot {
  return {
    id: "ad-1",
    currency: "EUR",
    ageHours: 24 * 5,
    spendMinor: 50_000,
    impressions: 100_000,
    clicks: 1500,
    conversions: 10,
    revenueMinor: 100_000,
    ...over,
  };
}
const direct = { mode: "direct" as const };

describe("seed constants", () => {
  it("are the reference values", () => {
    expect(DEFAULT_DECISION_CONFIG).toMatchObject({
      ignoranceDays: 2,
      ignoranceSpend: 100,
      minSpendToKill: 200,
      killRoas: 0.5,
      scaleRoas: 3.0,
      confidenceThreshold: 0.7,
    });
    expect(() => decisionConfig({ killRoas: 4 })).toThrow(/killRoas/);
  });
});

describe("ignorance zone (younger than 2 days AND under 100 spent)", () => {
  it("observes a young cheap ad even with zero revenue — never kills there", () => {
    const d = decideArm(arm({ ageHours: 30, spendMinor: 9_999, conversions: 0, revenueMinor: 0 }), {
      ...direct,
      valuePerEventMinor: 5_000,
    });
    expect(d.action).toBe("OBSERVE");
    expect(d.factors.find((f) => f.name === "ignorance-zone")?.value).toBe(true);
    expect(d.explanation).toMatch(/learning period/);
  });

  it("leaves the zone once either condition fails (AND rule)", () => {
    // 1 day old but 150 spent: outside the zone
    const d = decideArm(
      arm({ ageHours: 24, spendMinor: 15_000, conversions: 20, revenueMinor: 150_000 }),
      direct,
    );
    expect(d.factors.find((f) => f.name === "ignorance-zone")?.value).toBe(false);
    // 3 days old, 50 spent: outside the zone too
    const e = decideArm(arm({ ageHours: 72, spendMinor: 5_000 }), direct);
    expect(e.factors.find((f) => f.name === "ignorance-zone")?.value).toBe(false);
  });

  it("never kills between the zone and 200 of spend, even at ROAS 0", () => {
    for (const spendMinor of [10_000, 15_000, 19_999]) {
      const d = decideArm(arm({ ageHours: 96, spendMinor, conversions: 0, revenueMinor: 0 }), {
        ...direct,
        valuePerEventMinor: 2_000,
      });
      expect(d.action).toBe("OBSERVE");
    }
    const killed = decideArm(arm({ ageHours: 96, spendMinor: 20_000, conversions: 0, revenueMinor: 0 }), {
      ...direct,
      valuePerEventMinor: 2_000,
    });
    expect(killed.action).toBe("KILL");
  });
});

describe("kill, scale, maintain", () => {
  it("KILL when ROAS < 0.5 with high posterior probability", () => {
    // 600 spent, 6 conversions worth 20 each = 120 → ROAS 0.2
    const d = decideArm(arm({ spendMinor: 60_000, conversions: 6, revenueMinor: 12_000 }), direct);
    expect(d.action).toBe("KILL");
    expect(d.confidence).toBeGreaterThan(0.7);
    expect(d.confidence).toBe(d.numbers.probabilityBelowKill);
    expect(d.reason).toMatch(/below 0.5/);
    expect(d.explanation).toMatch(/stopping it/);
  });

  it("SCALE when ROAS > 3.0 with high posterior probability", () => {
    // 500 spent, 40 conversions worth 50 = 2000 → ROAS 4
    const d = decideArm(arm({ spendMinor: 50_000, conversions: 40, revenueMinor: 200_000 }), direct);
    expect(d.action).toBe("SCALE");
    expect(d.confidence).toBeGreaterThan(0.7);
    expect(d.factors.some((f) => f.effect === "towards-scale")).toBe(true);
  });

  it("MAINTAIN when ROAS > 3 is not yet certain, or in the band", () => {
    // ROAS 3.5 from 2 conversions only
    const unsure = decideArm(arm({ spendMinor: 40_000, conversions: 2, revenueMinor: 140_000 }), direct);
    expect(unsure.action).toBe("MAINTAIN");
    expect(unsure.reason).toMatch(/not yet/);
    const band = decideArm(arm({ spendMinor: 50_000, conversions: 20, revenueMinor: 100_000 }), direct);
    expect(band.action).toBe("MAINTAIN");
  });

  it("does not scale a creative with critical fatigue", () => {
    const d = decideArm(
      arm({ spendMinor: 50_000, conversions: 40, revenueMinor: 200_000, fatigue: { frequency: 12.5 } }),
      direct,
    );
    expect(d.action).toBe("MAINTAIN");
    expect(d.factors.find((f) => f.name === "fatigue")?.value).toBe("critical");
    expect(d.numbers.fatigueDecay).toBeLessThan(1);
  });

  it("pipeline mode judges synthetic pipeline ROAS", () => {
    const d = decideArm(
      arm({
        spendMinor: 100_000,
        conversions: 0,
        revenueMinor: 0,
        pipelineValueMinor: 1_000_000,
        pipelineDeals: 12,
      }),
      {},
    );
    expect(d.numbers.roas).toBeCloseTo(10, 12);
    expect(d.action).toBe("SCALE");
    expect(d.explanation).toMatch(/pipeline value/);
  });

  it("judges a young arm on matured spend when conversions are delayed", () => {
    // 300 spent, mostly in the last day; 12 conversions worth 5 = 60 so far → naive ROAS 0.2
    const young = arm({ ageHours: 60, spendMinor: 30_000, conversions: 12, revenueMinor: 6_000 });
    expect(decideArm(young, direct).action).toBe("KILL");
    // only 25% of its eventual conversions can have arrived yet → corrected ROAS 0.8
    const corrected = decideArm({ ...young, maturedSpendMinor: 7_500 }, direct);
    expect(corrected.numbers.roas).toBeCloseTo(0.8, 12);
    expect(corrected.action).toBe("MAINTAIN");
    expect(() => decideArm({ ...young, maturedSpendMinor: 40_000 })).toThrow(/maturedSpendMinor/);
  });

  it("observes instead of inventing a revenue per conversion", () => {
    const d = decideArm(arm({ conversions: 0, revenueMinor: 0 }), direct);
    expect(d.action).toBe("OBSERVE");
    expect(d.factors.some((f) => f.name === "no-value-signal")).toBe(true);
  });

  it("rejects impossible snapshots", () => {
    expect(() => decideArm(arm({ clicks: 10, impressions: 5 }))).toThrow(/cannot exceed impressions/);
    expect(() => decideArm(arm({ spendMinor: 10.5 }))).toThrow(/minor units/);
  });
});

describe("planBudget", () => {
  it("gives killed arms nothing and splits the rest exactly", () => {
    const arms = [
      { ...arm({ id: "winner", spendMinor: 50_000, conversions: 40, revenueMinor: 200_000 }) },
      { ...arm({ id: "loser", spendMinor: 60_000, conversions: 6, revenueMinor: 12_000 }) },
      { ...arm({ id: "new", ageHours: 10, spendMinor: 1_000, conversions: 0, revenueMinor: 0 }) },
    ];
    const plan = planBudget(arms, { budgetMinor: 100_000, currency: "EUR", decision: direct }, createRng(1));
    const amount = (id: string) => plan.allocation.arms.find((a) => a.id === id)!.amountMinor;
    expect(plan.decisions.map((d) => d.action)).toEqual(["SCALE", "KILL", "OBSERVE"]);
    expect(amount("loser")).toBe(0);
    expect(amount("winner") + amount("new")).toBe(100_000);
    expect(amount("new")).toBe(10_000); // the 10% exploration floor goes to the untested arm
    expect(() =>
      planBudget([{ ...arms[0]!, currency: "USD" }], { budgetMinor: 1, currency: "EUR" }, createRng(1)),
    ).toThrow(/convert first/);
  });
});
