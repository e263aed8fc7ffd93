import type { EntityLevel } from "../../domain/entities.js";
import type { SqlSession } from "../../store/index.js";
import { type AccountContext, type EntityState, recentHistory } from "../context/account.js";
import {
  type ActiveBudgets,
  averageDailySpendMany,
  entityKey,
  loadActiveBudgets,
  loadEntities,
  otherActiveBudgetsFrom,
  type PacingToday,
  pacingTodayMany,
} from "../context/batch.js";
import { notFound } from "../errors.js";
import type { AppliedChange } from "../guardrails/types.js";
import { activeOverridesForAccount, type Override } from "../overrides/lookup.js";
import type { InternalProposeInput } from "./create.js";
import { proposalKey } from "./proposal-key.js";
import { findByIdempotencyKeys, openOptimizerProposals } from "./repository.js";
import type { Proposal } from "./types.js";

/**
 * Everything the guardrails and policies read to judge a batch of proposals for one account, loaded
 * with one query per kind of fact. Nothing here changes while the batch is decided (no apply happens
 * inside it), so the answers equal what proposal-by-proposal reads would have seen — except the canary
 * set, which the batch grows itself as it admits entities.
 */
export interface BatchContext {
  entity(level: EntityLevel, id: string): EntityState;
  /** Existing proposals by idempotency key. */
  byKey: Map<string, Proposal>;
  history: AppliedChange[];
  overridesFor(entityId: string, channel: string | null): Override[];
  otherActiveBudgets(level: EntityLevel, id: string): number;
  averageDailySpend(level: EntityLevel, id: string): number | null;
  pacing(level: EntityLevel, id: string): PacingToday | null;
  /** Unreviewed optimizer proposals for this entity and kind, oldest first. */
  openFor(level: EntityLevel, id: string, kind: string): Proposal[];
  /** Entities with a live proposal in the cycle (canary mode's count); the caller adds what it admits. */
  canaryEntities(cycleId: string): Set<string>;
}

export async function loadBatchContext(
  session: SqlSession,
  account: AccountContext,
  inputs: readonly InternalProposeInput[],
  now: Date,
  blame: (index: number, error: unknown) => unknown,
): Promise<BatchContext> {
  const entities = await loadEntities(
    session,
    account.id,
    inputs.map((i) => i.entity),
  );
  inputs.forEach((input, i) => {
    const { level, id } = input.entity;
    if (!["campaign", "ad_group", "ad"].includes(level))
      throw blame(i, notFound(`unknown entity level "${level}" (valid: campaign, ad_group, ad)`));
    if (!entities.has(entityKey(level, id)))
      throw blame(
        i,
        notFound(
          `${level} ${id} does not exist in account ${account.id} (sync the account, or check the id)`,
        ),
      );
  });
  const guarded = inputs.some((i) => ["daily_budget", "bid", "status"].includes(i.change.kind));
  const optimizer = inputs.filter((i) => i.origin === "optimizer");
  const budgetIds = (level: EntityLevel, signal: "pacing" | "averageDailySpendMinor") =>
    inputs
      .filter(
        (i) =>
          i.change.kind === "daily_budget" && i.entity.level === level && i.signals?.[signal] === undefined,
      )
      .map((i) => i.entity.id);

  const byKey = await findByIdempotencyKeys(
    session,
    inputs.map((i) => proposalKey({ ...i, accountId: account.id }, now)),
  );
  const history = guarded ? await recentHistory(session, account.id, now) : [];
  const budgets: ActiveBudgets = guarded
    ? await loadActiveBudgets(session, account.id)
    : { campaigns: [], adGroups: [] };
  const overrides = optimizer.length > 0 ? await activeOverridesForAccount(session, account.id, now) : [];
  const open = await openOptimizerProposals(
    session,
    account.id,
    optimizer.map((i) => i.entity.id),
  );
  const pacing = new Map<string, PacingToday>();
  const spend = new Map<string, number>();
  for (const level of ["campaign", "ad_group"] as const) {
    const p = await pacingTodayMany(
      session,
      account.id,
      level,
      budgetIds(level, "pacing"),
      now,
      account.timeZone,
    );
    for (const [id, v] of p) pacing.set(entityKey(level, id), v);
    const s = await averageDailySpendMany(
      session,
      account.id,
      level,
      budgetIds(level, "averageDailySpendMinor"),
      account.config.guardrails.historicalWindowDays,
      now,
      account.timeZone,
    );
    for (const [id, v] of s) spend.set(entityKey(level, id), v);
  }
  const canary = new Map<string, Set<string>>();
  const canaryRows = new Map<string, string[]>();
  if (account.config.mode === "canary") {
    for (const cycleId of new Set(optimizer.flatMap((i) => (i.cycleId ? [i.cycleId] : [])))) {
      const rows = await session.query<{ entity_id: string }>(
        `SELECT DISTINCT entity_id FROM proposals WHERE account_id = $1 AND cycle_id = $2 AND status NOT IN ('rejected', 'expired')`,
        [account.id, cycleId],
      );
      canaryRows.set(
        cycleId,
        rows.map((r) => r.entity_id),
      );
    }
  }

  return {
    entity: (level, id) => entities.get(entityKey(level, id))!,
    byKey,
    history,
    overridesFor: (entityId, channel) =>
      overrides.filter(
        (o) => o.entityId === entityId || (channel !== null && o.entityId === null && o.channel === channel),
      ),
    otherActiveBudgets: (level, id) => otherActiveBudgetsFrom(budgets, level, id),
    averageDailySpend: (level, id) => spend.get(entityKey(level, id)) ?? null,
    pacing: (level, id) => pacing.get(entityKey(level, id)) ?? null,
    openFor: (level, id, kind) =>
      open.filter((p) => p.entityLevel === level && p.entityId === id && p.kind === kind),
    canaryEntities(cycleId) {
      let set = canary.get(cycleId);
      if (!set) {
        set = new Set(canaryRows.get(cycleId) ?? []);
        canary.set(cycleId, set);
      }
      return set;
    },
  };
}
