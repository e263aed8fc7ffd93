/**
 * One MMM chain, start to finish, as a pure function of (spec, chain index, seed, settings), so that it
 * gives bit-identical draws whether it runs in a worker thread or in the calling thread.
 */
import { MmmModel } from "./model.js";
import { type ChainResult, runNuts } from "./nuts-chain.js";
import { MmmRng } from "./rng.js";
import type { ModelSpec } from "./spec.js";

export interface ChainJob {
  spec: ModelSpec;
  chain: number;
  seed: number;
  tune: number;
  draws: number;
  targetAccept: number;
  maxTreeDepth: number;
  metric?: "diag" | "dense";
  /** Optional starting point (unconstrained); otherwise the prior centre plus uniform(-1, 1) jitter. */
  init?: Float64Array;
  /**
   * Optional start from a Gaussian approximation: the chain starts at mode + scale * sd * z (z standard
   * normal, from the chain's own stream) and warm-up starts from the metric diag(sd^2).
   */
  approx?: { mode: Float64Array; sd: Float64Array; scale: number };
  progressEvery?: number;
}

export function initialPoint(model: MmmModel, rng: MmmRng, base?: Float64Array): Float64Array {
  const center = base ?? model.center();
  const grad = new Float64Array(model.dim);
  const q = new Float64Array(model.dim);
  for (let attempt = 0; attempt < 100; attempt++) {
    const width = attempt < 50 ? 1 : 0.1;
    for (let i = 0; i < model.dim; i++) q[i] = center[i] + width * (2 * rng.uniform() - 1);
    const lp = model.logDensity(q, grad);
    let ok = Number.isFinite(lp);
    for (let i = 0; ok && i < model.dim; i++) ok = Number.isFinite(grad[i]);
    if (ok) return q;
  }
  throw new Error("could not find a starting point with finite posterior density in 100 attempts");
}

export function runChain(
  job: ChainJob,
  onProgress?: (iteration: number, total: number, divergences: number) => void,
): ChainResult {
  const model = new MmmModel(job.spec);
  const rng = new MmmRng(job.seed, job.chain + 1);
  let init: Float64Array;
  let initInvMetric: Float64Array | undefined;
  if (job.approx) {
    const { mode, sd, scale } = job.approx;
    init = approxStart(model, rng, mode, sd, scale);
    initInvMetric = Float64Array.from(sd, (s) => Math.min(100, Math.max(1e-8, s * s)));
  } else init = initialPoint(model, rng, job.init);
  return runNuts(model, init, rng, {
    initInvMetric,
    tune: job.tune,
    draws: job.draws,
    targetAccept: job.targetAccept,
    maxTreeDepth: job.maxTreeDepth,
    metric: job.metric ?? "diag",
    onProgress,
    progressEvery: job.progressEvery ?? 25,
  });
}

function approxStart(
  model: MmmModel,
  rng: MmmRng,
  mode: Float64Array,
  sd: Float64Array,
  scale: number,
): Float64Array {
  const grad = new Float64Array(model.dim);
  const q = new Float64Array(model.dim);
  for (let attempt = 0; attempt < 100; attempt++) {
    const s = attempt < 50 ? scale : scale / 10;
    for (let i = 0; i < model.dim; i++) q[i] = mode[i] + s * sd[i] * rng.normal();
    if (Number.isFinite(model.logDensity(q, grad))) return q;
  }
  return Float64Array.from(mode);
}
