import { describe, expect, it } from "vitest";
import { adaptationWindows } from "./adaptation.js";
import type { LogDensity } from "./model.js";
import { runNuts } from "./nuts-chain.js";
import { MmmRng } from "./rng.js";

/** Conjugate normal model: y_i ~ N(mu, sigma) with sigma known, mu ~ N(m0, s0). */
function conjugateNormal(y: number[], sigma: number, m0: number, s0: number) {
  const n = y.length;
  const sum = y.reduce((a, b) => a + b, 0);
  const postVar = 1 / (1 / (s0 * s0) + n / (sigma * sigma));
  const postMean = postVar * (m0 / (s0 * s0) + sum / (sigma * sigma));
  const target: LogDensity = {
    dim: 1,
    logDensity(theta, grad) {
      const mu = theta[0];
      let lp = (-0.5 * (mu - m0) ** 2) / (s0 * s0);
      let g = -(mu - m0) / (s0 * s0);
      for (const yi of y) {
        lp -= (0.5 * (yi - mu) ** 2) / (sigma * sigma);
        g += (yi - mu) / (sigma * sigma);
      }
      grad[0] = g;
      return lp;
    },
  };
  return { target, postMean, postVar };
}

/** Zero-mean Gaussian with covariance S = D R D (R has correlation rho everywhere off-diagonal). */
function correlatedGaussian(scales: number[], rho: number) {
  const d = scales.length;
  // Precision of the equicorrelation matrix R: (1/(1-rho)) (I - rho/(1+(d-1)rho) 11^T)
  const a = 1 / (1 - rho);
  const b = rho / (1 + (d - 1) * rho);
  const target: LogDensity = {
    dim: d,
    logDensity(theta, grad) {
      let sumZ = 0;
      for (let i = 0; i < d; i++) sumZ += theta[i] / scales[i];
      let lp = 0;
      for (let i = 0; i < d; i++) {
        const zi = theta[i] / scales[i];
        const pz = a * (zi - b * sumZ); // (R^-1 z)_i
        lp -= 0.5 * zi * pz;
        grad[i] = -pz / scales[i];
      }
      return lp;
    },
  };
  return target;
}

function momentsOf(draws: Float64Array, dim: number, i: number): { mean: number; variance: number } {
  const n = draws.length / dim;
  let m = 0;
  for (let k = 0; k < n; k++) m += draws[k * dim + i];
  m /= n;
  let v = 0;
  for (let k = 0; k < n; k++) v += (draws[k * dim + i] - m) ** 2;
  return { mean: m, variance: v / (n - 1) };
}

describe("NUTS on known posteriors", () => {
  it("matches the exact conjugate normal posterior", () => {
    const rng = new MmmRng(42);
    const y = Array.from({ length: 20 }, () => 3 + 2 * rng.normal());
    const { target, postMean, postVar } = conjugateNormal(y, 2, 0, 10);
    const res = runNuts(target, [0], new MmmRng(7), { tune: 500, draws: 4000 });
    const { mean, variance } = momentsOf(res.draws, 1, 0);
    const sd = Math.sqrt(postVar);
    // Monte Carlo standard error with ESS of at least ~1000
    expect(Math.abs(mean - postMean)).toBeLessThan((4 * sd) / Math.sqrt(1000));
    expect(variance / postVar).toBeGreaterThan(0.88);
    expect(variance / postVar).toBeLessThan(1.12);
    expect(res.divergent.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("matches the mean and covariance of a strongly correlated, badly scaled Gaussian", () => {
    const scales = [1, 10, 0.1, 3, 0.5];
    const rho = 0.9;
    const target = correlatedGaussian(scales, rho);
    const res = runNuts(target, [0.5, -3, 0.05, 1, 0.2], new MmmRng(11), { tune: 1000, draws: 6000 });
    const d = scales.length;
    for (let i = 0; i < d; i++) {
      const { mean, variance } = momentsOf(res.draws, d, i);
      expect(Math.abs(mean) / scales[i]).toBeLessThan(0.15);
      expect(variance / scales[i] ** 2).toBeGreaterThan(0.85);
      expect(variance / scales[i] ** 2).toBeLessThan(1.15);
    }
    // covariance of components 0 and 1
    const n = res.nDraws;
    let c = 0;
    for (let k = 0; k < n; k++) c += res.draws[k * d] * res.draws[k * d + 1];
    expect(c / n / (scales[0] * scales[1])).toBeGreaterThan(0.8);
    expect(c / n / (scales[0] * scales[1])).toBeLessThan(1.0);
    // adaptation learnt the scales
    for (let i = 0; i < d; i++) {
      const ratio = res.invMetric[i] / scales[i] ** 2;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
  });

  it("is reproducible for a seed and differs across seeds", () => {
    const target = correlatedGaussian([1, 2], 0.5);
    const a = runNuts(target, [0, 0], new MmmRng(5, 1), { tune: 100, draws: 50 });
    const b = runNuts(target, [0, 0], new MmmRng(5, 1), { tune: 100, draws: 50 });
    const c = runNuts(target, [0, 0], new MmmRng(5, 2), { tune: 100, draws: 50 });
    expect(Array.from(a.draws)).toEqual(Array.from(b.draws));
    expect(Array.from(a.draws)).not.toEqual(Array.from(c.draws));
  });

  it("uses Stan's warm-up windows", () => {
    const w = adaptationWindows(1000);
    expect(w.initBuffer).toBe(75);
    expect([...w.windowEnds]).toEqual([99, 149, 249, 449, 949]);
    const short = adaptationWindows(100);
    expect(short.initBuffer).toBe(15);
    expect([...short.windowEnds]).toEqual([89]);
  });
});
