/**
 * Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018): draw parameters
 * from the prior, data from the model, fit, and record where the true value falls among the posterior
 * draws. For a correct sampler the ranks are uniform and central intervals cover the truth at their
 * nominal rate. The target scale is fixed (targetScale = 1) so the prior is exactly the one simulated.
 */
import { fitMmm } from "./fit.js";
import { simulateFromModel } from "./testdata.js";
import type { MmmModelOptions } from "./types.js";

export interface SbcOptions {
  replications: number;
  periods: number;
  channels: number;
  chains: number;
  draws: number;
  tune: number;
  seed: number;
  model?: MmmModelOptions;
  /** Draws kept (evenly thinned) for each rank; ranks run from 0 to thin. Default 99. */
  thin?: number;
  threads?: number;
}

export interface SbcResult {
  paramNames: string[];
  /** ranks[r][i]: rank of the true value of parameter i in replication r (0..thin). */
  ranks: number[][];
  thin: number;
  coverage50: number;
  coverage90: number;
  /** Coverage per parameter. */
  perParameter: { name: string; coverage50: number; coverage90: number }[];
  divergences: number;
  seconds: number;
}

export async function runSbc(opts: SbcOptions): Promise<SbcResult> {
  const t0 = performance.now();
  const thin = opts.thin ?? 99;
  const ranks: number[][] = [];
  let names: string[] = [];
  let in50: number[] = [];
  let in90: number[] = [];
  let divergences = 0;
  for (let r = 0; r < opts.replications; r++) {
    const model = { yearlySeasonality: 0, ...opts.model, targetScale: 1 };
    const sim = simulateFromModel(opts.seed * 1000 + r, opts.periods, opts.channels, model, {}, 1, false);
    const fit = await fitMmm(sim.input, {
      ...model,
      chains: opts.chains,
      draws: opts.draws,
      tune: opts.tune,
      seed: opts.seed + r,
      threads: opts.threads ?? 0,
      summaryDraws: 10,
    });
    divergences += fit.diagnostics.divergences;
    if (r === 0) {
      names = fit.paramNames;
      in50 = new Array(names.length).fill(0);
      in90 = new Array(names.length).fill(0);
    }
    const dim = names.length;
    const pooled: Float64Array[] = [];
    for (const c of fit.chains)
      for (let k = 0; k < c.length / dim; k++) pooled.push(c.subarray(k * dim, (k + 1) * dim));
    const row: number[] = [];
    for (let i = 0; i < dim; i++) {
      const truth = sim.truth[i];
      let rank = 0;
      for (let j = 0; j < thin; j++) {
        const v = pooled[Math.floor(((j + 0.5) * pooled.length) / thin)][i];
        if (v < truth) rank++;
      }
      row.push(rank);
      const p = fit.parameters[i];
      const values = pooled.map((v) => v[i]).sort((a, b) => a - b);
      const q = (x: number) => values[Math.min(values.length - 1, Math.floor(x * values.length))];
      if (truth >= q(0.25) && truth <= q(0.75)) in50[i]++;
      if (truth >= p.q05 && truth <= p.q95) in90[i]++;
    }
    ranks.push(row);
  }
  const R = opts.replications;
  const perParameter = names.map((name, i) => ({ name, coverage50: in50[i] / R, coverage90: in90[i] / R }));
  return {
    paramNames: names,
    ranks,
    thin,
    coverage50: in50.reduce((a, b) => a + b, 0) / (R * names.length),
    coverage90: in90.reduce((a, b) => a + b, 0) / (R * names.length),
    perParameter,
    divergences,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Chi-square statistic of the rank histogram (bins of equal width) against uniform, with its degrees of freedom. */
export function rankUniformity(ranks: number[], thin: number, bins = 10): { chi2: number; df: number } {
  const counts = new Array(bins).fill(0);
  for (const r of ranks) counts[Math.min(bins - 1, Math.floor((r / (thin + 1)) * bins))]++;
  const expected = ranks.length / bins;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  return { chi2, df: bins - 1 };
}
