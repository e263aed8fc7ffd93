import { describe, expect, it } from "vitest";
import { beta, dirichlet, gamma, gammaRate } from "./gamma.js";
import { logNormal, normal, standardNormal } from "./normal.js";
import { binomial, poisson } from "./poisson.js";
import { createRng, exponential, type Rng } from "./rng.js";

/** Sample mean, variance, skewness and excess kurtosis. */
function moments(n: number, draw: () => number) {
  let s1 = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = draw();
    s1 += xs[i]!;
  }
  const mean = s1 / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) - 3 };
}

const N = 200_000;
/** Mean within 5 standard errors (deterministic seeds, so this never flakes). */
function expectMean(actual: number, mean: number, variance: number) {
  expect(Math.abs(actual - mean)).toBeLessThan(5 * Math.sqrt(variance / N) + 1e-12);
}

describe("samplers match their exact moments", () => {
  const rng: Rng = createRng(20260101);

  it("standard normal: mean 0, variance 1, skewness 0, excess kurtosis 0", () => {
    const m = moments(N, () => standardNormal(rng));
    expectMean(m.mean, 0, 1);
    expect(m.variance).toBeCloseTo(1, 1.6);
    expect(Math.abs(m.skewness)).toBeLessThan(0.03);
    expect(Math.abs(m.kurtosis)).toBeLessThan(0.06);
  });

  it("normal tail mass beyond 3.44 (ziggurat tail) matches 2(1-Φ(3.44))", () => {
    let tail = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) if (Math.abs(standardNormal(rng)) > 3.442619855899) tail++;
    const p = 5.761e-4; // 2 * (1 - Φ(3.4426))
    expect(Math.abs(tail / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it("normal and log-normal with parameters", () => {
    expectMean(moments(N, () => normal(rng, 3, 2)).mean, 3, 4);
    const mu = 0.2;
    const sigma = 0.5;
    const ln = moments(N, () => logNormal(rng, mu, sigma));
    const lnMean = Math.exp(mu + sigma ** 2 / 2);
    const lnVar = (Math.exp(sigma ** 2) - 1) * Math.exp(2 * mu + sigma ** 2);
    expectMean(ln.mean, lnMean, lnVar);
  });

  for (const [shape, scale] of [
    [0.3, 1],
    [1, 2],
    [2.5, 0.5],
    [40, 1],
  ] as const) {
    it(`gamma(shape ${shape}, scale ${scale}): mean kθ, variance kθ², skewness 2/√k`, () => {
      const m = moments(N, () => gamma(rng, shape, scale));
      expectMean(m.mean, shape * scale, shape * scale * scale);
      expect(m.variance / (shape * scale * scale)).toBeCloseTo(1, 1);
      expect(Math.abs(m.skewness - 2 / Math.sqrt(shape))).toBeLessThan(0.1 * (2 / Math.sqrt(shape)) + 0.03);
    });
  }

  it("gammaRate uses rate, not scale", () => {
    expectMean(moments(N, () => gammaRate(rng, 3, 4)).mean, 0.75, 3 / 16);
  });

  for (const [a, b] of [
    [1, 1],
    [2, 5],
    [5, 2],
    [1.5, 1.01],
    [0.5, 0.5],
    [0.05, 3],
    [300, 9700],
  ] as const) {
    it(`beta(${a}, ${b}): mean a/(a+b), variance ab/((a+b)²(a+b+1))`, () => {
      const mean = a / (a + b);
      const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      const m = moments(N, () => beta(rng, a, b));
      expectMean(m.mean, mean, variance);
      expect(m.variance / variance).toBeCloseTo(1, 1);
    });
  }

  it("beta never returns NaN for tiny parameters", () => {
    for (let i = 0; i < 10_000; i++) {
      const x = beta(rng, 1e-3, 1e-3);
      expect(x >= 0 && x <= 1).toBe(true);
    }
  });

  for (const lambda of [0.7, 4, 15, 250]) {
    it(`poisson(${lambda}): mean = variance = λ`, () => {
      const m = moments(N, () => poisson(rng, lambda));
      expectMean(m.mean, lambda, lambda);
      expect(m.variance / lambda).toBeCloseTo(1, 1);
    });
  }

  it("binomial(n, p): mean np, variance np(1-p)", () => {
    for (const [n, p] of [
      [20, 0.3],
      [1000, 0.02],
      [5000, 0.7],
    ] as const) {
      const m = moments(50_000, () => binomial(rng, n, p));
      expect(Math.abs(m.mean - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / 50_000));
      expect(m.variance / (n * p * (1 - p))).toBeCloseTo(1, 1);
    }
  });

  it("exponential and dirichlet", () => {
    expectMean(moments(N, () => exponential(rng, 2)).mean, 0.5, 0.25);
    const d = dirichlet(rng, [1, 2, 3]);
    expect(d.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it("rejects invalid parameters", () => {
    expect(() => gamma(rng, 0)).toThrow(/shape/);
    expect(() => beta(rng, -1, 1)).toThrow(/beta/);
    expect(() => poisson(rng, -2)).toThrow(/poisson/);
    expect(() => binomial(rng, 3.5, 0.1)).toThrow(/binomial/);
  });
});
