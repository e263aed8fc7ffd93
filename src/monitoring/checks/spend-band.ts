import { gammaPoissonCdf } from "./count-tail.js";
import type { SpendSample } from "./pacing-profile.js";
import { mad, median } from "./robust.js";

/**
 * Today's reported spend gained over a window of hours ending now, against the same window (same
 * hours of the day, as reported at the same hour) on earlier days. The earlier days are the null
 * distribution: they carry the account's hour-of-day curve, the platform's reporting lag and the
 * account's own noise at this hour (few billable events at night, many at noon). The test is a robust
 * z-score (median and MAD over days), so one odd earlier day moves neither the centre nor the scale.
 */
export interface SpendBand {
  /** Window length in hours, ending at `hour`; a window reaching midnight starts from zero. */
  hours: number;
  /** The window starts at midnight: today's whole reported spend so far. */
  sinceMidnight: boolean;
  observedMinor: number;
  /** Median gain of earlier days over the same window. */
  expectedMinor: number;
  /** Robust scale of the earlier days' gains (MAD, floored). */
  scaleMinor: number;
  /** (observed - expected) / scale. */
  z: number;
  /**
   * One-sided quasi-Poisson p-value of a gain this low: the earlier days' mean m and variance v give a
   * money-per-event dispersion v/m and m^2/v effective events (extra-Poisson variance from day-to-day
   * swings only lowers that count, so the test errs towards silence); p = P(Poisson(m^2/v) <= observed
   * / (v/m)). For a gain of exactly zero this is exp(-m^2/v). For counts of unit events (impressions,
   * `tail: "gamma-poisson"`) the negative binomial's lower tail instead (count-tail.ts), never below the
   * share of earlier days whose gain was as low: a gain some healthy day also had is never a page.
   */
  pLow: number;
  /** Earlier days with samples at both ends of the window. */
  days: number;
}

export const SPEND_BAND_DEFAULTS = {
  minDays: 7,
  /**
   * Floors of the scale, relative to the expected gain: a MAD over a few weeks can come out
   * implausibly tight, and a scale this small would turn ordinary variation into a page.
   */
  minRelativeScale: 0.1,
};

/**
 * quasi-poisson: money (spend), whose variance carries the price of each event; gamma-poisson: counts
 * of unit events (impressions), whose variance above the mean is the day-to-day rate alone.
 */
export type BandTail = "quasi-poisson" | "gamma-poisson";

/** Windows the pacing check tests, in hours ending now; 24 stands for "since midnight". */
export const PACING_WINDOWS = [1, 2, 3, 4, 6, 9, 12, 24];

/** Spend reported for `date` by each hour it was sampled. */
export function samplesByDate(samples: readonly SpendSample[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of samples) {
    const day = out.get(s.date) ?? new Map<number, number>();
    day.set(s.hour, s.spendMinor);
    out.set(s.date, day);
  }
  return out;
}

function gain(day: ReadonlyMap<number, number>, hour: number, hours: number): number | null {
  const end = day.get(hour);
  if (end === undefined) return null;
  if (hours >= hour) return end;
  const start = day.get(hour - hours);
  return start === undefined ? null : end - start;
}

/**
 * The band for one window, or null without `minDays` earlier days sampled at both ends (or without a
 * sample for today at `hour`).
 */
export function spendBand(
  today: ReadonlyMap<number, number>,
  past: ReadonlyMap<string, ReadonlyMap<number, number>>,
  hour: number,
  hours: number,
  limits = SPEND_BAND_DEFAULTS,
  tail: BandTail = "quasi-poisson",
): SpendBand | null {
  const observed = gain(today, hour, hours);
  if (observed === null) return null;
  const gains: number[] = [];
  for (const day of past.values()) {
    const g = gain(day, hour, hours);
    if (g !== null) gains.push(g);
  }
  if (gains.length < limits.minDays) return null;
  const expected = median(gains);
  const scale = Math.max(mad(gains, expected), limits.minRelativeScale * expected, 1);
  const mean = gains.reduce((t, g) => t + g, 0) / gains.length;
  const variance = gains.reduce((t, g) => t + (g - mean) ** 2, 0) / (gains.length - 1);
  // The variance is floored like the scale, so a handful of near-identical days cannot make it tiny.
  const v = Math.max(variance, (limits.minRelativeScale * mean) ** 2, 1);
  return {
    hours: Math.min(hours, hour),
    sinceMidnight: hours >= hour,
    observedMinor: observed,
    expectedMinor: expected,
    scaleMinor: scale,
    z: (observed - expected) / scale,
    pLow: mean > 0 && observed < mean ? lowerTail(tail, observed, gains, mean, v) : 1,
    days: gains.length,
  };
}

/** Bands for several windows ending at `hour` (windows reaching midnight collapse into one). */
export function spendBands(
  today: ReadonlyMap<number, number>,
  past: ReadonlyMap<string, ReadonlyMap<number, number>>,
  hour: number,
  windows: readonly number[],
  limits = SPEND_BAND_DEFAULTS,
  tail: BandTail = "quasi-poisson",
): SpendBand[] {
  const out: SpendBand[] = [];
  const seen = new Set<number>();
  for (const w of windows) {
    const hours = Math.min(w, hour);
    if (hours <= 0 || seen.has(hours)) continue;
    seen.add(hours);
    const band = spendBand(today, past, hour, hours, limits, tail);
    if (band) out.push(band);
  }
  return out;
}

function lowerTail(
  tail: BandTail,
  observed: number,
  gains: readonly number[],
  mean: number,
  v: number,
): number {
  if (tail === "quasi-poisson") return poissonCdf(Math.floor(observed / (v / mean)), (mean * mean) / v);
  const asLow = gains.filter((g) => g <= observed).length / gains.length;
  return Math.max(gammaPoissonCdf(Math.floor(observed), mean, v), asLow);
}

/** P(N <= k) for N ~ Poisson(lambda), summed in log space (k is small where it matters). */
export function poissonCdf(k: number, lambda: number): number {
  if (k < 0) return 0;
  if (lambda <= 0) return 1;
  let logTerm = -lambda;
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(lambda) - Math.log(i);
    total += Math.exp(logTerm);
    if (i > lambda && Math.exp(logTerm) < 1e-16 * total) break;
  }
  return Math.min(1, total);
}
