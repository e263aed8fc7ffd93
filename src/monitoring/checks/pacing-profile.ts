import { median } from "./robust.js";

/** Spend of a day as reported at some hour (a sample the monitor records on every pass). */
export interface SpendSample {
  date: string;
  hour: number;
  spendMinor: number;
  /** Impressions reported for the day at the same poll; null or absent when unknown (samples from before migration 0007). */
  impressions?: number | null;
}

/**
 * The share of a normal day's final spend that is reported by `hour`, learned from earlier days'
 * samples (median over days, so it carries the diurnal curve and the platform's reporting lag alike).
 * Falls back to a flat curve shifted by `lagHours` without three days of history.
 */
export function expectedShareBy(
  samples: readonly SpendSample[],
  finals: ReadonlyMap<string, number>,
  hour: number,
  lagHours = 3,
): number {
  const shares: number[] = [];
  for (const s of samples) {
    const final = finals.get(s.date);
    if (s.hour === hour && final && final > 0) shares.push(Math.min(1, s.spendMinor / final));
  }
  if (shares.length >= 3) return median(shares);
  return Math.max(0, Math.min(1, (hour - lagHours) / 24));
}
