import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import { addDays, localDateHour } from "../../domain/time.js";
import type { SqlSession } from "../../store/index.js";
import type { EntityState } from "./account.js";

// Set-based reads of what the guardrails need about many entities of one account, one round trip per
// kind of fact however many entities a batch of proposals touches. The single-entity helpers in
// account.ts and spend.ts answer through these, so both paths share one definition.

type Queryable = Pick<SqlSession, "query">;

/** Map key of an entity in a batch. */
export const entityKey = (level: EntityLevel, id: string) => `${level}:${id}`;

const ENTITIES_SQL: Record<EntityLevel, string> = {
  campaign: `SELECT external_id AS id, external_id AS campaign_id, status, daily_budget_minor, channel
               FROM campaigns WHERE account_id = $1 AND external_id = ANY($2::text[])`,
  ad_group: `SELECT g.external_id AS id, g.campaign_external_id AS campaign_id, g.status, g.daily_budget_minor, c.channel
               FROM ad_groups g LEFT JOIN campaigns c ON c.account_id = g.account_id AND c.external_id = g.campaign_external_id
              WHERE g.account_id = $1 AND g.external_id = ANY($2::text[])`,
  ad: `SELECT a.external_id AS id, a.campaign_external_id AS campaign_id, a.status, NULL::bigint AS daily_budget_minor, c.channel
         FROM ads a LEFT JOIN campaigns c ON c.account_id = a.account_id AND c.external_id = a.campaign_external_id
        WHERE a.account_id = $1 AND a.external_id = ANY($2::text[])`,
};

/** The stored state of each named entity that exists, keyed by `entityKey`; unknown levels are skipped. */
export async function loadEntities(
  db: Queryable,
  accountId: string,
  refs: readonly { level: EntityLevel; id: string }[],
): Promise<Map<string, EntityState>> {
  const byLevel = new Map<EntityLevel, Set<string>>();
  for (const r of refs) {
    if (!ENTITIES_SQL[r.level]) continue;
    const ids = byLevel.get(r.level) ?? new Set<string>();
    ids.add(r.id);
    byLevel.set(r.level, ids);
  }
  const out = new Map<string, EntityState>();
  for (const [level, ids] of byLevel) {
    const rows = await db.query<Record<string, unknown>>(ENTITIES_SQL[level], [accountId, [...ids]]);
    for (const row of rows) {
      const id = row.id as string;
      out.set(entityKey(level, id), {
        level,
        id,
        campaignId: row.campaign_id as string,
        status: row.status as EntityStatus,
        dailyBudgetMinor: row.daily_budget_minor === null ? null : Number(row.daily_budget_minor),
        channel: (row.channel as string | null) ?? null,
      });
    }
  }
  return out;
}

/** The account's active campaigns and active ad groups with their budgets: what spend the budgets allow. */
export interface ActiveBudgets {
  campaigns: { id: string; budgetMinor: number | null }[];
  adGroups: { id: string; campaignId: string; budgetMinor: number | null }[];
}

export async function loadActiveBudgets(db: Queryable, accountId: string): Promise<ActiveBudgets> {
  const rows = await db.query<{
    level: string;
    id: string;
    campaign: string;
    budget: string | number | null;
  }>(
    `SELECT 'campaign' AS level, external_id AS id, external_id AS campaign, daily_budget_minor AS budget
       FROM campaigns WHERE account_id = $1 AND status = 'active'
     UNION ALL
     SELECT 'ad_group', external_id, campaign_external_id, daily_budget_minor
       FROM ad_groups WHERE account_id = $1 AND status = 'active'`,
    [accountId],
  );
  const budgets: ActiveBudgets = { campaigns: [], adGroups: [] };
  for (const r of rows) {
    const budgetMinor = r.budget === null ? null : Number(r.budget);
    if (r.level === "campaign") budgets.campaigns.push({ id: r.id, budgetMinor });
    else budgets.adGroups.push({ id: r.id, campaignId: r.campaign, budgetMinor });
  }
  return budgets;
}

/**
 * What the account's active budgets allow it to spend a day, without one entity's own budget.
 * A campaign spends up to its own budget when it has one (Google, Meta with campaign budgets), else up
 * to the sum of its active ad groups' budgets (Meta ad-set budgets): ad-group budgets inside a budgeted
 * campaign are not added again. When the entity is an ad group, its campaign counts with the other ad
 * groups' budgets only (capped by the campaign's budget), so the caller can add the ad group's new one.
 */
export function otherActiveBudgetsFrom(budgets: ActiveBudgets, level: EntityLevel, id: string): number {
  const groups = new Map<string, { total: number; others: number; holdsEntity: boolean }>();
  for (const g of budgets.adGroups) {
    const grp = groups.get(g.campaignId) ?? { total: 0, others: 0, holdsEntity: false };
    const own = level === "ad_group" && g.id === id;
    grp.total += g.budgetMinor ?? 0;
    if (own) grp.holdsEntity = true;
    else grp.others += g.budgetMinor ?? 0;
    groups.set(g.campaignId, grp);
  }
  let total = 0;
  for (const c of budgets.campaigns) {
    if (level === "campaign" && c.id === id) continue;
    const grp = groups.get(c.id);
    if (grp?.holdsEntity) total += c.budgetMinor === null ? grp.others : Math.min(c.budgetMinor, grp.others);
    else total += c.budgetMinor ?? grp?.total ?? 0;
  }
  return total;
}

export interface PacingToday {
  spendTodayMinor: number;
  spendThisHourMinor: number;
}

/** Filters a performance table's rows to one level's entities, preferring rows at that level exactly. */
function levelColumns(level: "campaign" | "ad_group") {
  return level === "campaign"
    ? { id: "campaign_id", exact: "adgroup_id = '' AND ad_id = ''" }
    : { id: "adgroup_id", exact: "ad_id = ''" };
}

/**
 * Today's spend and this hour's spend (local to the account) per campaign or ad group, from
 * performance_hourly. Rows at the entity's own level are preferred; when a report only has finer rows
 * those are summed. Entities without hourly rows today are absent (the pacing rules are then skipped).
 */
export async function pacingTodayMany(
  db: Queryable,
  accountId: string,
  level: EntityLevel,
  ids: readonly string[],
  now: Date,
  timeZone: string,
): Promise<Map<string, PacingToday>> {
  const out = new Map<string, PacingToday>();
  if (level === "ad" || ids.length === 0) return out;
  const { date, hour } = localDateHour(now, timeZone);
  const col = levelColumns(level);
  const rows = await db.query<{ id: string; today: number | null; hour: number | null }>(
    `WITH rows AS (SELECT ${col.id} AS id, hour, cost_minor, (${col.exact}) AS exact FROM performance_hourly
                    WHERE account_id = $1 AND ${col.id} = ANY($2::text[]) AND date = $3),
          pick AS (SELECT id, bool_or(exact) AS exact FROM rows GROUP BY id)
     SELECT r.id, SUM(r.cost_minor)::float8 AS today, SUM(r.cost_minor) FILTER (WHERE r.hour = $4)::float8 AS hour
       FROM rows r JOIN pick p ON p.id = r.id AND p.exact = r.exact GROUP BY r.id`,
    [accountId, [...ids], date, hour],
  );
  for (const r of rows) {
    out.set(r.id, {
      spendTodayMinor: Math.round(Number(r.today ?? 0)),
      spendThisHourMinor: Math.round(Number(r.hour ?? 0)),
    });
  }
  return out;
}

/**
 * Average daily spend per campaign or ad group over the `days` local dates before today (AELP2's
 * historical cap input), from performance_daily, with the same level preference as pacing. Averages over
 * the dates that have data, so a young entity is not judged by days it did not exist. Entities without
 * data are absent.
 */
export async function averageDailySpendMany(
  db: Queryable,
  accountId: string,
  level: EntityLevel,
  ids: readonly string[],
  days: number,
  now: Date,
  timeZone: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (level === "ad" || ids.length === 0) return out;
  const today = localDateHour(now, timeZone).date;
  const col = levelColumns(level);
  const rows = await db.query<{ id: string; total: number | null; dates: number }>(
    `WITH rows AS (SELECT ${col.id} AS id, date, cost_minor, (${col.exact}) AS exact FROM performance_daily
                    WHERE account_id = $1 AND ${col.id} = ANY($2::text[]) AND date BETWEEN $3 AND $4),
          pick AS (SELECT id, bool_or(exact) AS exact FROM rows GROUP BY id)
     SELECT r.id, SUM(r.cost_minor)::float8 AS total, COUNT(DISTINCT r.date)::int AS dates
       FROM rows r JOIN pick p ON p.id = r.id AND p.exact = r.exact GROUP BY r.id`,
    [accountId, [...ids], addDays(today, -days), addDays(today, -1)],
  );
  for (const r of rows) {
    if (r.dates > 0 && r.total !== null) out.set(r.id, Math.round(Number(r.total) / r.dates));
  }
  return out;
}
