import type { EntityLevel } from "../../domain/entities.js";
import type { SqlSession } from "../../store/index.js";
import { averageDailySpendMany, type PacingToday, pacingTodayMany } from "./batch.js";

/** Average daily spend of one campaign or ad group (see `averageDailySpendMany`); null without data. */
export async function averageDailySpend(
  db: Pick<SqlSession, "query">,
  accountId: string,
  level: EntityLevel,
  entityId: string,
  days: number,
  now: Date,
  timeZone: string,
): Promise<number | null> {
  const many = await averageDailySpendMany(db, accountId, level, [entityId], days, now, timeZone);
  return many.get(entityId) ?? null;
}

/** Today's and this hour's spend of one campaign or ad group (see `pacingTodayMany`); null without rows. */
export async function pacingToday(
  db: Pick<SqlSession, "query">,
  accountId: string,
  level: EntityLevel,
  entityId: string,
  now: Date,
  timeZone: string,
): Promise<PacingToday | null> {
  const many = await pacingTodayMany(db, accountId, level, [entityId], now, timeZone);
  return many.get(entityId) ?? null;
}
