import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng.js";
import { allocateBudget } from "./allocate.js";
import { betaPosterior, gammaPosterior, updateBeta, updateGamma } from "./posteriors.js";
import { probabilityBest } from "./probability-best.js";
import { largestRemainder, waterFill } from "./water-fill.js";

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe("probability of being best", () => {
  it("matches the exact two-arm value for Beta posteriors", () => {
    // P(X > Y), X~Beta(3,1), Y~Beta(1,3): 1 − ∫3x²(1−x)³dx = 1 − 3·B(3,4) = 0.95 exactly
    const res = probabilityBest([betaPosterior(3, 1), betaPosterior(1, 3)], createRng(1), { draws: 200_000 });
    expect(res.probabilities[0]).toBeCloseTo(0.95, 2);
    expect(res.probabilities[0]! + res.probabilities[1]!).toBeCloseTo(1, 12);
  });

  it("screening drops only hopeless arms and leaves probabilities unchanged", () => {
    const arms = [
      updateGamma(gammaPosterior(), 200, 10_000),
      updateGamma(gammaPosterior(), 190, 10_000),
      ...Array.from({ length: 50 }, () => updateGamma(gammaPosterior(), 30, 10_000)),
    ];
    const screened = probabilityBest(arms, createRng(2), { draws: 20_000 });
    const full = probabilityBest(arms, createRng(2), { draws: 20_000, screenZ: Number.POSITIVE_INFINITY });
    expect(screened.contenders).toBe(2);
    expect(full.contenders).toBe(52);
    expect(Math.abs(screened.probabilities[0]! - full.probabilities[0]!)).toBeLessThan(0.02);
    expect(full.probabilities[5]).toBe(0);
  });
});

describe("water-filling with bounds", () => {
  it("respects min and max and still sums exactly to the budget", () => {
    const r = waterFill(10_000, [0.7, 0.2, 0.1], [0, 1500, 0], [5000, 10_000, 10_000]);
    expect(sum(r.amounts)).toBe(10_000);
    expect(r.amounts[0]).toBe(5000); // capped, the excess flows to the others in proportion
    expect(r.amounts[1]).toBe(3333);
    expect(r.amounts[2]).toBe(1667);
    expect(r.binding[0]).toBe("max");
  });

  it("reports budget it cannot place and rejects infeasible minimums", () => {
    const r = waterFill(1000, [1, 1], [0, 0], [100, 200]);
    expect(r.amounts).toEqual([100, 200]);
    expect(r.unallocated).toBe(700);
    expect(() => waterFill(100, [1, 1], [60, 60], [100, 100])).toThrow(/minimums add up to 120/);
  });

  it("largest remainder is exact and deterministic", () => {
    expect(largestRemainder(10, [3.4, 3.3, 3.3], [0, 0, 0], [10, 10, 10])).toEqual([4, 3, 3]);
    expect(largestRemainder(3, [1, 1, 1], [0, 0, 0], [10, 10, 10])).toEqual([1, 1, 1]);
  });
});

describe("allocateBudget", () => {
  const arms = [
    { id: "winner", value: updateBeta(betaPosterior(), 300, 700) },
    { id: "middle", value: updateBeta(betaPosterior(), 200, 800) },
    { id: "loser", value: updateBeta(betaPosterior(), 100, 900) },
  ];

  it("gives the exploitation share to the probable winner and keeps 10% exploration", () => {
    const a = allocateBudget(arms, { budgetMinor: 100_000, currency: "EUR" }, createRng(3));
    expect(a.allocatedMinor).toBe(100_000);
    expect(sum(a.arms.map((x) => x.amountMinor))).toBe(100_000);
    const [w, m, l] = a.arms;
    expect(w!.probabilityBest).toBe(1);
    // TS alone would not explore here (P(best) = 1), so a uniform split is mixed in until exactly
    // 10% of the budget is away from the posterior-mean choice: β = 0.15, 5% to each other arm.
    expect(m!.amountMinor).toBe(5000);
    expect(l!.amountMinor).toBe(5000);
    expect(w!.amountMinor).toBe(90_000);
    expect(a.explorationMass).toBeCloseTo(0.1, 9);
    expect(a.explorationMix).toBeCloseTo(0.15, 9);
    // Unlike a softmax over draws, the winner is not capped at e× the loser.
    expect(w!.amountMinor / l!.amountMinor).toBeGreaterThan(10);
  });

  it("adds no uniform split when Thompson sampling already explores enough", () => {
    const close = [
      { id: "a", value: updateBeta(betaPosterior(), 30, 70) },
      { id: "b", value: updateBeta(betaPosterior(), 29, 71) },
    ];
    const a = allocateBudget(close, { budgetMinor: 10_000, currency: "EUR" }, createRng(6));
    expect(a.explorationMix).toBe(0);
    expect(a.explorationMass).toBeGreaterThan(0.1);
    expect(a.arms[0]!.amountMinor + a.arms[1]!.amountMinor).toBe(10_000);
  });

  it("applies per-arm min/max without breaking the total", () => {
    const a = allocateBudget(
      [{ ...arms[0]!, maxMinor: 50_000 }, { ...arms[1]!, minMinor: 10_000 }, arms[2]!],
      { budgetMinor: 100_000, currency: "EUR" },
      createRng(3),
    );
    // The winner can take at most half, so the overflow goes to the next-best arm (expected
    // capacity-respecting fill), not evenly to all; the 10% exploration goes to the third arm.
    expect(a.arms.map((x) => x.amountMinor)).toEqual([45_000, 45_000, 10_000]);
    const tight = allocateBudget(
      [
        { ...arms[0]!, maxMinor: 20_000 },
        { ...arms[1]!, maxMinor: 20_000 },
        { ...arms[2]!, minMinor: 5_000 },
      ],
      { budgetMinor: 100_000, currency: "EUR" },
      createRng(3),
    );
    expect(tight.arms.map((x) => x.amountMinor)).toEqual([20_000, 20_000, 60_000]);
    expect(tight.arms[0]!.binding).toBe("max");
  });

  it("stops new spend on an arm whose CAC is probably above the cap", () => {
    // conversions per EUR: good arm 1/20 (CAC 20), risky arm 1/80 (CAC 80); cap 50 EUR.
    const a = allocateBudget(
      [
        { id: "good", value: updateGamma(gammaPosterior(), 50, 1000) },
        { id: "risky", value: updateGamma(gammaPosterior(), 25, 2000), currentMinor: 5000 },
      ],
      { budgetMinor: 100_000, currency: "EUR", cacCap: 50 },
      createRng(4),
    );
    const risky = a.arms[1]!;
    expect(risky.flags).toContain("cac-risk");
    expect(risky.cacRisk).toBeGreaterThan(0.9);
    expect(risky.amountMinor).toBeLessThanOrEqual(5000);
    expect(a.arms[0]!.cacRisk).toBeLessThan(0.01);
    expect(sum(a.arms.map((x) => x.amountMinor))).toBe(100_000);
  });

  it("lower-quantile objective prefers the surer arm", () => {
    const sure = { id: "sure", value: updateBeta(betaPosterior(), 2000, 8000) }; // 0.20 ± 0.004
    const gamble = { id: "gamble", value: updateBeta(betaPosterior(), 2, 6) }; // 0.25 ± 0.14
    const a = allocateBudget(
      [sure, gamble],
      { budgetMinor: 1000, currency: "USD", objective: "lower-quantile" },
      createRng(5),
    );
    // 90% on the arm with the best 10% quantile, 10% exploration.
    expect(a.arms[0]!.amountMinor).toBe(900);
    const b = allocateBudget([sure, gamble], { budgetMinor: 1000, currency: "USD" }, createRng(5));
    expect(b.arms[1]!.probabilityBest).toBeGreaterThan(0.3);
  });

  it("is reproducible from the seed and validates its input", () => {
    const x = allocateBudget(arms, { budgetMinor: 777, currency: "EUR" }, createRng(8));
    const y = allocateBudget(arms, { budgetMinor: 777, currency: "EUR" }, createRng(8));
    expect(x).toEqual(y);
    expect(() => allocateBudget(arms, { budgetMinor: 10.5, currency: "EUR" }, createRng(1))).toThrow(
      /minor units/,
    );
    expect(() => allocateBudget(arms, { budgetMinor: 10, currency: "euro" }, createRng(1))).toThrow(
      /ISO 4217/,
    );
    expect(() =>
      allocateBudget([arms[0]!, arms[0]!], { budgetMinor: 10, currency: "EUR" }, createRng(1)),
    ).toThrow(/unique/);
  });
});
