/**
 * One NUTS chain as Stan runs it: step-size initialisation, warm-up with dual-averaging step size and
 * windowed metric adaptation (75 / 25·2^k / 50 iterations), then the kept transitions. The sampler's
 * transition itself is in nuts.ts.
 */
import { adaptationWindows, StepSizeAdaptation } from "./adaptation.js";
import type { LogDensity } from "./model.js";
import { NutsSampler } from "./nuts.js";
import type { MmmRng } from "./rng.js";

export interface NutsOptions {
  tune: number;
  draws: number;
  targetAccept?: number;
  maxTreeDepth?: number;
  /** Energy error above which a trajectory is declared divergent (Stan: 1000). */
  maxDeltaH?: number;
  initStepSize?: number;
  /** Initial inverse metric (diagonal); defaults to ones. */
  initInvMetric?: Float64Array;
  /** "diag" (Stan's default) or "dense" (full covariance, Stan's dense_e) metric adaptation. */
  metric?: "diag" | "dense";
  onProgress?: (iteration: number, total: number, divergences: number) => void;
  progressEvery?: number;
}

export interface ChainResult {
  dim: number;
  nDraws: number;
  /** Unconstrained draws, row-major (draw i at [i*dim, (i+1)*dim)). */
  draws: Float64Array;
  lp: Float64Array;
  energy: Float64Array;
  acceptStat: Float64Array;
  treeDepth: Uint8Array;
  nLeapfrog: Int32Array;
  divergent: Uint8Array;
  stepSize: number;
  invMetric: Float64Array;
  /** Dense inverse metric (row-major), when adapted densely. */
  denseMetric: Float64Array | null;
  warmupDivergences: number;
  /** Gradient evaluations in warm-up plus sampling. */
  gradientEvals: number;
}

/** Runs one chain: warm-up with adaptation, then `draws` kept transitions. */
export function runNuts(
  target: LogDensity,
  init: ArrayLike<number>,
  rng: MmmRng,
  opts: NutsOptions,
): ChainResult {
  const dim = target.dim;
  const sampler = new NutsSampler(target, rng, opts.maxTreeDepth ?? 10, opts.maxDeltaH ?? 1000);
  if (opts.initInvMetric) sampler.invMetric.set(opts.initInvMetric);
  const lp0 = sampler.setPosition(init);
  if (!Number.isFinite(lp0)) throw new Error("the initial point has zero posterior density");
  sampler.stepSize = opts.initStepSize ?? 1;
  sampler.initStepSize();
  const stepAdapt = new StepSizeAdaptation(opts.targetAccept ?? 0.8);
  stepAdapt.restart(sampler.stepSize);
  const { initBuffer, termBuffer, windowEnds } = adaptationWindows(opts.tune);
  const total = opts.tune + opts.draws;
  const every = opts.progressEvery ?? 50;
  // Welford accumulators for the variance window
  const dense = opts.metric === "dense";
  const mean = new Float64Array(dim);
  const m2 = new Float64Array(dim);
  const m2d = dense ? new Float64Array(dim * dim) : null;
  const delta = new Float64Array(dim);
  let count = 0;
  let warmupDivergences = 0;
  let divergences = 0;
  const nDraws = opts.draws;
  const res: ChainResult = {
    dim,
    nDraws,
    draws: new Float64Array(nDraws * dim),
    lp: new Float64Array(nDraws),
    energy: new Float64Array(nDraws),
    acceptStat: new Float64Array(nDraws),
    treeDepth: new Uint8Array(nDraws),
    nLeapfrog: new Int32Array(nDraws),
    divergent: new Uint8Array(nDraws),
    stepSize: 0,
    invMetric: sampler.invMetric,
    denseMetric: null,
    warmupDivergences: 0,
    gradientEvals: 0,
  };
  for (let it = 0; it < opts.tune; it++) {
    sampler.transition();
    if (sampler.lastDivergent) warmupDivergences++;
    sampler.stepSize = stepAdapt.learn(sampler.lastAccept);
    if (it >= initBuffer && it < opts.tune - termBuffer) {
      count++;
      const q = sampler.position;
      for (let i = 0; i < dim; i++) {
        delta[i] = q[i] - mean[i];
        mean[i] += delta[i] / count;
        m2[i] += delta[i] * (q[i] - mean[i]);
      }
      if (m2d)
        for (let i = 0; i < dim; i++) {
          const di = q[i] - mean[i];
          for (let j = 0; j < dim; j++) m2d[i * dim + j] += di * delta[j];
        }
    }
    if (windowEnds.has(it)) {
      const nS = count;
      const shrink = nS / (nS + 5);
      const ridge = 1e-3 * (5 / (nS + 5));
      let denseOk = false;
      if (m2d && nS > 1) {
        const cov = new Float64Array(dim * dim);
        for (let i = 0; i < dim; i++)
          for (let j = 0; j < dim; j++)
            cov[i * dim + j] =
              (shrink * 0.5 * (m2d[i * dim + j] + m2d[j * dim + i])) / (nS - 1) + (i === j ? ridge : 0);
        denseOk = sampler.setDenseMetric(cov);
        m2d.fill(0);
      }
      if (!denseOk)
        for (let i = 0; i < dim; i++) {
          const variance = nS > 1 ? m2[i] / (nS - 1) : 1;
          sampler.invMetric[i] = shrink * variance + ridge;
        }
      mean.fill(0);
      m2.fill(0);
      count = 0;
      sampler.initStepSize();
      stepAdapt.restart(sampler.stepSize);
    }
    if (opts.onProgress && (it + 1) % every === 0) opts.onProgress(it + 1, total, warmupDivergences);
  }
  if (opts.tune > 0) sampler.stepSize = stepAdapt.final();
  for (let k = 0; k < nDraws; k++) {
    sampler.transition();
    res.draws.set(sampler.position, k * dim);
    res.lp[k] = sampler.logDensity;
    res.energy[k] = sampler.lastEnergy;
    res.acceptStat[k] = sampler.lastAccept;
    res.treeDepth[k] = sampler.lastDepth;
    res.nLeapfrog[k] = sampler.lastLeapfrog;
    if (sampler.lastDivergent) {
      res.divergent[k] = 1;
      divergences++;
    }
    const it = opts.tune + k;
    if (opts.onProgress && (it + 1) % every === 0) opts.onProgress(it + 1, total, divergences);
  }
  res.stepSize = sampler.stepSize;
  res.denseMetric = sampler.dense;
  res.warmupDivergences = warmupDivergences;
  res.gradientEvals = sampler.gradientEvals;
  return res;
}
