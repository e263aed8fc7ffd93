import type { SqlSession, Store } from "../../store/index.js";
import type { AccountPlan } from "./plan-account.js";
import type { CycleResult } from "./run-cycle.js";
import type { AccountRuntime } from "./runtime.js";
import type { ServiceAccount } from "./service-accounts.js";

/**
 * Writes a completed cycle in ONE transaction: its decisions and allocation (keyed by cycle, so a
 * re-run after a crash writes nothing twice), the cycle row, the account's next cycle number and run
 * time, and the runtime's checkpoint (the sandbox world). Either all of it is there or none of it.
 */
export async function recordCycle(
  store: Store,
  input: {
    account: ServiceAccount;
    cycleNo: number;
    plan: AccountPlan;
    result: CycleResult;
    runtime: AccountRuntime;
    /** The cycle's instant and local date when it re-read the whole lookback window; null when it read today only. */
    lookbackSynced?: { instant: Date; date: string } | null;
  },
): Promise<void> {
  const { account, cycleNo, plan, result, runtime } = input;
  const targets = new Map(plan.targets.map((t) => [t.armId, t]));
  const decisions = plan.decisions;
  // One statement (one round trip) for the rows; the service runs this for every account every cycle.
  // It is atomic by itself, so a transaction is opened only when the runtime has a checkpoint to add.
  const write = (s: Pick<SqlSession, "query">) =>
    s.query(
      // The rows travel as one JSON document each (one parameter, serialised natively) rather than as
      // arrays of JSON strings, which the driver escapes element by element.
      `WITH d AS (
         INSERT INTO decisions (account_id, cycle_no, arm_id, channel, action, confidence, reason, explanation, factors,
           numbers, propensity, current_budget_minor, target_budget_minor)
         SELECT $1, $2, x.arm_id, x.channel, x.action, x.confidence, x.reason, x.explanation, x.factors, x.numbers,
           x.propensity, x.current_budget_minor, x.target_budget_minor
         FROM jsonb_to_recordset($3::jsonb) AS x(arm_id text, channel text, action text, confidence float8, reason text,
           explanation text, factors jsonb, numbers jsonb, propensity float8, current_budget_minor bigint, target_budget_minor bigint)
         ON CONFLICT (account_id, cycle_no, arm_id) DO NOTHING),
       a AS (
         INSERT INTO allocations (account_id, cycle_no, arm_id, channel, budget_minor, share)
         SELECT $1, $2, y.arm_id, y.channel, y.budget_minor, y.share
         FROM jsonb_to_recordset($4::jsonb) AS y(arm_id text, channel text, budget_minor bigint, share float8)
         ON CONFLICT (account_id, cycle_no, arm_id) DO NOTHING),
       c AS (
         UPDATE cycles SET status = 'completed', finished_at = now(), duration_ms = $5, summary = $6
         WHERE account_id = $1 AND cycle_no = $2)
       UPDATE service_accounts SET next_cycle_no = $2 + 1, consecutive_failures = 0, last_error = NULL,
         next_run_at = greatest(next_run_at + make_interval(secs => interval_seconds), now()), updated_at = now(),
         lookback_synced_at = coalesce($7, lookback_synced_at), lookback_synced_on = coalesce($8::date, lookback_synced_on)
       WHERE account_id = $1 AND next_cycle_no = $2`,
      [
        account.accountId,
        cycleNo,
        JSON.stringify(
          decisions.map((d) => {
            const t = targets.get(d.armId);
            return {
              arm_id: d.armId,
              channel: t?.channel ?? "other",
              action: d.action,
              confidence: d.confidence,
              reason: d.reason,
              explanation: d.explanation,
              factors: d.factors,
              numbers: { ...d.numbers, fatigue: d.fatigue.severity },
              propensity: t?.propensity ?? 0,
              current_budget_minor: t?.currentBudgetMinor ?? null,
              target_budget_minor: t?.targetBudgetMinor ?? 0,
            };
          }),
        ),
        JSON.stringify(
          plan.targets.map((t) => ({
            arm_id: t.armId,
            channel: t.channel,
            budget_minor: t.targetBudgetMinor,
            share: t.share,
          })),
        ),
        result.durationMs,
        JSON.stringify({ ...result, channels: plan.channels }),
        input.lookbackSynced?.instant ?? null,
        input.lookbackSynced?.date ?? null,
      ],
    );
  const checkpoint = runtime.checkpoint?.bind(runtime);
  if (!checkpoint) {
    await write(store);
    return;
  }
  await store.transaction(async (s) => {
    await write(s);
    await checkpoint(s, cycleNo);
  });
}
