import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng.js";
import {
  betaMean,
  betaPosterior,
  betaVariance,
  discountBeta,
  discountGamma,
  gammaMean,
  gammaPosterior,
  logNormalMean,
  logNormalPosterior,
  posteriorMean,
  posteriorSd,
  samplePosterior,
  updateBeta,
  updateGamma,
  updateLogNormal,
} from "./posteriors.js";
import { betaPriorFromRoas, empiricalBayesBeta, empiricalBayesGamma, roasFromP } from "./priors.js";
import { addToWindow, slidingWindow, windowBeta, windowGamma } from "./sliding-window.js";

describe("conjugate posteriors", () => {
  it("Beta-Bernoulli adds successes and failures", () => {
    const p = updateBeta(betaPosterior(1, 1), 30, 70);
    expect(p.alpha).toBe(31);
    expect(p.beta).toBe(71);
    expect(betaMean(p)).toBeCloseTo(31 / 102, 12);
    expect(betaVariance(p)).toBeCloseTo((31 * 71) / (102 ** 2 * 103), 12);
    expect(() => updateBeta(p, -1, 0)).toThrow(/successes/);
  });

  it("Gamma-Poisson: conversions per unit of spend", () => {
    const p = updateGamma(gammaPosterior(1, 1), 20, 999);
    expect(gammaMean(p)).toBeCloseTo(21 / 1000, 12);
  });

  it("discounting pulls counts back to the prior by γ", () => {
    const p = discountBeta(updateBeta(betaPosterior(2, 3), 10, 10), 0.5);
    expect(p.alpha).toBeCloseTo(2 + 5, 12);
    expect(p.beta).toBeCloseTo(3 + 5, 12);
    const g = discountGamma(updateGamma(gammaPosterior(1, 1), 4, 8), 0.25);
    expect(g.shape).toBeCloseTo(2, 12);
    expect(g.rate).toBeCloseTo(3, 12);
    expect(() => discountBeta(p, 0)).toThrow(/discount/);
  });

  it("log-normal NIG learns the mean of log values and its draws agree with its mean", () => {
    const rng = createRng(5);
    // true log ROAS ~ N(log 2, 0.3²): mean ROAS = 2·e^{0.045}
    const values = Array.from({ length: 400 }, () =>
      Math.exp(Math.log(2) + 0.3 * (rng.nextFloat() * 2 - 1) * Math.sqrt(3)),
    );
    const p = updateLogNormal(logNormalPosterior(), values);
    expect(p.m).toBeCloseTo(Math.log(2), 1);
    expect(logNormalMean(p)).toBeGreaterThan(1.9);
    expect(logNormalMean(p)).toBeLessThan(2.2);
    let s = 0;
    for (let i = 0; i < 20_000; i++) s += samplePosterior(p, rng);
    expect(s / 20_000).toBeCloseTo(posteriorMean(p), 1);
    expect(() => updateLogNormal(p, [0])).toThrow(/values\[0\]/);
  });

  it("generic sampling matches mean and sd for beta and gamma", () => {
    const rng = createRng(9);
    for (const p of [updateBeta(betaPosterior(), 12, 88), updateGamma(gammaPosterior(), 30, 600)]) {
      let s = 0;
      let s2 = 0;
      const n = 50_000;
      for (let i = 0; i < n; i++) {
        const x = samplePosterior(p, rng);
        s += x;
        s2 += x * x;
      }
      const m = s / n;
      expect(Math.abs(m - posteriorMean(p))).toBeLessThan((5 * posteriorSd(p)) / Math.sqrt(n));
      expect(Math.sqrt(s2 / n - m * m) / posteriorSd(p)).toBeCloseTo(1, 1);
    }
  });
});

describe("priors", () => {
  it("maps a parent ROAS to a Beta by p = ROAS/(1+ROAS) and the method of moments", () => {
    // ROAS 3 with 95% CI [2, 4]: p = 0.75, sd = (0.8 - 0.6667)/(2·1.96) = 0.034014
    const prior = betaPriorFromRoas({ roas: 3, lower: 2, upper: 4 });
    const p = 0.75;
    const sd = (4 / 5 - 2 / 3) / (2 * 1.959963984540054);
    const k = (p * (1 - p)) / (sd * sd) - 1;
    expect(prior.alpha).toBeCloseTo(p * k, 9);
    expect(prior.beta).toBeCloseTo((1 - p) * k, 9);
    expect(roasFromP(betaMean(prior))).toBeCloseTo(3, 9);
  });

  it("defaults a missing interval to ±30% and floors α, β at 1", () => {
    const prior = betaPriorFromRoas({ roas: 0.001 });
    expect(prior.alpha).toBeGreaterThanOrEqual(1);
    expect(prior.beta).toBeGreaterThanOrEqual(1);
    const wide = betaPriorFromRoas({ roas: 0.005, lower: 0, upper: 1000 });
    // σ² capped at 0.9·p(1−p): k = 1/0.9 − 1, so both hit the floor of 1
    expect(wide.alpha).toBe(1);
    expect(wide.beta).toBe(1);
    expect(() => betaPriorFromRoas({ roas: -1 })).toThrow(/ROAS/);
  });

  it("empirical-Bayes Beta recovers the spread of sibling rates", () => {
    const rng = createRng(17);
    // true rates from Beta(20, 980): mean 0.02, strength 1000
    const siblings = Array.from({ length: 200 }, () => {
      const rate = samplePosterior(betaPosterior(20, 980), rng);
      const trials = 20_000;
      let successes = 0;
      for (let i = 0; i < trials; i++) if (rng.nextFloat() < rate) successes++;
      return { successes, trials };
    });
    const prior = empiricalBayesBeta(siblings, 100_000);
    expect(betaMean(prior)).toBeCloseTo(0.02, 3);
    const strength = prior.alpha + prior.beta;
    expect(strength).toBeGreaterThan(600);
    expect(strength).toBeLessThan(1600);
    expect(empiricalBayesBeta([{ successes: 1, trials: 10 }])).toMatchObject({ alpha: 1, beta: 1 });
  });

  it("empirical-Bayes Gamma matches the siblings' mean rate", () => {
    const prior = empiricalBayesGamma([
      { events: 10, exposure: 1000 },
      { events: 30, exposure: 1000 },
      { events: 20, exposure: 1000 },
    ]);
    expect(gammaMean(prior)).toBeCloseTo(0.02, 6);
  });
});

describe("sliding windows", () => {
  it("forgets periods older than the window", () => {
    let w = slidingWindow(3);
    w = addToWindow(w, 1, { successes: 100, trials: 100 });
    w = addToWindow(w, 2, { successes: 0, trials: 10, exposure: 5 });
    w = addToWindow(w, 2, { successes: 1, trials: 10, exposure: 5 });
    w = addToWindow(w, 4, { successes: 2, trials: 10 });
    expect(w.buckets.map((b) => b.period)).toEqual([2, 4]);
    expect(windowBeta(w)).toMatchObject({ alpha: 4, beta: 28 });
    expect(windowGamma(w)).toMatchObject({ shape: 4, rate: 11 });
    expect(() => addToWindow(w, 3, {})).toThrow(/backwards/);
  });
});

import { normalPosterior, updateNormal } from "./posteriors.js";

describe("Normal-Inverse-Gamma on the value", () => {
  it("learns a mean that can be negative and samples around it", () => {
    const p = updateNormal(normalPosterior(0, 1, 2, 1), [-2, -1, -3, -2, -2]);
    // m = (1·0 + 5·(−2)) / 6
    expect(p.m).toBeCloseTo(-10 / 6, 12);
    expect(p.kappa).toBe(6);
    expect(p.a).toBe(4.5);
    const rng = createRng(12);
    let s = 0;
    for (let i = 0; i < 20_000; i++) s += samplePosterior(p, rng);
    expect(s / 20_000).toBeCloseTo(p.m, 1);
    expect(posteriorSd(p)).toBeGreaterThan(0);
  });
});
