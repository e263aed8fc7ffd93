import type { AppliedChange } from "./types.js";

export const HOUR_MS = 3_600_000;

/** Changes with `at` in the half-open window (now - ms, now]. */
export function inWindow(history: readonly AppliedChange[], now: Date, ms: number): AppliedChange[] {
  const end = now.getTime();
  const start = end - ms;
  return history.filter((c) => c.at.getTime() > start && c.at.getTime() <= end);
}

/**
 * The value a relative window cap is measured against: the `before` of the earliest change of this kind
 * to this entity inside the window, or the current value when nothing changed in the window
 * (SafeExecutor's "first old budget in the window").
 */
export function windowBase(
  history: readonly AppliedChange[],
  entityId: string,
  kind: "daily_budget" | "bid",
  now: Date,
  ms: number,
  current: number,
): number {
  let first: AppliedChange | undefined;
  for (const c of inWindow(history, now, ms)) {
    if (c.entityId !== entityId || c.kind !== kind || c.before === null) continue;
    if (!first || c.at.getTime() < first.at.getTime()) first = c;
  }
  return first?.before ?? current;
}
