import { type AccountConfig, accountConfigSchema } from "../../domain/account-config.js";
import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import type { Platform } from "../../domain/platform.js";
import { type JsonRead, readMany, type SqlSession } from "../../store/index.js";
import { notFound } from "../errors.js";
import { resolveGuardrailLimits } from "../guardrails/limits.js";
import type { AppliedChange, GuardrailLimits } from "../guardrails/types.js";
import { entityKey, loadActiveBudgets, loadEntities, otherActiveBudgetsFrom } from "./batch.js";

type Queryable = Pick<SqlSession, "query">;

export interface AccountContext {
  id: string;
  workspaceId: string;
  platform: Platform;
  externalId: string;
  currency: string;
  timeZone: string;
  config: AccountConfig;
  limits: GuardrailLimits;
}

/**
 * The account and its configuration. With `lock`, the same round trip also takes the account's lock
 * (see `lockAccount`) for the rest of the transaction; what it read then is the account as of the
 * statement's start, which is fine: the lock guards proposals and applies, not the configuration.
 */
export async function loadAccount(
  db: Queryable,
  accountId: string,
  options: { lock?: boolean } = {},
): Promise<AccountContext> {
  const lock = options.lock ? ", pg_advisory_xact_lock(727401, hashtext(a.id)) IS NULL AS locked" : "";
  const [row] = await db.query<Record<string, unknown>>(
    `SELECT a.id, a.workspace_id, a.platform, a.external_id, a.currency, a.time_zone, c.config${lock}
       FROM ad_accounts a LEFT JOIN account_configs c ON c.account_id = a.id WHERE a.id = $1`,
    [accountId],
  );
  if (!row) throw notFound(`ad account ${accountId} does not exist`);
  const parsed = accountConfigSchema.safeParse(row.config ?? {});
  if (!parsed.success) {
    throw new Error(`stored configuration of account ${accountId} is invalid: ${parsed.error.message}`);
  }
  const currency = (row.currency as string).trim();
  return {
    id: row.id as string,
    workspaceId: row.workspace_id as string,
    platform: row.platform as Platform,
    externalId: row.external_id as string,
    currency,
    timeZone: row.time_zone as string,
    config: parsed.data,
    limits: resolveGuardrailLimits(parsed.data, currency),
  };
}

/**
 * Serialises proposal creation and execution per account for the rest of the transaction, so two
 * workers can never both spend the same headroom (account total, rate limits). `try` returns false
 * instead of waiting when another worker holds the account.
 */
export async function lockAccount(
  session: SqlSession,
  accountId: string,
  mode: "wait" | "try" = "wait",
): Promise<boolean> {
  const fn = mode === "try" ? "pg_try_advisory_xact_lock" : "pg_advisory_xact_lock";
  const [row] = await session.query<{ locked: boolean | null }>(
    `SELECT ${fn}(727401, hashtext($1)) AS locked`,
    [accountId],
  );
  return mode === "wait" || row.locked === true;
}

export interface EntityState {
  level: EntityLevel;
  id: string;
  campaignId: string;
  status: EntityStatus;
  dailyBudgetMinor: number | null;
  channel: string | null;
}

export async function loadEntity(
  db: Queryable,
  accountId: string,
  level: EntityLevel,
  id: string,
): Promise<EntityState> {
  if (!["campaign", "ad_group", "ad"].includes(level))
    throw notFound(`unknown entity level "${level}" (valid: campaign, ad_group, ad)`);
  const entity = (await loadEntities(db, accountId, [{ level, id }])).get(entityKey(level, id));
  if (!entity)
    throw notFound(
      `${level} ${id} does not exist in account ${accountId} (sync the account, or check the id)`,
    );
  return entity;
}

/** What the account's active budgets allow it to spend a day, without one entity's own budget. */
export async function otherActiveBudgets(
  db: Queryable,
  accountId: string,
  level: EntityLevel,
  id: string,
): Promise<number> {
  return otherActiveBudgetsFrom(await loadActiveBudgets(db, accountId), level, id);
}

/** Applied changes of the account in the last 24 h (what every windowed rule needs). */
export function recentHistoryRead(accountId: string, now: Date): JsonRead<AppliedChange[]> {
  return {
    text: `SELECT entity_id, campaign_id, kind, before_numeric, after_numeric, applied_at FROM applied_changes
            WHERE account_id = $1 AND applied_at > $2 ORDER BY applied_at`,
    values: [accountId, new Date(now.getTime() - 24 * 3_600_000)],
    parse: (rows) =>
      rows.map((r) => ({
        entityId: r.entity_id as string,
        campaignId: r.campaign_id as string,
        kind: r.kind as AppliedChange["kind"],
        at: new Date(r.applied_at as string),
        before: r.before_numeric === null ? null : Number(r.before_numeric),
        after: r.after_numeric === null ? null : Number(r.after_numeric),
      })),
  };
}

export async function recentHistory(db: Queryable, accountId: string, now: Date): Promise<AppliedChange[]> {
  return (await readMany(db, { history: recentHistoryRead(accountId, now) })).history;
}

/** Keeps the entity mirror current after an apply, so the next guardrail check sees the new budget. */
export async function updateEntityMirror(
  session: SqlSession,
  accountId: string,
  level: EntityLevel,
  id: string,
  state: { status: EntityStatus; dailyBudgetMinor: number | null },
  at: Date,
): Promise<void> {
  const table = level === "campaign" ? "campaigns" : level === "ad_group" ? "ad_groups" : "ads";
  if (table === "ads") {
    await session.query(
      `UPDATE ads SET status = $3, updated_at = $4 WHERE account_id = $1 AND external_id = $2`,
      [accountId, id, state.status, at],
    );
    return;
  }
  await session.query(
    `UPDATE ${table} SET status = $3, daily_budget_minor = $4, updated_at = $5 WHERE account_id = $1 AND external_id = $2`,
    [accountId, id, state.status, state.dailyBudgetMinor, at],
  );
}
