import type { AdPlatformConnector, ChangeResult } from "../../connectors/port.js";
import { ConnectorFailure } from "../../connectors/port.js";
import type { SqlSession } from "../../store/index.js";
import { appendAudit } from "../audit/audit-log.js";
import {
  type AccountContext,
  loadAccount,
  lockAccount,
  otherActiveBudgets,
  recentHistory,
} from "../context/account.js";
import { pacingToday } from "../context/batch.js";
import type { ExecutorDeps } from "../deps.js";
import { checkChange } from "../guardrails/check-change.js";
import { mutationWaitMs } from "../guardrails/rate-limits.js";
import type { RequestedChange } from "../guardrails/types.js";
import { auditView, proposalContentHash, proposalFromRow, setStatus } from "../proposals/repository.js";
import type { Proposal } from "../proposals/types.js";
import { fieldOf, type PlatformState, snapshotBefore, stateOf, toEntityChange } from "./platform-state.js";
import { recordApply } from "./record-apply.js";

export type ExecutionResult = "applied" | "reconciled" | "deferred" | "failed" | "needs_review" | "expired";

export interface ExecutionOutcome {
  proposalId: number;
  accountId: string;
  result: ExecutionResult;
  detail: string;
}

/** Points where tests simulate a crash (throwing rolls the transaction back, as a killed process would). */
export interface ExecutorHooks {
  afterClaim?: (p: Proposal) => void | Promise<void>;
  beforePlatformCall?: (p: Proposal) => void | Promise<void>;
  afterPlatformCall?: (p: Proposal) => void | Promise<void>;
  beforeCommit?: (p: Proposal) => void | Promise<void>;
}

export interface ExecutorOptions {
  /** Tries of a transient failure within one run before the proposal is deferred (default 3). */
  attemptsPerRun?: number;
  /** Runs after which a proposal that keeps failing transiently is marked failed (default 5). */
  maxRuns?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  hooks?: ExecutorHooks;
}

export interface Executor {
  /** Applies at most one due, approved proposal (of `accountId`, or of any account in canary/live). */
  runOnce(accountId?: string): Promise<ExecutionOutcome | null>;
  /** Runs until nothing is due (or `max` outcomes). */
  drain(accountId?: string, max?: number): Promise<ExecutionOutcome[]>;
}

/**
 * Applies approved proposals through the connector port. Per apply, one transaction:
 * 1. pick an account nobody else is executing (advisory try-lock) and claim its oldest due approved proposal
 *    with SELECT ... FOR UPDATE SKIP LOCKED;
 * 2. check the approval still covers the proposal's content, and the mode allows writes;
 * 3. reconcile: read the entity on the platform. Already at the target -> record as applied without
 *    calling again (a previous run was killed after the platform call); neither before nor target ->
 *    drift, fail;
 * 4. re-run the guardrails with fresh history, rate limits and the platform's usage signal;
 * 5. wait the jitter, apply with the proposal's idempotency key, retrying transient failures with
 *    exponential backoff;
 * 6. record snapshot, status and audit in the same transaction.
 * A crash anywhere rolls back 1-6; the platform call is made at most once per key and step 3 catches it.
 */
/** Approved proposals due now ($1) in accounts whose mode lets them apply, of one account ($2) or any (null). */
const DUE_PROPOSALS = `FROM proposals p LEFT JOIN account_configs c ON c.account_id = p.account_id
  WHERE p.status = 'approved' AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= $1)
    AND COALESCE(c.config->>'mode', 'shadow') IN ('canary', 'live') AND ($2::text IS NULL OR p.account_id = $2)`;

export function createExecutor(deps: ExecutorDeps, options: ExecutorOptions = {}): Executor {
  const attemptsPerRun = options.attemptsPerRun ?? 3;
  const maxRuns = options.maxRuns ?? 5;
  const baseBackoffMs = options.baseBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 300_000;
  const hooks = options.hooks ?? {};
  const backoff = (n: number, retryAfterMs?: number) =>
    Math.max(retryAfterMs ?? 0, Math.min(maxBackoffMs, baseBackoffMs * 2 ** (n - 1)));

  async function claim(s: SqlSession, accountId: string | undefined): Promise<Proposal | null> {
    const now = deps.clock();
    const accounts = await s.query<{ account_id: string }>(
      `SELECT DISTINCT p.account_id ${DUE_PROPOSALS} LIMIT 50`,
      [now, accountId ?? null],
    );
    for (const { account_id } of accounts) {
      if (!(await lockAccount(s, account_id, "try"))) continue;
      const [row] = await s.query<Record<string, unknown>>(
        `SELECT * FROM proposals WHERE account_id = $1 AND status = 'approved' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
          ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [account_id, now],
      );
      if (row) return proposalFromRow(row);
    }
    return null;
  }

  async function runOnce(accountId?: string): Promise<ExecutionOutcome | null> {
    return deps.store.transaction(async (s) => {
      const p = await claim(s, accountId);
      if (!p) return null;
      await hooks.afterClaim?.(p);
      const outcome = await execute(s, p);
      await hooks.beforeCommit?.(p);
      return outcome;
    });
  }

  async function execute(s: SqlSession, p: Proposal): Promise<ExecutionOutcome> {
    const now = deps.clock();
    const out = (result: ExecutionResult, detail: string): ExecutionOutcome => ({
      proposalId: p.id,
      accountId: p.accountId,
      result,
      detail,
    });
    const [approval] = await s.query<{ content_hash: string }>(
      `SELECT content_hash FROM approvals WHERE proposal_id = $1 AND revision = $2 AND decision = 'approved'`,
      [p.id, p.revision],
    );
    if (!approval || approval.content_hash !== p.contentHash || proposalContentHash(p) !== p.contentHash) {
      await finish(
        s,
        p,
        "proposed",
        "the approval does not cover the proposal's current content: it needs review again",
      );
      return out("needs_review", "approval does not match content");
    }
    if (p.kind === "creative" || p.kind === "targeting") {
      await finish(
        s,
        p,
        "failed",
        `${p.kind} changes cannot be applied through the connector port yet; apply them by hand`,
      );
      return out("failed", "unsupported kind");
    }
    const account = await loadAccount(s, p.accountId);
    const connector = await deps.connectorFor(p.accountId);

    let platform: PlatformState;
    try {
      const entity = await readEntity(connector, account.externalId, p);
      if (!entity) {
        await finish(s, p, "failed", `${p.entityLevel} ${p.entityId} was not found on the platform`);
        return out("failed", "entity not found on the platform");
      }
      platform = entity;
    } catch (error) {
      return transientOrFail(s, p, error, out);
    }
    const target = fieldOf(p.kind, p.after);
    const current = fieldOf(p.kind, platform);
    if (current === target) {
      // Either our own earlier attempt was killed after the platform call (reconcile), or another
      // proposal made since this one was created already set the same value (this one is redundant).
      const setters = await s.query<{ proposal_id: number; after_state: PlatformState }>(
        `SELECT proposal_id, after_state FROM applied_changes
          WHERE account_id = $1 AND entity_level = $2 AND entity_id = $3 AND kind = $4 AND applied_at >= $5 AND proposal_id <> $6`,
        [p.accountId, p.entityLevel, p.entityId, p.kind, p.createdAt, p.id],
      );
      const other = setters.find((r) => fieldOf(p.kind, r.after_state) === target);
      if (other) {
        await finish(
          s,
          p,
          "failed",
          `superseded: proposal ${other.proposal_id} already set ${p.kind} to ${target} after this proposal was made`,
        );
        return out("failed", "superseded");
      }
      await recordApply(
        s,
        p,
        snapshotBefore(p, platform),
        platform,
        { reconciled: true },
        true,
        deps.workerId,
        deps.clock(),
      );
      return out("reconciled", "the platform already shows the approved value");
    }
    // expiry is checked only now: an expired proposal whose apply did reach the platform is recorded above
    if (p.expiresAt.getTime() <= now.getTime()) {
      await finish(s, p, "expired", `approved but not applied before ${p.expiresAt.toISOString()}`);
      return out("expired", "approval window ended");
    }
    if (current !== fieldOf(p.kind, p.before)) {
      await finish(
        s,
        p,
        "failed",
        `the platform shows ${current}, neither the value the proposal was made from (${fieldOf(p.kind, p.before)}) nor its target (${target}); someone changed it meanwhile`,
      );
      return out("failed", "platform state drifted");
    }

    const recheck = await recheckGuardrails(s, p, account, platform, connector);
    if (recheck) return out(...recheck);

    const [last] = await s.query<{ at: Date | null }>(
      "SELECT MAX(applied_at) AS at FROM applied_changes WHERE account_id = $1",
      [p.accountId],
    );
    const wait = mutationWaitMs(last?.at ? new Date(last.at) : null, deps.clock(), deps.rng, account.limits);
    if (wait > 0) await deps.sleep(wait);

    const change = toEntityChange(p, account.externalId);
    let result: ChangeResult | null = null;
    for (let attempt = 1; attempt <= attemptsPerRun; attempt++) {
      try {
        await hooks.beforePlatformCall?.(p);
        result = await connector.applyChange(change);
        await hooks.afterPlatformCall?.(p);
        break;
      } catch (error) {
        if (!(error instanceof ConnectorFailure) || !error.transient)
          return transientOrFail(s, p, error, out);
        // the call may have reached the platform before the answer was lost: look before trying again
        const seen = await readEntity(connector, account.externalId, p).catch(() => null);
        if (seen && fieldOf(p.kind, seen) === target) {
          result = {
            ok: true,
            after: seen,
            platformResponse: { reconciledAfter: `${error.kind}: ${error.message}` },
          };
          break;
        }
        if (attempt === attemptsPerRun) return transientOrFail(s, p, error, out);
        await deps.sleep(backoff(attempt, error.retryAfterMs));
      }
    }
    if (!result?.ok || !result.after) {
      await finish(s, p, "failed", `the platform refused: ${result?.error?.message ?? "no result"}`);
      return out("failed", result?.error?.kind ?? "refused");
    }
    await recordApply(
      s,
      p,
      snapshotBefore(p, platform),
      result.after,
      result.platformResponse,
      false,
      deps.workerId,
      deps.clock(),
    );
    return out("applied", `${p.kind} ${fieldOf(p.kind, p.before)} -> ${fieldOf(p.kind, result.after)}`);
  }

  /** Rate limits, usage back-off and every cap again, against the history as it is now. */
  async function recheckGuardrails(
    s: SqlSession,
    p: Proposal,
    account: AccountContext,
    platform: PlatformState,
    connector: AdPlatformConnector,
  ): Promise<[ExecutionResult, string] | null> {
    const now = deps.clock();
    const health = await connector.health().catch(() => null);
    const requested = toEntityChange(p, account.externalId);
    const change = { kind: requested.kind, ...requested.value } as RequestedChange;
    const decision = checkChange(
      change,
      {
        now,
        entityId: p.entityId,
        campaignId: p.campaignId,
        currentStatus: platform.status,
        currentBudgetMinor: platform.dailyBudgetMinor,
        currentBidMinor: platform.bidMinor,
        history: await recentHistory(s, p.accountId, now),
        averageDailySpendMinor: p.guardrailInputs.averageDailySpendMinor ?? null,
        cacLowerBoundMinor: p.guardrailInputs.cacLowerBoundMinor ?? null,
        otherActiveBudgetsMinor: await otherActiveBudgets(s, p.accountId, p.entityLevel, p.entityId),
        // spend moved on since the proposal was made: read it again
        pacing:
          p.kind === "daily_budget"
            ? ((await pacingToday(s, p.accountId, p.entityLevel, p.entityId, now, account.timeZone)) ??
              p.guardrailInputs.pacing ??
              null)
            : null,
        usagePressure: health?.rateLimitPressure ?? null,
      },
      // the fuzz, when enabled, was drawn once when the proposal was made
      { ...account.limits, fuzz: { enabled: false, fraction: 0 } },
      deps.rng,
      { relativeCaps: p.origin !== "rollback" },
    );
    if (decision.outcome === "defer") {
      await s.query("UPDATE proposals SET next_attempt_at = $2, last_error = $3 WHERE id = $1", [
        p.id,
        decision.retryAt,
        decision.reasons[0].message,
      ]);
      return ["deferred", decision.reasons[0].message];
    }
    if (decision.outcome === "reject") {
      const why = decision.reasons.map((r) => r.message).join("; ");
      await finish(s, p, "failed", `the guardrails now refuse this change: ${why}`);
      return ["failed", why];
    }
    if (decision.clipped) {
      const why = decision.reasons.map((r) => r.message).join("; ");
      const c = decision.change;
      const after =
        c.kind === "daily_budget"
          ? { dailyBudgetMinor: c.dailyBudgetMinor }
          : c.kind === "bid"
            ? { bidMinor: c.bidMinor }
            : { status: c.status };
      await finish(s, p, "proposed", `the guardrails now clip this change (${why}); it needs review again`, {
        after_value: after,
        guardrail_reasons: decision.reasons,
        content_hash: proposalContentHash({ ...p, after }),
      });
      return ["needs_review", why];
    }
    return null;
  }

  async function transientOrFail(
    s: SqlSession,
    p: Proposal,
    error: unknown,
    out: (r: ExecutionResult, d: string) => ExecutionOutcome,
  ): Promise<ExecutionOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConnectorFailure && error.transient && p.attempts + 1 < maxRuns) {
      const retryAt = new Date(
        deps.clock().getTime() + backoff(p.attempts + 1 + attemptsPerRun, error.retryAfterMs),
      );
      await s.query(
        "UPDATE proposals SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1",
        [p.id, retryAt, `${error.kind}: ${message}`],
      );
      return out("deferred", `${error.kind}: ${message}; retry at ${retryAt.toISOString()}`);
    }
    if (!(error instanceof ConnectorFailure)) throw error;
    await finish(s, p, "failed", `${error.kind}: ${message}`);
    return out("failed", `${error.kind}: ${message}`);
  }

  /** A status change by the executor, audited in the same transaction. */
  async function finish(
    s: SqlSession,
    p: Proposal,
    status: "failed" | "expired" | "proposed",
    why: string,
    extra: Record<string, unknown> = {},
  ) {
    const at = deps.clock();
    const review = status === "proposed" ? { revision: p.revision + 1, requires_approval: true } : {};
    const updated = await setStatus(s, p.id, status, deps.workerId, at, why, {
      attempts: p.attempts + 1,
      last_error: status === "failed" ? why : null,
      ...review,
      ...extra,
    });
    await appendAudit(
      s,
      {
        workspaceId: p.workspaceId,
        accountId: p.accountId,
        actor: deps.workerId,
        action: `proposal.${status === "proposed" ? "needs_review" : status}`,
        subjectType: "proposal",
        subjectId: p.id,
        before: auditView(p),
        after: { ...auditView(updated), why },
      },
      at,
    );
  }

  async function readEntity(
    connector: AdPlatformConnector,
    accountExternalId: string,
    p: Proposal,
  ): Promise<PlatformState | null> {
    const entity = (await connector.listEntities(accountExternalId)).find(
      (e) => e.externalId === p.entityId && e.level === p.entityLevel,
    );
    return entity ? stateOf(entity) : null;
  }

  return {
    runOnce,
    async drain(accountId, max = 10_000) {
      const outcomes: ExecutionOutcome[] = [];
      // One plain query first: most accounts (every cycle of a shadow-mode one) have nothing to apply,
      // and a claim transaction costs three round trips.
      if (accountId !== undefined) {
        const [due] = await deps.store.query<{ any: boolean }>(
          `SELECT EXISTS (SELECT 1 ${DUE_PROPOSALS}) AS any`,
          [deps.clock(), accountId],
        );
        if (!due?.any) return outcomes;
      }
      while (outcomes.length < max) {
        const o = await runOnce(accountId);
        if (!o) break;
        outcomes.push(o);
      }
      return outcomes;
    },
  };
}
