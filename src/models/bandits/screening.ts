/**
 * Which arms can still be best? Sampling only those keeps probability-of-best fast for thousands of
 * arms. An arm i can win a joint draw only if X_i > X_ref for the reference arm, so for any
 * threshold t,  P(i is best) ≤ P(X_i > t) + P(X_ref < t).
 *
 * - Gamma arms (the planner's ROAS and conversion-rate posteriors) use exact tails: t is the
 *   reference Gamma arm's δ/2 lower quantile and arm i is dropped when P(X_i > t) ≤ δ/(2n), from the
 *   regularised incomplete gamma. The probability mass dropped over all arms is then at most δ
 *   (default 1e-3, below the Monte-Carlo error of 1,000 draws).
 * - Other arms use a Z-sd rule: dropped when mean + Z·sd lies below the best mean − Z·sd
 *   (Z = 8 by default; exponential-type tails beyond 8 sd hold about e^-9 ≈ 1.2e-4).
 * - Heavy-tailed posteriors (NIG with a < 3, whose mean is Student-t) are never dropped.
 */
import { regularizedGammaP } from "../random/special.js";
import { type GammaPosterior, type Posterior, posteriorMean, posteriorSd } from "./posteriors.js";

export interface ScreeningOptions {
  /** Width of the Z-sd rule; Infinity disables screening altogether. */
  readonly z?: number;
  /** Total probability mass the exact Gamma rule may drop. */
  readonly delta?: number;
}

/** Lower q-quantile of a Gamma(shape, rate) by bisection on its CDF. */
export function gammaQuantile(p: GammaPosterior, q: number): number {
  let lo = 0;
  let hi = (p.shape + 10 * Math.sqrt(p.shape) + 10) / p.rate;
  for (let it = 0; it < 80; it++) {
    const mid = 0.5 * (lo + hi);
    if (regularizedGammaP(p.shape, p.rate * mid) < q) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Indices of the arms that are sampled (all of them when screening is disabled). */
export function screenContenders(posteriors: readonly Posterior[], options: ScreeningOptions = {}): number[] {
  const z = options.z ?? 8;
  const delta = options.delta ?? 1e-3;
  const n = posteriors.length;
  const all = Array.from({ length: n }, (_, i) => i);
  if (!Number.isFinite(z) || n <= 1) return all;
  const mean = posteriors.map(posteriorMean);
  const sd = posteriors.map(posteriorSd);
  let threshold = Number.NEGATIVE_INFINITY;
  let ref: GammaPosterior | undefined;
  for (let i = 0; i < n; i++) {
    threshold = Math.max(threshold, mean[i]! - z * sd[i]!);
    const p = posteriors[i]!;
    if (p.kind === "gamma" && (!ref || mean[i]! > posteriorMean(ref))) ref = p;
  }
  if (ref) threshold = Math.max(threshold, gammaQuantile(ref, delta / 2));
  const perArm = delta / (2 * n);
  return all.filter((i) => {
    const p = posteriors[i]!;
    if ((p.kind === "lognormal" || p.kind === "normal") && p.a < 3) return true;
    if (p.kind === "gamma") return 1 - regularizedGammaP(p.shape, p.rate * threshold) > perArm;
    return mean[i]! + z * sd[i]! >= threshold;
  });
}
