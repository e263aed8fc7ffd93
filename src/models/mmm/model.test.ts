import { describe, expect, it } from "vitest";
import { prepareModel } from "./data.js";
import { MmmModel } from "./model.js";
import { MmmRng } from "./rng.js";
import type { MmmInput, MmmModelOptions } from "./types.js";

function toyInput(n: number, seed: number): MmmInput {
  const rng = new MmmRng(seed);
  const dates = Array.from({ length: n }, (_, t) =>
    new Date(Date.UTC(2021, 0, 4 + 7 * t)).toISOString().slice(0, 10),
  );
  const x1 = Array.from({ length: n }, () => rng.uniform() * 100);
  const x2 = Array.from({ length: n }, () => (rng.uniform() > 0.6 ? rng.uniform() * 50 : 0));
  const ctl = Array.from({ length: n }, () => rng.normal());
  const y = Array.from(
    { length: n },
    (_, t) => 1000 + 3 * x1[t] + 2 * x2[t] + 20 * ctl[t] + 30 * rng.normal(),
  );
  return {
    dates,
    target: y,
    channels: [
      { name: "search", spend: x1 },
      { name: "social", spend: x2 },
    ],
    controls: [
      { name: "price", values: ctl },
      { name: "promo", values: Array.from({ length: n }, (_, t) => (t % 9 === 4 ? 1 : 0)) },
    ],
  };
}

function finiteDifference(model: MmmModel, theta: Float64Array, i: number, h = 1e-6): number {
  const g = new Float64Array(model.dim);
  const tp = Float64Array.from(theta);
  tp[i] += h;
  const fp = model.logDensity(tp, g);
  tp[i] -= 2 * h;
  const fm = model.logDensity(tp, g);
  return (fp - fm) / (2 * h);
}

const variants: MmmModelOptions[] = [];
for (const adstock of ["geometric", "weibullCdf", "weibullPdf"] as const)
  for (const saturation of ["logistic", "hill"] as const)
    for (const likelihood of ["normal", "studentT"] as const)
      variants.push({ adstock, saturation, likelihood });

describe("MMM log-density gradient", () => {
  it.each(variants)("matches central finite differences: %o", (opts) => {
    const input = toyInput(60, 11);
    const spec = prepareModel(input, {
      ...opts,
      holdout: 6,
      liftTests: [{ channel: "search", spend: 50, deltaSpend: 10, lift: 25, sigma: 10, periods: 2 }],
    });
    const model = new MmmModel(spec);
    const rng = new MmmRng(3);
    for (let rep = 0; rep < 3; rep++) {
      const theta = model.center();
      for (let i = 0; i < model.dim; i++) theta[i] += 0.5 * rng.normal();
      const grad = new Float64Array(model.dim);
      const lp = model.logDensity(theta, grad);
      expect(Number.isFinite(lp)).toBe(true);
      for (let i = 0; i < model.dim; i++) {
        const fd = finiteDifference(model, theta, i);
        const tol = 1e-5 * Math.max(1, Math.abs(fd));
        if (Math.abs(fd - grad[i]) > tol)
          throw new Error(`${model.params[i].name}: analytic ${grad[i]} vs numeric ${fd}`);
      }
    }
  });

  it("does not depend on data after the training window", () => {
    const input = toyInput(40, 5);
    const spec = prepareModel(input, { holdout: 10 });
    const model = new MmmModel(spec);
    const theta = model.center();
    const g = new Float64Array(model.dim);
    const lp1 = model.logDensity(theta, g);
    const changed = { ...input, target: Array.from(input.target).map((v, t) => (t >= 30 ? v * 5 : v)) };
    const spec2 = prepareModel(changed, { holdout: 10 });
    expect(new MmmModel(spec2).logDensity(theta, g)).toBeCloseTo(lp1, 10);
  });

  it("is -Infinity, not NaN, for absurd parameters", () => {
    const model = new MmmModel(prepareModel(toyInput(30, 2)));
    const theta = model.center().fill(800);
    const g = new Float64Array(model.dim);
    const lp = model.logDensity(theta, g);
    expect(Number.isNaN(lp)).toBe(false);
  });
});
