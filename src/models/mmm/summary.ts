/**
 * Posterior summaries in the target's units: per-channel contribution (total and over time), share of
 * the target, ROAS, marginal ROAS (+1 % spend in every period), adstock and saturation parameters,
 * response curves with bands, baseline, and fit metrics in-sample and on the held-out tail.
 */
import { quantileSorted } from "./diagnostics.js";
import type { MmmModel } from "./model.js";
import type { MmmRng } from "./rng.js";
import type { ModelSpec } from "./spec.js";
import {
  ADSTOCK_PARAMS,
  adstockWeights,
  convolveAdstock,
  SATURATION_PARAMS,
  saturate,
} from "./transforms.js";
import type { Interval } from "./types.js";

export function intervalOf(values: ArrayLike<number>): Interval {
  return intervalInPlace(Float64Array.from(values));
}

/** Like intervalOf, but sorts `buf` in place (no copy). */
export function intervalInPlace(buf: Float64Array): Interval {
  const sorted = buf.sort();
  let s = 0;
  for (let i = 0; i < sorted.length; i++) s += sorted[i];
  return {
    mean: s / sorted.length,
    q05: quantileSorted(sorted, 0.05),
    q50: quantileSorted(sorted, 0.5),
    q95: quantileSorted(sorted, 0.95),
  };
}

export interface Band {
  mean: number[];
  q05: number[];
  q95: number[];
}

export interface ChannelSummary {
  name: string;
  /** Spend summed over all periods, and its mean per period (input units). */
  spendTotal: number;
  spendMeanPerPeriod: number;
  /** Target units summed over all periods. */
  contribution: Interval;
  /** Contribution divided by the sum of the target over all periods. */
  contributionShare: Interval;
  /** Contribution per unit of spend. */
  roas: Interval;
  /** Extra contribution per extra unit of spend when spend rises 1 % in every period. */
  marginalRoas: Interval;
  /** Kernel parameters (alpha, or lambda and k) and the implied mean lag in periods. */
  adstock: Record<string, Interval>;
  /** Curve parameters on the scaled axes (lambda | kappa, slope; beta) plus betaTargetUnits = beta * yScale. */
  saturation: Record<string, Interval>;
  contributionOverTime: Band;
  /** Steady-state response per period to a constant spend per period. */
  responseCurve: { spend: number[]; mean: number[]; q05: number[]; q50: number[]; q95: number[] };
}

export interface FitMetrics {
  /** Periods scored. */
  periods: number;
  /** Computed from the posterior mean function mu (no observation noise), one value per draw. */
  r2: Interval;
  mape: Interval;
  /** RMSE divided by the range of the observed target (as PyMC-Marketing and Robyn). */
  nrmse: Interval;
  rmse: Interval;
  mae: Interval;
  /** Bayesian R^2 (Gelman et al. 2019) from posterior predictive draws (with noise), as ArviZ's r2_score. */
  bayesR2: Interval;
  /** RMSE of posterior predictive draws (with noise), comparable to PyMC-Marketing's evaluation. */
  predictiveRmse: Interval;
}

export interface PosteriorSummary {
  channels: ChannelSummary[];
  baselineOverTime: Band;
  fittedOverTime: Band;
  fit: FitMetrics;
  holdout: FitMetrics | null;
}

/**
 * `draws` are constrained parameter vectors (one per row, model.dim wide). `rng` draws the
 * posterior predictive noise.
 */
export function summarisePosterior(
  model: MmmModel,
  draws: Float64Array[],
  originalTarget: Float64Array,
  rng: MmmRng,
  curvePoints = 41,
): PosteriorSummary {
  const spec: ModelSpec = model.spec;
  const n = spec.n;
  const C = spec.channels.length;
  const D = draws.length;
  const L = spec.lMax;
  const yScale = spec.yScale;
  let yTotal = 0;
  for (let t = 0; t < n; t++) yTotal += originalTarget[t];
  const w = new Float64Array(L);
  const scratch = new Float64Array(3 * L);
  const a = new Float64Array(n);
  const mu = new Float64Array(n);
  const contribT = Array.from({ length: C }, () => new Float64Array(D * n));
  const baseT = new Float64Array(D * n);
  const muT = new Float64Array(D * n);
  const contrib = Array.from({ length: C }, () => new Float64Array(D));
  const contribUp = Array.from({ length: C }, () => new Float64Array(D));
  const spendTotal = spec.channels.map((ch) => ch.x.reduce((s, v) => s + v, 0) * ch.scale);
  const sigmaDraws = new Float64Array(D);
  const nuDraws = new Float64Array(D);
  const curveX = spec.channels.map((ch) => {
    let max = 0;
    for (let t = 0; t < n; t++) max = Math.max(max, ch.x[t]);
    return Array.from({ length: curvePoints }, (_, i) => (2 * max * i) / (curvePoints - 1));
  });
  const curveY = Array.from({ length: C }, () =>
    Array.from({ length: curvePoints }, () => new Float64Array(D)),
  );
  for (let d = 0; d < D; d++) {
    const v = draws[d];
    mu.fill(0);
    for (let j = 0; j < model.nLin; j++) {
      const b = v[j];
      for (let t = 0; t < n; t++) mu[t] += b * spec.linX[j * n + t];
    }
    for (let t = 0; t < n; t++) baseT[d * n + t] = mu[t] * yScale;
    for (let c = 0; c < C; c++) {
      const lay = model.channelLayout[c];
      const p0 = v[lay.adstock[0]];
      const p1 = lay.adstock.length > 1 ? v[lay.adstock[1]] : 0;
      adstockWeights(spec.adstock, p0, p1, L, w, null, scratch);
      convolveAdstock(spec.channels[c].x, w, L, n, a);
      const s0 = v[lay.saturation[0]];
      const s1 = lay.saturation.length > 1 ? v[lay.saturation[1]] : 0;
      const beta = v[lay.beta];
      let tot = 0;
      let totUp = 0;
      for (let t = 0; t < n; t++) {
        const ct = beta * saturate(spec.saturation, a[t], s0, s1);
        mu[t] += ct;
        contribT[c][d * n + t] = ct * yScale;
        tot += ct;
        totUp += beta * saturate(spec.saturation, 1.01 * a[t], s0, s1);
      }
      contrib[c][d] = tot * yScale;
      contribUp[c][d] = totUp * yScale;
      for (let i = 0; i < curvePoints; i++)
        curveY[c][i][d] = beta * saturate(spec.saturation, curveX[c][i], s0, s1) * yScale;
    }
    for (let t = 0; t < n; t++) muT[d * n + t] = mu[t] * yScale;
    sigmaDraws[d] = v[model.sigmaIndex] * yScale;
    nuDraws[d] = model.nuIndex >= 0 ? v[model.nuIndex] : Number.POSITIVE_INFINITY;
  }
  const bandOf = (arr: Float64Array): Band => {
    const band: Band = { mean: [], q05: [], q95: [] };
    const col = new Float64Array(D);
    for (let t = 0; t < n; t++) {
      for (let d = 0; d < D; d++) col[d] = arr[d * n + t];
      const iv = intervalInPlace(col);
      band.mean.push(iv.mean);
      band.q05.push(iv.q05);
      band.q95.push(iv.q95);
    }
    return band;
  };
  const paramInterval = (idx: number, scale = 1) => intervalOf(draws.map((v) => v[idx] * scale));
  const channels: ChannelSummary[] = spec.channels.map((ch, c) => {
    const lay = model.channelLayout[c];
    const adstock: Record<string, Interval> = {};
    ADSTOCK_PARAMS[spec.adstock].forEach((p, j) => {
      adstock[p] = paramInterval(lay.adstock[j]);
    });
    adstock.meanLag = intervalOf(
      draws.map((v) => {
        adstockWeights(
          spec.adstock,
          v[lay.adstock[0]],
          lay.adstock.length > 1 ? v[lay.adstock[1]] : 0,
          L,
          w,
          null,
          scratch,
        );
        let m = 0;
        for (let l = 0; l < L; l++) m += l * w[l];
        return m;
      }),
    );
    const saturation: Record<string, Interval> = {};
    SATURATION_PARAMS[spec.saturation].forEach((p, j) => {
      saturation[p] = paramInterval(lay.saturation[j]);
    });
    saturation.beta = paramInterval(lay.beta);
    saturation.betaTargetUnits = paramInterval(lay.beta, yScale);
    const roas = contrib[c].map((x) => x / spendTotal[c]);
    const mroas = contrib[c].map((x, d) => (contribUp[c][d] - x) / (0.01 * spendTotal[c]));
    return {
      name: ch.name,
      spendTotal: spendTotal[c],
      spendMeanPerPeriod: spendTotal[c] / n,
      contribution: intervalOf(contrib[c]),
      contributionShare: intervalOf(contrib[c].map((x) => x / yTotal)),
      roas: intervalOf(roas),
      marginalRoas: intervalOf(mroas),
      adstock,
      saturation,
      contributionOverTime: bandOf(contribT[c]),
      responseCurve: {
        spend: curveX[c].map((x) => x * ch.scale),
        ...(() => {
          const m: number[] = [];
          const q05: number[] = [];
          const q50: number[] = [];
          const q95: number[] = [];
          for (const col of curveY[c]) {
            const iv = intervalInPlace(col);
            m.push(iv.mean);
            q05.push(iv.q05);
            q50.push(iv.q50);
            q95.push(iv.q95);
          }
          return { mean: m, q05, q50, q95 };
        })(),
      },
    };
  });
  const fit = fitMetrics(originalTarget, muT, sigmaDraws, nuDraws, D, n, 0, spec.nTrain, rng);
  const holdout =
    spec.nTrain < n ? fitMetrics(originalTarget, muT, sigmaDraws, nuDraws, D, n, spec.nTrain, n, rng) : null;
  return { channels, baselineOverTime: bandOf(baseT), fittedOverTime: bandOf(muT), fit, holdout };
}

function fitMetrics(
  y: Float64Array,
  muT: Float64Array,
  sigma: Float64Array,
  nu: Float64Array,
  D: number,
  n: number,
  from: number,
  to: number,
  rng: MmmRng,
): FitMetrics {
  const m = to - from;
  let ybar = 0;
  let ymin = Number.POSITIVE_INFINITY;
  let ymax = Number.NEGATIVE_INFINITY;
  for (let t = from; t < to; t++) {
    ybar += y[t];
    ymin = Math.min(ymin, y[t]);
    ymax = Math.max(ymax, y[t]);
  }
  ybar /= m;
  let sst = 0;
  for (let t = from; t < to; t++) sst += (y[t] - ybar) ** 2;
  const range = ymax - ymin || 1;
  const r2 = new Float64Array(D);
  const mape = new Float64Array(D);
  const nrmse = new Float64Array(D);
  const rmse = new Float64Array(D);
  const mae = new Float64Array(D);
  const bayesR2 = new Float64Array(D);
  const prmse = new Float64Array(D);
  const pred = new Float64Array(m);
  for (let d = 0; d < D; d++) {
    let ss = 0;
    let ae = 0;
    let ape = 0;
    let nape = 0;
    let pss = 0;
    for (let t = from; t < to; t++) {
      const mu = muT[d * n + t];
      const r = y[t] - mu;
      ss += r * r;
      ae += Math.abs(r);
      if (y[t] !== 0) {
        ape += Math.abs(r / y[t]);
        nape++;
      }
      let eps = rng.normal();
      if (Number.isFinite(nu[d])) eps /= Math.sqrt(rng.gamma(nu[d] / 2) / (nu[d] / 2));
      const yrep = mu + sigma[d] * eps;
      pred[t - from] = yrep;
      pss += (y[t] - yrep) ** 2;
    }
    r2[d] = sst > 0 ? 1 - ss / sst : Number.NaN;
    rmse[d] = Math.sqrt(ss / m);
    nrmse[d] = rmse[d] / range;
    mae[d] = ae / m;
    mape[d] = nape > 0 ? ape / nape : Number.NaN;
    prmse[d] = Math.sqrt(pss / m);
    // Bayesian R^2: var(pred) / (var(pred) + var(y - pred))
    let pm = 0;
    let rm = 0;
    for (let i = 0; i < m; i++) {
      pm += pred[i];
      rm += y[from + i] - pred[i];
    }
    pm /= m;
    rm /= m;
    let vp = 0;
    let vr = 0;
    for (let i = 0; i < m; i++) {
      vp += (pred[i] - pm) ** 2;
      vr += (y[from + i] - pred[i] - rm) ** 2;
    }
    bayesR2[d] = vp / (vp + vr);
  }
  return {
    periods: m,
    r2: intervalOf(r2),
    mape: intervalOf(mape),
    nrmse: intervalOf(nrmse),
    rmse: intervalOf(rmse),
    mae: intervalOf(mae),
    bayesR2: intervalOf(bayesR2),
    predictiveRmse: intervalOf(prmse),
  };
}
