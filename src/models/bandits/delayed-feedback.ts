/**
 * Delayed conversions (Chapelle, "Modeling Delayed Feedback in Display Advertising", KDD 2014).
 *
 * A click (or spend unit) converts with probability p, after a delay D ~ Exp(λ). At observation
 * time, a click of age e has either converted (we saw its delay d) or not yet; the naive rate
 * conversions / clicks under-rates young arms because many of their conversions are still to come.
 *
 * Chapelle's EM jointly estimates p and λ from the censored data:
 *   E-step, for each click not yet converted:  w = P(C = 1 | not seen by e) = p·e^{−λe} / (1 − p + p·e^{−λe})
 *   M-step:  p = (#converted + Σ w) / n,   λ = #converted / (Σ_converted d + Σ_unconverted w·e)
 *
 * For an arm's posterior the correction is to count only the *expected-matured* part of each
 * unconverted click as a failure: a click of age e contributes F(e) = 1 − e^{−λe} trials. Then
 * conversions / Σ F(e_i) is unbiased for p (E[conversions] = p Σ F(e_i)), which the test in
 * delayed-feedback.test.ts checks against the naive estimate.
 */

export interface ClickObservation {
  /** Time since the click (any unit, used consistently, e.g. hours). */
  readonly elapsed: number;
  /** Delay until conversion, if it has converted (≤ elapsed). */
  readonly delay?: number;
  /** Number of identical clicks this observation stands for (default 1), e.g. a cohort's non-converters. */
  readonly count?: number;
}

export interface DelayModel {
  readonly conversionRate: number;
  /** Exponential delay rate λ (per time unit); the mean delay is 1/λ. */
  readonly delayRate: number;
  readonly iterations: number;
}

export function fitExponentialDelay(
  clicks: readonly ClickObservation[],
  maxIterations = 500,
  tol = 1e-10,
): DelayModel {
  if (clicks.length === 0) throw new Error("fitExponentialDelay needs at least one click");
  let converted = 0;
  let sumDelay = 0;
  let n = 0;
  for (const c of clicks) {
    const count = c.count ?? 1;
    if (!(c.elapsed >= 0)) throw new Error(`click elapsed time must be >= 0, got ${c.elapsed}`);
    if (!(count >= 0)) throw new Error(`click count must be >= 0, got ${count}`);
    n += count;
    if (c.delay !== undefined) {
      if (!(c.delay >= 0 && c.delay <= c.elapsed)) {
        throw new Error(`delay must be in [0, elapsed], got ${c.delay} > ${c.elapsed}`);
      }
      converted += count;
      sumDelay += count * c.delay;
    }
  }
  if (converted === 0) return { conversionRate: 0, delayRate: Number.NaN, iterations: 0 };
  let p = converted / n;
  let lambda = converted / Math.max(sumDelay, 1e-12);
  let it = 0;
  for (; it < maxIterations; it++) {
    let sumW = 0;
    let sumWe = 0;
    for (const c of clicks) {
      if (c.delay !== undefined) continue;
      const count = c.count ?? 1;
      const s = p * Math.exp(-lambda * c.elapsed);
      const w = s / (1 - p + s);
      sumW += count * w;
      sumWe += count * w * c.elapsed;
    }
    const pNew = (converted + sumW) / n;
    const lambdaNew = converted / (sumDelay + sumWe);
    const done = Math.abs(pNew - p) < tol * Math.max(p, 1e-12) && Math.abs(lambdaNew - lambda) < tol * lambda;
    p = pNew;
    lambda = lambdaNew;
    if (done) break;
  }
  return { conversionRate: p, delayRate: lambda, iterations: it + 1 };
}

/** F(e) = P(D ≤ e): the share of eventual conversions already visible after time e. */
export function completeness(model: Pick<DelayModel, "delayRate">, elapsed: number): number {
  return 1 - Math.exp(-model.delayRate * Math.max(0, elapsed));
}

export interface Cohort {
  /** Age of the cohort (time since its clicks). */
  readonly elapsed: number;
  readonly trials: number;
  readonly conversions: number;
}

export interface CorrectedCounts {
  readonly conversions: number;
  /** Σ trials·F(elapsed): trials whose outcome is (in expectation) already known. */
  readonly effectiveTrials: number;
  /** Unbiased rate conversions / effectiveTrials (0 when there are no effective trials). */
  readonly rate: number;
  /** Beta update that does not penalise unmatured clicks. */
  readonly successes: number;
  readonly failures: number;
}

export function correctForDelay(
  cohorts: readonly Cohort[],
  model: Pick<DelayModel, "delayRate">,
): CorrectedCounts {
  let conversions = 0;
  let effective = 0;
  for (const c of cohorts) {
    if (!(c.trials >= 0 && c.conversions >= 0 && c.conversions <= c.trials)) {
      throw new Error(`cohort needs 0 <= conversions <= trials, got ${c.conversions}/${c.trials}`);
    }
    conversions += c.conversions;
    effective += c.trials * completeness(model, c.elapsed);
  }
  return {
    conversions,
    effectiveTrials: effective,
    rate: effective > 0 ? conversions / effective : 0,
    successes: conversions,
    failures: Math.max(0, effective - conversions),
  };
}

/**
 * Non-parametric alternative: the empirical lag CDF from conversions of mature cohorts (those older
 * than `horizon`, whose conversions have all arrived). Returns F(e) as a step function.
 */
export function empiricalLagCdf(delays: readonly number[], horizon: number): (elapsed: number) => number {
  const sorted = delays.filter((d) => d >= 0 && d <= horizon).sort((a, b) => a - b);
  const n = sorted.length;
  return (elapsed: number) => {
    if (n === 0) return 1;
    if (elapsed >= horizon) return 1;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= elapsed) lo = mid + 1;
      else hi = mid;
    }
    return lo / n;
  };
}

/**
 * Gamma-Poisson form of the same correction: spend (or any exposure) weighted by the share of its
 * conversions that has had time to arrive, Σ exposure_c · F(elapsed_c). Use it in place of spend in
 * a conversions-per-spend posterior or a ROAS so yesterday's spend is not judged as if its
 * conversions were all in.
 */
export function maturedExposure(
  cohorts: readonly { readonly elapsed: number; readonly exposure: number }[],
  model: Pick<DelayModel, "delayRate">,
): number {
  let total = 0;
  for (const c of cohorts) {
    if (!(c.exposure >= 0)) throw new Error(`cohort exposure must be >= 0, got ${c.exposure}`);
    total += c.exposure * completeness(model, c.elapsed);
  }
  return total;
}
