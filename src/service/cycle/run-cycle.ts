import type { Logger } from "pino";
import { accountConfigSchema } from "../../domain/account-config.js";
import { createRng } from "../../models/random/index.js";
import type { Store } from "../../store/index.js";
import { upsertSyncedData } from "../../store/synced-data.js";
import type { EventBus } from "../event-bus.js";
import { loadArmSnapshots } from "./arm-snapshots.js";
import { balanceBudgetSteps, holdNoiseMoves } from "./balance-changes.js";
import { channelBudgetsFromShares } from "./mmm-split.js";
import { planAccount } from "./plan-account.js";
import { recordCycle } from "./record-cycle.js";
import type { AccountRuntime, ChangeGateway } from "./runtime.js";
import { type CycleAccount, loadServiceAccount, markCycleFailed, startCycle } from "./service-accounts.js";
import { syncWindow } from "./sync-window.js";

export interface CycleDeps {
  store: Store;
  bus: EventBus;
  log: Logger;
  runtimeFor(accountId: string): Promise<AccountRuntime>;
  gateway: ChangeGateway;
  /** Posterior draws per arm for the allocation. */
  draws?: number;
}

export interface CycleResult {
  accountId: string;
  cycleNo: number;
  date: string;
  hour: number;
  arms: number;
  proposals: number;
  applied: number;
  spendTodayMinor: number;
  durationMs: number;
}

/** A change smaller than this fraction of the current budget is not worth a proposal. */
const MIN_RELATIVE_CHANGE = 0.005;

/**
 * One optimization cycle for one account: sync -> posteriors -> plan -> proposals through the
 * guardrails -> apply per mode -> record decisions and allocations -> checkpoint -> events.
 * Re-running a cycle that died midway is safe: sync and records are upserts keyed by the cycle,
 * proposals carry idempotency keys, and the random draws are seeded by (account seed, cycle number).
 */
export async function runCycle(deps: CycleDeps, accountId: string): Promise<CycleResult> {
  const started = Date.now();
  const runtime = await deps.runtimeFor(accountId);
  let account: CycleAccount;
  let now: ReturnType<AccountRuntime["now"]>;
  try {
    runtime.advance?.();
    now = runtime.now();
    // one round trip: the account, its MMM shares, and the cycle's row marked running
    account = await startCycle(deps.store, accountId, now.instant);
  } catch (error) {
    await runtime.rollback?.();
    const known = await loadServiceAccount(deps.store, accountId).catch(() => null);
    if (known)
      await markCycleFailed(
        deps.store,
        accountId,
        known.nextCycleNo,
        (error as Error).message,
        Date.now() - started,
      );
    throw error;
  }
  const cycleNo = account.nextCycleNo;
  const workspaceId = account.workspaceId;
  try {
    deps.bus.publish({
      type: "cycle.started",
      workspaceId,
      accountId,
      data: { cycleNo, date: now.date, hour: now.hour },
    });

    const config = accountConfigSchema.parse(account.config);
    const connector = runtime.connector;
    const entities = await connector.listEntities(account.externalId);
    const window = syncWindow({
      now,
      lastFullSync:
        account.lookbackSyncedAt && account.lookbackSyncedOn
          ? { instant: account.lookbackSyncedAt, date: account.lookbackSyncedOn }
          : null,
      lookbackDays: config.syncLookbackDays,
      refreshHours: config.syncLookbackRefreshHours,
    });
    const facts = await connector.fetchPerformance({
      accountExternalId: account.externalId,
      from: window.from,
      to: window.to,
      granularity: "day",
      level: account.armLevel,
    });
    await upsertSyncedData(deps.store, accountId, entities, facts, "sync");

    const snapshots = await loadArmSnapshots(deps.store, {
      accountId,
      currency: account.currency,
      asOf: now.date,
      hourOfDay: now.hour,
      level: account.armLevel,
      spendWindowDays: config.guardrails.historicalWindowDays,
    });
    // An arm cannot usefully get more than the guardrails' multiple of what it actually spends per day
    // (it would not deliver it); planning with that capacity sends the rest to arms that can use it.
    const arms = snapshots.map((a) => {
      const avg = a.averageDailySpendMinor;
      return avg === null
        ? a
        : {
            ...a,
            maxMinor: Math.max(
              a.currentBudgetMinor,
              Math.round(avg * config.guardrails.historicalSpendCapMultiple),
            ),
          };
    });
    const channelBudgets = channelBudgetsFromShares(account.channelShares, account.dailyBudgetMinor);
    const rng = createRng(cycleSeed(account.seed, cycleNo));
    const plan = planAccount(
      {
        arms,
        budgetMinor: account.dailyBudgetMinor,
        currency: account.currency,
        config,
        channelBudgets,
        draws: deps.draws,
      },
      rng,
    );

    const decisionsById = new Map(plan.decisions.map((d) => [d.armId, d]));
    // Nor is a move within `proposalDeadband` Monte Carlo standard errors of the planner's own target:
    // on unchanged data two cycles' targets differ by about that much, and proposing it would churn
    // budgets (and an approval queue) on sampling noise.
    const noiseById = new Map(plan.targets.map((t) => [t.armId, t.noiseMinor]));
    const deadband = (armId: string, currentMinor: number) =>
      Math.round(
        Math.max(
          1,
          currentMinor * MIN_RELATIVE_CHANGE,
          config.proposalDeadband * (noiseById.get(armId) ?? 0),
        ),
      );
    const armsById = new Map(arms.map((a) => [a.id, a]));
    // Moves within the deadband are held before the steps are balanced, except the ones needed to fund
    // (or absorb) the moves that are signal, so the total still moves as the plan wants.
    const steps = balanceBudgetSteps(
      holdNoiseMoves(
        plan.targets.map((t) => ({
          armId: t.armId,
          currentMinor: t.currentBudgetMinor,
          targetMinor: t.targetBudgetMinor,
        })),
        (m) => deadband(m.armId, m.currentMinor),
      ),
      config.guardrails.maxChangePerProposal,
      Math.round(account.dailyBudgetMinor * 0.005),
    );
    const changes = steps
      .filter(
        (t) => Math.abs(t.targetMinor - t.currentMinor) > Math.max(1, t.currentMinor * MIN_RELATIVE_CHANGE),
      )
      // What an unreviewed proposal of an earlier cycle already asks for (within the deadband) governance
      // would keep as it stands: not sending it spares the batch its reads and checks (on an open
      // approval queue, most of an account's changes every cycle).
      .filter((t) => {
        const pending = armsById.get(t.armId)?.pendingBudgetMinor ?? null;
        return pending === null || Math.abs(pending - t.targetMinor) > deadband(t.armId, t.currentMinor);
      })
      .map((t) => {
        const d = decisionsById.get(t.armId);
        const arm = armsById.get(t.armId);
        return {
          armId: t.armId,
          currentMinor: t.currentMinor,
          targetMinor: t.targetMinor,
          reason: d ? `${d.action}: ${d.reason}` : "reallocation",
          factors: (d?.factors ?? []).map((f) => ({ ...f })),
          averageDailySpendMinor: arm?.averageDailySpendMinor ?? null,
          deadbandMinor: deadband(t.armId, t.currentMinor),
        };
      });
    const cycleId = `${accountId}:${cycleNo}`;
    const proposed =
      changes.length > 0
        ? await deps.gateway.proposeBudgets({ accountId, cycleId, level: account.armLevel, changes })
        : [];
    // After a crash, a simulated platform first gets back what an earlier attempt of this cycle applied.
    const restored = (await runtime.restoreAppliedChanges?.()) ?? 0;
    // shadow mode never writes to the platform: nothing of it is ever due
    const { applied } =
      config.mode === "shadow" ? { applied: 0 } : await deps.gateway.applyApproved(accountId);

    const spendTodayMinor = facts.filter((f) => f.date === now.date).reduce((sum, f) => sum + f.costMinor, 0);
    const result: CycleResult = {
      accountId,
      cycleNo,
      date: now.date,
      hour: now.hour,
      arms: arms.length,
      proposals: proposed.length,
      applied: restored + applied,
      spendTodayMinor,
      durationMs: Date.now() - started,
    };
    await recordCycle(deps.store, {
      account,
      cycleNo,
      plan,
      result,
      runtime,
      lookbackSynced: window.full ? { instant: now.instant, date: now.date } : null,
    });
    for (const d of plan.decisions) {
      deps.bus.publish({
        type: "decision.recorded",
        workspaceId,
        accountId,
        data: { cycleNo, armId: d.armId, action: d.action, confidence: d.confidence, reason: d.reason },
      });
    }
    deps.bus.publish({
      type: "cycle.completed",
      workspaceId,
      accountId,
      data: { ...result, channels: plan.channels },
    });
    return result;
  } catch (error) {
    const message = (error as Error).message;
    deps.log.warn({ accountId, cycleNo, err: message }, "cycle failed");
    await runtime.rollback?.();
    await markCycleFailed(deps.store, accountId, cycleNo, message, Date.now() - started);
    deps.bus.publish({ type: "cycle.failed", workspaceId, accountId, data: { cycleNo, error: message } });
    throw error;
  }
}

/** Distinct, reproducible seeds per cycle (SplitMix-style mixing of seed and cycle number). */
export function cycleSeed(seed: number, cycleNo: number): number {
  let z = (seed ^ Math.imul(cycleNo + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
