/**
 * One MMM chain, start to finish, as a pure function of (spec, chain index, seed, settings), so that it
 * gives bit-identical draws whether it runs in a worker thread or in the calling thread.
 */
import { MmmModel } from "./model.js";
import { type ChainResult, runNuts } from "./nuts.js";
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
  const init = initialPoint(model, rng, job.init);
  return runNuts(model, init, rng, {
    tune: job.tune,
    draws: job.draws,
    targetAccept: job.targetAccept,
    maxTreeDepth: job.maxTreeDepth,
    metric: job.metric ?? "diag",
    onProgress,
    progressEvery: job.progressEvery ?? 25,
  });
}
