/**
 * Posterior of an arm's ROAS from its counts.
 *
 * Value events (conversions, or pipeline deals in pipeline mode) arrive as a Poisson process in
 * spend: events per minor unit of spend λ ~ Gamma(a₀ + k, b₀ + spend). ROAS = λ · V with V the value
 * per event (the arm's own average when it has events, else the account's configured value). The
 * prior is one pseudo-event at the prior ROAS: a₀ = 1, b₀ = V / priorRoas. Then
 *   P(ROAS < x) = P(λ < x / V) = P(a₀ + k, (b₀ + spend) · x / V)      (regularised incomplete gamma)
 * exactly, with no normal approximation; the uncertainty in V itself is not modelled.
 */
import type { GammaPosterior } from "../models/bandits/posteriors.js";
import { gammaPosterior } from "../models/bandits/posteriors.js";
import { regularizedGammaP } from "../models/random/special.js";

export interface RoasPosterior {
  readonly shape: number;
  /** b₀ + spend, in minor units. */
  readonly exposureMinor: number;
  readonly valuePerEventMinor: number;
}

export function roasPosterior(
  events: number,
  spendMinor: number,
  valuePerEventMinor: number,
  priorRoas: number,
): RoasPosterior {
  if (!(events >= 0)) throw new Error(`events must be >= 0, got ${events}`);
  if (!(spendMinor >= 0)) throw new Error(`spend must be >= 0, got ${spendMinor}`);
  if (!(valuePerEventMinor > 0)) throw new Error(`value per event must be > 0, got ${valuePerEventMinor}`);
  return {
    shape: 1 + events,
    exposureMinor: valuePerEventMinor / priorRoas + spendMinor,
    valuePerEventMinor,
  };
}

export function roasMean(p: RoasPosterior): number {
  return (p.shape / p.exposureMinor) * p.valuePerEventMinor;
}

export function probabilityRoasBelow(p: RoasPosterior, x: number): number {
  return regularizedGammaP(p.shape, (p.exposureMinor * x) / p.valuePerEventMinor);
}

/** The ROAS posterior as a Gamma(shape, rate) on ROAS itself, scaled by a fatigue decay factor. */
export function roasAsGamma(p: RoasPosterior, decayFactor = 1): GammaPosterior {
  return gammaPosterior(p.shape, p.exposureMinor / (p.valuePerEventMinor * decayFactor));
}
