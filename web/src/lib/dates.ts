/** Calendar arithmetic on "YYYY-MM-DD" strings (UTC, no time-zone shifts). */

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysInMonth(date: string): number {
  const [y, m] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** Inclusive day range [from, to]. */
export interface DayRange {
  from: string;
  to: string;
}

export function inRange(date: string, range: DayRange): boolean {
  return date >= range.from && date <= range.to;
}
