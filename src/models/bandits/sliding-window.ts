/**
 * Sliding-window sufficient statistics (Garivier & Moulines 2011, SW-UCB/SW-TS): keep per-period
 * buckets and build the posterior from the last `size` periods only, so an arm whose performance
 * has changed is judged on recent data. Plain data, JSON-safe.
 */
import { type BetaPosterior, betaPosterior, type GammaPosterior, gammaPosterior } from "./posteriors.js";

export interface WindowBucket {
  /** Period index (e.g. day number); buckets are kept in increasing order. */
  readonly period: number;
  readonly successes: number;
  readonly trials: number;
  /** Exposure for Gamma-Poisson models (e.g. spend in major units). */
  readonly exposure: number;
}

export interface SlidingWindow {
  readonly size: number;
  readonly buckets: readonly WindowBucket[];
}

export function slidingWindow(size: number): SlidingWindow {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`window size must be an integer >= 1, got ${size}`);
  return { size, buckets: [] };
}

/** Add observations for a period; periods older than (latest − size + 1) are dropped. */
export function addToWindow(
  w: SlidingWindow,
  period: number,
  obs: { successes?: number; trials?: number; exposure?: number },
): SlidingWindow {
  const last = w.buckets[w.buckets.length - 1];
  if (last && period < last.period) {
    throw new Error(`window periods must not go backwards: got ${period} after ${last.period}`);
  }
  const add = { successes: obs.successes ?? 0, trials: obs.trials ?? 0, exposure: obs.exposure ?? 0 };
  const buckets =
    last && last.period === period
      ? [
          ...w.buckets.slice(0, -1),
          {
            period,
            successes: last.successes + add.successes,
            trials: last.trials + add.trials,
            exposure: last.exposure + add.exposure,
          },
        ]
      : [...w.buckets, { period, ...add }];
  const oldest = period - w.size + 1;
  return { size: w.size, buckets: buckets.filter((b) => b.period >= oldest) };
}

function totals(w: SlidingWindow) {
  let successes = 0;
  let trials = 0;
  let exposure = 0;
  for (const b of w.buckets) {
    successes += b.successes;
    trials += b.trials;
    exposure += b.exposure;
  }
  return { successes, trials, exposure };
}

/** Beta posterior from the prior plus the windowed counts. */
export function windowBeta(w: SlidingWindow, prior: BetaPosterior = betaPosterior()): BetaPosterior {
  const t = totals(w);
  return {
    ...prior,
    alpha: prior.alpha + t.successes,
    beta: prior.beta + Math.max(0, t.trials - t.successes),
  };
}

/** Gamma posterior (events per unit exposure) from the prior plus the windowed counts. */
export function windowGamma(w: SlidingWindow, prior: GammaPosterior = gammaPosterior()): GammaPosterior {
  const t = totals(w);
  return { ...prior, shape: prior.shape + t.successes, rate: prior.rate + t.exposure };
}
