/**
 * `fitMmm`: prepares the data, samples the posterior (NUTS chains in worker threads, or L-BFGS +
 * Laplace for previews), computes diagnostics with plain-words warnings and the posterior summaries.
 */
import { type ChainJob, initialPoint } from "./chain.js";
import { prepareModel } from "./data.js";
import { ebfmi, parameterDiagnostics } from "./diagnostics.js";
import { cholesky, findMap, laplaceApproximation, negativeHessian } from "./map.js";
import { MmmModel } from "./model.js";
import type { ChainResult } from "./nuts-chain.js";
import { defaultThreads, runChainsInThread, runChainsParallel } from "./parallel.js";
import type { MmmResponseModel } from "./response.js";
import { MmmRng } from "./rng.js";
import type { ModelSpec } from "./spec.js";
import { intervalOf, type PosteriorSummary, summarisePosterior } from "./summary.js";
import type { Interval, MmmFitOptions, MmmInput } from "./types.js";

export interface ParameterSummary extends Interval {
  name: string;
  sd: number;
  rhat: number;
  essBulk: number;
  essTail: number;
}

export interface ChainStats {
  chain: number;
  stepSize: number;
  divergences: number;
  warmupDivergences: number;
  meanAcceptStat: number;
  meanTreeDepth: number;
  maxTreeDepthHits: number;
  ebfmi: number;
  gradientEvals: number;
}

export interface MmmDiagnostics {
  method: "nuts" | "laplace";
  maxRhat: number;
  minEssBulk: number;
  minEssTail: number;
  divergences: number;
  minEbfmi: number;
  seconds: number;
  samplingSeconds: number;
  /** Bulk ESS of the slowest parameter per second of sampling wall time. */
  essPerSecond: number;
  /** True when no warning was raised. */
  ok: boolean;
  warnings: string[];
}

export interface MmmFitResult {
  method: "nuts" | "laplace";
  settings: {
    adstock: string;
    lMax: number;
    saturation: string;
    likelihood: string;
    chains: number;
    draws: number;
    tune: number;
    seed: number;
    targetAccept: number;
    maxTreeDepth: number;
    metric: "diag" | "dense";
    holdout: number;
    /** Chains that ran in worker threads (the rest ran in the calling thread). */
    chainsInWorkers: number;
  };
  targetName: string;
  dates: string[] | null;
  spec: ModelSpec;
  paramNames: string[];
  /** Constrained draws per chain, row-major (draws x parameters). */
  chains: Float64Array[];
  sampleStats: ChainStats[];
  parameters: ParameterSummary[];
  diagnostics: MmmDiagnostics;
  summary: PosteriorSummary;
  responseModel: MmmResponseModel;
}

const now = () => performance.now();

export async function fitMmm(input: MmmInput, options: MmmFitOptions = {}): Promise<MmmFitResult> {
  const t0 = now();
  const spec = prepareModel(input, options);
  const model = new MmmModel(spec);
  const method = options.method ?? "nuts";
  const chains = options.chains ?? 4;
  const draws = options.draws ?? 1000;
  const tune = options.tune ?? 1000;
  const seed = options.seed ?? 20240601;
  const targetAccept = options.targetAccept ?? 0.8;
  const maxTreeDepth = options.maxTreeDepth ?? 10;
  const metric = options.metric ?? "diag";
  if (metric !== "diag" && metric !== "dense")
    throw new Error(`metric must be "diag" or "dense", got "${metric}"`);
  for (const [k, v] of Object.entries({ chains, draws }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
  if (!Number.isInteger(tune) || tune < 0)
    throw new Error(`tune must be a non-negative integer, got ${tune}`);
  if (!(targetAccept > 0 && targetAccept < 1))
    throw new Error(`targetAccept must be in (0, 1), got ${targetAccept}`);
  const dim = model.dim;
  const names = model.paramNames;
  let constrained: Float64Array[];
  let stats: ChainStats[] = [];
  let samplingSeconds: number;
  const warnings: string[] = [];
  let chainsInWorkers = 0;

  if (method === "laplace") {
    const rng = new MmmRng(seed, 0);
    const starts = [model.center(), initialPoint(model, rng), initialPoint(model, rng)];
    const ts = now();
    const map = findMap(model, starts);
    const lap = laplaceApproximation(model, map, draws * chains, rng);
    samplingSeconds = (now() - ts) / 1000;
    const c = new Float64Array(draws * chains * dim);
    for (let k = 0; k < draws * chains; k++)
      model.constrain(lap.draws.subarray(k * dim, (k + 1) * dim), c.subarray(k * dim, (k + 1) * dim));
    constrained = [c];
    warnings.push(
      "This is a Laplace approximation (a Gaussian around the posterior mode), meant for quick previews: intervals are approximate and skewed parameters are misrepresented. Refit with NUTS before acting on it.",
    );
    if (!map.converged)
      warnings.push(`The mode search stopped after ${map.iterations} iterations without fully converging.`);
    if (lap.jitter > 0)
      warnings.push(
        "The curvature at the mode was not positive definite; a small ridge was added, so intervals are unreliable.",
      );
  } else {
    if (method !== "nuts") throw new Error(`method must be "nuts" or "laplace", got "${method}"`);
    // Start from a Laplace approximation at the mode (over-dispersed x2) with its variances as the first
    // metric: this skips the costly first warm-up window that a unit metric needs on badly scaled posteriors.
    let approx: ChainJob["approx"];
    if ((options.init ?? "map") === "map") {
      try {
        const map = findMap(model, [model.center()]);
        const sd = laplaceSd(model, map.mode);
        if (sd) approx = { mode: map.mode, sd, scale: 2 };
      } catch {
        approx = undefined;
      }
    }
    const jobs: ChainJob[] = Array.from({ length: chains }, (_, chain) => ({
      approx,
      spec,
      chain,
      seed,
      tune,
      draws,
      targetAccept,
      maxTreeDepth,
      metric,
    }));
    const onProgress = options.onProgress
      ? (chain: number, iteration: number, total: number, divergences: number) =>
          options.onProgress?.({
            chain,
            iteration,
            total,
            phase: iteration >= total ? "done" : iteration > tune ? "sampling" : "warmup",
            divergences,
          })
      : undefined;
    const threads = options.threads ?? defaultThreads(chains);
    const ts = now();
    let results: ChainResult[];
    if (threads > 0) {
      const r = await runChainsParallel(jobs, threads, onProgress);
      results = r.results;
      chainsInWorkers = r.inWorkers;
    } else results = runChainsInThread(jobs, onProgress);
    samplingSeconds = (now() - ts) / 1000;
    constrained = results.map((r) => {
      const c = new Float64Array(r.nDraws * dim);
      for (let k = 0; k < r.nDraws; k++)
        model.constrain(r.draws.subarray(k * dim, (k + 1) * dim), c.subarray(k * dim, (k + 1) * dim));
      return c;
    });
    stats = results.map((r, chain) => {
      let acc = 0;
      let depth = 0;
      let hits = 0;
      let div = 0;
      for (let k = 0; k < r.nDraws; k++) {
        acc += r.acceptStat[k];
        depth += r.treeDepth[k];
        if (r.treeDepth[k] >= maxTreeDepth) hits++;
        div += r.divergent[k];
      }
      return {
        chain,
        stepSize: r.stepSize,
        divergences: div,
        warmupDivergences: r.warmupDivergences,
        meanAcceptStat: acc / r.nDraws,
        meanTreeDepth: depth / r.nDraws,
        maxTreeDepthHits: hits,
        ebfmi: ebfmi(r.energy),
        gradientEvals: r.gradientEvals,
      };
    });
  }

  // per-parameter summaries and convergence diagnostics
  const parameters: ParameterSummary[] = names.map((name, i) => {
    const perChain = constrained.map((c) => {
      const n = c.length / dim;
      const out = new Float64Array(n);
      for (let k = 0; k < n; k++) out[k] = c[k * dim + i];
      return out;
    });
    const pooled = new Float64Array(perChain.reduce((s, c) => s + c.length, 0));
    let off = 0;
    for (const c of perChain) {
      pooled.set(c, off);
      off += c.length;
    }
    const iv = intervalOf(pooled);
    let v = 0;
    for (let k = 0; k < pooled.length; k++) v += (pooled[k] - iv.mean) ** 2;
    const diag =
      method === "nuts"
        ? parameterDiagnostics(perChain)
        : { rhat: Number.NaN, essBulk: Number.NaN, essTail: Number.NaN };
    return {
      name,
      ...iv,
      sd: Math.sqrt(v / Math.max(1, pooled.length - 1)),
      ...diag,
    };
  });
  const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
  const extreme = (xs: number[], f: (...v: number[]) => number) =>
    finite(xs).length ? f(...finite(xs)) : Number.NaN;
  const maxRhat = extreme(
    parameters.map((p) => p.rhat),
    Math.max,
  );
  const minEssBulk = extreme(
    parameters.map((p) => p.essBulk),
    Math.min,
  );
  const minEssTail = extreme(
    parameters.map((p) => p.essTail),
    Math.min,
  );
  const divergences = stats.reduce((s, c) => s + c.divergences, 0);
  const minEbfmi = extreme(
    stats.map((s) => s.ebfmi),
    Math.min,
  );
  if (method === "nuts") warnings.push(...plainWarnings(parameters, stats, chains * draws, maxTreeDepth));

  // posterior summaries on an evenly thinned subset of the pooled draws
  const total = constrained.reduce((s, c) => s + c.length / dim, 0);
  const keep = Math.min(total, options.summaryDraws ?? 1000);
  const rows: Float64Array[] = [];
  const pooledRows: Float64Array[] = [];
  for (const c of constrained)
    for (let k = 0; k < c.length / dim; k++) pooledRows.push(c.subarray(k * dim, (k + 1) * dim));
  for (let j = 0; j < keep; j++) rows.push(pooledRows[Math.floor(((j + 0.5) * total) / keep)]);
  const target = Float64Array.from(input.target, Number);
  const summary = summarisePosterior(model, rows, target, new MmmRng(seed, 9999));
  const responseModel: MmmResponseModel = {
    saturation: spec.saturation,
    yScale: spec.yScale,
    targetName: input.targetName ?? "target",
    channels: spec.channels.map((ch, c) => {
      const lay = model.channelLayout[c];
      let max = 0;
      let sum = 0;
      for (let t = 0; t < spec.n; t++) {
        max = Math.max(max, ch.x[t]);
        sum += ch.x[t];
      }
      return {
        name: ch.name,
        scale: ch.scale,
        meanSpend: (sum / spec.n) * ch.scale,
        maxSpend: max * ch.scale,
        beta: rows.map((r) => r[lay.beta]),
        p0: rows.map((r) => r[lay.saturation[0]]),
        p1: rows.map((r) => (lay.saturation.length > 1 ? r[lay.saturation[1]] : 0)),
      };
    }),
  };
  const seconds = (now() - t0) / 1000;
  return {
    method,
    settings: {
      adstock: spec.adstock,
      lMax: spec.lMax,
      saturation: spec.saturation,
      likelihood: spec.likelihood,
      chains,
      draws,
      tune,
      seed,
      targetAccept,
      maxTreeDepth,
      metric,
      holdout: spec.n - spec.nTrain,
      chainsInWorkers,
    },
    targetName: input.targetName ?? "target",
    dates: input.dates ? [...input.dates] : null,
    spec,
    paramNames: names,
    chains: constrained,
    sampleStats: stats,
    parameters,
    diagnostics: {
      method,
      maxRhat,
      minEssBulk,
      minEssTail,
      divergences,
      minEbfmi,
      seconds,
      samplingSeconds,
      essPerSecond: method === "nuts" ? minEssBulk / samplingSeconds : Number.NaN,
      ok: warnings.length === 0,
      warnings,
    },
    summary,
    responseModel,
  };
}

/** Warnings in plain words for a NUTS fit (empty when all checks pass). */
export function plainWarnings(
  parameters: ParameterSummary[],
  stats: ChainStats[],
  totalDraws: number,
  maxTreeDepth: number,
): string[] {
  const out: string[] = [];
  const badRhat = parameters.filter((p) => p.rhat > 1.01);
  if (badRhat.length > 0) {
    const worst = badRhat.reduce((a, b) => (b.rhat > a.rhat ? b : a));
    out.push(
      `The chains disagree for ${badRhat.length} parameter(s) (worst: ${worst.name}, R-hat ${worst.rhat.toFixed(3)}; should be below 1.01): the posterior was not explored reliably, so estimates may be wrong. Run more warm-up and draws, or simplify the model or tighten priors.`,
    );
  }
  const lowBulk = parameters.filter((p) => p.essBulk < 400);
  if (lowBulk.length > 0) {
    const worst = lowBulk.reduce((a, b) => (b.essBulk < a.essBulk ? b : a));
    out.push(
      `Too few effective draws for ${lowBulk.length} parameter(s) (worst: ${worst.name}, bulk ESS ${Math.round(worst.essBulk)}; want 400+): means and intervals are noisy. Run more draws.`,
    );
  }
  const lowTail = parameters.filter((p) => p.essTail < 400);
  if (lowTail.length > 0) {
    const worst = lowTail.reduce((a, b) => (b.essTail < a.essTail ? b : a));
    out.push(
      `The 5 % / 95 % limits are estimated from few effective draws for ${lowTail.length} parameter(s) (worst: ${worst.name}, tail ESS ${Math.round(worst.essTail)}; want 400+): the 90 % intervals are imprecise. Run more draws.`,
    );
  }
  const div = stats.reduce((s, c) => s + c.divergences, 0);
  if (div > 0)
    out.push(
      `${div} of ${totalDraws} draws ended in a divergent trajectory: the sampler met curvature it could not follow, so parts of the posterior may be missed and estimates biased. Raise targetAccept (e.g. 0.95) or simplify the model.`,
    );
  const lowE = stats.filter((s) => s.ebfmi < 0.3);
  if (lowE.length > 0)
    out.push(
      `Chain(s) ${lowE.map((s) => s.chain + 1).join(", ")} had low E-BFMI (${lowE.map((s) => s.ebfmi.toFixed(2)).join(", ")}; want 0.3+): the sampler moved poorly between energy levels, which often means heavy tails or a funnel. Consider stronger priors.`,
    );
  const hits = stats.reduce((s, c) => s + c.maxTreeDepthHits, 0);
  if (hits > 0.05 * totalDraws)
    out.push(
      `${hits} draws hit the maximum tree depth (${maxTreeDepth}): sampling is inefficient (not invalid). Parameters may be strongly correlated; consider more informative priors.`,
    );
  return out;
}

/** Marginal standard deviations of the Laplace approximation at x, or null if the curvature is not usable. */
function laplaceSd(model: MmmModel, x: Float64Array): Float64Array | null {
  const d = model.dim;
  const P = negativeHessian(model, x);
  const L = cholesky(P, d);
  if (!L) {
    const sd = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const h = P[i * d + i];
      if (!(h > 0)) return null;
      sd[i] = 1 / Math.sqrt(h);
    }
    return sd;
  }
  const sd = new Float64Array(d);
  const u = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    u.fill(0);
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let j = c; j < i; j++) s -= L[i * d + j] * u[j];
      u[i] = s / L[i * d + i];
    }
    let ss = 0;
    for (let i = c; i < d; i++) ss += u[i] * u[i];
    sd[c] = Math.sqrt(ss);
  }
  return sd;
}
