import type { ConnectorEntity } from "../connectors/port.js";
import type { PerformanceFact } from "../domain/performance.js";
import type { SqlSession } from "./session.js";
import { combineStatements, type Statement } from "./statements.js";

/**
 * Writes what a connector reported into the store, idempotently: entities by (account, external id),
 * performance by its natural key. Re-syncing the same range stores the same rows; late corrections
 * (conversions that arrive days later) overwrite the earlier numbers. Rows that did not change are
 * filtered out before each upsert: ON CONFLICT DO UPDATE would lock (and so write to) every conflicting
 * row even when its WHERE then skips the update.
 */
export async function upsertConnectorEntities(
  s: SqlSession,
  accountId: string,
  entities: readonly ConnectorEntity[],
): Promise<void> {
  for (const statement of entityUpserts(accountId, entities)) await s.query(statement.text, statement.values);
}

/** Upserts daily facts (hour -1) into performance_daily and hourly facts into performance_hourly. */
export async function upsertPerformanceFacts(
  s: SqlSession,
  accountId: string,
  facts: readonly PerformanceFact[],
  source: string,
): Promise<number> {
  for (const statement of performanceUpserts(accountId, facts, source))
    await s.query(statement.text, statement.values);
  return facts.length;
}

/**
 * A cycle's whole sync (entities and performance) as one statement: atomic without a transaction, and
 * one round trip instead of four. The parts touch different tables, so it does not matter that the
 * statement's parts do not see each other's rows.
 */
export async function upsertSyncedData(
  s: Pick<SqlSession, "query">,
  accountId: string,
  entities: readonly ConnectorEntity[],
  facts: readonly PerformanceFact[],
  source: string,
): Promise<void> {
  const statement = combineStatements([
    ...entityUpserts(accountId, entities),
    ...performanceUpserts(accountId, facts, source),
  ]);
  if (statement) await s.query(statement.text, statement.values);
}

function entityUpserts(accountId: string, entities: readonly ConnectorEntity[]): Statement[] {
  const out: Statement[] = [];
  const campaigns = entities.filter((e) => e.level === "campaign");
  const groups = entities.filter((e) => e.level === "ad_group");
  const ads = entities.filter((e) => e.level === "ad");
  if (campaigns.length > 0) {
    out.push({
      text: `INSERT INTO campaigns AS c (account_id, external_id, name, channel, status, daily_budget_minor)
       SELECT $1, u.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(x, n, ch, st, b)
       WHERE NOT EXISTS (SELECT 1 FROM campaigns o WHERE o.account_id = $1 AND o.external_id = u.x
                           AND (o.name, o.channel, o.status, o.daily_budget_minor) IS NOT DISTINCT FROM (u.n, u.ch, u.st, u.b))
       ON CONFLICT (account_id, external_id) DO UPDATE SET name = EXCLUDED.name, channel = EXCLUDED.channel,
         status = EXCLUDED.status, daily_budget_minor = EXCLUDED.daily_budget_minor, updated_at = now()
       WHERE (c.name, c.channel, c.status, c.daily_budget_minor)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.channel, EXCLUDED.status, EXCLUDED.daily_budget_minor)`,
      values: [
        accountId,
        campaigns.map((e) => e.externalId),
        campaigns.map((e) => e.name),
        campaigns.map((e) => e.channel ?? "other"),
        campaigns.map((e) => e.status),
        campaigns.map((e) => e.dailyBudgetMinor),
      ],
    });
  }
  if (groups.length > 0) {
    out.push({
      text: `INSERT INTO ad_groups AS g (account_id, external_id, campaign_external_id, name, status, daily_budget_minor)
       SELECT $1, u.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(x, p, n, st, b)
       WHERE NOT EXISTS (SELECT 1 FROM ad_groups o WHERE o.account_id = $1 AND o.external_id = u.x
                           AND (o.name, o.status, o.daily_budget_minor) IS NOT DISTINCT FROM (u.n, u.st, u.b))
       ON CONFLICT (account_id, external_id) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status,
         daily_budget_minor = EXCLUDED.daily_budget_minor, updated_at = now()
       WHERE (g.name, g.status, g.daily_budget_minor) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.status, EXCLUDED.daily_budget_minor)`,
      values: [
        accountId,
        groups.map((e) => e.externalId),
        groups.map((e) => e.parentExternalId ?? ""),
        groups.map((e) => e.name),
        groups.map((e) => e.status),
        groups.map((e) => e.dailyBudgetMinor),
      ],
    });
  }
  if (ads.length > 0) {
    const campaignOf = new Map(groups.map((g) => [g.externalId, g.parentExternalId ?? ""]));
    out.push({
      text: `INSERT INTO ads AS d (account_id, external_id, ad_group_external_id, campaign_external_id, name, status)
       SELECT $1, u.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(x, g, c, n, st)
       WHERE NOT EXISTS (SELECT 1 FROM ads o WHERE o.account_id = $1 AND o.external_id = u.x
                           AND (o.name, o.status) IS NOT DISTINCT FROM (u.n, u.st))
       ON CONFLICT (account_id, external_id) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, updated_at = now()
       WHERE (d.name, d.status) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.status)`,
      values: [
        accountId,
        ads.map((e) => e.externalId),
        ads.map((e) => e.parentExternalId ?? ""),
        ads.map((e) => campaignOf.get(e.parentExternalId ?? "") ?? ""),
        ads.map((e) => e.name),
        ads.map((e) => e.status),
      ],
    });
  }
  return out;
}

/** Upserts daily facts (hour -1) into performance_daily and hourly facts into performance_hourly. */
function performanceUpserts(
  accountId: string,
  facts: readonly PerformanceFact[],
  source: string,
): Statement[] {
  const out: Statement[] = [];
  const daily = facts.filter((f) => f.hour < 0);
  const hourly = facts.filter((f) => f.hour >= 0);
  const columns = (rows: readonly PerformanceFact[]) => [
    rows.map((f) => f.date),
    rows.map((f) => f.campaignId),
    rows.map((f) => f.adGroupId),
    rows.map((f) => f.adId),
    rows.map((f) => f.impressions),
    rows.map((f) => f.clicks),
    rows.map((f) => f.costMinor),
    rows.map((f) => f.conversions),
    rows.map((f) => f.revenueMinor),
  ];
  // A re-synced row that did not change is left alone (most of a lookback window, every cycle): no new
  // row version, no index entries, no WAL. It is filtered out before the insert: ON CONFLICT DO UPDATE
  // would lock (and so write to) every conflicting row even when its WHERE then skips the update.
  // Both tables are aliased p below, the stored row o in the filter.
  const unchanged = (
    sourceParam: string,
  ) => `(o.impressions, o.clicks, o.cost_minor, o.conversions, o.revenue_minor, o.source)
    IS NOT DISTINCT FROM (u.i, u.k, u.co, u.cv, u.r, ${sourceParam}::text)`;
  const set = `impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks, cost_minor = EXCLUDED.cost_minor,
    conversions = EXCLUDED.conversions, revenue_minor = EXCLUDED.revenue_minor, source = EXCLUDED.source, updated_at = now()
    WHERE (p.impressions, p.clicks, p.cost_minor, p.conversions, p.revenue_minor, p.source)
      IS DISTINCT FROM (EXCLUDED.impressions, EXCLUDED.clicks, EXCLUDED.cost_minor, EXCLUDED.conversions,
        EXCLUDED.revenue_minor, EXCLUDED.source)`;
  if (daily.length > 0) {
    out.push({
      text: `INSERT INTO performance_daily AS p (account_id, date, campaign_id, adgroup_id, ad_id, impressions, clicks, cost_minor,
         conversions, revenue_minor, source)
       SELECT $1, d, c, g, a, i, k, co, cv, r, $11 FROM unnest($2::date[], $3::text[], $4::text[], $5::text[],
         $6::bigint[], $7::bigint[], $8::bigint[], $9::float8[], $10::bigint[]) AS u(d, c, g, a, i, k, co, cv, r)
       WHERE NOT EXISTS (SELECT 1 FROM performance_daily o WHERE o.account_id = $1 AND o.date = u.d AND o.campaign_id = u.c
                           AND o.adgroup_id = u.g AND o.ad_id = u.a AND ${unchanged("$11")})
       ON CONFLICT (account_id, date, campaign_id, adgroup_id, ad_id) DO UPDATE SET ${set}`,
      values: [accountId, ...columns(daily), source],
    });
  }
  if (hourly.length > 0) {
    out.push({
      text: `INSERT INTO performance_hourly AS p (account_id, date, hour, campaign_id, adgroup_id, ad_id, impressions, clicks,
         cost_minor, conversions, revenue_minor, source)
       SELECT $1, d, h, c, g, a, i, k, co, cv, r, $12 FROM unnest($2::date[], $11::smallint[], $3::text[], $4::text[],
         $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::float8[], $10::bigint[]) AS u(d, h, c, g, a, i, k, co, cv, r)
       WHERE NOT EXISTS (SELECT 1 FROM performance_hourly o WHERE o.account_id = $1 AND o.date = u.d AND o.hour = u.h
                           AND o.campaign_id = u.c AND o.adgroup_id = u.g AND o.ad_id = u.a AND ${unchanged("$12")})
       ON CONFLICT (account_id, date, hour, campaign_id, adgroup_id, ad_id) DO UPDATE SET ${set}`,
      values: [accountId, ...columns(hourly), hourly.map((f) => f.hour), source],
    });
  }
  return out;
}
