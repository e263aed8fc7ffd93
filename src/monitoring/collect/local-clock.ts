import { localDateHour } from "../../domain/time.js";

export { addDays } from "../../domain/time.js";

/** The local date and hour of `instant` in `timeZone` (accounts report in their own time zone). */
export const localClock = (instant: Date, timeZone: string): { date: string; hour: number } =>
  localDateHour(instant, timeZone);

export function daysInMonth(date: string): number {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
