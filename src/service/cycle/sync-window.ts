import { addDays } from "../../domain/time.js";

export interface SyncWindow {
  from: string;
  to: string;
  /** Whether this is a re-read of the whole lookback window (the cycle then records when it happened). */
  full: boolean;
}

/**
 * The days a cycle's sync reads. Late conversions keep changing the last few days' rows, so those are
 * re-read, but not every cycle: the whole window on the first cycle ever, on the first cycle of each
 * new local day (yesterday becomes complete and the planner starts using it), and when the last re-read
 * is `refreshHours` old; today alone otherwise (today's spend is what pacing watches).
 */
export function syncWindow(input: {
  /** The cycle's instant and the account-local date it falls on. */
  now: { instant: Date; date: string };
  /** The last re-read of the whole window, the same way (null: never). */
  lastFullSync: { instant: Date; date: string } | null;
  lookbackDays: number;
  refreshHours: number;
}): SyncWindow {
  const { now, lastFullSync } = input;
  const full =
    input.refreshHours === 0 ||
    lastFullSync === null ||
    lastFullSync.date !== now.date ||
    now.instant.getTime() - lastFullSync.instant.getTime() >= input.refreshHours * 3_600_000 ||
    // a clock set back (a lab world restarted from an earlier save) re-reads rather than trusting it
    lastFullSync.instant.getTime() > now.instant.getTime();
  return { from: full ? addDays(now.date, -input.lookbackDays) : now.date, to: now.date, full };
}
