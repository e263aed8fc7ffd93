import type { PerformanceRow } from "../api/types.js";
import { addDays, type DayRange, daysInMonth, inRange, monthStart } from "./dates.js";
import { relativeChange } from "./format.js";

export interface Totals {
  costMinor: number;
  conversions: number;
  revenueMinor: number;
  cacMinor: number | null;
  roas: number | null;
}

export type PeriodKey = "today" | "7d" | "30d";
export const PERIOD_DAYS: Record<PeriodKey, number> = { today: 1, "7d": 7, "30d": 30 };
export const PERIOD_LABEL: Record<PeriodKey, string> = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
};

export interface PeriodKpis {
  period: PeriodKey;
  range: DayRange;
  current: Totals;
  previous: Totals;
  /** Relative change against the previous period of the same length (null without earlier data). */
  change: {
    costMinor: number | null;
    conversions: number | null;
    cacMinor: number | null;
    roas: number | null;
  };
  /** Budget for the period (daily budget x days), when a plan is known. */
  planCostMinor: number | null;
  /** CAC target from the account's configuration (targetCac), in minor units. */
  planCacMinor: number | null;
}

/** Sums rows (any grouping) whose period falls in `range`; CAC and ROAS from the sums. */
export function totalsIn(rows: readonly PerformanceRow[], range: DayRange): Totals {
  let costMinor = 0;
  let conversions = 0;
  let revenueMinor = 0;
  for (const r of rows) {
    if (r.period === null || !inRange(r.period, range)) continue;
    costMinor += r.costMinor;
    conversions += r.conversions;
    revenueMinor += r.revenueMinor;
  }
  return {
    costMinor,
    conversions,
    revenueMinor,
    cacMinor: conversions > 0 ? costMinor / conversions : null,
    roas: costMinor > 0 ? revenueMinor / costMinor : null,
  };
}

export function periodRange(anchor: string, days: number, periodsBack = 0): DayRange {
  const to = addDays(anchor, -days * periodsBack);
  return { from: addDays(to, -(days - 1)), to };
}

/** Today / 7 / 30 days up to `anchor` (the latest reporting day) against the period before and the plan. */
export function periodKpis(
  rows: readonly PerformanceRow[],
  anchor: string,
  plan: { dailyBudgetMinor: number | null; targetCacMinor: number | null },
): PeriodKpis[] {
  const earliest = rows.reduce<string | null>(
    (min, r) => (r.period !== null && (min === null || r.period < min) ? r.period : min),
    null,
  );
  return (Object.keys(PERIOD_DAYS) as PeriodKey[]).map((period) => {
    const days = PERIOD_DAYS[period];
    const range = periodRange(anchor, days);
    const previousRange = periodRange(anchor, days, 1);
    const current = totalsIn(rows, range);
    // A previous period only partly covered by data would make a misleading comparison.
    const covered = earliest !== null && earliest <= previousRange.from;
    const previous = totalsIn(rows, previousRange);
    const cmp = (a: number | null, b: number | null) => (covered ? relativeChange(a, b) : null);
    return {
      period,
      range,
      current,
      previous,
      change: {
        costMinor: cmp(current.costMinor, previous.costMinor),
        conversions: cmp(current.conversions, previous.conversions),
        cacMinor: cmp(current.cacMinor, previous.cacMinor),
        roas: cmp(current.roas, previous.roas),
      },
      planCostMinor: plan.dailyBudgetMinor === null ? null : plan.dailyBudgetMinor * days,
      planCacMinor: plan.targetCacMinor,
    };
  });
}

export interface Pacing {
  /** Spend so far against the budget so far (1 = on pace). */
  dayFraction: number | null;
  daySpentMinor: number;
  dayBudgetMinor: number | null;
  monthSpentMinor: number;
  monthBudgetMinor: number | null;
  /** Month-to-date spend against the budget for the days elapsed (1 = on pace). */
  monthPace: number | null;
  /** Share of the month that has passed, counting `hour` of the anchor day. */
  monthElapsed: number;
}

/** Budget pacing for the anchor day (at `hour` of 24) and its month. */
export function pacing(
  rows: readonly PerformanceRow[],
  anchor: string,
  hour: number,
  dailyBudgetMinor: number | null,
): Pacing {
  const day = totalsIn(rows, { from: anchor, to: anchor }).costMinor;
  const month = totalsIn(rows, { from: monthStart(anchor), to: anchor }).costMinor;
  const dayOfMonth = Number(anchor.slice(8, 10));
  const elapsedDays = dayOfMonth - 1 + Math.max(hour, 1) / 24;
  const monthBudget = dailyBudgetMinor === null ? null : dailyBudgetMinor * daysInMonth(anchor);
  return {
    dayFraction: dailyBudgetMinor ? day / dailyBudgetMinor : null,
    daySpentMinor: day,
    dayBudgetMinor: dailyBudgetMinor,
    monthSpentMinor: month,
    monthBudgetMinor: monthBudget,
    monthPace: dailyBudgetMinor ? month / (dailyBudgetMinor * elapsedDays) : null,
    monthElapsed: elapsedDays / daysInMonth(anchor),
  };
}

/** The latest day with any spend or conversions, or null without data. */
export function latestDay(rows: readonly PerformanceRow[]): string | null {
  let latest: string | null = null;
  for (const r of rows) {
    if (
      r.period !== null &&
      (r.costMinor > 0 || r.conversions > 0) &&
      (latest === null || r.period > latest)
    ) {
      latest = r.period;
    }
  }
  return latest;
}
