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
  },
): Promise<void> {
  const { account, cycleNo, plan, result, runtime } = input;
  const targets = new Map(plan.targets.map((t) => [t.armId, t]));
  const decisions = plan.decisions;
  // One statement (one round trip) for the rows; the service runs this for every account every cycle.
  // It is atomic by itself, so a transaction is opened only when the runtime has a checkpoint to add.
  const write = (s: Pick<SqlSession, "query">) =>
    s.query(
      `WITH d AS (
         INSERT INTO decisions (account_id, cycle_no, arm_id, channel, action, confidence, reason, explanation, factors,
           numbers, propensity, current_budget_minor, target_budget_minor)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[],
           $9::jsonb[], $10::jsonb[], $11::float8[], $12::bigint[], $13::bigint[])
         ON CONFLICT (account_id, cycle_no, arm_id) DO NOTHING),
       a AS (
         INSERT INTO allocations (account_id, cycle_no, arm_id, channel, budget_minor, share)
         SELECT $1, $2, * FROM unnest($14::text[], $15::text[], $16::bigint[], $17::float8[])
         ON CONFLICT (account_id, cycle_no, arm_id) DO NOTHING),
       c AS (
         UPDATE cycles SET status = 'completed', finished_at = now(), duration_ms = $18, summary = $19
         WHERE account_id = $1 AND cycle_no = $2)
       UPDATE service_accounts SET next_cycle_no = $2 + 1, consecutive_failures = 0, last_error = NULL,
         next_run_at = greatest(next_run_at + make_interval(secs => interval_seconds), now()), updated_at = now()
       WHERE account_id = $1 AND next_cycle_no = $2`,
      [
        account.accountId,
        cycleNo,
        decisions.map((d) => d.armId),
        decisions.map((d) => targets.get(d.armId)?.channel ?? "other"),
        decisions.map((d) => d.action),
        decisions.map((d) => d.confidence),
        decisions.map((d) => d.reason),
        decisions.map((d) => d.explanation),
        decisions.map((d) => JSON.stringify(d.factors)),
        decisions.map((d) => JSON.stringify({ ...d.numbers, fatigue: d.fatigue.severity })),
        decisions.map((d) => targets.get(d.armId)?.propensity ?? 0),
        decisions.map((d) => targets.get(d.armId)?.currentBudgetMinor ?? null),
        decisions.map((d) => targets.get(d.armId)?.targetBudgetMinor ?? 0),
        plan.targets.map((t) => t.armId),
        plan.targets.map((t) => t.channel),
        plan.targets.map((t) => t.targetBudgetMinor),
        plan.targets.map((t) => t.share),
        result.durationMs,
        JSON.stringify({ ...result, channels: plan.channels }),
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
