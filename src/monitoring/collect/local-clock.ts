import { localDateHour } from "../../domain/time.js";

export { addDays } from "../../domain/time.js";

/** The local date and hour of `instant` in `timeZone` (accounts report in their own time zone). */
export const localClock = (instant: Date, timeZone: string): { date: string; hour: number } =>
  localDateHour(instant, timeZone);

export function daysInMonth(date: string): number {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Days of `date`'s month before `date` on which the account already had data (first data on `firstData`). */
export function monthDaysSince(date: string, firstData: string): number {
  const monthStart = `${date.slice(0, 8)}01`;
  const from = firstData > monthStart ? firstData : monthStart;
  return Math.max(
    0,
    Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000),
  );
}
