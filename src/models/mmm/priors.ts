/**
 * Prior distributions of the MMM, their log-densities (up to a constant) with first derivatives,
 * draws (for simulation-based calibration and prior predictive checks) and the unconstrained
 * transform each support implies (real: identity, positive: log, unit interval: logit).
 */
import type { MmmRng } from "./rng.js";

export type Prior =
  | { dist: "normal"; mu: number; sigma: number }
  | { dist: "halfNormal"; sigma: number }
  | { dist: "laplace"; mu: number; b: number }
  | { dist: "beta"; alpha: number; beta: number }
  /** Shape `alpha`, rate `beta` (PyMC's parameterisation). */
  | { dist: "gamma"; alpha: number; beta: number }
  | { dist: "logNormal"; mu: number; sigma: number };

export type Transform = "identity" | "log" | "logit";

export function transformOf(prior: Prior): Transform {
  switch (prior.dist) {
    case "normal":
    case "laplace":
      return "identity";
    case "beta":
      return "logit";
    default:
      return "log";
  }
}

/** Gamma prior from mean and standard deviation (PyMC's `Gamma(mu=, sigma=)`). */
export function gammaMuSigma(mu: number, sigma: number): Prior {
  return { dist: "gamma", alpha: (mu * mu) / (sigma * sigma), beta: mu / (sigma * sigma) };
}

/**
 * log p(v) up to a constant; writes d log p / dv to out[0]. Returns -Infinity outside the support.
 */
export function priorLogDensity(prior: Prior, v: number, out: Float64Array): number {
  switch (prior.dist) {
    case "normal": {
      const z = (v - prior.mu) / prior.sigma;
      out[0] = -z / prior.sigma;
      return -0.5 * z * z;
    }
    case "halfNormal": {
      if (!(v >= 0)) return Number.NEGATIVE_INFINITY;
      const z = v / prior.sigma;
      out[0] = -z / prior.sigma;
      return -0.5 * z * z;
    }
    case "laplace": {
      const d = v - prior.mu;
      out[0] = d > 0 ? -1 / prior.b : d < 0 ? 1 / prior.b : 0;
      return -Math.abs(d) / prior.b;
    }
    case "beta": {
      if (!(v > 0 && v < 1)) return Number.NEGATIVE_INFINITY;
      out[0] = (prior.alpha - 1) / v - (prior.beta - 1) / (1 - v);
      return (prior.alpha - 1) * Math.log(v) + (prior.beta - 1) * Math.log1p(-v);
    }
    case "gamma": {
      if (!(v > 0)) return Number.NEGATIVE_INFINITY;
      out[0] = (prior.alpha - 1) / v - prior.beta;
      return (prior.alpha - 1) * Math.log(v) - prior.beta * v;
    }
    case "logNormal": {
      if (!(v > 0)) return Number.NEGATIVE_INFINITY;
      const lv = Math.log(v);
      const z = (lv - prior.mu) / prior.sigma;
      out[0] = (-1 - z / prior.sigma) / v;
      return -lv - 0.5 * z * z;
    }
  }
}

export function samplePrior(prior: Prior, rng: MmmRng): number {
  switch (prior.dist) {
    case "normal":
      return prior.mu + prior.sigma * rng.normal();
    case "halfNormal":
      return Math.abs(prior.sigma * rng.normal());
    case "laplace": {
      const u = rng.uniformOpen() - 0.5;
      return prior.mu - prior.b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    }
    case "beta":
      return rng.beta(prior.alpha, prior.beta);
    case "gamma":
      return rng.gamma(prior.alpha) / prior.beta;
    case "logNormal":
      return Math.exp(prior.mu + prior.sigma * rng.normal());
  }
}

/** A typical value used to initialise chains (median or mean, inside the support). */
export function priorCenter(prior: Prior): number {
  switch (prior.dist) {
    case "normal":
      return prior.mu;
    case "halfNormal":
      return 0.6745 * prior.sigma;
    case "laplace":
      return prior.mu;
    case "beta":
      return prior.alpha / (prior.alpha + prior.beta);
    case "gamma":
      return prior.alpha / prior.beta;
    case "logNormal":
      return Math.exp(prior.mu);
  }
}

export function describePrior(prior: Prior): string {
  switch (prior.dist) {
    case "normal":
      return `Normal(${prior.mu}, ${prior.sigma})`;
    case "halfNormal":
      return `HalfNormal(${prior.sigma})`;
    case "laplace":
      return `Laplace(${prior.mu}, ${prior.b})`;
    case "beta":
      return `Beta(${prior.alpha}, ${prior.beta})`;
    case "gamma":
      return `Gamma(alpha=${round(prior.alpha)}, beta=${round(prior.beta)})`;
    case "logNormal":
      return `LogNormal(${prior.mu}, ${prior.sigma})`;
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Constrained value from unconstrained u. */
export function toConstrained(t: Transform, u: number): number {
  if (t === "identity") return u;
  if (t === "log") return Math.exp(u);
  return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
}

export function toUnconstrained(t: Transform, v: number): number {
  if (t === "identity") return v;
  if (t === "log") return Math.log(v);
  return Math.log(v) - Math.log1p(-v);
}
