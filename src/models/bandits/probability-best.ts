/**
 * Probability that each arm is the best, from joint posterior draws (Thompson's rule for
 * budgets: Chapelle & Li 2011; Scott 2010 "randomized probability matching").
 *
 * Exact draws from each posterior (Beta, Gamma, log-normal NIG) — never a normal approximation.
 *
 * Speed: arms that cannot realistically be best (screening.ts: exact Gamma tails, or a Z-sd rule)
 * are given P(best) = 0 and not sampled.
 */
import { type ChengConstants, chengBB, chengConstants, marsagliaTsang } from "../random/gamma.js";
import type { Rng } from "../random/rng.js";
import { type Posterior, samplePosterior } from "./posteriors.js";
import { screenContenders } from "./screening.js";

export interface ProbabilityBestOptions {
  readonly draws?: number;
  /** Screening width in posterior standard deviations; Infinity disables screening. */
  readonly screenZ?: number;
  /** Probability mass the exact Gamma screening may drop (see screening.ts). */
  readonly delta?: number;
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
const KIND_BETA_GAMMAS = 3;

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

  const idx = screenContenders(posteriors, {
    z,
    ...(options.delta !== undefined ? { delta: options.delta } : {}),
  });
  const m = idx.length;
  if (m === 1) {
    probabilities[idx[0]!] = 1;
    return { probabilities, contenders: 1, draws };
  }

  // Struct-of-arrays for a monomorphic hot loop with precomputed constants: Gamma(shape ≥ 1)/rate by
  // Marsaglia–Tsang, Beta(a > 1, b > 1) by Cheng's BB, Beta with a or b = 1 by two gammas; the rest
  // take the generic path.
  const kind = new Uint8Array(m);
  const d1 = new Float64Array(m);
  const c1 = new Float64Array(m);
  const d2 = new Float64Array(m);
  const c2 = new Float64Array(m);
  const scale = new Float64Array(m);
  const cheng: (ChengConstants | null)[] = new Array(m).fill(null);
  for (let j = 0; j < m; j++) {
    const p = posteriors[idx[j]!]!;
    kind[j] = KIND_OTHER;
    if (p.kind === "gamma" && p.shape >= 1) {
      kind[j] = KIND_GAMMA;
      d1[j] = p.shape - 1 / 3;
      c1[j] = 1 / Math.sqrt(9 * d1[j]!);
      scale[j] = 1 / p.rate;
    } else if (p.kind === "beta" && p.alpha > 1 && p.beta > 1) {
      kind[j] = KIND_BETA;
      cheng[j] = chengConstants(p.alpha, p.beta);
    } else if (p.kind === "beta" && p.alpha >= 1 && p.beta >= 1) {
      kind[j] = KIND_BETA_GAMMAS;
      d1[j] = p.alpha - 1 / 3;
      c1[j] = 1 / Math.sqrt(9 * d1[j]!);
      d2[j] = p.beta - 1 / 3;
      c2[j] = 1 / Math.sqrt(9 * d2[j]!);
    }
  }
  const wins = new Float64Array(m);
  for (let d = 0; d < draws; d++) {
    let best = Number.NEGATIVE_INFINITY;
    let bestJ = 0;
    let ties = 1;
    for (let j = 0; j < m; j++) {
      const k = kind[j]!;
      let v: number;
      if (k === KIND_GAMMA) v = marsagliaTsang(rng, d1[j]!, c1[j]!) * scale[j]!;
      else if (k === KIND_BETA) v = chengBB(rng, cheng[j]!);
      else if (k === KIND_BETA_GAMMAS) {
        const x = marsagliaTsang(rng, d1[j]!, c1[j]!);
        v = x / (x + marsagliaTsang(rng, d2[j]!, c2[j]!));
      } else v = samplePosterior(posteriors[idx[j]!]!, rng);
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
 *
 * Speed (the service plans every account's arms with this each cycle): Gamma posteriors with
 * shape ≥ 1 are drawn by Marsaglia–Tsang with precomputed constants (the same draws, in the same order,
 * as `samplePosterior`), and each fill pops a heap only as far as it must instead of sorting all arms:
 * from the top while the budget lasts, or, when the capacities exceed the budget by less than the
 * budget itself, from the bottom until the dropped arms cover the excess. Shares can then differ from a
 * full sort by float rounding (below 1e-11 of the budget); probabilities are the same.
 */
/** Capacities that add up to the budget but for float rounding still count as fitting in it. */
const FIT_TOLERANCE = 1e-12;

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
  const heap = new Int32Array(n);
  const caps = Float64Array.from(capacities);
  let totalCap = 0;
  for (let i = 0; i < n; i++) totalCap += caps[i]!;
  let fullDraws = 0;
  // Gamma(shape ≥ 1, rate): d = shape − 1/3, c = 1/√(9d), draw / rate — exactly gammaRate's steps.
  const fast = new Uint8Array(n);
  const d1 = new Float64Array(n);
  const c1 = new Float64Array(n);
  const rate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = posteriors[i]!;
    if (p.kind === "gamma" && p.shape >= 1) {
      fast[i] = 1;
      d1[i] = p.shape - 1 / 3;
      c1[i] = 1 / Math.sqrt(9 * d1[i]!);
      rate[i] = p.rate;
    }
  }
  // The greedy fill gives every arm its whole capacity but the lowest-valued ones, whose capacities
  // cover the excess (totalCap − 1). When the excess is below the budget, fewer arms sit below the cut
  // than above it, so the fill is found from the bottom; otherwise from the top.
  const fromBottom = totalCap < 2;
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < n; i++) {
      values[i] = fast[i]
        ? marsagliaTsang(rng, d1[i]!, c1[i]!) / rate[i]!
        : samplePosterior(posteriors[i]!, rng);
    }
    // When the arms left can take no more than the budget left, each gets its whole capacity whatever
    // the order (up to float rounding), so the ordering stops there; when that holds from the start, a
    // draw only needs its best arm.
    if (totalCap <= 1 + FIT_TOLERANCE) {
      let best = 0;
      for (let i = 1; i < n; i++) if (values[i]! > values[best]!) best = i;
      probabilities[best]!++;
      fullDraws++;
      continue;
    }
    let best = 0;
    for (let i = 1; i < n; i++) if (values[i]! > values[best]!) best = i;
    probabilities[best]!++;
    if (fromBottom) fillFromBottom(heap, n, values, caps, totalCap - 1, shares);
    else fillFromTop(heap, n, values, caps, shares);
  }
  if (fullDraws > 0) for (let i = 0; i < n; i++) shares[i]! += caps[i]! * fullDraws;
  for (let i = 0; i < n; i++) {
    shares[i]! /= draws;
    probabilities[i]! /= draws;
  }
  return { shares, probabilities };
}

/** Adds one draw's greedy fill, top down: the best arms take their capacities until the budget (1) is full. */
function fillFromTop(
  heap: Int32Array,
  n: number,
  values: Float64Array,
  caps: Float64Array,
  shares: Float64Array,
) {
  for (let i = 0; i < n; i++) heap[i] = i;
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDownMax(heap, n, i, values);
  let size = n;
  let remaining = 1;
  while (size > 0 && remaining > 0) {
    const top = heap[0]!;
    heap[0] = heap[--size]!;
    siftDownMax(heap, size, 0, values);
    const take = Math.min(caps[top]!, remaining);
    shares[top]! += take;
    remaining -= take;
  }
}

/**
 * Adds one draw's greedy fill, bottom up: every arm takes its capacity but the lowest-valued ones,
 * dropped until their capacities cover `excess`; the last one dropped keeps what the budget has left.
 */
function fillFromBottom(
  heap: Int32Array,
  n: number,
  values: Float64Array,
  caps: Float64Array,
  excess: number,
  shares: Float64Array,
) {
  for (let i = 0; i < n; i++) heap[i] = i;
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDownMin(heap, n, i, values);
  let size = n;
  let left = excess;
  while (size > 0) {
    const low = heap[0]!;
    heap[0] = heap[--size]!;
    if (caps[low]! > left) {
      shares[low]! += caps[low]! - left;
      break;
    }
    left -= caps[low]!;
    siftDownMin(heap, size, 0, values);
  }
  for (let j = 0; j < size; j++) shares[heap[j]!]! += caps[heap[j]!]!;
}

/** Restores the max-heap property (by `values`) below position `i` of `heap[0..size)`. */
function siftDownMax(heap: Int32Array, size: number, i: number, values: Float64Array): void {
  const item = heap[i]!;
  const v = values[item]!;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && values[heap[child + 1]!]! > values[heap[child]!]!) child++;
    if (!(values[heap[child]!]! > v)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = item;
}

/** Restores the min-heap property (by `values`) below position `i` of `heap[0..size)`. */
function siftDownMin(heap: Int32Array, size: number, i: number, values: Float64Array): void {
  const item = heap[i]!;
  const v = values[item]!;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && values[heap[child + 1]!]! < values[heap[child]!]!) child++;
    if (!(values[heap[child]!]! < v)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = item;
}
