import type { SqlSession } from "../../store/index.js";
import { SYSTEM_USER } from "../actors.js";
import { appendAudit } from "../audit/audit-log.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import {
  loadAccount,
  loadEntity,
  lockAccount,
  otherActiveBudgets,
  recentHistory,
} from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { conflict, expired, invalidInput } from "../errors.js";
import { checkChange } from "../guardrails/check-change.js";
import { GuardrailInputError, type RequestedChange } from "../guardrails/types.js";
import {
  auditView,
  lockProposal,
  proposalContentHash,
  proposalFromRow,
  setStatus,
} from "../proposals/repository.js";
import { canTransition, ProposalTransitionError } from "../proposals/status.js";
import type { Proposal, ProposalValue } from "../proposals/types.js";

async function decide(
  session: SqlSession,
  deps: GovernanceDeps,
  actor: Actor,
  id: number,
  decision: "approved" | "rejected",
  comment: string | null,
): Promise<Proposal> {
  const now = deps.clock();
  const p = await lockProposal(session, id);
  ensureAllowed(
    actor,
    decision === "approved" ? "proposals.approve" : "proposals.reject",
    p.workspaceId,
    p.createdBy,
  );
  if (p.status === decision) {
    throw conflict(
      `proposal ${id} is already ${decision} (by ${p.statusChangedBy} at ${p.statusChangedAt.toISOString()})`,
    );
  }
  if (!canTransition(p.status, decision))
    throw conflict(new ProposalTransitionError(String(id), p.status, decision).message);
  if (p.status !== "proposed")
    throw conflict(`proposal ${id} is ${p.status}; only proposed proposals can be ${decision}`);
  if (p.expiresAt.getTime() <= now.getTime()) {
    throw expired(
      `proposal ${id} expired at ${p.expiresAt.toISOString()} and can no longer be ${decision}; the next cycle will propose again`,
    );
  }
  await session.query(
    `INSERT INTO approvals (proposal_id, revision, content_hash, decision, actor, comment, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [p.id, p.revision, p.contentHash, decision, actor.userId, comment, now],
  );
  const updated = await setStatus(session, p.id, decision, actor.userId, now, comment);
  await appendAudit(
    session,
    {
      workspaceId: p.workspaceId,
      accountId: p.accountId,
      actor: actor.userId,
      action: `proposal.${decision}`,
      subjectType: "proposal",
      subjectId: p.id,
      before: auditView(p),
      after: { ...auditView(updated), comment },
    },
    now,
  );
  return updated;
}

/** Approves one proposed proposal (approver or admin, not its author, before it expires). */
export function approveProposal(
  deps: GovernanceDeps,
  actor: Actor,
  id: number,
  comment: string | null = null,
): Promise<Proposal> {
  return deps.store.transaction((s) => decide(s, deps, actor, id, "approved", comment));
}

/** Rejects one proposed proposal; a comment saying why is required. */
export function rejectProposal(
  deps: GovernanceDeps,
  actor: Actor,
  id: number,
  comment: string,
): Promise<Proposal> {
  if (!comment?.trim())
    return Promise.reject(invalidInput(`rejecting proposal ${id} needs a comment saying why`));
  return deps.store.transaction((s) => decide(s, deps, actor, id, "rejected", comment.trim()));
}

/** Approves several proposals at once, all or nothing: one refusal leaves every proposal as it was. */
export function batchApprove(
  deps: GovernanceDeps,
  actor: Actor,
  ids: number[],
  comment: string | null = null,
): Promise<Proposal[]> {
  if (ids.length === 0) return Promise.reject(invalidInput("batch approve needs at least one proposal id"));
  if (new Set(ids).size !== ids.length)
    return Promise.reject(invalidInput("batch approve got the same proposal id twice"));
  return deps.store.transaction(async (s) => {
    const out: Proposal[] = [];
    for (const id of [...ids].sort((a, b) => a - b))
      out.push(await decide(s, deps, actor, id, "approved", comment));
    return out;
  });
}

/** Marks proposals whose review window has passed as expired (run every cycle; `workspaceId` narrows it). */
export async function expireDue(deps: GovernanceDeps, workspaceId?: string): Promise<Proposal[]> {
  const now = deps.clock();
  return deps.store.transaction(async (s) => {
    const rows = await s.query<Record<string, unknown>>(
      // approved proposals of canary/live accounts are expired by the executor, after it has checked the
      // platform: a killed apply may have reached it, and must be recorded as applied, not expired
      `SELECT p.* FROM proposals p LEFT JOIN account_configs c ON c.account_id = p.account_id
        WHERE p.expires_at <= $1 AND p.status IN ('proposed', 'approved') AND ($2::text IS NULL OR p.workspace_id = $2)
          AND (p.status = 'proposed' OR COALESCE(c.config->>'mode', 'shadow') = 'shadow')
        ORDER BY p.id FOR UPDATE OF p SKIP LOCKED`,
      [now, workspaceId ?? null],
    );
    const out: Proposal[] = [];
    for (const row of rows) {
      const p = proposalFromRow(row);
      const updated = await setStatus(
        s,
        p.id,
        "expired",
        SYSTEM_USER,
        now,
        `not ${p.status === "proposed" ? "reviewed" : "applied"} before ${p.expiresAt.toISOString()}`,
      );
      await appendAudit(
        s,
        {
          workspaceId: p.workspaceId,
          accountId: p.accountId,
          actor: SYSTEM_USER,
          action: "proposal.expired",
          subjectType: "proposal",
          subjectId: p.id,
          before: auditView(p),
          after: auditView(updated),
        },
        now,
      );
      out.push(updated);
    }
    return out;
  });
}

/**
 * Changes what a proposed or approved proposal would set (the planner re-planned, or an analyst edited it).
 * The new value passes the guardrails again, the revision goes up, and the proposal goes back to proposed:
 * an approval covered the old content only, so it needs review again.
 */
export async function reviseProposal(
  deps: GovernanceDeps,
  actor: Actor,
  id: number,
  change: RequestedChange,
  reason: string,
): Promise<Proposal> {
  if (!reason?.trim()) throw invalidInput(`revising proposal ${id} needs a reason`);
  return deps.store.transaction(async (s) => {
    const now = deps.clock();
    // The account's lock before the proposal's row, in the order a cycle's proposal batch takes them
    // (it locks the account, then the open proposals it may supersede): the other order could deadlock.
    const [owner] = await s.query<{ account_id: string }>("SELECT account_id FROM proposals WHERE id = $1", [
      id,
    ]);
    if (owner) await lockAccount(s, owner.account_id);
    const p = await lockProposal(s, id);
    ensureAllowed(actor, "proposals.create", p.workspaceId);
    if (p.status !== "proposed" && p.status !== "approved")
      throw conflict(`proposal ${id} is ${p.status}; only proposed or approved proposals can be revised`);
    if (change.kind !== p.kind)
      throw invalidInput(
        `proposal ${id} changes ${p.kind}; a revision cannot turn it into a ${change.kind} change`,
      );
    const account = await loadAccount(s, p.accountId);
    const entity = await loadEntity(s, p.accountId, p.entityLevel, p.entityId);
    let decision: ReturnType<typeof checkChange>;
    try {
      decision = checkChange(
        change,
        {
          now,
          entityId: p.entityId,
          campaignId: p.campaignId,
          currentStatus: entity.status,
          currentBudgetMinor: entity.dailyBudgetMinor,
          currentBidMinor: "bidMinor" in p.before ? (p.before.bidMinor as number) : null,
          history: await recentHistory(s, p.accountId, now),
          averageDailySpendMinor: p.guardrailInputs.averageDailySpendMinor ?? null,
          cacLowerBoundMinor: p.guardrailInputs.cacLowerBoundMinor ?? null,
          otherActiveBudgetsMinor: await otherActiveBudgets(s, p.accountId, p.entityLevel, p.entityId),
          pacing: p.guardrailInputs.pacing ?? null,
          usagePressure: null,
        },
        account.limits,
        deps.rng,
        { rateLimits: false },
      );
    } catch (error) {
      if (error instanceof GuardrailInputError) throw invalidInput(error.message);
      throw error;
    }
    if (decision.outcome !== "allow") {
      throw invalidInput(
        `the revised value does not pass the guardrails: ${decision.reasons.map((r) => r.message).join("; ")}`,
      );
    }
    const after: ProposalValue =
      decision.change.kind === "daily_budget"
        ? { dailyBudgetMinor: decision.change.dailyBudgetMinor }
        : decision.change.kind === "bid"
          ? { bidMinor: decision.change.bidMinor }
          : { status: decision.change.status };
    const contentHash = proposalContentHash({ ...p, after });
    if (contentHash === p.contentHash) return p;
    const [row] = await s.query<Record<string, unknown>>(
      `UPDATE proposals SET after_value = $2, requested_value = $3, guardrail_reasons = $4, revision = revision + 1, content_hash = $5,
              requires_approval = true, status = 'proposed', status_changed_at = $6, status_changed_by = $7, status_comment = $8,
              reason = $8, expires_at = $9
        WHERE id = $1 RETURNING *`,
      [
        p.id,
        JSON.stringify(after),
        JSON.stringify(requestedOf(change)),
        JSON.stringify(decision.reasons),
        contentHash,
        now,
        actor.userId,
        reason.trim(),
        new Date(now.getTime() + account.config.guardrails.approvalExpiryHours * 3_600_000),
      ],
    );
    const updated = proposalFromRow(row);
    await appendAudit(
      s,
      {
        workspaceId: p.workspaceId,
        accountId: p.accountId,
        actor: actor.userId,
        action: "proposal.revised",
        subjectType: "proposal",
        subjectId: p.id,
        before: auditView(p),
        after: { ...auditView(updated), reason: reason.trim() },
      },
      now,
    );
    return updated;
  });
}

function requestedOf(change: RequestedChange): ProposalValue {
  if (change.kind === "daily_budget") return { dailyBudgetMinor: change.dailyBudgetMinor };
  if (change.kind === "bid") return { bidMinor: change.bidMinor };
  return { status: change.status };
}
