import { describe, expect, it } from "vitest";
import { createRng, exponential, type Rng } from "../random/index.js";
import {
  type ClickObservation,
  type Cohort,
  completeness,
  correctForDelay,
  empiricalLagCdf,
  fitExponentialDelay,
  maturedExposure,
} from "./delayed-feedback.js";

/** Clicks spread evenly over the last `days` days; conversions with p and mean delay 24 h. */
function simulate(rng: Rng, p: number, meanDelayHours: number, days: number, clicksPerHour: number) {
  const clicks: ClickObservation[] = [];
  const hours = days * 24;
  const cohorts: Cohort[] = [];
  for (let h = 0; h < hours; h++) {
    const elapsed = hours - h - 0.5;
    let conv = 0;
    for (let i = 0; i < clicksPerHour; i++) {
      const converts = rng.nextFloat() < p;
      const delay = converts ? exponential(rng, 1 / meanDelayHours) : Number.POSITIVE_INFINITY;
      if (delay <= elapsed) {
        clicks.push({ elapsed, delay });
        conv++;
      } else clicks.push({ elapsed });
    }
    cohorts.push({ elapsed, trials: clicksPerHour, conversions: conv });
  }
  return { clicks, cohorts };
}

describe("delayed-feedback correction (Chapelle 2014)", () => {
  it("EM recovers the conversion rate and the delay rate", () => {
    const { clicks } = simulate(createRng(1), 0.05, 24, 10, 200);
    const m = fitExponentialDelay(clicks);
    expect(m.conversionRate).toBeCloseTo(0.05, 2);
    expect(1 / m.delayRate).toBeGreaterThan(21);
    expect(1 / m.delayRate).toBeLessThan(27);
  });

  it("accepts aggregated clicks (count) with the same result as individual ones", () => {
    const single = fitExponentialDelay([
      { elapsed: 10, delay: 2 },
      { elapsed: 50 },
      { elapsed: 50 },
      { elapsed: 50 },
    ]);
    const grouped = fitExponentialDelay([
      { elapsed: 10, delay: 2 },
      { elapsed: 50, count: 3 },
    ]);
    expect(grouped.conversionRate).toBeCloseTo(single.conversionRate, 12);
    expect(grouped.delayRate).toBeCloseTo(single.delayRate, 12);
  });

  it("on lagged data the corrected rate is unbiased where the naive one is not", () => {
    // A young arm: 3 days of clicks, conversions arrive after 24 h on average.
    const p = 0.04;
    const reps = 200;
    let naive = 0;
    let corrected = 0;
    let corrected2 = 0;
    const rng = createRng(2026);
    for (let r = 0; r < reps; r++) {
      const { cohorts } = simulate(rng, p, 24, 3, 40);
      const conv = cohorts.reduce((s, c) => s + c.conversions, 0);
      const trials = cohorts.reduce((s, c) => s + c.trials, 0);
      naive += conv / trials;
      // delay model known from mature history (λ = 1/24 h)
      const est = correctForDelay(cohorts, { delayRate: 1 / 24 }).rate;
      corrected += est;
      corrected2 += est * est;
    }
    const meanNaive = naive / reps;
    const meanCorrected = corrected / reps;
    const se = Math.sqrt((corrected2 / reps - meanCorrected ** 2) / reps);
    // Expected naive bias: E[F(e)] over 0..72 h = 1 − (24/72)(1 − e^{−3}) ≈ 0.683
    expect(meanNaive / p).toBeGreaterThan(0.63);
    expect(meanNaive / p).toBeLessThan(0.73);
    expect(Math.abs(meanCorrected - p)).toBeLessThan(4 * se);
    expect(Math.abs(meanCorrected - p) / p).toBeLessThan(0.03);
  });

  it("gives Beta-update counts that do not penalise unmatured clicks", () => {
    const c = correctForDelay(
      [
        { elapsed: 1000, trials: 100, conversions: 5 },
        { elapsed: 0, trials: 100, conversions: 0 },
      ],
      { delayRate: 1 / 24 },
    );
    expect(c.effectiveTrials).toBeCloseTo(100, 6);
    expect(c.failures).toBeCloseTo(95, 6);
    expect(completeness({ delayRate: 1 / 24 }, 24)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(
      maturedExposure(
        [
          { elapsed: 1e6, exposure: 100 },
          { elapsed: 24, exposure: 100 },
        ],
        { delayRate: 1 / 24 },
      ),
    ).toBeCloseTo(100 + 100 * (1 - Math.exp(-1)), 9);
    expect(() => correctForDelay([{ elapsed: 1, trials: 1, conversions: 2 }], { delayRate: 1 })).toThrow(
      /conversions <= trials/,
    );
  });

  it("empirical lag CDF from mature cohorts", () => {
    const F = empiricalLagCdf([1, 2, 2, 5, 10], 48);
    expect(F(0)).toBe(0);
    expect(F(2)).toBeCloseTo(0.6, 12);
    expect(F(100)).toBe(1);
  });
});
