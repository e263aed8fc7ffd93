import type { SqlSession } from "../../store/index.js";
import { appendAudit } from "../audit/audit-log.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import { loadAccount, loadEntity, lockAccount } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { conflict, invalidInput, notFound } from "../errors.js";
import type { RequestedChange } from "../guardrails/types.js";
import { insertProposal } from "../proposals/create.js";
import { proposalFromRow, setStatus } from "../proposals/repository.js";
import type { Proposal } from "../proposals/types.js";

interface AppliedRow {
  proposal_id: number;
  entity_level: Proposal["entityLevel"];
  entity_id: string;
  kind: Proposal["kind"];
  before_state: {
    status: "active" | "paused" | "removed";
    dailyBudgetMinor: number | null;
    bidMinor: number | null;
  };
  applied_at: Date;
}

export interface RollbackResult {
  /** New proposals (origin rollback, approved by the requester) that restore the snapshots. */
  proposals: Proposal[];
  /** Proposals whose entity already shows the snapshot: marked rolled back without a platform call. */
  alreadyRestored: number[];
}

/**
 * Undoes applied proposals by proposing the opposite: for each entity and kind, the snapshot taken
 * before the earliest of the given applies. Rollbacks are audited proposals like any other; the
 * executor applies them (exempt from the relative caps, which would turn an undo into a partial undo,
 * but not from min/max, the account total or rate limits) and marks the originals rolled_back.
 */
async function rollbackApplied(
  s: SqlSession,
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  applied: AppliedRow[],
  label: string,
): Promise<RollbackResult> {
  const account = await loadAccount(s, accountId);
  ensureAllowed(actor, "rollback.create", account.workspaceId);
  await lockAccount(s, accountId);
  const groups = new Map<string, AppliedRow[]>();
  for (const row of applied) {
    const key = `${row.entity_level}:${row.entity_id}:${row.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const result: RollbackResult = { proposals: [], alreadyRestored: [] };
  for (const rows of groups.values()) {
    rows.sort(
      (a, b) =>
        new Date(a.applied_at).getTime() - new Date(b.applied_at).getTime() || a.proposal_id - b.proposal_id,
    );
    const first = rows[0];
    const ids = rows.map((r) => r.proposal_id);
    const snapshot = first.before_state;
    const change: RequestedChange =
      first.kind === "daily_budget"
        ? { kind: "daily_budget", dailyBudgetMinor: snapshot.dailyBudgetMinor as number }
        : first.kind === "bid"
          ? { kind: "bid", bidMinor: snapshot.bidMinor as number }
          : { kind: "status", status: snapshot.status === "active" ? "active" : "paused" };
    const entity = await loadEntity(s, accountId, first.entity_level, first.entity_id);
    const currentBid = first.kind === "bid" ? await currentBidOf(s, ids[ids.length - 1]) : undefined;
    const current =
      first.kind === "daily_budget"
        ? entity.dailyBudgetMinor
        : first.kind === "bid"
          ? currentBid
          : entity.status;
    const target =
      first.kind === "daily_budget"
        ? snapshot.dailyBudgetMinor
        : first.kind === "bid"
          ? snapshot.bidMinor
          : snapshot.status;
    if (current === target) {
      const now = deps.clock();
      for (const id of ids) {
        await setStatus(
          s,
          id,
          "rolled_back",
          actor.userId,
          now,
          `${label}: the entity already shows the snapshot`,
        );
        await appendAudit(
          s,
          {
            workspaceId: account.workspaceId,
            accountId,
            actor: actor.userId,
            action: "proposal.rolled_back",
            subjectType: "proposal",
            subjectId: id,
            before: { status: "applied" },
            after: { status: "rolled_back", label },
          },
          now,
        );
        result.alreadyRestored.push(id);
      }
      continue;
    }
    result.proposals.push(
      await insertProposal(s, deps, account, actor.userId, {
        accountId,
        entity: { level: first.entity_level, id: first.entity_id },
        change,
        reason: `${label}: restore the snapshot taken before proposal ${ids[0]}`,
        origin: "rollback",
        rollsBack: ids,
        idempotencyKey: `rollback:${ids.join(",")}`,
        ...(currentBid !== undefined ? { currentBidMinor: currentBid } : {}),
      }),
    );
  }
  return result;
}

async function currentBidOf(s: SqlSession, lastProposalId: number): Promise<number> {
  const [row] = await s.query<{ after_numeric: number }>(
    "SELECT after_numeric FROM applied_changes WHERE proposal_id = $1",
    [lastProposalId],
  );
  return Number(row.after_numeric);
}

const APPLIED_SQL = `SELECT ac.proposal_id, ac.entity_level, ac.entity_id, ac.kind, ac.before_state, ac.applied_at
  FROM applied_changes ac JOIN proposals p ON p.id = ac.proposal_id
 WHERE p.status = 'applied' AND ac.account_id = $1`;

/** `adpilot rollback <proposal>`: restores the entity as it was before that proposal. */
export async function rollbackProposal(
  deps: GovernanceDeps,
  actor: Actor,
  proposalId: number,
): Promise<RollbackResult> {
  return deps.store.transaction(async (s) => {
    const [row] = await s.query<Record<string, unknown>>("SELECT * FROM proposals WHERE id = $1 FOR UPDATE", [
      proposalId,
    ]);
    if (!row) throw notFound(`proposal ${proposalId} does not exist`);
    const p = proposalFromRow(row);
    ensureAllowed(actor, "rollback.create", p.workspaceId);
    if (p.status !== "applied")
      throw conflict(`proposal ${proposalId} is ${p.status}; only applied proposals can be rolled back`);
    const applied = await s.query<AppliedRow>(`${APPLIED_SQL} AND ac.proposal_id = $2`, [
      p.accountId,
      proposalId,
    ]);
    return rollbackApplied(s, deps, actor, p.accountId, applied, `rollback of proposal ${proposalId}`);
  });
}

/** `adpilot rollback --canary <cycle>`: undoes everything a cycle applied on an account. */
export async function rollbackCycle(
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  cycleId: string,
): Promise<RollbackResult> {
  return deps.store.transaction(async (s) => {
    const applied = await s.query<AppliedRow>(`${APPLIED_SQL} AND p.cycle_id = $2`, [accountId, cycleId]);
    if (applied.length === 0) {
      await loadAccount(s, accountId);
      throw notFound(
        `cycle ${cycleId} applied nothing on account ${accountId} that is not already rolled back`,
      );
    }
    return rollbackApplied(s, deps, actor, accountId, applied, `rollback of cycle ${cycleId}`);
  });
}

/** `adpilot rollback --to <time>`: every entity back to how it was at `since`. */
export async function rollbackSince(
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  since: Date,
): Promise<RollbackResult> {
  if (Number.isNaN(since.getTime())) throw invalidInput("rollback --to needs a valid time (ISO 8601)");
  if (since.getTime() > deps.clock().getTime())
    throw invalidInput(`rollback --to ${since.toISOString()} is in the future`);
  return deps.store.transaction(async (s) => {
    const applied = await s.query<AppliedRow>(`${APPLIED_SQL} AND ac.applied_at > $2`, [accountId, since]);
    if (applied.length === 0) {
      await loadAccount(s, accountId);
      return { proposals: [], alreadyRestored: [] };
    }
    return rollbackApplied(s, deps, actor, accountId, applied, `rollback to ${since.toISOString()}`);
  });
}
