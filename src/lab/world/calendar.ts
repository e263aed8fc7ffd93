/** Day index <-> local date for a world that starts at `startDate` (YYYY-MM-DD). Pure, UTC arithmetic. */
const DAY_MS = 86_400_000;

export function dateOfDay(startDate: string, day: number): string {
  return new Date(Date.parse(`${startDate}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10);
}

export function dayOfDate(startDate: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / DAY_MS);
}

/** 0 = Monday ... 6 = Sunday. */
export function weekdayOfDay(startDate: string, day: number): number {
  const sunday0 = new Date(Date.parse(`${startDate}T00:00:00Z`) + day * DAY_MS).getUTCDay();
  return (sunday0 + 6) % 7;
}

/** Whether MM-DD of `date` lies in [from, to] (wrapping over new year when from > to). */
export function inSeason(date: string, from: string, to: string): boolean {
  const md = date.slice(5);
  return from <= to ? md >= from && md <= to : md >= from || md <= to;
}
