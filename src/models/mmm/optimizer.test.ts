import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { optimizeBudget } from "./optimizer.js";
import type { MmmResponseModel } from "./response.js";
import { MmmRng } from "./rng.js";

function randomModel(seed: number, C: number, D: number, saturation: "logistic" | "hill"): MmmResponseModel {
  const rng = new MmmRng(seed);
  return {
    saturation,
    yScale: 1000,
    targetName: "conversions",
    channels: Array.from({ length: C }, (_, c) => {
      const scale = 100 + 900 * rng.uniform();
      const b0 = 0.05 + 0.5 * rng.uniform();
      const p00 = saturation === "logistic" ? 0.5 + 5 * rng.uniform() : 0.2 + rng.uniform();
      const p10 = 0.5 + 2.5 * rng.uniform();
      return {
        name: `ch${c}`,
        scale,
        meanSpend: scale * (0.2 + 0.5 * rng.uniform()),
        maxSpend: scale,
        beta: Array.from({ length: D }, () => b0 * Math.exp(0.2 * rng.normal())),
        p0: Array.from({ length: D }, () => p00 * Math.exp(0.2 * rng.normal())),
        p1: Array.from({ length: D }, () => p10 * Math.exp(0.1 * rng.normal())),
      };
    }),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("budget optimizer", () => {
  it("spends exactly the budget within bounds and never does worse than the current allocation", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<"logistic" | "hill">("logistic", "hill"),
        fc.double({ min: 10, max: 5000, noNaN: true }),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          {
            minLength: 4,
            maxLength: 4,
          },
        ),
        fc.constantFrom<"expected" | "lowerQuantile">("expected", "lowerQuantile"),
        (seed, C, sat, budget, rawBounds, risk) => {
          const model = randomModel(seed, C, 40, sat);
          // bounds: min_c = u * budget / C, max_c = min_c + v * budget; widen one channel so the budget fits
          const bounds: Record<string, { min: number; max: number }> = {};
          for (let c = 0; c < C; c++) {
            const min = (rawBounds[c][0] * budget) / (2 * C);
            bounds[`ch${c}`] = { min, max: min + rawBounds[c][1] * budget };
          }
          bounds.ch0.max = budget;
          const current: Record<string, number> = {};
          for (let c = 0; c < C; c++) current[`ch${c}`] = budget / C;
          const res = optimizeBudget(model, { budget, bounds, risk, periods: 4 });
          expect(Math.abs(res.totalSpend - budget)).toBeLessThanOrEqual(1e-7 * budget);
          for (const a of res.allocation) {
            expect(a.spend).toBeGreaterThanOrEqual(bounds[a.channel].min - 1e-9 * budget);
            expect(a.spend).toBeLessThanOrEqual(bounds[a.channel].max + 1e-9 * budget);
          }
          // at least as good as an equal split (when that split is itself feasible)
          const feasibleEqual = Object.entries(bounds).every(
            ([, b]) => b.min <= budget / C && budget / C <= b.max,
          );
          if (feasibleEqual) {
            const ref = optimizeBudget(model, {
              budget,
              bounds: Object.fromEntries(
                Object.keys(bounds).map((k) => [k, { min: budget / C, max: budget / C }]),
              ),
              risk,
              periods: 4,
            });
            expect(res.objectiveValue).toBeGreaterThanOrEqual(ref.objectiveValue * (1 - 1e-9) - 1e-9);
          }
        },
      ),
      { numRuns: 60, seed: 4242 },
    );
  });

  it("meets the CAC target whenever it reports a feasible allocation", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.double({ min: 50, max: 3000, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.constantFrom<"expected" | "lowerQuantile">("expected", "lowerQuantile"),
        fc.constantFrom<"conversions" | "profit">("conversions", "profit"),
        (seed, C, budget, cacTarget, risk, objective) => {
          const model = randomModel(seed, C, 40, "logistic");
          const res = optimizeBudget(model, { budget, cacTarget, risk, objective, valuePerUnit: 2 });
          expect(res.totalSpend).toBeLessThanOrEqual(budget * (1 + 1e-9));
          for (const a of res.allocation) expect(a.spend).toBeGreaterThanOrEqual(-1e-12);
          if (res.feasible && res.totalSpend > 0)
            expect(res.totalSpend).toBeLessThanOrEqual(cacTarget * res.judgedOutcome * (1 + 1e-6));
          if (risk === "expected") expect(res.judgedOutcome).toBeCloseTo(res.outcome.mean, 6);
          else expect(res.judgedOutcome).toBeLessThanOrEqual(res.outcome.q50);
        },
      ),
      { numRuns: 20, seed: 99 },
    );
  });

  it("moves money towards the channel with the higher marginal return", () => {
    const model = randomModel(1, 2, 30, "logistic");
    // make channel 1 clearly better
    model.channels[1].beta = model.channels[1].beta.map((b) => b * 5);
    const res = optimizeBudget(model, { budget: 600, current: { ch0: 300, ch1: 300 } });
    expect(res.allocation[1].spend).toBeGreaterThan(300);
    expect(res.outcomeChange.mean).toBeGreaterThan(0);
    expect(sum(res.allocation.map((a) => a.change))).toBeCloseTo(0, 6);
  });

  it("is more cautious with a lower-quantile objective when one channel is uncertain", () => {
    const model = randomModel(3, 2, 200, "logistic");
    const rng = new MmmRng(8);
    // same mean response, but channel 0 has a very uncertain beta
    model.channels[1] = { ...model.channels[0], name: "ch1", beta: model.channels[0].beta.map(() => 0) };
    const base = model.channels[0].beta.reduce((a, b) => a + b, 0) / 200;
    model.channels[1].beta = model.channels[0].beta.map(() => base);
    model.channels[0].beta = model.channels[0].beta.map(() => base * Math.exp(0.8 * rng.normal() - 0.32));
    const exp = optimizeBudget(model, { budget: 500 });
    const cautious = optimizeBudget(model, { budget: 500, risk: "lowerQuantile", quantile: 0.05 });
    expect(cautious.allocation[1].spend).toBeGreaterThan(exp.allocation[1].spend);
  });

  it("explains infeasible bounds", () => {
    const model = randomModel(2, 2, 10, "logistic");
    expect(() =>
      optimizeBudget(model, { budget: 100, bounds: { ch0: { min: 80 }, ch1: { min: 30 } } }),
    ).toThrow(/minimums add up to 110/);
    expect(() =>
      optimizeBudget(model, { budget: 100, bounds: { ch0: { max: 20 }, ch1: { max: 30 } } }),
    ).toThrow(/maximums add up to 50/);
    expect(() => optimizeBudget(model, { budget: 100, bounds: { nope: { max: 20 } } })).toThrow(
      /"nope" is not in the model/,
    );
  });
});
