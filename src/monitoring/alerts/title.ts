/**
 * The alert title a person understands at 3 a.m.: what, since when (account-local time), and what it
 * costs — "Sandbox API failing for account X since 02:10 — spend is 48% under plan".
 */
export function alertTitle(
  headline: string,
  impact: string | null | undefined,
  since: Date,
  timeZone = "UTC",
): string {
  return `${headline} since ${clock(since, timeZone)}${impact ? ` — ${impact}` : ""}`;
}

function clock(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    }).format(at);
  } catch {
    return at.toISOString().slice(11, 16);
  }
}
