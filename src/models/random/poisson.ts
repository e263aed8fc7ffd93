/**
 * Poisson variates.
 *
 * Small means (< 10): Knuth's multiplication of uniforms in log-free form (expected mean+1 draws).
 * Larger means: W. Hörmann, "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12, 1993 (PTRS), constant expected cost.
 */
import { type Rng, uniformOpen } from "./rng.js";
import { logGamma } from "./special.js";

export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean))
    throw new Error(`poisson mean must be finite and >= 0, got ${mean}`);
  if (mean === 0) return 0;
  if (mean < 10) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rng.nextFloat();
    while (p > limit) {
      k++;
      p *= rng.nextFloat();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.nextFloat() - 0.5;
    const v = uniformOpen(rng);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -mean + k * loglam - logGamma(k + 1)
    ) {
      return k;
    }
  }
}

/** Binomial(n, p) by summing Bernoulli trials for small n, else via the normal-free Poisson/inversion mix. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`binomial n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`binomial p must be in [0, 1], got ${p}`);
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  if (n <= 64) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.nextFloat() < p) k++;
    return k;
  }
  // Inversion by the recurrence P(k+1) = P(k) (n-k)/(k+1) p/(1-p), started at the mode for stability.
  const q = 1 - p;
  const flip = p > 0.5;
  const pp = flip ? q : p;
  const qq = 1 - pp;
  const ratio = pp / qq;
  const u = uniformOpen(rng);
  let k = 0;
  let prob = Math.exp(n * Math.log(qq));
  let cdf = prob;
  if (prob > 1e-300) {
    while (cdf < u && k < n) {
      prob *= (ratio * (n - k)) / (k + 1);
      k++;
      cdf += prob;
    }
    return flip ? n - k : k;
  }
  // Very large n: exact log-space inversion from 0 would underflow; use the sum of Poissons-free
  // normal-free method of splitting n into halves recursively.
  const half = Math.floor(n / 2);
  return binomial(rng, half, p) + binomial(rng, n - half, p);
}
