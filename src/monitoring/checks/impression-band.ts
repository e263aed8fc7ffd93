import type { SpendSample } from "./pacing-profile.js";
import { SPEND_BAND_DEFAULTS, type SpendBand, spendBand, spendBands } from "./spend-band.js";

/**
 * Bands over reported impressions instead of spend. The band test (spend-band.ts) works on any
 * cumulative counter sampled by hour; impressions are a far denser signal than spend on a small account
 * (tens to hundreds an hour where spend moves by one click every hour or two), so the band test, with
 * the gamma-Poisson tail of a count of unit events, finds a frozen feed or a stalled delivery after a
 * few polls where spend needs many hours of silence. The earlier days still carry the hour-of-day curve and the reporting lag (at night, or
 * before the first hour of the day is reported, an unchanged count is ordinary and the test says so).
 */

/** Bands over impressions for several windows (the pacing check's `impressionBands`). */
export function impressionBands(
  today: ReadonlyMap<number, number>,
  past: ReadonlyMap<string, ReadonlyMap<number, number>>,
  hour: number,
  windows: readonly number[],
  limits = SPEND_BAND_DEFAULTS,
): SpendBand[] {
  return spendBands(today, past, hour, windows, limits, "gamma-poisson");
}

/** Impressions reported for `date` by each hour it was sampled; samples without impressions are left out. */
export function impressionsByDate(samples: readonly SpendSample[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of samples) {
    if (s.impressions === undefined || s.impressions === null) continue;
    const day = out.get(s.date) ?? new Map<number, number>();
    day.set(s.hour, s.impressions);
    out.set(s.date, day);
  }
  return out;
}

/** The earliest hour from which the counter has kept the value it has at `hour` (`hour` when unknown or just changed). */
export function unchangedSince(today: ReadonlyMap<number, number>, hour: number): number {
  const current = today.get(hour);
  let since = hour;
  while (current !== undefined && since > 0 && today.get(since - 1) === current) since--;
  return since;
}

export interface CounterFreshness {
  /** Hours the counter has not moved, ending now. */
  unchangedHours: number;
  /** The band over those hours (how unlikely no gain at all is at these hours); null when it moved. */
  band: SpendBand | null;
}

/**
 * How long today's reported impressions have not moved and how unlikely that is, or null when it
 * cannot be judged from impressions: no impressions in today's samples at this hour and the one
 * before, or under `minDays` earlier days with impressions at both (samples recorded before impressions
 * were, or a new account). Null means the checks fall back to spend.
 */
export function impressionsFreshness(
  today: ReadonlyMap<number, number>,
  past: ReadonlyMap<string, ReadonlyMap<number, number>>,
  hour: number,
  limits = SPEND_BAND_DEFAULTS,
): CounterFreshness | null {
  if (hour < 1 || spendBand(today, past, hour, 1, limits, "gamma-poisson") === null) return null;
  const since = unchangedSince(today, hour);
  return {
    unchangedHours: hour - since,
    band: since < hour ? spendBand(today, past, hour, hour - since, limits, "gamma-poisson") : null,
  };
}
