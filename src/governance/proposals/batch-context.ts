import type { EntityLevel } from "../../domain/entities.js";
import { type JsonRead, readMany, type SqlSession } from "../../store/index.js";
import { type AccountContext, type EntityState, recentHistoryRead } from "../context/account.js";
import {
  type ActiveBudgets,
  activeBudgetsRead,
  averageDailySpendRead,
  entitiesByKey,
  entityKey,
  entityReads,
  otherActiveBudgetsFrom,
  type PacingToday,
  pacingRead,
} from "../context/batch.js";
import { notFound } from "../errors.js";
import type { AppliedChange } from "../guardrails/types.js";
import { activeOverridesRead, type Override } from "../overrides/lookup.js";
import type { InternalProposeInput } from "./create.js";
import { proposalKey } from "./proposal-key.js";
import {
  type OpenProposal,
  openOptimizerProposalsRead,
  proposalIdsRead,
  proposalsByKeyRead,
} from "./repository.js";
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
  /** Fresh proposal ids, one per input, for the ones that become new proposals. */
  ids: number[];
  history: AppliedChange[];
  overridesFor(entityId: string, channel: string | null): Override[];
  otherActiveBudgets(level: EntityLevel, id: string): number;
  averageDailySpend(level: EntityLevel, id: string): number | null;
  pacing(level: EntityLevel, id: string): PacingToday | null;
  /** Unreviewed optimizer proposals for this entity and kind, oldest first. */
  openFor(level: EntityLevel, id: string, kind: string): OpenProposal[];
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
  inputs.forEach((input, i) => {
    if (!["campaign", "ad_group", "ad"].includes(input.entity.level))
      throw blame(
        i,
        notFound(`unknown entity level "${input.entity.level}" (valid: campaign, ad_group, ad)`),
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
  const cycleIds =
    account.config.mode === "canary"
      ? [...new Set(optimizer.flatMap((i) => (i.cycleId ? [i.cycleId] : [])))]
      : [];

  // Every read in one round trip (one snapshot): the batch holds the account's lock, so nothing the
  // guardrails look at changes underneath it.
  const reads: Record<string, JsonRead<unknown>> = {
    ...entityReads(
      account.id,
      inputs.map((i) => i.entity),
    ),
    byKey: proposalsByKeyRead(inputs.map((i) => proposalKey({ ...i, accountId: account.id }, now))),
    ids: proposalIdsRead(inputs.length),
  };
  if (guarded) {
    reads.history = recentHistoryRead(account.id, now);
    reads.budgets = activeBudgetsRead(account.id);
  }
  if (optimizer.length > 0) {
    reads.overrides = activeOverridesRead(account.id, now);
    reads.open = openOptimizerProposalsRead(
      account.id,
      optimizer.map((i) => i.entity.id),
    );
  }
  for (const level of ["campaign", "ad_group"] as const) {
    const pacingIds = budgetIds(level, "pacing");
    if (pacingIds.length > 0)
      reads[`pacing_${level}`] = pacingRead(account.id, level, pacingIds, now, account.timeZone);
    const spendIds = budgetIds(level, "averageDailySpendMinor");
    if (spendIds.length > 0)
      reads[`spend_${level}`] = averageDailySpendRead(
        account.id,
        level,
        spendIds,
        account.config.guardrails.historicalWindowDays,
        now,
        account.timeZone,
      );
  }
  cycleIds.forEach((cycleId, i) => {
    reads[`canary_${i}`] = {
      text: `SELECT DISTINCT entity_id FROM proposals WHERE account_id = $1 AND cycle_id = $2 AND status NOT IN ('rejected', 'expired')`,
      values: [account.id, cycleId],
      parse: (rows) => rows.map((r) => r.entity_id as string),
    };
  });
  const got = (await readMany(session, reads)) as Record<string, unknown>;

  const entities = entitiesByKey(
    Object.entries(got).flatMap(([name, v]) => (name.startsWith("entities_") ? [v as EntityState[]] : [])),
  );
  inputs.forEach((input, i) => {
    const { level, id } = input.entity;
    if (!entities.has(entityKey(level, id)))
      throw blame(
        i,
        notFound(
          `${level} ${id} does not exist in account ${account.id} (sync the account, or check the id)`,
        ),
      );
  });
  const byKey = got.byKey as Map<string, Proposal>;
  const ids = got.ids as number[];
  const history = (got.history as AppliedChange[] | undefined) ?? [];
  const budgets = (got.budgets as ActiveBudgets | undefined) ?? { campaigns: [], adGroups: [] };
  const overrides = (got.overrides as Override[] | undefined) ?? [];
  const open = (got.open as OpenProposal[] | undefined) ?? [];
  const pacing = new Map<string, PacingToday>();
  const spend = new Map<string, number>();
  for (const level of ["campaign", "ad_group"] as const) {
    for (const [id, v] of (got[`pacing_${level}`] as Map<string, PacingToday> | undefined) ?? [])
      pacing.set(entityKey(level, id), v);
    for (const [id, v] of (got[`spend_${level}`] as Map<string, number> | undefined) ?? [])
      spend.set(entityKey(level, id), v);
  }
  const canary = new Map<string, Set<string>>();
  const canaryRows = new Map(cycleIds.map((cycleId, i) => [cycleId, got[`canary_${i}`] as string[]]));

  return {
    entity: (level, id) => entities.get(entityKey(level, id))!,
    byKey,
    ids,
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
