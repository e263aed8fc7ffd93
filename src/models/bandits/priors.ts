/**
 * Priors so that a new arm starts sensible rather than at zero.
 *
 * 1. From a parent's ROAS (the MMM's channel ROAS and its credible interval): the reference maps
 *    ROAS to a probability p = ROAS / (1 + ROAS) and fits a Beta by the method of moments
 *    (seed 000, bandit_ads `meridian_bridge`): σ = (p(upper) − p(lower)) / (2·1.96), min 1e-4;
 *    p clipped to [0.01, 0.99]; if σ² ≥ p(1−p) then σ² = 0.9·p(1−p); k = p(1−p)/σ² − 1;
 *    α = p·k, β = (1−p)·k, each at least 1; a missing interval defaults to ±30% of the ROAS.
 * 2. Empirical-Bayes pooling across sibling arms: a Beta (or Gamma) whose mean and variance match
 *    the spread of the siblings' observed rates, with the binomial/Poisson sampling noise removed
 *    (method of moments for the beta-binomial / gamma-Poisson model).
 */
import { type BetaPosterior, betaPosterior, type GammaPosterior, gammaPosterior } from "./posteriors.js";

const Z95 = 1.959963984540054;

export interface RoasEstimate {
  readonly roas: number;
  /** 95% credible interval; when missing, ±30% of the ROAS. */
  readonly lower?: number;
  readonly upper?: number;
}

/** Beta prior from a parent ROAS, by p = ROAS / (1 + ROAS) and the method of moments. */
export function betaPriorFromRoas(parent: RoasEstimate): BetaPosterior {
  const { roas } = parent;
  if (!(roas >= 0) || !Number.isFinite(roas))
    throw new Error(`parent ROAS must be finite and >= 0, got ${roas}`);
  const lower = parent.lower ?? roas * 0.7;
  const upper = parent.upper ?? roas * 1.3;
  if (!(lower <= upper))
    throw new Error(`parent ROAS interval must have lower <= upper, got [${lower}, ${upper}]`);
  const toP = (r: number) => Math.max(0, r) / (1 + Math.max(0, r));
  const p = Math.min(0.99, Math.max(0.01, toP(roas)));
  const sigma = Math.max(1e-4, (toP(upper) - toP(lower)) / (2 * Z95));
  let variance = sigma * sigma;
  if (variance >= p * (1 - p)) variance = 0.9 * p * (1 - p);
  const k = (p * (1 - p)) / variance - 1;
  return betaPosterior(Math.max(1, p * k), Math.max(1, (1 - p) * k));
}

/** Map a Beta on p = ROAS/(1+ROAS) back to a ROAS: ROAS = p / (1 − p). */
export function roasFromP(p: number): number {
  return p / (1 - p);
}

export interface BinomialCounts {
  readonly successes: number;
  readonly trials: number;
}

/**
 * Empirical-Bayes Beta prior pooled from sibling arms (method of moments, beta-binomial).
 * The between-arm variance is the observed variance of rates minus the average binomial noise;
 * `maxStrength` caps α + β so that a pooled prior never outweighs a few days of an arm's own data.
 */
export function empiricalBayesBeta(siblings: readonly BinomialCounts[], maxStrength = 1000): BetaPosterior {
  const usable = siblings.filter((s) => s.trials > 0);
  if (usable.length < 2) return betaPosterior(1, 1);
  const totalTrials = usable.reduce((s, x) => s + x.trials, 0);
  const mean = usable.reduce((s, x) => s + x.successes, 0) / totalTrials;
  if (mean <= 0 || mean >= 1) return betaPosterior(1, 1);
  // Trial-weighted variance of rates, and the expected binomial part of it.
  let between = 0;
  let noise = 0;
  for (const s of usable) {
    const r = s.successes / s.trials;
    between += s.trials * (r - mean) ** 2;
    noise += mean * (1 - mean);
  }
  between /= totalTrials;
  noise /= totalTrials;
  const tau2 = between - noise;
  const strength = tau2 > 0 ? Math.min(maxStrength, (mean * (1 - mean)) / tau2 - 1) : maxStrength;
  const k = Math.max(2, strength);
  return betaPosterior(Math.max(mean * k, 1e-3), Math.max((1 - mean) * k, 1e-3));
}

export interface PoissonCounts {
  readonly events: number;
  readonly exposure: number;
}

/** Empirical-Bayes Gamma prior pooled from sibling arms (gamma-Poisson method of moments). */
export function empiricalBayesGamma(siblings: readonly PoissonCounts[], maxStrength = 1000): GammaPosterior {
  const usable = siblings.filter((s) => s.exposure > 0);
  if (usable.length < 2) return gammaPosterior(1, 1);
  const totalExposure = usable.reduce((s, x) => s + x.exposure, 0);
  const mean = usable.reduce((s, x) => s + x.events, 0) / totalExposure;
  if (mean <= 0) return gammaPosterior(1, 1);
  let between = 0;
  for (const s of usable) between += s.exposure * (s.events / s.exposure - mean) ** 2;
  between /= totalExposure;
  const noise = (mean * usable.length) / totalExposure; // average Poisson variance of a rate
  const tau2 = between - noise;
  // Gamma(shape, rate): mean = shape/rate, var = shape/rate².
  const rate = tau2 > 0 ? Math.min(maxStrength, mean / tau2) : maxStrength;
  return gammaPosterior(Math.max(mean * rate, 1e-3), rate);
}
