import { daysBetween } from "../../domain/time.js";
import type { PlanArm } from "../../planner/index.js";
import type { Store } from "../../store/index.js";

/** An arm as the service sees it: the planner's snapshot plus where it sits and what it costs now. */
export interface ServiceArm extends PlanArm {
  readonly channel: string;
  readonly status: string;
  readonly currentBudgetMinor: number;
  /** Plain mean spend over the days with data among the last `spendWindowDays` (what the guardrails'
   * historical cap uses), or null without any. */
  readonly averageDailySpendMinor: number | null;
  /** The budget the newest unreviewed optimizer proposal for the arm asks for (null: none open). */
  readonly pendingBudgetMinor: number | null;
}

export interface ArmSnapshotOptions {
  accountId: string;
  currency: string;
  /** The account-local date the cycle plans for (data up to the day before is complete). */
  asOf: string;
  /** Hours into `asOf`, for the arms' age. */
  hourOfDay: number;
  level: "campaign" | "ad_group";
  /** Days of history that count, and the daily forgetting factor applied to them. */
  windowDays?: number;
  discount?: number;
  /** Days of the undiscounted average daily spend (guardrails.historicalWindowDays; default 14). */
  spendWindowDays?: number;
}

/** An arm without a row in the statistics (created after they were computed, so without data). */
const NO_STATS: ArmStats = {
  first_date: null,
  spend: 0,
  impressions: 0,
  clicks: 0,
  conversions: 0,
  revenue: 0,
  imp_this_week: 0,
  imp_last_week: 0,
  spend_recent: null,
  days_recent: 0,
  ctr_recent: null,
  ctr_base: null,
  cpm_recent: null,
  cpm_base: null,
};

/** One arm's statistics from the days before `asOf` (what the cache keeps). */
interface ArmStats {
  first_date: string | null;
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
  revenue: number;
  imp_this_week: number;
  imp_last_week: number;
  spend_recent: number | null;
  days_recent: number;
  ctr_recent: number | null;
  ctr_base: number | null;
  cpm_recent: number | null;
  cpm_base: number | null;
}

interface Entity {
  id: string;
  name: string | null;
  channel: string;
  status: string;
  budget: number | null;
}

/**
 * Builds every live arm's snapshot from the store: discounted sums over the window (exponential
 * forgetting, so a drifting arm's old days weigh less), the arm's age from its first day of data, and
 * the fatigue inputs (CTR and CPM of the last 3 days against the 7 before, impressions week on week).
 *
 * All of it comes from the days before `asOf`, which change only when a sync re-reads its lookback
 * window or an import writes: the statistics are kept in `arm_stats_cache` with the largest version of
 * those days (`performance_versions`, bumped by any write to them, migration 0012), and a cycle on the
 * same date reuses them while that version stands (one index probe instead of aggregating some 1,400
 * rows). Computed or reused, they pass through the same JSON, so both give the same numbers and a
 * restarted service computes identical posteriors. The same statement reads the budget each arm's
 * newest unreviewed optimizer proposal asks for (`pendingBudgetMinor`), so the cycle does not propose
 * it again.
 */
export async function loadArmSnapshots(store: Store, o: ArmSnapshotOptions): Promise<ServiceArm[]> {
  const windowDays = o.windowDays ?? 28;
  const discount = o.discount ?? 0.97;
  const spendWindowDays = o.spendWindowDays ?? 14;
  const entity =
    o.level === "campaign"
      ? `SELECT external_id AS id, name, channel, status, daily_budget_minor AS budget FROM campaigns WHERE account_id = $1`
      : `SELECT g.external_id AS id, g.name, c.channel, g.status, g.daily_budget_minor AS budget FROM ad_groups g
         JOIN campaigns c ON c.account_id = g.account_id AND c.external_id = g.campaign_external_id WHERE g.account_id = $1`;
  const key = o.level === "campaign" ? "p.campaign_id" : "p.adgroup_id";
  // Computed only when nothing usable is cached (`NOT EXISTS (SELECT 1 FROM hit)` is a one-time
  // filter: the scans below it do not run on a hit).
  const stale = "NOT EXISTS (SELECT 1 FROM hit)";
  // The arm's first day of data: campaigns by the (account, campaign, date) index, one probe per arm;
  // ad groups (no such index) by one grouped pass over the account's rows.
  const first =
    o.level === "campaign"
      ? {
          cte: "",
          column: `(SELECT min(q.date)::text FROM performance_daily q WHERE q.account_id = $1 AND q.campaign_id = e.id AND q.date < $2::date)`,
          join: "",
        }
      : {
          cte: `, firsts AS (SELECT p.adgroup_id AS id, min(p.date)::text AS first_date FROM performance_daily p
                 WHERE p.account_id = $1 AND p.date < $2::date AND ${stale} GROUP BY 1)`,
          column: "f.first_date",
          join: " LEFT JOIN firsts f ON f.id = e.id",
        };
  // Only the days any figure below looks at are read (the window, and two weeks for fatigue), so a
  // long history costs nothing per cycle. One aggregation pass over the rows (age = days before asOf);
  // the entities (all of them, so an arm removed and restored the same day keeps its statistics) join
  // the 50-odd results, not the rows.
  const [row] = await store.query<{
    entities: Entity[];
    stats: Record<string, ArmStats>;
    pending: Record<string, number | null>;
  }>(
    `WITH e AS (${entity}),
     v AS (SELECT coalesce(max(version), 0) AS version FROM performance_versions WHERE account_id = $1 AND date < $2::date),
     hit AS (SELECT c.stats FROM arm_stats_cache c, v
             WHERE c.account_id = $1 AND c.level = $6 AND c.as_of = $2::date AND c.options = $7 AND c.version = v.version),
     p AS (
       SELECT ${key} AS id, ($2::date - p.date) AS age, p.date, p.cost_minor::float8 AS cost, p.impressions::float8 AS imp,
              p.clicks::float8 AS clk, p.conversions::float8 AS conv, p.revenue_minor::float8 AS rev
       FROM performance_daily p
       WHERE p.account_id = $1 AND p.date < $2::date AND p.date >= $2::date - greatest($3::int, 14, $5::int) AND ${stale}
     ),
     a AS (
       SELECT p.id,
       coalesce(sum(p.cost * power($4::float8, p.age - 1)) FILTER (WHERE p.age <= $3), 0) AS spend,
       coalesce(sum(p.imp * power($4::float8, p.age - 1)) FILTER (WHERE p.age <= $3), 0) AS impressions,
       coalesce(sum(p.clk * power($4::float8, p.age - 1)) FILTER (WHERE p.age <= $3), 0) AS clicks,
       coalesce(sum(p.conv * power($4::float8, p.age - 1)) FILTER (WHERE p.age <= $3), 0) AS conversions,
       coalesce(sum(p.rev * power($4::float8, p.age - 1)) FILTER (WHERE p.age <= $3), 0) AS revenue,
       sum(p.cost) FILTER (WHERE p.age <= $5) AS spend_recent,
       count(DISTINCT p.date) FILTER (WHERE p.age <= $5)::int AS days_recent,
       coalesce(sum(p.imp) FILTER (WHERE p.age <= 7), 0) AS imp_this_week,
       coalesce(sum(p.imp) FILTER (WHERE p.age > 7 AND p.age <= 14), 0) AS imp_last_week,
       sum(p.clk) FILTER (WHERE p.age <= 3) / nullif(sum(p.imp) FILTER (WHERE p.age <= 3), 0) AS ctr_recent,
       sum(p.clk) FILTER (WHERE p.age > 3 AND p.age <= 10) / nullif(sum(p.imp) FILTER (WHERE p.age > 3 AND p.age <= 10), 0) AS ctr_base,
       1000 * sum(p.cost) FILTER (WHERE p.age <= 3) / nullif(sum(p.imp) FILTER (WHERE p.age <= 3), 0) AS cpm_recent,
       1000 * sum(p.cost) FILTER (WHERE p.age > 3 AND p.age <= 10) / nullif(sum(p.imp) FILTER (WHERE p.age > 3 AND p.age <= 10), 0) AS cpm_base
       FROM p GROUP BY p.id
     )${first.cte},
     fresh AS (
       SELECT coalesce(jsonb_object_agg(e.id, jsonb_build_object(
         'first_date', ${first.column}, 'spend', coalesce(a.spend, 0), 'impressions', coalesce(a.impressions, 0),
         'clicks', coalesce(a.clicks, 0), 'conversions', coalesce(a.conversions, 0), 'revenue', coalesce(a.revenue, 0),
         'spend_recent', a.spend_recent, 'days_recent', coalesce(a.days_recent, 0),
         'imp_this_week', coalesce(a.imp_this_week, 0), 'imp_last_week', coalesce(a.imp_last_week, 0),
         'ctr_recent', a.ctr_recent, 'ctr_base', a.ctr_base, 'cpm_recent', a.cpm_recent, 'cpm_base', a.cpm_base)), '{}'::jsonb) AS stats
       FROM e LEFT JOIN a ON a.id = e.id${first.join}
       WHERE ${stale}
     ),
     kept AS (
       INSERT INTO arm_stats_cache AS c (account_id, level, as_of, options, version, stats)
       SELECT $1, $6, $2::date, $7, v.version, fresh.stats FROM fresh, v WHERE ${stale}
       ON CONFLICT (account_id, level) DO UPDATE SET as_of = EXCLUDED.as_of, options = EXCLUDED.options,
         version = EXCLUDED.version, stats = EXCLUDED.stats
     )
     SELECT (SELECT coalesce(json_agg(l ORDER BY l.id), '[]'::json) FROM (SELECT * FROM e WHERE e.status <> 'removed') l) AS entities,
       coalesce((SELECT stats FROM hit), (SELECT stats FROM fresh)) AS stats,
       (SELECT coalesce(json_object_agg(q.entity_id, q.requested), '{}'::json) FROM (
          SELECT DISTINCT ON (entity_id) entity_id, (requested_value->>'dailyBudgetMinor')::bigint AS requested
            FROM proposals WHERE account_id = $1 AND status = 'proposed' AND origin = 'optimizer'
             AND kind = 'daily_budget' AND entity_level = $6
           ORDER BY entity_id, id DESC) q) AS pending`,
    [
      o.accountId,
      o.asOf,
      windowDays,
      discount,
      spendWindowDays,
      o.level,
      `window=${windowDays};discount=${discount};spendWindow=${spendWindowDays}`,
    ],
  );
  // the statistics travel once, as one document (a lookup per arm in SQL would unpack it per arm)
  const { entities, stats, pending } = row!;
  return entities.map((entity) => {
    // read field by field: spreading the parsed JSON into one object costs ~15 µs an arm in V8
    const r = stats[entity.id] ?? NO_STATS;
    const ageDays = r.first_date ? Math.max(0, daysBetween(r.first_date, o.asOf)) : 0;
    const impressions = Math.round(r.impressions);
    return {
      id: entity.id,
      name: entity.name ?? entity.id,
      channel: entity.channel,
      status: entity.status,
      currency: o.currency,
      ageHours: ageDays * 24 + o.hourOfDay,
      spendMinor: Math.round(r.spend),
      impressions,
      clicks: Math.min(impressions, Math.round(r.clicks)),
      conversions: r.conversions,
      revenueMinor: Math.round(r.revenue),
      currentBudgetMinor: entity.budget ?? 0,
      pendingBudgetMinor: pending[entity.id] ?? null,
      averageDailySpendMinor:
        r.days_recent > 0 && r.spend_recent !== null ? Math.round(r.spend_recent / r.days_recent) : null,
      fatigue: {
        ...(r.ctr_recent !== null ? { ctr: r.ctr_recent } : {}),
        ...(r.ctr_base !== null ? { baselineCtr: r.ctr_base } : {}),
        ...(r.cpm_recent !== null ? { cpm: r.cpm_recent } : {}),
        ...(r.cpm_base !== null ? { baselineCpm: r.cpm_base } : {}),
        ...(r.imp_last_week > 0
          ? { impressionsThisWeek: r.imp_this_week, impressionsLastWeek: r.imp_last_week }
          : {}),
      },
    };
  });
}
