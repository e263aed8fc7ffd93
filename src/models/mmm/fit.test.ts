import { describe, expect, it } from "vitest";
import { fitMmm } from "./fit.js";
import { responseModelFromJson, toMmmJson } from "./json.js";
import { optimizeBudget } from "./optimizer.js";
import { MmmRng } from "./rng.js";
import { simulateFromModel } from "./testdata.js";

const truthValues = {
  intercept: 0.5,
  trend: 0.1,
  "control[promo]": 0.1,
  "adstock.alpha[ch0]": 0.5,
  "adstock.alpha[ch1]": 0.2,
  "saturation.lambda[ch0]": 2,
  "saturation.lambda[ch1]": 3,
  "saturation.beta[ch0]": 0.4,
  "saturation.beta[ch1]": 0.3,
  sigma: 0.03,
};

describe("fitMmm", () => {
  const sim = simulateFromModel(
    5,
    104,
    2,
    { yearlySeasonality: 1 },
    { ...truthValues, "fourier.sin1": 0.05, "fourier.cos1": -0.03 },
  );

  it("gives identical draws in worker threads and in this thread", async () => {
    const opts = { chains: 2, draws: 60, tune: 60, seed: 3, yearlySeasonality: 1 };
    const inThread = await fitMmm(sim.input, { ...opts, threads: 0 });
    const workers = await fitMmm(sim.input, { ...opts, threads: 2 });
    expect(workers.chains.length).toBe(2);
    expect(workers.settings.chainsInWorkers).toBe(2);
    expect(inThread.settings.chainsInWorkers).toBe(0);
    for (let c = 0; c < 2; c++) expect(Array.from(workers.chains[c])).toEqual(Array.from(inThread.chains[c]));
  });

  it("recovers known parameters with healthy diagnostics, and its JSON feeds the optimizer", async () => {
    const progress: number[] = [];
    const res = await fitMmm(sim.input, {
      chains: 2,
      draws: 300,
      tune: 300,
      seed: 11,
      yearlySeasonality: 1,
      threads: 0,
      onProgress: (p) => progress.push(p.iteration),
    });
    expect(progress.length).toBeGreaterThan(10);
    expect(res.diagnostics.divergences).toBe(0);
    expect(res.diagnostics.maxRhat).toBeLessThan(1.05);
    for (const name of ["adstock.alpha[ch0]", "saturation.beta[ch0]", "saturation.lambda[ch0]"]) {
      const i = res.paramNames.indexOf(name);
      const p = res.parameters[i];
      const width = p.q95 - p.q05;
      expect(Math.abs(p.q50 - sim.truth[i])).toBeLessThan(width);
    }
    for (let c = 0; c < 2; c++) {
      const ch = res.summary.channels[c];
      expect(Math.abs(ch.contribution.mean / sim.contributions[c] - 1)).toBeLessThan(0.3);
      expect(ch.marginalRoas.mean).toBeLessThan(ch.roas.mean); // concave curve
      expect(ch.responseCurve.spend.length).toBe(41);
    }
    expect(res.summary.fit.r2.mean).toBeGreaterThan(0.8);
    const json = JSON.parse(JSON.stringify(toMmmJson(res)));
    expect(Object.keys(json.channels[0])).toEqual(
      expect.arrayContaining([
        "name",
        "contribution",
        "contributionShare",
        "roas",
        "marginalRoas",
        "adstock",
        "saturation",
      ]),
    );
    expect(Object.keys(json.channels[0].roas)).toEqual(["mean", "q05", "q50", "q95"]);
    expect(Object.keys(json.diagnostics)).toEqual(
      expect.arrayContaining(["maxRhat", "minEssBulk", "minEssTail", "divergences", "seconds"]),
    );
    expect(Object.keys(json.fit)).toEqual(expect.arrayContaining(["r2", "mape", "nrmse"]));
    const model = responseModelFromJson(json);
    const budget = model.channels.reduce((s, ch) => s + ch.meanSpend, 0);
    const opt = optimizeBudget(model, { budget });
    expect(opt.totalSpend).toBeCloseTo(budget, 6);
    expect(opt.objectiveValue).toBeGreaterThanOrEqual(opt.currentObjectiveValue - 1e-9);
  });

  it("scores a held-out tail and gives a Laplace preview close to NUTS", async () => {
    const lap = await fitMmm(sim.input, {
      method: "laplace",
      draws: 500,
      chains: 1,
      seed: 2,
      yearlySeasonality: 1,
      holdout: 13,
    });
    expect(lap.summary.holdout?.periods).toBe(13);
    expect(lap.diagnostics.warnings[0]).toMatch(/Laplace approximation/);
    const i = lap.paramNames.indexOf("saturation.beta[ch0]");
    expect(Math.abs(lap.parameters[i].q50 - sim.truth[i])).toBeLessThan(0.15);
    expect(lap.summary.holdout!.mape.mean).toBeLessThan(0.2);
  });

  it("rejects bad input with a clear message", async () => {
    await expect(fitMmm({ target: [1, 2, 3], channels: [] })).rejects.toThrow(/at least 8/);
    await expect(
      fitMmm({ target: Array(20).fill(1), channels: [{ name: "a", spend: Array(19).fill(1) }] }),
    ).rejects.toThrow(/channel "a" has 19 values but the target has 20/);
    await expect(
      fitMmm({ target: Array(20).fill(1), channels: [{ name: "a", spend: Array(20).fill(-1) }] }),
    ).rejects.toThrow(/negative/);
  });
});

describe("model variants and calibration", () => {
  it("fits Weibull adstock with Hill saturation and a Student-t likelihood on daily data", async () => {
    const n = 120;
    const dates = Array.from({ length: n }, (_, t) =>
      new Date(Date.UTC(2023, 0, 2 + t)).toISOString().slice(0, 10),
    );
    const rng = new MmmRng(12);
    const spend = Array.from({ length: n }, () => (rng.uniform() < 0.7 ? 50 + 100 * rng.uniform() : 0));
    // saturating effect, weekly pattern, one outlier (what the Student-t likelihood is for)
    const target = spend.map(
      (s, t) =>
        500 +
        (400 * s) / (s + 80) +
        30 * Math.sin((2 * Math.PI * t) / 7) +
        10 * rng.normal() +
        (t === 50 ? 400 : 0),
    );
    const res = await fitMmm(
      { dates, target, channels: [{ name: "search", spend }] },
      {
        adstock: "weibullPdf",
        saturation: "hill",
        likelihood: "studentT",
        lMax: 7,
        chains: 2,
        draws: 100,
        tune: 120,
        seed: 4,
        threads: 0,
      },
    );
    expect(res.paramNames).toEqual(
      expect.arrayContaining(["adstock.lambda[search]", "saturation.slope[search]", "nu"]),
    );
    expect(res.paramNames).toContain("weekday.sin1");
    expect(Number.isFinite(res.summary.channels[0].contribution.mean)).toBe(true);
    expect(res.summary.fit.mape.mean).toBeLessThan(0.2);
  });

  it("a precise lift test pulls an uncertain channel towards the experiment", async () => {
    // channel 1 is rarely on, so the data alone say little about it
    const sim = simulateFromModel(9, 80, 2, { yearlySeasonality: 0 }, truthValues);
    const b = truthValues["saturation.beta[ch1]"];
    const lam = truthValues["saturation.lambda[ch1]"];
    const fitNo = await fitMmm(sim.input, {
      method: "laplace",
      draws: 400,
      chains: 1,
      seed: 1,
      yearlySeasonality: 0,
    });
    const scale = fitNo.spec.channels[1].scale;
    const yScale = fitNo.spec.yScale;
    // the experiment measured the true effect of going from 0.5 to 1.0 of max spend for 4 periods
    const trueLift =
      4 *
      yScale *
      sim.truth[fitNo.paramNames.indexOf("saturation.beta[ch1]")] *
      (Math.tanh((lam * 1.0) / 2) - Math.tanh((lam * 0.5) / 2));
    const liftTests = [
      {
        channel: "ch1",
        spend: 0.5 * scale,
        deltaSpend: 0.5 * scale,
        lift: trueLift,
        sigma: 0.02 * trueLift,
        periods: 4,
      },
    ];
    const fitLift = await fitMmm(sim.input, {
      method: "laplace",
      draws: 400,
      chains: 1,
      seed: 1,
      yearlySeasonality: 0,
      liftTests,
    });
    const i = fitNo.paramNames.indexOf("saturation.beta[ch1]");
    const width = (f: typeof fitNo) => f.parameters[i].q95 - f.parameters[i].q05;
    expect(width(fitLift)).toBeLessThan(width(fitNo));
    expect(Math.abs(fitLift.parameters[i].q50 - sim.truth[i])).toBeLessThanOrEqual(
      Math.abs(fitNo.parameters[i].q50 - sim.truth[i]) + 0.01,
    );
    expect(b).toBeGreaterThan(0);
  });
});
