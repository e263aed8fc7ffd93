import { type Executor, type Governance, systemActor } from "../governance/index.js";
import type { BudgetProposalBatch, ChangeGateway, ProposedChange } from "./cycle/runtime.js";

/**
 * The cycle's changes go through governance: each target budget becomes a proposal (guardrails clip
 * or reject it, the account's mode and policy decide whether it needs a person), then the executor
 * applies whatever is approved. The optimizer acts as the system user, which can propose but never
 * approve.
 */
export function governanceGateway(
  governance: Governance,
  executor: Executor,
  workspaceOf: (accountId: string) => string,
): ChangeGateway {
  return {
    async proposeBudgets(batch: BudgetProposalBatch): Promise<ProposedChange[]> {
      const actor = systemActor(workspaceOf(batch.accountId));
      // Cuts first, then raises (in the approval queue and audit trail). Each is judged against the
      // budgets as stored: an unapplied cut does not make room for a raise under the account's total.
      const ordered = [...batch.changes].sort(
        (a, b) => a.targetMinor - a.currentMinor - (b.targetMinor - b.currentMinor),
      );
      const entries = await governance.proposals.submitMany(
        actor,
        batch.accountId,
        ordered.map((change) => ({
          accountId: batch.accountId,
          entity: { level: batch.level, id: change.armId },
          change: { kind: "daily_budget" as const, dailyBudgetMinor: change.targetMinor },
          reason: change.reason,
          factors: change.factors,
          cycleId: batch.cycleId,
          modelVersions: { planner: "thompson-v1" },
          signals: { averageDailySpendMinor: change.averageDailySpendMinor },
          deadbandMinor: change.deadbandMinor,
        })),
      );
      // an earlier cycle's open proposal that still stands is not this cycle's
      return entries.flatMap((entry, i) => {
        if (!("proposal" in entry) || entry.proposal.cycleId !== batch.cycleId) return [];
        const p = entry.proposal;
        const after = p.after as { dailyBudgetMinor?: number };
        return [
          {
            armId: ordered[i]!.armId,
            proposalId: p.id,
            status: p.status,
            afterMinor: after.dailyBudgetMinor ?? null,
            clipped: p.guardrailReasons.length > 0,
          },
        ];
      });
    },
    async applyApproved(accountId: string) {
      const outcomes = await executor.drain(accountId);
      return {
        applied: outcomes.filter((o) => o.result === "applied").length,
        failed: outcomes.filter((o) => o.result === "failed").length,
      };
    },
  };
}
