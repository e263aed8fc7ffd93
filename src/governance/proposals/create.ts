import { createHash } from "node:crypto";
import type { EntityLevel } from "../../domain/entities.js";
import type { SqlSession } from "../../store/index.js";
import { GUARDRAILS_ACTOR, POLICY_ACTOR, SYSTEM_USER } from "../actors.js";
import { appendAudit } from "../audit/audit-log.js";
import { canonicalJson } from "../audit/canonical-json.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import {
  type AccountContext,
  type EntityState,
  loadAccount,
  loadEntity,
  lockAccount,
  otherActiveBudgets,
  recentHistory,
} from "../context/account.js";
import { averageDailySpend, pacingToday } from "../context/spend.js";
import type { GovernanceDeps } from "../deps.js";
import { conflict, invalidInput } from "../errors.js";
import { checkChange } from "../guardrails/check-change.js";
import { GuardrailInputError, type GuardrailReason, type RequestedChange } from "../guardrails/types.js";
import { activeOverridesFor } from "../overrides/lookup.js";
import { admitCanary, approvalRequirement, modeAllowsApply } from "../policy/approval-policy.js";
import { auditView, findByIdempotencyKey, proposalContentHash, proposalFromRow } from "./repository.js";
import type { ProposalStatus } from "./status.js";
import type {
  ExplanationFactor,
  GuardrailSignals,
  Proposal,
  ProposalOrigin,
  ProposalValue,
} from "./types.js";

export type ProposalChange =
  | RequestedChange
  | { kind: "creative" | "targeting"; before: Record<string, unknown>; after: Record<string, unknown> };

export interface ProposeInput {
  accountId: string;
  entity: { level: EntityLevel; id: string };
  change: ProposalChange;
  /** When given, must be the account's currency (amounts are minor units of it). */
  currency?: string;
  reason: string;
  factors?: ExplanationFactor[];
  modelVersions?: Record<string, string>;
  cycleId?: string | null;
  /** Defaults to one derived from cycle, entity, kind and the requested value. */
  idempotencyKey?: string;
  signals?: GuardrailSignals;
  /** For bid changes: the bid the planner read from the platform (bids are not mirrored in the store). */
  currentBidMinor?: number;
}

export interface InternalProposeInput extends ProposeInput {
  origin: ProposalOrigin;
  overrideId?: number;
  rollsBack?: number[];
}

/** Records one proposal (the changefeed): guardrails, overrides, canary and approval policy decide its status. */
export async function createProposal(
  deps: GovernanceDeps,
  actor: Actor,
  input: ProposeInput,
): Promise<Proposal> {
  return deps.store.transaction(async (session) => {
    const account = await loadAccount(session, input.accountId);
    ensureAllowed(actor, "proposals.create", account.workspaceId);
    await lockAccount(session, account.id);
    const origin: ProposalOrigin = actor.userId === SYSTEM_USER ? "optimizer" : "analyst";
    return insertProposal(session, deps, account, actor.userId, { ...input, origin });
  });
}

const sha = (v: unknown) => createHash("sha256").update(canonicalJson(v)).digest("hex").slice(0, 24);

function requestedValue(change: ProposalChange): ProposalValue {
  switch (change.kind) {
    case "daily_budget":
      return { dailyBudgetMinor: change.dailyBudgetMinor };
    case "bid":
      return { bidMinor: change.bidMinor };
    case "status":
      return { status: change.status };
    default:
      return change.after;
  }
}

function beforeValue(change: ProposalChange, entity: EntityState, input: ProposeInput): ProposalValue {
  const where = `${entity.level} ${entity.id}`;
  switch (change.kind) {
    case "daily_budget":
      if (entity.dailyBudgetMinor === null)
        throw invalidInput(
          `${where} carries no daily budget; propose the budget change on the entity that holds it`,
        );
      return { dailyBudgetMinor: entity.dailyBudgetMinor };
    case "bid":
      if (
        input.currentBidMinor === undefined ||
        !Number.isSafeInteger(input.currentBidMinor) ||
        input.currentBidMinor < 0
      ) {
        throw invalidInput(
          `a bid change on ${where} needs currentBidMinor (the bid read from the platform, integer minor units >= 0)`,
        );
      }
      return { bidMinor: input.currentBidMinor };
    case "status":
      return { status: entity.status === "active" ? "active" : "paused" };
    default:
      return change.before;
  }
}

/** The body shared by analyst, optimizer, override and rollback proposals; runs inside the caller's transaction. */
export async function insertProposal(
  session: SqlSession,
  deps: GovernanceDeps,
  account: AccountContext,
  createdBy: string,
  input: InternalProposeInput,
): Promise<Proposal> {
  const now = deps.clock();
  if (!input.reason?.trim()) throw invalidInput("a proposal needs a reason (why the change is wanted)");
  if (input.currency !== undefined && input.currency.trim().toUpperCase() !== account.currency) {
    throw invalidInput(
      `currency mismatch: account ${account.id} is in ${account.currency}, the proposal says ${input.currency}`,
    );
  }
  const kinds = ["daily_budget", "bid", "status", "creative", "targeting"];
  if (!kinds.includes(input.change.kind))
    throw invalidInput(`unknown change kind "${input.change.kind}" (valid: ${kinds.join(", ")})`);
  const entity = await loadEntity(session, account.id, input.entity.level, input.entity.id);
  if (entity.status === "removed")
    throw invalidInput(`${entity.level} ${entity.id} is removed and cannot be changed`);
  const before = beforeValue(input.change, entity, input);
  const requested = requestedValue(input.change);

  const cycleId = input.cycleId ?? null;
  const requestFingerprint = {
    entityLevel: entity.level,
    entityId: entity.id,
    kind: input.change.kind,
    requested,
    origin: input.origin,
  };
  const key =
    input.idempotencyKey ??
    `${account.id}/${cycleId ?? now.toISOString()}/${entity.level}:${entity.id}/${input.change.kind}/${sha(requested)}`;
  const existing = await findByIdempotencyKey(session, key);
  if (existing) {
    const same =
      canonicalJson({
        entityLevel: existing.entityLevel,
        entityId: existing.entityId,
        kind: existing.kind,
        requested: existing.requested,
        origin: existing.origin,
      }) === canonicalJson(requestFingerprint);
    if (same && existing.accountId === account.id) return existing;
    throw conflict(
      `idempotency key ${key} is already used by proposal ${existing.id} for a different change`,
    );
  }

  let after: ProposalValue = requested;
  let guardrailReasons: GuardrailReason[] = [];
  let rejectedBy: string | null = null;
  let rejection: string | null = null;
  let overrideId = input.overrideId ?? null;
  let resolvedSignals: GuardrailSignals = input.signals ?? {};

  if (input.origin === "optimizer") {
    const blocking = (await activeOverridesFor(session, account.id, entity.id, entity.channel, now)).filter(
      (o) => o.kind !== "pin_share" || input.change.kind === "daily_budget",
    );
    if (blocking.length > 0) {
      const o = blocking[0];
      rejectedBy = `override:${o.id}`;
      overrideId = o.id;
      rejection = `analyst override ${o.id} (${o.kind}) by ${o.createdBy} holds this entity until ${o.expiresAt.toISOString()}: ${o.justification}`;
    }
  }

  if (
    !rejectedBy &&
    (input.change.kind === "daily_budget" || input.change.kind === "bid" || input.change.kind === "status")
  ) {
    const signals = { ...input.signals };
    if (signals.averageDailySpendMinor === undefined && input.change.kind === "daily_budget") {
      const days = account.config.guardrails.historicalWindowDays;
      signals.averageDailySpendMinor = await averageDailySpend(
        session,
        account.id,
        entity.level,
        entity.id,
        days,
        now,
        account.timeZone,
      );
    }
    if (signals.pacing === undefined && input.change.kind === "daily_budget") {
      signals.pacing = await pacingToday(session, account.id, entity.level, entity.id, now, account.timeZone);
    }
    resolvedSignals = signals;
    let decision: ReturnType<typeof checkChange>;
    try {
      decision = checkChange(
        input.change,
        {
          now,
          entityId: entity.id,
          campaignId: entity.campaignId,
          currentStatus: entity.status,
          currentBudgetMinor: entity.dailyBudgetMinor,
          currentBidMinor: input.currentBidMinor ?? null,
          history: await recentHistory(session, account.id, now),
          averageDailySpendMinor: signals.averageDailySpendMinor ?? null,
          cacLowerBoundMinor: signals.cacLowerBoundMinor ?? null,
          otherActiveBudgetsMinor: await otherActiveBudgets(session, account.id, entity.level, entity.id),
          pacing: signals.pacing ?? null,
          usagePressure: null,
        },
        account.limits,
        deps.rng,
        { rateLimits: false, relativeCaps: input.origin !== "rollback" },
      );
    } catch (error) {
      if (error instanceof GuardrailInputError) throw invalidInput(error.message);
      throw error;
    }
    guardrailReasons = decision.reasons;
    if (decision.outcome === "allow") {
      after = requestedValue(decision.change);
    } else {
      rejectedBy = GUARDRAILS_ACTOR;
      rejection = decision.reasons.map((r) => r.message).join("; ");
    }
  }

  const mode = account.config.mode;
  if (!rejectedBy && mode === "canary" && cycleId && input.origin === "optimizer") {
    const rows = await session.query<{ entity_id: string }>(
      `SELECT DISTINCT entity_id FROM proposals WHERE account_id = $1 AND cycle_id = $2 AND status NOT IN ('rejected', 'expired')`,
      [account.id, cycleId],
    );
    const admission = admitCanary(
      [{ entityId: entity.id }],
      mode,
      account.config,
      new Set(rows.map((r) => r.entity_id)),
    );
    if (admission.held.length > 0) {
      rejectedBy = "canary";
      rejection = admission.held[0].reason;
    }
  }

  const requirement = approvalRequirement(
    { kind: input.change.kind, entityId: entity.id, before: scalar(before), after: scalar(after) },
    account.config,
  );
  const approvalReasons = [...requirement.reasons];
  if (input.origin === "analyst" || input.origin === "override")
    approvalReasons.push("made by a person: another person must approve it");
  const requiresApproval = input.origin !== "rollback" && approvalReasons.length > 0;

  let status: ProposalStatus = "proposed";
  let statusBy = createdBy;
  if (rejectedBy) {
    status = "rejected";
    statusBy = rejectedBy;
  } else if (input.origin === "rollback") {
    status = "approved";
  } else if (!requiresApproval && modeAllowsApply(mode)) {
    status = "approved";
    statusBy = POLICY_ACTOR;
  }

  const contentHash = proposalContentHash({
    accountId: account.id,
    entityLevel: entity.level,
    entityId: entity.id,
    kind: input.change.kind,
    before,
    after,
  });
  const [row] = await session.query<Record<string, unknown>>(
    `INSERT INTO proposals (workspace_id, account_id, entity_level, entity_id, campaign_id, kind, currency, before_value, after_value,
        requested_value, guardrail_reasons, guardrail_inputs, reason, factors, model_versions, mode, origin, cycle_id, override_id,
        rolls_back, created_by, created_at, idempotency_key, revision, content_hash, requires_approval, approval_reasons, status,
        status_changed_at, status_changed_by, status_comment, expires_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,1,$24,$25,$26,$27,$22,$28,$29,$30)
     RETURNING *`,
    [
      account.workspaceId,
      account.id,
      entity.level,
      entity.id,
      entity.campaignId,
      input.change.kind,
      account.currency,
      JSON.stringify(before),
      JSON.stringify(after),
      JSON.stringify(requested),
      JSON.stringify(guardrailReasons),
      JSON.stringify(resolvedSignals),
      input.reason.trim(),
      JSON.stringify(input.factors ?? []),
      JSON.stringify(input.modelVersions ?? {}),
      mode,
      input.origin,
      cycleId,
      overrideId,
      JSON.stringify(input.rollsBack ?? []),
      createdBy,
      now,
      key,
      contentHash,
      requiresApproval,
      JSON.stringify(approvalReasons),
      status,
      statusBy,
      rejection,
      new Date(now.getTime() + account.config.guardrails.approvalExpiryHours * 3_600_000),
    ],
  );
  const proposal = proposalFromRow(row);
  if (status === "approved") {
    await session.query(
      `INSERT INTO approvals (proposal_id, revision, content_hash, decision, actor, comment, decided_at) VALUES ($1, 1, $2, 'approved', $3, $4, $5)`,
      [
        proposal.id,
        contentHash,
        statusBy,
        input.origin === "rollback" ? "rollback requested" : "within the account's auto-approve policy",
        now,
      ],
    );
  }
  await appendAudit(
    session,
    {
      workspaceId: account.workspaceId,
      accountId: account.id,
      actor: createdBy,
      action: "proposal.created",
      subjectType: "proposal",
      subjectId: proposal.id,
      before: null,
      after: {
        ...auditView(proposal),
        statusBy,
        origin: input.origin,
        guardrailReasons: guardrailReasons.map((r) => r.rule),
      },
    },
    now,
  );
  return proposal;
}

function scalar(v: ProposalValue): number | string | null {
  const value = Object.values(v)[0];
  return typeof value === "number" || typeof value === "string" ? value : null;
}
