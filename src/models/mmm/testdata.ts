/**
 * Synthetic data from the model's own generative process, with known truth: used by tests, the
 * simulation-based calibration and the benchmarks.
 */
import { prepareModel } from "./data.js";
import { MmmModel } from "./model.js";
import { samplePrior } from "./priors.js";
import { MmmRng } from "./rng.js";
import {
  ADSTOCK_PARAMS,
  adstockWeights,
  convolveAdstock,
  SATURATION_PARAMS,
  saturate,
} from "./transforms.js";
import type { MmmInput, MmmModelOptions } from "./types.js";

export interface SimulatedData {
  input: MmmInput;
  /** True constrained parameter values in the model's parameter order. */
  truth: Float64Array;
  paramNames: string[];
  /** True contribution of each channel summed over all periods (target units). */
  contributions: number[];
  roas: number[];
}

/** Weekly dates starting on 2021-01-04. */
export function weeklyDates(n: number): string[] {
  return Array.from({ length: n }, (_, t) =>
    new Date(Date.UTC(2021, 0, 4 + 7 * t)).toISOString().slice(0, 10),
  );
}

/** Spend series: on/off flighting with random levels (about 70 % of periods active). */
export function simulateSpend(rng: MmmRng, n: number, level: number): number[] {
  return Array.from({ length: n }, () => (rng.uniform() < 0.7 ? level * (0.2 + rng.uniform()) : 0));
}

/**
 * Draws parameters from the priors (or uses `fixed`, by parameter name, on the constrained scale), then
 * data from the likelihood. The target is returned on the original scale `yScale`.
 */
export function simulateFromModel(
  seed: number,
  n: number,
  channels: number,
  options: MmmModelOptions = {},
  fixed: Record<string, number> = {},
  yScale = 1000,
  rescaleTruth = true,
): SimulatedData {
  const rng = new MmmRng(seed, 77);
  const dates = weeklyDates(n);
  const spend = Array.from({ length: channels }, (_, c) => simulateSpend(rng, n, 100 * (c + 1)));
  const controls = [{ name: "promo", values: Array.from({ length: n }, (_, t) => (t % 13 === 6 ? 1 : 0)) }];
  // Build the spec on placeholder target to get the design (scaling of channels does not depend on y).
  const placeholder: MmmInput = {
    dates,
    target: Array.from({ length: n }, () => 1),
    channels: spend.map((s, c) => ({ name: `ch${c}`, spend: s })),
    controls,
  };
  const spec = prepareModel(placeholder, options);
  const model = new MmmModel(spec);
  const truth = new Float64Array(model.dim);
  model.params.forEach((p, i) => {
    truth[i] = fixed[p.name] ?? samplePrior(p.prior, rng);
  });
  // mean function on the scaled axis
  const mu = new Float64Array(n);
  for (let j = 0; j < model.nLin; j++) for (let t = 0; t < n; t++) mu[t] += truth[j] * spec.linX[j * n + t];
  const L = spec.lMax;
  const w = new Float64Array(L);
  const scratch = new Float64Array(3 * L);
  const a = new Float64Array(n);
  const contribScaled: number[] = [];
  spec.channels.forEach((ch, c) => {
    const lay = model.channelLayout[c];
    const ad = ADSTOCK_PARAMS[spec.adstock].map((_, j) => truth[lay.adstock[j]]);
    const sat = SATURATION_PARAMS[spec.saturation].map((_, j) => truth[lay.saturation[j]]);
    adstockWeights(spec.adstock, ad[0], ad[1] ?? 0, L, w, null, scratch);
    convolveAdstock(ch.x, w, L, n, a);
    let tot = 0;
    for (let t = 0; t < n; t++) {
      const v = truth[lay.beta] * saturate(spec.saturation, a[t], sat[0], sat[1] ?? 0);
      mu[t] += v;
      tot += v;
    }
    contribScaled.push(tot);
  });
  const sigma = truth[model.sigmaIndex];
  const nu = model.nuIndex >= 0 ? truth[model.nuIndex] : Number.POSITIVE_INFINITY;
  const y = Array.from(mu, (m) => {
    let e = rng.normal();
    if (Number.isFinite(nu)) e /= Math.sqrt(rng.gamma(nu / 2) / (nu / 2));
    return (m + sigma * e) * yScale;
  });
  // The model rescales y by its max; express the truth on that scale so it is comparable with fits.
  let ymax = 0;
  for (const v of y) ymax = Math.max(ymax, Math.abs(v));
  const k = rescaleTruth ? yScale / ymax : 1;
  const truthOnFitScale = Float64Array.from(truth);
  model.params.forEach((p, i) => {
    if (i < model.nLin || p.name === "sigma" || p.name.startsWith("saturation.beta"))
      truthOnFitScale[i] = truth[i] * k;
  });
  const spendTotals = spend.map((s) => s.reduce((x, v) => x + v, 0));
  return {
    input: { ...placeholder, target: y },
    truth: truthOnFitScale,
    paramNames: model.paramNames,
    contributions: contribScaled.map((v) => v * yScale),
    roas: contribScaled.map((v, c) => (v * yScale) / spendTotals[c]),
  };
}
