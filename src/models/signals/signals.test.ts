import { describe, expect, it } from "vitest";
import { BLEND_CURVES, blendedScore, ctrWeight } from "./blending.js";
import { assessFatigue, DECAY_FACTOR } from "./fatigue.js";
import {
  type CrmEvent,
  pipelineRoas,
  pipelineValue,
  servicePipeline,
  validatePipeline,
} from "./synthetic-revenue.js";

const DAY = 86_400_000;

describe("synthetic revenue from pipeline stages", () => {
  const config = servicePipeline("AED", 700_000); // 7,000.00 AED average order value
  const t0 = Date.UTC(2026, 0, 1);

  it("values each deal at its latest stage: P(close) × AOV, actual value when won", () => {
    const events: CrmEvent[] = [
      { dealId: "d1", armId: "ad-1", stage: "lead", at: t0 },
      { dealId: "d1", armId: "ad-1", stage: "appointment_scheduled", at: t0 + DAY },
      { dealId: "d2", armId: "ad-1", stage: "show_up", at: t0 },
      { dealId: "d3", armId: "ad-2", stage: "closed_won", at: t0, dealValueMinor: 900_000 },
      { dealId: "d4", armId: "ad-2", stage: "closed_lost", at: t0 },
      { dealId: "d5", armId: "ad-2", stage: "mystery", at: t0 },
    ];
    const [a1, a2] = pipelineValue(events, config, t0 + 2 * DAY);
    // 0.09 × 7000 + 0.6 × 7000 = 630 + 4200 = 4830.00
    expect(a1!.valueMinor).toBe(483_000);
    expect(a1!.openDeals).toBe(2);
    expect(a1!.confidence).toBeCloseTo((63_000 * 0.6 + 420_000 * 0.85) / 483_000, 12);
    expect(a2!.valueMinor).toBe(900_000);
    expect(a2!.wonDeals).toBe(1);
    expect(a2!.lostDeals).toBe(1);
    expect(a2!.unknownStages).toBe(1);
    expect(pipelineRoas(483_000, 100_000)).toBeCloseTo(4.83, 12);
  });

  it("decays open deals that are older than the sales cycle (half-life = cycle)", () => {
    const events: CrmEvent[] = [{ dealId: "d", armId: "a", stage: "show_up", at: t0 }];
    expect(pipelineValue(events, config, t0 + 6 * DAY)[0]!.valueMinor).toBe(420_000);
    expect(pipelineValue(events, config, t0 + 12 * DAY)[0]!.valueMinor).toBe(210_000);
  });

  it("validates configuration", () => {
    expect(() => servicePipeline("EUR", -5)).toThrow(/averageOrderValueMinor/);
    expect(() =>
      validatePipeline({ ...config, stages: [{ name: "x", closeProbability: 2, confidence: 1 }] }),
    ).toThrow(/closeProbability/);
  });
});

describe("CTR-to-ROAS blending", () => {
  it("sigmoid default: all CTR up to 6 h, at least 90% ROAS from 48 h", () => {
    expect(ctrWeight(0)).toBe(1);
    expect(ctrWeight(6)).toBe(1);
    expect(ctrWeight(27)).toBeCloseTo(0.55, 2);
    expect(ctrWeight(48)).toBeCloseTo(0.1, 12);
    expect(ctrWeight(200)).toBeLessThan(0.1);
  });

  it("every curve is monotone and meets the same end points", () => {
    for (const curve of BLEND_CURVES) {
      let prev = 1;
      for (let h = 0; h <= 96; h += 1) {
        const w = ctrWeight(h, curve);
        expect(w).toBeLessThanOrEqual(prev + 1e-12);
        prev = w;
      }
      expect(ctrWeight(6, curve)).toBe(1);
      expect(ctrWeight(48, curve)).toBeCloseTo(0.1, 12);
    }
    // curves differ in the middle: exponential moves first, step jumps at 27 h
    expect(ctrWeight(15, "exponential")).toBeLessThan(ctrWeight(15, "linear"));
    expect(ctrWeight(26, "step")).toBe(1);
    expect(ctrWeight(28, "step")).toBeCloseTo(0.1, 12);
    expect(() => ctrWeight(1, "cubic" as never)).toThrow(/unknown blend curve/);
  });

  it("scores a young clicky ad on CTR and a mature ad on ROAS", () => {
    expect(blendedScore({ ageHours: 2, ctr: 0.05, roas: 0 }).score).toBe(1);
    const mature = blendedScore({ ageHours: 96, ctr: 0.05, roas: 0.3 });
    expect(mature.score).toBeLessThan(0.15);
  });
});

describe("fatigue rules with the seed thresholds", () => {
  it("frequency 3 / 5 / 8 / 12", () => {
    expect(assessFatigue({ frequency: 2.9 }).severity).toBe("none");
    expect(assessFatigue({ frequency: 3 }).severity).toBe("low");
    expect(assessFatigue({ frequency: 5 }).severity).toBe("medium");
    expect(assessFatigue({ frequency: 8 }).severity).toBe("high");
    expect(assessFatigue({ frequency: 12 }).severity).toBe("critical");
  });

  it("CTR decline 20% warning / 40% critical", () => {
    expect(assessFatigue({ ctr: 0.0081, baselineCtr: 0.01 }).severity).toBe("none");
    expect(assessFatigue({ ctr: 0.008, baselineCtr: 0.01 }).severity).toBe("medium");
    expect(assessFatigue({ ctr: 0.006, baselineCtr: 0.01 }).severity).toBe("critical");
  });

  it("CPM increase 30% / 50%", () => {
    expect(assessFatigue({ cpm: 12.9, baselineCpm: 10 }).severity).toBe("none");
    expect(assessFatigue({ cpm: 13, baselineCpm: 10 }).severity).toBe("medium");
    expect(assessFatigue({ cpm: 15, baselineCpm: 10 }).severity).toBe("critical");
  });

  it("impression decay: growth under 10% is low, a 30% fall is high", () => {
    expect(assessFatigue({ impressionsThisWeek: 1150, impressionsLastWeek: 1000 }).severity).toBe("none");
    expect(assessFatigue({ impressionsThisWeek: 1050, impressionsLastWeek: 1000 }).severity).toBe("low");
    expect(assessFatigue({ impressionsThisWeek: 700, impressionsLastWeek: 1000 }).severity).toBe("high");
  });

  it("the worst rule sets severity, recommendation and decay factor", () => {
    const a = assessFatigue({ frequency: 5.5, cpm: 16, baselineCpm: 10 });
    expect(a.severity).toBe("critical");
    expect(a.decayFactor).toBe(DECAY_FACTOR.critical);
    expect(a.recommendation).toMatch(/pause or refresh/i);
    expect(a.signals.map((s) => s.rule)).toEqual(["frequency", "cpm-increase"]);
    expect(assessFatigue({}).decayFactor).toBe(1);
  });
});
