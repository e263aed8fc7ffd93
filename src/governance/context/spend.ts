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
