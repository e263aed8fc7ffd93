import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import { addDays, localDateHour } from "../../domain/time.js";
import { type JsonRead, readMany, type SqlSession } from "../../store/index.js";
import type { EntityState } from "./account.js";

// Set-based reads of what the guardrails need about many entities of one account, one round trip per
// kind of fact however many entities a batch of proposals touches. The single-entity helpers (here and
// in account.ts, for the executor and revisions) answer through these, so both paths share one definition.

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

/** The stored state of the named entities of one level that exist. */
function entitiesRead(
  accountId: string,
  level: EntityLevel,
  ids: readonly string[],
): JsonRead<EntityState[]> {
  return {
    text: ENTITIES_SQL[level],
    values: [accountId, [...new Set(ids)]],
    parse: (rows) =>
      rows.map((row) => ({
        level,
        id: row.id as string,
        campaignId: row.campaign_id as string,
        status: row.status as EntityStatus,
        dailyBudgetMinor: row.daily_budget_minor === null ? null : Number(row.daily_budget_minor),
        channel: (row.channel as string | null) ?? null,
      })),
  };
}

/** Reads per level of the named entities; `entitiesByKey` turns their answers into one map. */
export function entityReads(
  accountId: string,
  refs: readonly { level: EntityLevel; id: string }[],
): Record<string, JsonRead<EntityState[]>> {
  const byLevel = new Map<EntityLevel, string[]>();
  for (const r of refs) {
    if (!ENTITIES_SQL[r.level]) continue;
    byLevel.set(r.level, [...(byLevel.get(r.level) ?? []), r.id]);
  }
  return Object.fromEntries(
    [...byLevel].map(([level, ids]) => [`entities_${level}`, entitiesRead(accountId, level, ids)]),
  );
}

export function entitiesByKey(lists: readonly EntityState[][]): Map<string, EntityState> {
  return new Map(lists.flat().map((e) => [entityKey(e.level, e.id), e]));
}

/** The stored state of each named entity that exists, keyed by `entityKey`; unknown levels are skipped. */
export async function loadEntities(
  db: Queryable,
  accountId: string,
  refs: readonly { level: EntityLevel; id: string }[],
): Promise<Map<string, EntityState>> {
  return entitiesByKey(Object.values(await readMany(db, entityReads(accountId, refs))));
}

/** The account's active campaigns and active ad groups with their budgets: what spend the budgets allow. */
export interface ActiveBudgets {
  campaigns: { id: string; budgetMinor: number | null }[];
  adGroups: { id: string; campaignId: string; budgetMinor: number | null }[];
}

export function activeBudgetsRead(accountId: string): JsonRead<ActiveBudgets> {
  return {
    text: `SELECT 'campaign' AS level, external_id AS id, external_id AS campaign, daily_budget_minor AS budget
             FROM campaigns WHERE account_id = $1 AND status = 'active'
           UNION ALL
           SELECT 'ad_group', external_id, campaign_external_id, daily_budget_minor
             FROM ad_groups WHERE account_id = $1 AND status = 'active'`,
    values: [accountId],
    parse(rows) {
      const budgets: ActiveBudgets = { campaigns: [], adGroups: [] };
      for (const r of rows) {
        const budgetMinor = r.budget === null ? null : Number(r.budget);
        if (r.level === "campaign") budgets.campaigns.push({ id: r.id as string, budgetMinor });
        else budgets.adGroups.push({ id: r.id as string, campaignId: r.campaign as string, budgetMinor });
      }
      return budgets;
    },
  };
}

export async function loadActiveBudgets(db: Queryable, accountId: string): Promise<ActiveBudgets> {
  return (await readMany(db, { budgets: activeBudgetsRead(accountId) })).budgets;
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
export function pacingRead(
  accountId: string,
  level: "campaign" | "ad_group",
  ids: readonly string[],
  now: Date,
  timeZone: string,
): JsonRead<Map<string, PacingToday>> {
  const { date, hour } = localDateHour(now, timeZone);
  const col = levelColumns(level);
  return {
    text: `WITH rows AS (SELECT ${col.id} AS id, hour, cost_minor, (${col.exact}) AS exact FROM performance_hourly
                          WHERE account_id = $1 AND ${col.id} = ANY($2::text[]) AND date = $3),
                pick AS (SELECT id, bool_or(exact) AS exact FROM rows GROUP BY id)
           SELECT r.id, SUM(r.cost_minor)::float8 AS today, SUM(r.cost_minor) FILTER (WHERE r.hour = $4)::float8 AS hour
             FROM rows r JOIN pick p ON p.id = r.id AND p.exact = r.exact GROUP BY r.id`,
    values: [accountId, [...new Set(ids)], date, hour],
    parse: (rows) =>
      new Map(
        rows.map((r) => [
          r.id as string,
          {
            spendTodayMinor: Math.round(Number(r.today ?? 0)),
            spendThisHourMinor: Math.round(Number(r.hour ?? 0)),
          },
        ]),
      ),
  };
}

/** Today's and this hour's spend of one campaign or ad group; null without hourly rows today. */
export async function pacingToday(
  db: Queryable,
  accountId: string,
  level: EntityLevel,
  entityId: string,
  now: Date,
  timeZone: string,
): Promise<PacingToday | null> {
  if (level === "ad") return null;
  const { pacing } = await readMany(db, { pacing: pacingRead(accountId, level, [entityId], now, timeZone) });
  return pacing.get(entityId) ?? null;
}

/**
 * Average daily spend per campaign or ad group over the `days` local dates before today (AELP2's
 * historical cap input), from performance_daily, with the same level preference as pacing. Averages over
 * the dates that have data, so a young entity is not judged by days it did not exist. Entities without
 * data are absent.
 */
export function averageDailySpendRead(
  accountId: string,
  level: "campaign" | "ad_group",
  ids: readonly string[],
  days: number,
  now: Date,
  timeZone: string,
): JsonRead<Map<string, number>> {
  const today = localDateHour(now, timeZone).date;
  const col = levelColumns(level);
  return {
    text: `WITH rows AS (SELECT ${col.id} AS id, date, cost_minor, (${col.exact}) AS exact FROM performance_daily
                          WHERE account_id = $1 AND ${col.id} = ANY($2::text[]) AND date BETWEEN $3 AND $4),
                pick AS (SELECT id, bool_or(exact) AS exact FROM rows GROUP BY id)
           SELECT r.id, SUM(r.cost_minor)::float8 AS total, COUNT(DISTINCT r.date)::int AS dates
             FROM rows r JOIN pick p ON p.id = r.id AND p.exact = r.exact GROUP BY r.id`,
    values: [accountId, [...new Set(ids)], addDays(today, -days), addDays(today, -1)],
    parse(rows) {
      const out = new Map<string, number>();
      for (const r of rows) {
        const dates = Number(r.dates);
        if (dates > 0 && r.total !== null) out.set(r.id as string, Math.round(Number(r.total) / dates));
      }
      return out;
    },
  };
}
