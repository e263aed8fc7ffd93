/** Public input and option types of the MMM. */
import type { Prior } from "./priors.js";
import type { AdstockKind, SaturationKind } from "./transforms.js";

/** One marketing-mix data set: a target series, spend per channel, optional controls. */
export interface MmmInput {
  /** ISO dates (YYYY-MM-DD), one per period, ascending. Needed for calendar seasonality. */
  dates?: string[];
  /** Name of the target (e.g. "conversions", "revenue"). */
  targetName?: string;
  target: ArrayLike<number>;
  /** Spend per period of each paid channel (money units; ROAS is target units per spend unit). */
  channels: { name: string; spend: ArrayLike<number> }[];
  /** Control variables (entering linearly). */
  controls?: { name: string; values: ArrayLike<number> }[];
  /** Weekly or daily periods; inferred from `dates` when omitted (weekly if no dates). */
  frequency?: "weekly" | "daily";
}

/**
 * A lift test (experiment) for one channel: raising spend from `spend` to `spend + deltaSpend` per
 * period for `periods` periods added `lift` target units in total, measured with standard error
 * `sigma`. It enters the likelihood as lift ~ Normal(periods * yScale * beta * (s(x + dx) - s(x)), sigma),
 * with s the channel's saturation curve at steady state (normalised adstock preserves a constant level).
 */
export interface LiftTest {
  channel: string;
  spend: number;
  deltaSpend: number;
  lift: number;
  sigma: number;
  periods?: number;
}

export interface ChannelPriorOverrides {
  /** Keyed by the kernel's parameter name: alpha (geometric) or lambda, k (Weibull). */
  adstock?: Record<string, Prior>;
  /** Keyed by the curve's parameter name: lambda (logistic) or kappa, slope (Hill). */
  saturation?: Record<string, Prior>;
  beta?: Prior;
}

export interface MmmPriorOverrides extends ChannelPriorOverrides {
  intercept?: Prior;
  trend?: Prior;
  fourier?: Prior;
  control?: Prior;
  sigma?: Prior;
  nu?: Prior;
  /** Per-channel overrides, keyed by channel name (take precedence over the shared ones). */
  channels?: Record<string, ChannelPriorOverrides>;
}

export interface MmmModelOptions {
  /** "weibull" means the decaying (CDF) form. Default geometric. */
  adstock?: AdstockKind | "weibull";
  /** Maximum adstock lag in periods (weights beyond it are 0). Default 8 weekly, 28 daily. */
  lMax?: number;
  /** Default logistic (as PyMC-Marketing's examples). */
  saturation?: SaturationKind;
  /** Default normal. */
  likelihood?: "normal" | "studentT";
  /** Linear trend over the whole series. Default true. */
  trend?: boolean;
  /** Yearly Fourier modes (sin+cos pairs). Default 2. */
  yearlySeasonality?: number;
  /** Day-of-week Fourier modes for daily data. Default 3 for daily data, ignored for weekly. */
  weeklySeasonality?: number;
  /** Number of final periods held out of the likelihood for an out-of-sample check. Default 0. */
  holdout?: number;
  liftTests?: LiftTest[];
  priors?: MmmPriorOverrides;
  /**
   * Divide the target by this number instead of its maximum absolute value. Only for simulation
   * studies (e.g. simulation-based calibration), where the scale must not depend on the data.
   */
  targetScale?: number;
}

export interface MmmSamplerOptions {
  /** "nuts" (default) or "laplace": L-BFGS MAP with a Laplace approximation, for previews. */
  method?: "nuts" | "laplace";
  chains?: number;
  draws?: number;
  tune?: number;
  seed?: number;
  /** Dual-averaging target acceptance (Stan's and PyMC's default 0.8); raise it (0.9-0.95) if there are divergences. */
  targetAccept?: number;
  maxTreeDepth?: number;
  /**
   * Mass matrix adapted in warm-up: "diag" (Stan's default windowed diagonal adaptation) or "dense"
   * (full covariance, as Stan's dense_e; better when parameters are strongly correlated). Default "diag".
   */
  metric?: "diag" | "dense";
  /**
   * Chain starting points: "map" (default) finds the posterior mode by L-BFGS and starts each chain at an
   * independent draw from twice-widened Laplace approximation, with its variances as the initial metric;
   * "prior" starts at the prior centre plus uniform(-1, 1) jitter on the unconstrained scale with a unit
   * metric, as Stan does.
   */
  init?: "map" | "prior";
  /** Worker threads; 0 runs chains in this thread. Default min(chains, available cores). */
  threads?: number;
  /** Called every few iterations per chain (for progress bars). */
  onProgress?: (p: ChainProgress) => void;
  /** Draws kept for curves, contributions and the optimizer (thinned evenly). Default 1000. */
  summaryDraws?: number;
}

export interface ChainProgress {
  chain: number;
  iteration: number;
  total: number;
  phase: "warmup" | "sampling" | "done";
  divergences: number;
}

export type MmmFitOptions = MmmModelOptions & MmmSamplerOptions;

/** Posterior summary of a scalar: mean and 5 %, 50 %, 95 % quantiles. */
export interface Interval {
  mean: number;
  q05: number;
  q50: number;
  q95: number;
}
