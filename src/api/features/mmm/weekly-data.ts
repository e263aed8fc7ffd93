import { currencyExponent } from "../../../domain/currency.js";
import type { MmmInput } from "../../../models/mmm/index.js";
import type { Store } from "../../../store/index.js";

/** Fewer weeks than this cannot separate adstock, saturation and trend: the fit is refused. */
export const MIN_WEEKS = 12;

export interface WeeklyData {
  input: MmmInput;
  /** First and last day of the weeks used. */
  from: string;
  to: string;
  weeks: number;
  /** Mean weekly spend per channel over the last (up to) 4 weeks, major units: the "current" allocation. */
  currentWeeklySpend: Record<string, number>;
}

export class NotEnoughDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotEnoughDataError";
  }
}

/**
 * Weekly (Monday-based) spend per channel and the account's total conversions or revenue, from
 * performance_daily and each campaign's channel, money in major units. Partial first and last weeks
 * are dropped: a half week would read as a drop in both spend and outcome. Assumes the account's rows
 * are at one level (campaign or ad group), as the service and the importers write them.
 */
export async function weeklyChannelData(
  store: Store,
  input: {
    accountId: string;
    currency: string;
    target: "conversions" | "revenue";
    from?: string;
    to?: string;
  },
): Promise<WeeklyData> {
  const params: unknown[] = [input.accountId];
  const where = [
    ...(input.from ? [`p.date >= $${params.push(input.from)}::date`] : []),
    ...(input.to ? [`p.date <= $${params.push(input.to)}::date`] : []),
  ];
  const rows = await store.query<{
    week: string;
    channel: string;
    cost: number;
    conv: number;
    rev: number;
    days: number;
  }>(
    `WITH days AS (
       SELECT date_trunc('week', date) AS wk, count(DISTINCT date)::int AS days FROM performance_daily
        WHERE account_id = $1 GROUP BY 1)
     SELECT to_char(date_trunc('week', p.date), 'YYYY-MM-DD') AS week, coalesce(c.channel, 'other') AS channel,
            sum(p.cost_minor)::float8 AS cost, sum(p.conversions)::float8 AS conv, sum(p.revenue_minor)::float8 AS rev,
            min(d.days) AS days
       FROM performance_daily p
       JOIN days d ON d.wk = date_trunc('week', p.date)
       LEFT JOIN campaigns c ON c.account_id = p.account_id AND c.external_id = p.campaign_id
      WHERE p.account_id = $1 ${where.map((w) => `AND ${w}`).join(" ")}
      GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  const allWeeks = [...new Set(rows.map((r) => r.week))].sort();
  const daysOf = new Map(rows.map((r) => [r.week, r.days]));
  let first = 0;
  let last = allWeeks.length - 1;
  if (first <= last && (daysOf.get(allWeeks[first]) ?? 0) < 7) first++;
  if (first <= last && (daysOf.get(allWeeks[last]) ?? 0) < 7) last--;
  const weeks = allWeeks.slice(first, last + 1);
  if (weeks.length < MIN_WEEKS) {
    throw new NotEnoughDataError(
      `an MMM fit needs at least ${MIN_WEEKS} full weeks of performance data; this account has ${weeks.length}` +
        (input.from || input.to
          ? " in the chosen period (widen from/to)"
          : " (import history or let the service run longer)"),
    );
  }
  const minorPerMajor = 10 ** currencyExponent(input.currency);
  const index = new Map(weeks.map((w, i) => [w, i]));
  const channels = [
    ...new Set(rows.filter((r) => index.has(r.week) && r.cost > 0).map((r) => r.channel)),
  ].sort();
  if (channels.length === 0) throw new NotEnoughDataError("no channel has any spend in the chosen weeks");
  const spend = new Map(channels.map((c) => [c, new Array<number>(weeks.length).fill(0)]));
  const target = new Array<number>(weeks.length).fill(0);
  for (const r of rows) {
    const i = index.get(r.week);
    if (i === undefined) continue;
    const s = spend.get(r.channel);
    if (s) s[i] += r.cost / minorPerMajor;
    target[i] += input.target === "revenue" ? r.rev / minorPerMajor : r.conv;
  }
  const recent = Math.min(4, weeks.length);
  const currentWeeklySpend = Object.fromEntries(
    channels.map((c) => [c, (spend.get(c) as number[]).slice(-recent).reduce((a, b) => a + b, 0) / recent]),
  );
  const lastWeek = new Date(`${weeks[weeks.length - 1]}T00:00:00Z`);
  return {
    input: {
      dates: weeks,
      targetName: input.target,
      target,
      channels: channels.map((name) => ({ name, spend: spend.get(name) as number[] })),
      frequency: "weekly",
    },
    from: weeks[0],
    to: new Date(lastWeek.getTime() + 6 * 86_400_000).toISOString().slice(0, 10),
    weeks: weeks.length,
    currentWeeklySpend,
  };
}
