import type { Store } from "../../store/index.js";
import type { DataQualityInput, DayTotals, EntityWindowTotals } from "../checks/data-quality.js";
import {
  type CounterFreshness,
  impressionBands,
  impressionsByDate,
  impressionsFreshness,
  unchangedSince,
} from "../checks/impression-band.js";
import type { LoopInput } from "../checks/loop.js";
import type { ConversionTypeSeries, MappingInput } from "../checks/mapping.js";
import type { PacingInput } from "../checks/pacing.js";
import { expectedShareBy, type SpendSample } from "../checks/pacing-profile.js";
import {
  PACING_WINDOWS,
  type SpendBand,
  samplesByDate,
  spendBand,
  spendBands,
} from "../checks/spend-band.js";
import { addDays, daysInMonth, monthDaysSince } from "./local-clock.js";

/** What the collector needs to know about a service account (a subset of the service's row). */
export interface MonitoredAccount {
  accountId: string;
  workspaceId: string;
  name: string;
  platform: string;
  currency: string;
  timeZone: string;
  active: boolean;
  intervalSeconds: number;
  dailyBudgetMinor: number;
  armLevel: "campaign" | "ad_group";
  consecutiveFailures: number;
  lastError: string | null;
}

export interface LocalNow {
  date: string;
  hour: number;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Records today's spend and impressions as seen at this hour (the pacing check learns the day's curve
 * from these; frozen impressions tell a data gap or a stalled delivery from a quiet hour).
 */
export async function recordSpendSample(
  store: Store,
  a: MonitoredAccount,
  local: LocalNow,
  now: Date,
): Promise<number> {
  const rows = await store.query<{ spend: number; impressions: number }>(
    `SELECT coalesce(sum(cost_minor), 0)::bigint AS spend, coalesce(sum(impressions), 0)::bigint AS impressions
     FROM performance_daily WHERE account_id = $1 AND date = $2`,
    [a.accountId, local.date],
  );
  const spend = num(rows[0]?.spend);
  await store.query(
    `INSERT INTO monitor_spend_samples (account_id, date, hour, spend_minor, impressions, sampled_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (account_id, date, hour) DO UPDATE
       SET spend_minor = EXCLUDED.spend_minor, impressions = EXCLUDED.impressions, sampled_at = EXCLUDED.sampled_at`,
    [a.accountId, local.date, local.hour, spend, num(rows[0]?.impressions), now],
  );
  return spend;
}

/** The account's samples from `from` to `to`, impressions null where unknown (before migration 0007). */
async function readSamples(
  store: Store,
  accountId: string,
  from: string,
  to: string,
): Promise<SpendSample[]> {
  const rows = await store.query<SpendSample>(
    `SELECT date::text AS date, hour, spend_minor AS "spendMinor", impressions FROM monitor_spend_samples
     WHERE account_id = $1 AND date >= $2 AND date <= $3`,
    [accountId, from, to],
  );
  return rows.map((s) => ({
    ...s,
    spendMinor: num(s.spendMinor),
    impressions: s.impressions === null || s.impressions === undefined ? null : num(s.impressions),
  }));
}

export async function pacingInput(
  store: Store,
  a: MonitoredAccount,
  local: LocalNow,
  now: Date,
  lagHours = 3,
): Promise<PacingInput> {
  const spendToday = await recordSpendSample(store, a, local, now);
  const from = addDays(local.date, -28);
  const monthStart = `${local.date.slice(0, 8)}01`;
  // From the month's first day even when it is more than 28 days back (the 29th to 31st).
  const allDays = await store.query<{ date: string; spend: number }>(
    `SELECT date::text AS date, sum(cost_minor)::bigint AS spend FROM performance_daily
     WHERE account_id = $1 AND date >= $2 AND date < $3 GROUP BY date ORDER BY date`,
    [a.accountId, monthStart < from ? monthStart : from, local.date],
  );
  const days = allDays.filter((d) => d.date >= from);
  const firstData = await store.query<{ first: string | null }>(
    "SELECT min(date)::text AS first FROM performance_daily WHERE account_id = $1",
    [a.accountId],
  );
  const finals = new Map(days.map((d) => [d.date, num(d.spend)]));
  const samples = await readSamples(store, a.accountId, from, local.date);
  const windowHours = 3;
  const earlier = samples.find((s) => s.date === local.date && s.hour === local.hour - windowHours);
  const shareNow = expectedShareBy(
    samples.filter((s) => s.date !== local.date),
    finals,
    local.hour,
    lagHours,
  );
  const shareThen = expectedShareBy(
    samples.filter((s) => s.date !== local.date),
    finals,
    local.hour - windowHours,
    lagHours,
  );
  const recent = days
    .slice(-14)
    .map((d) => ({ date: d.date, spendMinor: num(d.spend), budgetMinor: a.dailyBudgetMinor }));
  const first = firstData[0]?.first ?? null;
  const elapsed = first ? monthDaysSince(local.date, first) : 0;
  const byDay = samplesByDate(samples.filter((s) => s.date !== local.date));
  const todaySamples = samples.filter((s) => s.date === local.date);
  const todayByHour = samplesByDate(todaySamples).get(local.date) ?? new Map();
  const todayImpressions = impressionsByDate(todaySamples).get(local.date) ?? new Map();
  const pastImpressions = impressionsByDate(samples.filter((s) => s.date !== local.date));
  return {
    accountId: a.accountId,
    accountName: a.name,
    currency: a.currency,
    now,
    dailyBudgetMinor: a.dailyBudgetMinor,
    spendTodayMinor: spendToday,
    expectedShareNow: shareNow,
    window: earlier
      ? {
          hours: windowHours,
          spendMinor: spendToday - earlier.spendMinor,
          expectedShare: Math.max(0, shareNow - shareThen),
        }
      : null,
    recentDays: recent,
    bands: spendBands(todayByHour, byDay, local.hour, PACING_WINDOWS),
    impressionBands: impressionBands(todayImpressions, pastImpressions, local.hour, PACING_WINDOWS),
    month:
      elapsed > 0
        ? {
            spendToDateMinor: allDays
              .filter((d) => d.date >= monthStart)
              .reduce((t, d) => t + num(d.spend), 0),
            budgetMinor: a.dailyBudgetMinor * daysInMonth(local.date),
            daysElapsed: elapsed,
            daysInMonth: daysInMonth(local.date),
          }
        : null,
  };
}

/** Unknown entities: a performance row whose campaign (or ad) is not among the synced entities. */
export async function mappingInput(
  store: Store,
  a: MonitoredAccount,
  local: LocalNow,
  now: Date,
): Promise<MappingInput> {
  const from = addDays(local.date, -2);
  const unknown = await store.query<{
    rows: number;
    conv: number;
    total: number;
    cost: number;
    total_cost: number;
    ids: string[] | null;
  }>(
    `SELECT count(*) FILTER (WHERE c.external_id IS NULL)::int AS rows,
            coalesce(sum(p.conversions) FILTER (WHERE c.external_id IS NULL), 0) AS conv,
            coalesce(sum(p.conversions), 0) AS total,
            coalesce(sum(p.cost_minor) FILTER (WHERE c.external_id IS NULL), 0)::bigint AS cost,
            coalesce(sum(p.cost_minor), 0)::bigint AS total_cost,
            (array_agg(DISTINCT p.campaign_id) FILTER (WHERE c.external_id IS NULL)) AS ids
     FROM performance_daily p LEFT JOIN campaigns c ON c.account_id = p.account_id AND c.external_id = p.campaign_id
     WHERE p.account_id = $1 AND p.date >= $2`,
    [a.accountId, from],
  );
  const u = unknown[0]!;
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const baselineFrom = new Date(now.getTime() - 15 * 86_400_000);
  const deals = await store.query<{
    recent: number;
    recent_unmapped: number;
    base: number;
    base_unmapped: number;
  }>(
    `SELECT count(*) FILTER (WHERE occurred_at > $2)::int AS recent,
            count(*) FILTER (WHERE occurred_at > $2 AND ad_id IS NULL)::int AS recent_unmapped,
            count(*) FILTER (WHERE occurred_at <= $2)::int AS base,
            count(*) FILTER (WHERE occurred_at <= $2 AND ad_id IS NULL)::int AS base_unmapped
     FROM pipeline_events WHERE account_id = $1 AND stage = 'lead' AND occurred_at > $3 AND occurred_at <= $4`,
    [a.accountId, dayAgo, baselineFrom, now],
  );
  const d = deals[0]!;
  const perf = await store.query<{
    recent_conv: number;
    recent_clicks: number;
    base_conv: number;
    base_clicks: number;
  }>(
    `SELECT coalesce(sum(conversions) FILTER (WHERE date >= $2), 0) AS recent_conv,
            coalesce(sum(clicks) FILTER (WHERE date >= $2), 0) AS recent_clicks,
            coalesce(sum(conversions) FILTER (WHERE date < $2), 0) AS base_conv,
            coalesce(sum(clicks) FILTER (WHERE date < $2), 0) AS base_clicks
     FROM performance_daily WHERE account_id = $1 AND date >= $3 AND date < $4`,
    [a.accountId, addDays(local.date, -2), addDays(local.date, -16), local.date],
  );
  const p = perf[0]!;
  const types: ConversionTypeSeries[] =
    num(p.base_clicks) > 0
      ? [
          {
            type: "platform conversions",
            recentCount: num(p.recent_conv),
            recentClicks: num(p.recent_clicks),
            baselinePerClick: num(p.base_conv) / num(p.base_clicks),
            hours: 48,
          },
        ]
      : [];
  return {
    accountId: a.accountId,
    accountName: a.name,
    now,
    unknownEntityRows: num(u.rows),
    unknownEntityConversions: num(u.conv),
    totalConversions: num(u.total),
    unknownEntityIds: u.ids ?? [],
    unknownEntityCostMinor: num(u.cost),
    totalCostMinor: num(u.total_cost),
    unmappedDeals: num(d.recent_unmapped),
    totalDeals: num(d.recent),
    baselineUnmappedShare: num(d.base) >= 20 ? num(d.base_unmapped) / num(d.base) : null,
    conversionTypes: types,
  };
}

export async function loopInput(store: Store, a: MonitoredAccount, now: Date): Promise<LoopInput> {
  const rows = await store.query<{ last: Date | null; since: Date }>(
    `SELECT (SELECT max(started_at) FROM cycles WHERE account_id = $1) AS last,
            (SELECT updated_at FROM service_accounts WHERE account_id = $1) AS since`,
    [a.accountId],
  );
  const fit = await store.query<{ fittedAt: Date; converged: boolean }>(
    `SELECT fitted_at AS "fittedAt", converged FROM mmm_fits WHERE account_id = $1 ORDER BY fitted_at DESC LIMIT 1`,
    [a.accountId],
  );
  return {
    accountId: a.accountId,
    accountName: a.name,
    now,
    active: a.active,
    intervalSeconds: a.intervalSeconds,
    consecutiveFailures: a.consecutiveFailures,
    lastError: a.lastError,
    lastCycleAt: rows[0]?.last ? new Date(rows[0].last) : null,
    since: rows[0]?.since ? new Date(rows[0].since) : now,
    latestMmmFit: fit[0] ? { fittedAt: new Date(fit[0].fittedAt), converged: fit[0].converged } : null,
  };
}

export async function dataQualityInput(
  store: Store,
  a: MonitoredAccount,
  local: LocalNow,
  now: Date,
  todayExpectedShare: number,
  freshness: {
    unchangedHours: number;
    expectedShareMeanwhile: number;
    unchangedBand?: SpendBand | null;
    impressions?: CounterFreshness | null;
  } = {
    unchangedHours: 0,
    expectedShareMeanwhile: 0,
  },
): Promise<DataQualityInput> {
  const from = addDays(local.date, -22);
  const arm = a.armLevel === "ad_group" ? "adgroup_id" : "campaign_id";
  const daily = await store.query<DayTotals & { armId: string }>(
    `SELECT ${arm} AS "armId", date::text AS date, sum(impressions)::bigint AS impressions, sum(clicks)::bigint AS clicks,
       sum(cost_minor)::bigint AS "costMinor", sum(conversions) AS conversions, sum(revenue_minor)::bigint AS "revenueMinor"
     FROM performance_daily WHERE account_id = $1 AND date >= $2 AND date <= $3 GROUP BY 1, 2 ORDER BY 1, 2`,
    [a.accountId, from, local.date],
  );
  // Changes we applied in the window, by arm: a campaign arm counts those of its ad groups too.
  const changes = await store.query<{ armId: string; last: string }>(
    `SELECT ${a.armLevel === "ad_group" ? "entity_id" : "campaign_id"} AS "armId",
            max((applied_at AT TIME ZONE $2)::date)::text AS last
       FROM applied_changes
      WHERE account_id = $1 AND applied_at >= $3 ${a.armLevel === "ad_group" ? "AND entity_level = 'ad_group'" : ""}
      GROUP BY 1`,
    [a.accountId, a.timeZone, new Date(now.getTime() - 24 * 86_400_000)],
  );
  const lastChange = new Map(changes.map((c) => [c.armId, c.last]));
  const present = new Set<string>();
  const arms = new Map<string, DayTotals[]>();
  let todayRows = 0;
  const weekFrom = addDays(local.date, -7);
  const entities = new Map<string, EntityWindowTotals>();
  for (const r of daily) {
    const row: DayTotals = {
      date: r.date,
      impressions: num(r.impressions),
      clicks: num(r.clicks),
      costMinor: num(r.costMinor),
      conversions: num(r.conversions),
      revenueMinor: num(r.revenueMinor),
    };
    if (r.date === local.date) {
      todayRows++;
      continue;
    }
    present.add(r.date);
    if (!arms.has(r.armId)) arms.set(r.armId, []);
    arms.get(r.armId)!.push(row);
    if (r.date >= weekFrom) {
      const e = entities.get(r.armId) ?? {
        entityId: r.armId,
        impressions: 0,
        clicks: 0,
        costMinor: 0,
        conversions: 0,
        revenueMinor: 0,
      };
      for (const k of ["impressions", "clicks", "costMinor", "conversions", "revenueMinor"] as const)
        e[k] += row[k];
      entities.set(r.armId, e);
    }
  }
  const first = [...present].sort()[0];
  const expectedDates: string[] = [];
  if (first)
    for (let d = [first, addDays(local.date, -14)].sort()[1]!; d < local.date; d = addDays(d, 1))
      expectedDates.push(d);
  const yesterday = addDays(local.date, -1);
  return {
    accountId: a.accountId,
    accountName: a.name,
    now,
    today: local.date,
    expectedDates,
    presentDates: [...present],
    todayRows,
    todayExpectedShare: first ? todayExpectedShare : 0,
    ...freshness,
    entities: [...entities.values()],
    // Only arms with data for yesterday are tested (the last day is the one under test).
    arms: [...arms.entries()]
      .filter(([, days]) => days.at(-1)?.date === yesterday)
      .map(([armId, days]) => ({ armId, days, lastChangeDate: lastChange.get(armId) ?? null })),
  };
}

/**
 * How many hours today's spend has not moved (from the samples), the share a normal day gains
 * meanwhile, and the same for impressions when the samples carry them.
 */
export async function freshnessInput(
  store: Store,
  a: MonitoredAccount,
  local: LocalNow,
  lagHours = 3,
): Promise<{
  unchangedHours: number;
  expectedShareMeanwhile: number;
  unchangedBand: SpendBand | null;
  impressions: CounterFreshness | null;
}> {
  const from = addDays(local.date, -28);
  const samples = await readSamples(store, a.accountId, from, local.date);
  const todaySamples = samples.filter((s) => s.date === local.date);
  const today = new Map(todaySamples.map((s) => [s.hour, s.spendMinor]));
  const since = unchangedSince(today, local.hour);
  const days = await store.query<{ date: string; spend: number }>(
    `SELECT date::text AS date, sum(cost_minor)::bigint AS spend FROM performance_daily
     WHERE account_id = $1 AND date >= $2 AND date < $3 GROUP BY date`,
    [a.accountId, from, local.date],
  );
  const finals = new Map(days.map((d) => [d.date, num(d.spend)]));
  const past = samples.filter((s) => s.date !== local.date);
  return {
    impressions: impressionsFreshness(
      impressionsByDate(todaySamples).get(local.date) ?? new Map(),
      impressionsByDate(past),
      local.hour,
    ),
    unchangedHours: local.hour - since,
    unchangedBand:
      local.hour > since ? spendBand(today, samplesByDate(past), local.hour, local.hour - since) : null,
    expectedShareMeanwhile: Math.max(
      0,
      expectedShareBy(past, finals, local.hour, lagHours) - expectedShareBy(past, finals, since, lagHours),
    ),
  };
}
