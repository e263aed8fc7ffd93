import type { EntityLevel } from "../../domain/entities.js";
import { addDays, localDateHour } from "../../domain/time.js";
import type { SqlSession } from "../../store/index.js";

/**
 * Average daily spend of a campaign or ad group over the `days` local dates before today (AELP2's
 * historical cap input), from performance_daily. Rows at the entity's own level are preferred; when a
 * report only has finer rows (ad groups, ads) those are summed. Averages over the dates that have data,
 * so a young entity is not judged by days it did not exist. Null when there is no data.
 */
export async function averageDailySpend(
  db: Pick<SqlSession, "query">,
  accountId: string,
  level: EntityLevel,
  entityId: string,
  days: number,
  now: Date,
  timeZone: string,
): Promise<number | null> {
  if (level === "ad") return null;
  const today = localDateHour(now, timeZone).date;
  const from = addDays(today, -days);
  const to = addDays(today, -1);
  const match = level === "campaign" ? "campaign_id = $2" : "adgroup_id = $2";
  const exact = level === "campaign" ? "adgroup_id = '' AND ad_id = ''" : "ad_id = ''";
  const [row] = await db.query<{ total: number | null; dates: number }>(
    `WITH rows AS (SELECT date, cost_minor, (${exact}) AS exact FROM performance_daily
                    WHERE account_id = $1 AND ${match} AND date BETWEEN $3 AND $4),
          chosen AS (SELECT * FROM rows WHERE exact = (SELECT bool_or(exact) FROM rows))
     SELECT SUM(cost_minor)::float8 AS total, COUNT(DISTINCT date)::int AS dates FROM chosen`,
    [accountId, entityId, from, to],
  );
  if (!row || row.dates === 0 || row.total === null) return null;
  return Math.round(Number(row.total) / row.dates);
}

/**
 * Today's spend and this hour's spend (local to the account) from performance_hourly, for the pacing
 * rules. Null when there are no hourly rows for today (the rules are then skipped).
 */
export async function pacingToday(
  db: Pick<SqlSession, "query">,
  accountId: string,
  level: EntityLevel,
  entityId: string,
  now: Date,
  timeZone: string,
): Promise<{ spendTodayMinor: number; spendThisHourMinor: number } | null> {
  if (level === "ad") return null;
  const { date, hour } = localDateHour(now, timeZone);
  const match = level === "campaign" ? "campaign_id = $2" : "adgroup_id = $2";
  const exact = level === "campaign" ? "adgroup_id = '' AND ad_id = ''" : "ad_id = ''";
  const [row] = await db.query<{ today: number | null; hour: number | null; n: number }>(
    `WITH rows AS (SELECT hour, cost_minor, (${exact}) AS exact FROM performance_hourly
                    WHERE account_id = $1 AND ${match} AND date = $3),
          chosen AS (SELECT * FROM rows WHERE exact = (SELECT bool_or(exact) FROM rows))
     SELECT SUM(cost_minor)::float8 AS today, SUM(cost_minor) FILTER (WHERE hour = $4)::float8 AS hour, COUNT(*)::int AS n FROM chosen`,
    [accountId, entityId, date, hour],
  );
  if (!row || row.n === 0) return null;
  return {
    spendTodayMinor: Math.round(Number(row.today ?? 0)),
    spendThisHourMinor: Math.round(Number(row.hour ?? 0)),
  };
}
