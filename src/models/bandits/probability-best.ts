/**
 * Probability that each arm is the best, from joint posterior draws (Thompson's rule for
 * budgets: Chapelle & Li 2011; Scott 2010 "randomized probability matching").
 *
 * Exact draws from each posterior (Beta, Gamma, log-normal NIG) — never a normal approximation.
 *
 * Speed: an arm can only win a draw if its draw beats the leader's. Arms whose upper screening bound
 * (mean + Z·sd) lies below the leader's lower bound (mean − Z·sd) have P(best) below the tail mass
 * beyond Z standard deviations (≈ e^-(Z+1) for exponential-type tails: 1.2e-4 at Z = 8), which is
 * under the Monte-Carlo standard error of 1,000 draws; they are given P(best) = 0 and not sampled.
 * Heavy-tailed posteriors (log-normal with a < 3) are never screened out.
 */
import { beta as betaDraw, gammaRate } from "../random/gamma.js";
import type { Rng } from "../random/rng.js";
import { type Posterior, posteriorMean, posteriorSd, samplePosterior } from "./posteriors.js";

export interface ProbabilityBestOptions {
  readonly draws?: number;
  /** Screening width in posterior standard deviations; Infinity disables screening. */
  readonly screenZ?: number;
}

export interface ProbabilityBestResult {
  readonly probabilities: Float64Array;
  /** Number of arms actually sampled after screening. */
  readonly contenders: number;
  readonly draws: number;
}

const KIND_BETA = 0;
const KIND_GAMMA = 1;
const KIND_OTHER = 2;

export function probabilityBest(
  posteriors: readonly Posterior[],
  rng: Rng,
  options: ProbabilityBestOptions = {},
): ProbabilityBestResult {
  const draws = options.draws ?? 1000;
  const z = options.screenZ ?? 8;
  if (!Number.isInteger(draws) || draws < 1) throw new Error(`draws must be an integer >= 1, got ${draws}`);
  const n = posteriors.length;
  const probabilities = new Float64Array(n);
  if (n === 0) return { probabilities, contenders: 0, draws };
  if (n === 1) {
    probabilities[0] = 1;
    return { probabilities, contenders: 1, draws };
  }

  // Screening.
  const mean = new Float64Array(n);
  const sd = new Float64Array(n);
  let leaderLower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    mean[i] = posteriorMean(posteriors[i]!);
    sd[i] = posteriorSd(posteriors[i]!);
    leaderLower = Math.max(leaderLower, mean[i]! - z * sd[i]!);
  }
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = posteriors[i]!;
    const heavy = p.kind === "lognormal" && p.a < 3;
    if (heavy || !Number.isFinite(z) || mean[i]! + z * sd[i]! >= leaderLower) idx.push(i);
  }
  const m = idx.length;
  if (m === 1) {
    probabilities[idx[0]!] = 1;
    return { probabilities, contenders: 1, draws };
  }

  // Struct-of-arrays for a monomorphic hot loop.
  const kind = new Uint8Array(m);
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const p = posteriors[idx[j]!]!;
    if (p.kind === "beta") {
      kind[j] = KIND_BETA;
      a[j] = p.alpha;
      b[j] = p.beta;
    } else if (p.kind === "gamma") {
      kind[j] = KIND_GAMMA;
      a[j] = p.shape;
      b[j] = p.rate;
    } else kind[j] = KIND_OTHER;
  }
  const wins = new Float64Array(m);
  for (let d = 0; d < draws; d++) {
    let best = Number.NEGATIVE_INFINITY;
    let bestJ = 0;
    let ties = 1;
    for (let j = 0; j < m; j++) {
      const v = sampleFast(kind[j]!, a[j]!, b[j]!, posteriors[idx[j]!]!, rng);
      if (v > best) {
        best = v;
        bestJ = j;
        ties = 1;
      } else if (v === best) {
        // Reservoir tie-break so equal draws (e.g. underflow to 0) do not favour the first arm.
        ties++;
        if (rng.nextFloat() * ties < 1) bestJ = j;
      }
    }
    wins[bestJ]!++;
  }
  for (let j = 0; j < m; j++) probabilities[idx[j]!] = wins[j]! / draws;
  return { probabilities, contenders: m, draws };
}

function sampleFast(kind: number, a: number, b: number, p: Posterior, rng: Rng): number {
  if (kind === KIND_BETA) return betaDraw(rng, a, b);
  if (kind === KIND_GAMMA) return gammaRate(rng, a, b);
  return samplePosterior(p, rng);
}

export interface FillSharesResult {
  /** Expected share of the budget each arm gets in the optimal fill of one posterior draw. */
  readonly shares: Float64Array;
  /** P(best) from the same draws. */
  readonly probabilities: Float64Array;
}

/**
 * Thompson sampling with capacities (Ferreira, Simchi-Levi & Wang 2018: solve the LP on a posterior
 * sample): for each joint draw, fill the budget greedily in order of drawn value, each arm up to its
 * capacity (a fraction of the budget), and average the fills over draws. Without capacities this
 * reduces to probability of being best. Used when per-arm maximums bind, where P(best) alone would
 * spread the overflow of a capped winner evenly instead of to the next-best arms.
 */
export function expectedFillShares(
  posteriors: readonly Posterior[],
  capacities: readonly number[],
  rng: Rng,
  draws = 1000,
): FillSharesResult {
  const n = posteriors.length;
  const shares = new Float64Array(n);
  const probabilities = new Float64Array(n);
  const values = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  const byValueDesc = (x: number, y: number) => values[y]! - values[x]!;
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < n; i++) values[i] = samplePosterior(posteriors[i]!, rng);
    order.sort(byValueDesc);
    probabilities[order[0]!]!++;
    let remaining = 1;
    for (const i of order) {
      const take = Math.min(capacities[i]!, remaining);
      shares[i]! += take;
      remaining -= take;
      if (remaining <= 0) break;
    }
  }
  for (let i = 0; i < n; i++) {
    shares[i]! /= draws;
    probabilities[i]! /= draws;
  }
  return { shares, probabilities };
}
