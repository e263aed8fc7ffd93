/**
 * Conjugate posteriors for one arm. Each is plain data (JSON-safe) plus pure functions, so state
 * serialises exactly and the service can persist it.
 *
 * - Beta-Bernoulli for rates (CTR, CVR): Beta(α, β), successes add to α, failures to β.
 * - Gamma-Poisson for conversions per unit of spend: rate λ ~ Gamma(shape, rate); observing k
 *   conversions over exposure s (spend in major units) adds k to shape and s to rate.
 * - Normal-Inverse-Gamma on log(value) for revenue per conversion or daily ROAS: a log-normal
 *   model whose posterior mean of the value is exp(μ + σ²/2).
 * - Normal-Inverse-Gamma on the value itself, for values that can be zero or negative.
 *
 * Forgetting: `discount*` pulls the sufficient statistics back towards the prior by a factor γ per
 * step (Raj & Kalyani 2017, discounted TS), so an arm that drifts is relearnt instead of trusted
 * forever. Sliding windows live in `sliding-window.ts`.
 */
import { beta as betaDraw, gammaRate, standardGamma } from "../random/gamma.js";
import { standardNormal } from "../random/normal.js";
import type { Rng } from "../random/rng.js";

export interface BetaPosterior {
  readonly kind: "beta";
  readonly alpha: number;
  readonly beta: number;
  /** Prior the counts decay back to (defaults to the initial α, β). */
  readonly priorAlpha: number;
  readonly priorBeta: number;
}

export interface GammaPosterior {
  readonly kind: "gamma";
  readonly shape: number;
  readonly rate: number;
  readonly priorShape: number;
  readonly priorRate: number;
}

/** Normal-Inverse-Gamma posterior on x = log(value): μ | σ² ~ N(m, σ²/κ), σ² ~ IG(a, b). */
export interface LogNormalPosterior {
  readonly kind: "lognormal";
  readonly m: number;
  readonly kappa: number;
  readonly a: number;
  readonly b: number;
  readonly prior: { readonly m: number; readonly kappa: number; readonly a: number; readonly b: number };
}

/** Normal-Inverse-Gamma posterior on the value itself (can be zero or negative, e.g. daily profit). */
export interface NormalPosterior {
  readonly kind: "normal";
  readonly m: number;
  readonly kappa: number;
  readonly a: number;
  readonly b: number;
  readonly prior: { readonly m: number; readonly kappa: number; readonly a: number; readonly b: number };
}

export type Posterior = BetaPosterior | GammaPosterior | LogNormalPosterior | NormalPosterior;

function positive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${name} must be a finite number > 0, got ${v}`);
}
function nonNegative(name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${name} must be a finite number >= 0, got ${v}`);
}

// ---------- Beta-Bernoulli ----------

export function betaPosterior(alpha = 1, beta = 1): BetaPosterior {
  positive("alpha", alpha);
  positive("beta", beta);
  return { kind: "beta", alpha, beta, priorAlpha: alpha, priorBeta: beta };
}

/** Add successes and failures (fractional counts allowed, e.g. lag-weighted failures). */
export function updateBeta(p: BetaPosterior, successes: number, failures: number): BetaPosterior {
  nonNegative("successes", successes);
  nonNegative("failures", failures);
  return { ...p, alpha: p.alpha + successes, beta: p.beta + failures };
}

/** Exponential forgetting: α ← α₀ + γ(α − α₀), same for β; γ in (0, 1]. */
export function discountBeta(p: BetaPosterior, gamma: number): BetaPosterior {
  checkDiscount(gamma);
  return {
    ...p,
    alpha: p.priorAlpha + gamma * (p.alpha - p.priorAlpha),
    beta: p.priorBeta + gamma * (p.beta - p.priorBeta),
  };
}

export function betaMean(p: BetaPosterior): number {
  return p.alpha / (p.alpha + p.beta);
}
export function betaVariance(p: BetaPosterior): number {
  const n = p.alpha + p.beta;
  return (p.alpha * p.beta) / (n * n * (n + 1));
}

// ---------- Gamma-Poisson ----------

/** Gamma(shape, rate) prior on conversions per unit of exposure (e.g. per 1.00 of spend). */
export function gammaPosterior(shape = 1, rate = 1): GammaPosterior {
  positive("shape", shape);
  positive("rate", rate);
  return { kind: "gamma", shape, rate, priorShape: shape, priorRate: rate };
}

export function updateGamma(p: GammaPosterior, events: number, exposure: number): GammaPosterior {
  nonNegative("events", events);
  nonNegative("exposure", exposure);
  return { ...p, shape: p.shape + events, rate: p.rate + exposure };
}

export function discountGamma(p: GammaPosterior, gamma: number): GammaPosterior {
  checkDiscount(gamma);
  return {
    ...p,
    shape: p.priorShape + gamma * (p.shape - p.priorShape),
    rate: p.priorRate + gamma * (p.rate - p.priorRate),
  };
}

export function gammaMean(p: GammaPosterior): number {
  return p.shape / p.rate;
}
export function gammaVariance(p: GammaPosterior): number {
  return p.shape / (p.rate * p.rate);
}

// ---------- Normal-Inverse-Gamma on log value ----------

/**
 * Weakly-informative default: log value centred on m0 with κ0 = 1 pseudo-observation and
 * IG(2, 0.5) on σ² (prior mean σ² = 0.5, i.e. about ±70% day-to-day spread).
 */
export function logNormalPosterior(m0 = 0, kappa0 = 1, a0 = 2, b0 = 0.5): LogNormalPosterior {
  positive("kappa0", kappa0);
  positive("a0", a0);
  positive("b0", b0);
  if (!Number.isFinite(m0)) throw new Error(`m0 must be finite, got ${m0}`);
  return {
    kind: "lognormal",
    m: m0,
    kappa: kappa0,
    a: a0,
    b: b0,
    prior: { m: m0, kappa: kappa0, a: a0, b: b0 },
  };
}

/**
 * Conjugate update with positive observations (each one a revenue or ROAS value), optionally
 * weighted (e.g. by spend). Zero values cannot enter a log-normal model; model them with a
 * Beta "did it convert" posterior times this one.
 */
export function updateLogNormal(
  p: LogNormalPosterior,
  values: readonly number[],
  weights?: readonly number[],
): LogNormalPosterior {
  if (values.length === 0) return p;
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    positive(`values[${i}]`, v);
    const w = weights ? weights[i]! : 1;
    nonNegative(`weights[${i}]`, w);
    n += w;
    sum += w * Math.log(v);
  }
  if (n === 0) return p;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    ss += w * (Math.log(values[i]!) - mean) ** 2;
  }
  const kappa = p.kappa + n;
  const m = (p.kappa * p.m + n * mean) / kappa;
  const a = p.a + n / 2;
  const b = p.b + 0.5 * ss + (p.kappa * n * (mean - p.m) ** 2) / (2 * kappa);
  return { ...p, m, kappa, a, b };
}

export function discountLogNormal(p: LogNormalPosterior, gamma: number): LogNormalPosterior {
  checkDiscount(gamma);
  const q = p.prior;
  return {
    ...p,
    kappa: q.kappa + gamma * (p.kappa - q.kappa),
    a: q.a + gamma * (p.a - q.a),
    b: q.b + gamma * (p.b - q.b),
    // m is a weighted mean, so it keeps its value; its weight κ shrinks instead.
  };
}

/** Posterior mean of the value E[exp(x)] ≈ exp(m + E[σ²]/2) (plug-in; exact mean needs a > 1). */
export function logNormalMean(p: LogNormalPosterior): number {
  const s2 = p.a > 1 ? p.b / (p.a - 1) : p.b / p.a;
  return Math.exp(p.m + s2 / 2);
}

// ---------- Normal-Inverse-Gamma on the value ----------

/** NIG prior on a value's mean: μ | σ² ~ N(m0, σ²/κ0), σ² ~ IG(a0, b0). */
export function normalPosterior(m0 = 0, kappa0 = 1, a0 = 2, b0 = 1): NormalPosterior {
  positive("kappa0", kappa0);
  positive("a0", a0);
  positive("b0", b0);
  if (!Number.isFinite(m0)) throw new Error(`m0 must be finite, got ${m0}`);
  return {
    kind: "normal",
    m: m0,
    kappa: kappa0,
    a: a0,
    b: b0,
    prior: { m: m0, kappa: kappa0, a: a0, b: b0 },
  };
}

/** Conjugate NIG update with observations (optionally weighted). */
export function updateNormal(
  p: NormalPosterior,
  values: readonly number[],
  weights?: readonly number[],
): NormalPosterior {
  let n = 0;
  let sum = 0;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`values[${i}] must be finite, got ${v}`);
    const w = weights ? weights[i]! : 1;
    nonNegative(`weights[${i}]`, w);
    n += w;
    sum += w * v;
  });
  if (n === 0) return p;
  const mean = sum / n;
  let ss = 0;
  values.forEach((v, i) => {
    ss += (weights ? weights[i]! : 1) * (v - mean) ** 2;
  });
  const kappa = p.kappa + n;
  return {
    ...p,
    m: (p.kappa * p.m + n * mean) / kappa,
    kappa,
    a: p.a + n / 2,
    b: p.b + 0.5 * ss + (p.kappa * n * (mean - p.m) ** 2) / (2 * kappa),
  };
}

export function discountNormal(p: NormalPosterior, gamma: number): NormalPosterior {
  checkDiscount(gamma);
  const q = p.prior;
  return {
    ...p,
    kappa: q.kappa + gamma * (p.kappa - q.kappa),
    a: q.a + gamma * (p.a - q.a),
    b: q.b + gamma * (p.b - q.b),
  };
}

// ---------- generic ----------

/** Posterior mean of the arm's value. */
export function posteriorMean(p: Posterior): number {
  switch (p.kind) {
    case "beta":
      return betaMean(p);
    case "gamma":
      return gammaMean(p);
    case "lognormal":
      return logNormalMean(p);
    case "normal":
      return p.m;
  }
}

/** Posterior standard deviation of the arm's value (log-normal: by the delta method). */
export function posteriorSd(p: Posterior): number {
  switch (p.kind) {
    case "beta":
      return Math.sqrt(betaVariance(p));
    case "gamma":
      return Math.sqrt(gammaVariance(p));
    case "lognormal": {
      const s2 = p.a > 1 ? p.b / (p.a - 1) : p.b / p.a;
      // sd of μ is sqrt(s2/κ); d exp(μ + s2/2)/dμ = the mean itself.
      return logNormalMean(p) * Math.sqrt(s2 / p.kappa);
    }
    case "normal":
      // marginal of μ is Student-t with 2a dof and scale² b/(aκ): variance b/((a − 1)κ) for a > 1
      return Math.sqrt(p.b / ((p.a > 1 ? p.a - 1 : p.a) * p.kappa));
  }
}

/** One exact posterior draw of the arm's value (no normal approximation). */
export function samplePosterior(p: Posterior, rng: Rng): number {
  switch (p.kind) {
    case "beta":
      return betaDraw(rng, p.alpha, p.beta);
    case "gamma":
      return gammaRate(rng, p.shape, p.rate);
    case "lognormal": {
      const sigma2 = p.b / standardGamma(rng, p.a); // σ² ~ IG(a, b)
      const mu = p.m + Math.sqrt(sigma2 / p.kappa) * standardNormal(rng);
      return Math.exp(mu + sigma2 / 2);
    }
    case "normal": {
      const sigma2 = p.b / standardGamma(rng, p.a);
      return p.m + Math.sqrt(sigma2 / p.kappa) * standardNormal(rng);
    }
  }
}

function checkDiscount(gamma: number): void {
  if (!(gamma > 0 && gamma <= 1)) throw new Error(`discount factor must be in (0, 1], got ${gamma}`);
}
