/**
 * Arm-choice policies: Thompson sampling (ours) and the baselines it is benchmarked against.
 *
 * All share one small interface so the regret benchmark and the lab can drive them identically:
 * `select(rng)` returns an arm index, `update(arm, reward)` feeds back a reward in [0, 1]
 * (fractional rewards are Bernoulli-ised in expectation by adding them to α and 1 − r to β,
 * the standard extension of Beta-Bernoulli TS to [0, 1] rewards, Agrawal & Goyal 2012).
 * Ties are broken uniformly at random from the seeded generator (MABWiser #96 shows why).
 */
import { beta as betaDraw } from "../random/gamma.js";
import { type Rng, uniformInt } from "../random/rng.js";
import { type Posterior, samplePosterior } from "./posteriors.js";
import { probabilityBest } from "./probability-best.js";

export interface ArmPolicy {
  readonly name: string;
  select(rng: Rng): number;
  update(arm: number, reward: number): void;
  /** Optional per-round hook (discounting). */
  endRound?(): void;
}

function argmaxRandomTie(values: ArrayLike<number>, rng: Rng): number {
  let best = Number.NEGATIVE_INFINITY;
  let bestI = 0;
  let ties = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > best) {
      best = v;
      bestI = i;
      ties = 1;
    } else if (v === best) {
      ties++;
      if (uniformInt(rng, ties) === 0) bestI = i;
    }
  }
  return bestI;
}

function checkReward(arm: number, k: number, reward: number): void {
  if (!Number.isInteger(arm) || arm < 0 || arm >= k)
    throw new Error(`arm must be an integer in [0, ${k}), got ${arm}`);
  if (!(reward >= 0 && reward <= 1)) throw new Error(`reward must be in [0, 1], got ${reward}`);
}

export interface ThompsonOptions {
  readonly priorAlpha?: number;
  readonly priorBeta?: number;
  /** Discount γ per round for drifting arms (1 = stationary). */
  readonly discount?: number;
}

/** Beta-Bernoulli Thompson sampling with optional discounting (Raj & Kalyani 2017). */
export class ThompsonPolicy implements ArmPolicy {
  readonly name: string;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  private readonly a0: number;
  private readonly b0: number;
  private readonly gamma: number;
  private readonly draws: Float64Array;

  constructor(k: number, options: ThompsonOptions = {}) {
    this.a0 = options.priorAlpha ?? 1;
    this.b0 = options.priorBeta ?? 1;
    this.gamma = options.discount ?? 1;
    if (!(this.gamma > 0 && this.gamma <= 1))
      throw new Error(`discount must be in (0, 1], got ${this.gamma}`);
    this.alpha = new Float64Array(k).fill(this.a0);
    this.beta = new Float64Array(k).fill(this.b0);
    this.draws = new Float64Array(k);
    this.name = this.gamma < 1 ? `thompson-discounted-${this.gamma}` : "thompson";
  }
  select(rng: Rng): number {
    for (let i = 0; i < this.alpha.length; i++) this.draws[i] = betaDraw(rng, this.alpha[i]!, this.beta[i]!);
    return argmaxRandomTie(this.draws, rng);
  }
  update(arm: number, reward: number): void {
    checkReward(arm, this.alpha.length, reward);
    this.alpha[arm]! += reward;
    this.beta[arm]! += 1 - reward;
  }
  /** Add fractional pseudo-failures (delay-corrected negatives) without a success. */
  addFailures(arm: number, weight: number): void {
    this.beta[arm]! += weight;
  }
  endRound(): void {
    if (this.gamma === 1) return;
    for (let i = 0; i < this.alpha.length; i++) {
      this.alpha[i] = this.a0 + this.gamma * (this.alpha[i]! - this.a0);
      this.beta[i] = this.b0 + this.gamma * (this.beta[i]! - this.b0);
    }
  }
}

/** Empirical means with pull counts, shared by the frequentist baselines. */
abstract class MeanPolicy implements ArmPolicy {
  abstract readonly name: string;
  readonly pulls: Float64Array;
  readonly sums: Float64Array;
  constructor(k: number) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`number of arms must be an integer >= 1, got ${k}`);
    this.pulls = new Float64Array(k);
    this.sums = new Float64Array(k);
  }
  abstract select(rng: Rng): number;
  update(arm: number, reward: number): void {
    checkReward(arm, this.pulls.length, reward);
    this.pulls[arm]!++;
    this.sums[arm]! += reward;
  }
  protected means(): Float64Array {
    const m = new Float64Array(this.pulls.length);
    for (let i = 0; i < m.length; i++)
      m[i] = this.pulls[i]! > 0 ? this.sums[i]! / this.pulls[i]! : Number.POSITIVE_INFINITY;
    return m;
  }
}

/** Uniformly random arm. */
export class UniformPolicy extends MeanPolicy {
  readonly name = "uniform";
  select(rng: Rng): number {
    return uniformInt(rng, this.pulls.length);
  }
}

/** Highest empirical mean (untried arms first). */
export class GreedyPolicy extends MeanPolicy {
  readonly name = "greedy";
  select(rng: Rng): number {
    return argmaxRandomTie(this.means(), rng);
  }
}

/** ε-greedy, ε = 0.1 by default (MABWiser's default). */
export class EpsilonGreedyPolicy extends MeanPolicy {
  readonly name = "epsilon-greedy";
  constructor(
    k: number,
    readonly epsilon = 0.1,
  ) {
    super(k);
    if (!(epsilon >= 0 && epsilon <= 1)) throw new Error(`epsilon must be in [0, 1], got ${epsilon}`);
  }
  select(rng: Rng): number {
    if (rng.nextFloat() < this.epsilon) return uniformInt(rng, this.pulls.length);
    return argmaxRandomTie(this.means(), rng);
  }
}

/** UCB1 (Auer, Cesa-Bianchi & Fischer 2002): μ_i + α·√(2 ln N / n_i), α = 1. */
export class Ucb1Policy extends MeanPolicy {
  readonly name = "ucb1";
  constructor(
    k: number,
    readonly alpha = 1,
  ) {
    super(k);
  }
  select(rng: Rng): number {
    let total = 0;
    for (let i = 0; i < this.pulls.length; i++) total += this.pulls[i]!;
    const idx = new Float64Array(this.pulls.length);
    const logN = Math.log(Math.max(total, 1));
    for (let i = 0; i < idx.length; i++) {
      const n = this.pulls[i]!;
      idx[i] =
        n === 0 ? Number.POSITIVE_INFINITY : this.sums[i]! / n + this.alpha * Math.sqrt((2 * logN) / n);
    }
    return argmaxRandomTie(idx, rng);
  }
}

export type BaselineName = "thompson" | "uniform" | "epsilon-greedy" | "ucb1" | "greedy";

export function createPolicy(name: BaselineName, k: number, options: ThompsonOptions = {}): ArmPolicy {
  switch (name) {
    case "thompson":
      return new ThompsonPolicy(k, options);
    case "uniform":
      return new UniformPolicy(k);
    case "epsilon-greedy":
      return new EpsilonGreedyPolicy(k);
    case "ucb1":
      return new Ucb1Policy(k);
    case "greedy":
      return new GreedyPolicy(k);
  }
}

/**
 * One Thompson choice over arbitrary posteriors, with its propensity (the probability that
 * Thompson sampling picks this arm, estimated from `propensityDraws` joint draws) so the decision
 * can be logged for off-policy evaluation.
 */
export function thompsonChoice(
  posteriors: readonly Posterior[],
  rng: Rng,
  propensityDraws = 1000,
): { arm: number; propensity: number } {
  if (posteriors.length === 0) throw new Error("thompsonChoice needs at least one arm");
  const draws = Float64Array.from(posteriors, (p) => samplePosterior(p, rng));
  const arm = argmaxRandomTie(draws, rng);
  const p = probabilityBest(posteriors, rng, { draws: propensityDraws, screenZ: Number.POSITIVE_INFINITY });
  // Never log a zero propensity for an action that was taken.
  return { arm, propensity: Math.max(p.probabilities[arm]!, 1 / (propensityDraws + 1)) };
}
