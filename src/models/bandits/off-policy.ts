/**
 * Off-policy evaluation: estimate the value of a target policy π_e from rounds logged under a
 * behaviour policy π_b with recorded propensities (every AdPilot decision records its propensity).
 * Estimators as in the Open Bandit Pipeline (Saito et al., arXiv:2008.07146):
 *
 *   IPW    V = (1/n) Σ w_i r_i,                    w_i = π_e(a_i|x_i) / π_b(a_i|x_i)
 *   SNIPW  V = Σ w_i r_i / Σ w_i                   (Swaminathan & Joachims 2015)
 *   DM     V = (1/n) Σ_i Σ_a π_e(a|x_i) q̂(x_i, a)
 *   DR     V = (1/n) Σ_i [ Σ_a π_e(a|x_i) q̂(x_i, a) + w_i (r_i − q̂(x_i, a_i)) ]   (Dudík et al. 2011)
 *
 * Confidence intervals are normal (CLT) intervals from the per-round terms; SNIPW uses the delta
 * method with terms w_i (r_i − V) / mean(w). Diagnostics (effective sample size, max and mean
 * weight) tell when the target policy leaves the logged support and no estimate should be trusted.
 */
import { normalQuantile } from "../random/special.js";

export interface LoggedRound {
  readonly reward: number;
  /** π_b(a_i | x_i), the logged propensity of the action taken. */
  readonly propensity: number;
  /** π_e(a_i | x_i), the target policy's probability of the logged action. */
  readonly targetProbability: number;
  /** q̂(x_i, a_i): the reward model's prediction for the logged action (DM/DR). */
  readonly modelReward?: number;
  /** Σ_a π_e(a|x_i) q̂(x_i, a): the reward model's value of the target policy in this context (DM/DR). */
  readonly modelTargetValue?: number;
}

export interface Estimate {
  readonly estimator: "ipw" | "snipw" | "dm" | "dr";
  readonly value: number;
  readonly standardError: number;
  readonly lower: number;
  readonly upper: number;
  readonly n: number;
}

export interface WeightDiagnostics {
  readonly effectiveSampleSize: number;
  readonly maxWeight: number;
  readonly meanWeight: number;
}

function weight(r: LoggedRound, i: number): number {
  if (!(r.propensity > 0 && r.propensity <= 1))
    throw new Error(`round ${i}: propensity must be in (0, 1], got ${r.propensity}`);
  if (!(r.targetProbability >= 0 && r.targetProbability <= 1)) {
    throw new Error(`round ${i}: targetProbability must be in [0, 1], got ${r.targetProbability}`);
  }
  return r.targetProbability / r.propensity;
}

function fromTerms(
  estimator: Estimate["estimator"],
  terms: Float64Array,
  level: number,
  center?: number,
): Estimate {
  const n = terms.length;
  if (n === 0) throw new Error("off-policy estimate needs at least one logged round");
  let s = 0;
  for (const t of terms) s += t;
  const mean = s / n;
  let ss = 0;
  for (const t of terms) ss += (t - mean) ** 2;
  const value = center ?? mean;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const se = sd / Math.sqrt(n);
  const z = normalQuantile(0.5 + level / 2);
  return { estimator, value, standardError: se, lower: value - z * se, upper: value + z * se, n };
}

export function ipw(rounds: readonly LoggedRound[], level = 0.95): Estimate {
  return fromTerms(
    "ipw",
    Float64Array.from(rounds, (r, i) => weight(r, i) * r.reward),
    level,
  );
}

export function snipw(rounds: readonly LoggedRound[], level = 0.95): Estimate {
  const w = Float64Array.from(rounds, (r, i) => weight(r, i));
  let sw = 0;
  let swr = 0;
  rounds.forEach((r, i) => {
    sw += w[i]!;
    swr += w[i]! * r.reward;
  });
  if (sw === 0)
    throw new Error("SNIPW is undefined: the target policy gives zero probability to every logged action");
  const value = swr / sw;
  const meanW = sw / rounds.length;
  const terms = Float64Array.from(rounds, (r, i) => (w[i]! * (r.reward - value)) / meanW);
  const e = fromTerms("snipw", terms, level, value);
  return e;
}

function requireModel(r: LoggedRound, i: number, needLogged: boolean): void {
  if (r.modelTargetValue === undefined || (needLogged && r.modelReward === undefined)) {
    throw new Error(
      `round ${i}: DM/DR need modelTargetValue${needLogged ? " and modelReward" : ""} from a reward model`,
    );
  }
}

export function directMethod(rounds: readonly LoggedRound[], level = 0.95): Estimate {
  return fromTerms(
    "dm",
    Float64Array.from(rounds, (r, i) => {
      requireModel(r, i, false);
      return r.modelTargetValue!;
    }),
    level,
  );
}

export function doublyRobust(rounds: readonly LoggedRound[], level = 0.95): Estimate {
  return fromTerms(
    "dr",
    Float64Array.from(rounds, (r, i) => {
      requireModel(r, i, true);
      return r.modelTargetValue! + weight(r, i) * (r.reward - r.modelReward!);
    }),
    level,
  );
}

export function weightDiagnostics(rounds: readonly LoggedRound[]): WeightDiagnostics {
  let s = 0;
  let s2 = 0;
  let max = 0;
  rounds.forEach((r, i) => {
    const w = weight(r, i);
    s += w;
    s2 += w * w;
    max = Math.max(max, w);
  });
  return { effectiveSampleSize: s2 > 0 ? (s * s) / s2 : 0, maxWeight: max, meanWeight: s / rounds.length };
}

export function relativeError(estimate: number, truth: number): number {
  if (truth === 0) throw new Error("relative error is undefined for a true value of 0");
  return Math.abs(estimate - truth) / Math.abs(truth);
}
