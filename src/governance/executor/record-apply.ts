import type { SqlSession } from "../../store/index.js";
import { appendAudit } from "../audit/audit-log.js";
import { updateEntityMirror } from "../context/account.js";
import { auditView, setStatus } from "../proposals/repository.js";
import type { Proposal } from "../proposals/types.js";
import { fieldOf, type PlatformState, platformKey } from "./platform-state.js";

/**
 * Writes everything an apply means, in the executor's transaction: the snapshot row (unique per
 * proposal, so a second apply cannot be recorded), the entity mirror, the status, rolled-back marks for
 * what a rollback undid, and the audit entries.
 */
export async function recordApply(
  s: SqlSession,
  p: Proposal,
  before: PlatformState,
  after: PlatformState,
  platformResponse: unknown,
  reconciled: boolean,
  workerId: string,
  at: Date,
): Promise<Proposal> {
  const numeric = (v: number | string | null) => (typeof v === "number" ? v : null);
  await s.query(
    `INSERT INTO applied_changes (proposal_id, account_id, entity_level, entity_id, campaign_id, kind, before_state, after_state,
        before_numeric, after_numeric, idempotency_key, platform_response, reconciled, applied_at, applied_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
    [
      p.id,
      p.accountId,
      p.entityLevel,
      p.entityId,
      p.campaignId,
      p.kind,
      JSON.stringify(before),
      JSON.stringify(after),
      numeric(fieldOf(p.kind, before)),
      numeric(fieldOf(p.kind, after)),
      platformKey(p),
      JSON.stringify(platformResponse ?? null),
      reconciled,
      at,
      workerId,
    ],
  );
  await updateEntityMirror(s, p.accountId, p.entityLevel, p.entityId, after, at);
  const applied = await setStatus(
    s,
    p.id,
    "applied",
    workerId,
    at,
    reconciled ? "found already applied on the platform (reconciled)" : null,
    {
      applied_at: at,
      attempts: p.attempts + 1,
      last_error: null,
    },
  );
  for (const undone of p.rollsBack) {
    const [row] = await s.query<{ status: string }>("SELECT status FROM proposals WHERE id = $1 FOR UPDATE", [
      undone,
    ]);
    if (row?.status !== "applied") continue;
    await setStatus(s, undone, "rolled_back", workerId, at, `rolled back by proposal ${p.id}`);
    await appendAudit(
      s,
      {
        workspaceId: p.workspaceId,
        accountId: p.accountId,
        actor: workerId,
        action: "proposal.rolled_back",
        subjectType: "proposal",
        subjectId: undone,
        before: { status: "applied" },
        after: { status: "rolled_back", by: p.id },
      },
      at,
    );
  }
  await appendAudit(
    s,
    {
      workspaceId: p.workspaceId,
      accountId: p.accountId,
      actor: workerId,
      action: "proposal.applied",
      subjectType: "proposal",
      subjectId: p.id,
      before: { ...auditView(p), platform: before },
      after: { ...auditView(applied), platform: after, reconciled },
    },
    at,
  );
  return applied;
}
