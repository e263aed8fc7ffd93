import { describe, expect, it } from "vitest";
import { gammaPoissonCdf } from "./count-tail.js";

describe("gamma-Poisson (negative binomial) lower tail", () => {
  it("matches the negative binomial's probabilities summed by hand", () => {
    // mean 4, variance 12: size r = 16 / 8 = 2, p = 1/3, P(i) = (i + 1) p^2 (2/3)^i:
    // P(N <= 3) = (27 + 36 + 36 + 32) / 243.
    expect(gammaPoissonCdf(0, 4, 12)).toBeCloseTo(1 / 9, 12);
    expect(gammaPoissonCdf(3, 4, 12)).toBeCloseTo(131 / 243, 12);
  });

  it("is the Poisson tail without overdispersion", () => {
    expect(gammaPoissonCdf(0, 5, 5)).toBeCloseTo(Math.exp(-5), 12);
    expect(gammaPoissonCdf(2, 3, 1)).toBeCloseTo(0.42319, 5);
  });

  it("makes a frozen busy counter astronomically unlikely even with a swinging daily rate", () => {
    // 1,877 a day on average with a 27% day-to-day spread (size about 14): P(0) is about (1 + 134)^-14.
    const p = gammaPoissonCdf(0, 1877, (0.27 * 1877) ** 2 + 1877);
    expect(p).toBeLessThan(1e-25);
    expect(p).toBeGreaterThan(0);
  });

  it("handles the edges", () => {
    expect(gammaPoissonCdf(-1, 4, 12)).toBe(0);
    expect(gammaPoissonCdf(3, 0, 0)).toBe(1);
  });
});
