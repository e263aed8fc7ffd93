// Deciding one proposal of a batch against the batch's context: what it becomes (a new row with its
// status, guardrail reasons and audit view), or which existing proposal answers it.
import { GUARDRAILS_ACTOR, POLICY_ACTOR } from "../actors.js";
import { canonicalJson } from "../audit/canonical-json.js";
import type { AccountContext, EntityState } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { conflict, invalidInput } from "../errors.js";
import { checkChange } from "../guardrails/check-change.js";
import { GuardrailInputError, type GuardrailReason } from "../guardrails/types.js";
import { admitCanary, approvalRequirement, modeAllowsApply } from "../policy/approval-policy.js";
import type { BatchContext } from "./batch-context.js";
import type { InternalProposeInput, ProposeInput } from "./create.js";
import { type ProposalChange, proposalKey, requestedValue } from "./proposal-key.js";
import { type NewProposalRow, type OpenProposal, proposalContentHash } from "./repository.js";
import type { ProposalStatus } from "./status.js";
import type { GuardrailSignals, Proposal, ProposalValue } from "./types.js";

/** One proposal to be written, or the existing one that answers the input. */
export type Outcome =
  | { existing: Proposal }
  | { keptId: number }
  | { row: NewProposalRow; audit: Record<string, unknown>; supersedes: OpenProposal[] }
  | { sameAs: number };

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

const KINDS = ["daily_budget", "bid", "status", "creative", "targeting"];

function checkInput(input: InternalProposeInput, account: AccountContext): void {
  if (!input.reason?.trim()) throw invalidInput("a proposal needs a reason (why the change is wanted)");
  if (input.currency !== undefined && input.currency.trim().toUpperCase() !== account.currency) {
    throw invalidInput(
      `currency mismatch: account ${account.id} is in ${account.currency}, the proposal says ${input.currency}`,
    );
  }
  if (!KINDS.includes(input.change.kind))
    throw invalidInput(`unknown change kind "${input.change.kind}" (valid: ${KINDS.join(", ")})`);
  if (
    input.deadbandMinor !== undefined &&
    !(Number.isFinite(input.deadbandMinor) && input.deadbandMinor >= 0)
  )
    throw invalidInput(`deadbandMinor must be a number >= 0, got ${input.deadbandMinor}`);
}

/** Decides one input against the batch's context: an existing proposal, or a new row. */
export function decide(
  deps: GovernanceDeps,
  account: AccountContext,
  createdBy: string,
  input: InternalProposeInput,
  ctx: BatchContext,
  index: number,
  plannedKeys: Map<string, { index: number; fingerprint: string }>,
  now: Date,
): Outcome {
  checkInput(input, account);
  const entity = ctx.entity(input.entity.level, input.entity.id);
  if (entity.status === "removed")
    throw invalidInput(`${entity.level} ${entity.id} is removed and cannot be changed`);
  const before = beforeValue(input.change, entity, input);
  const requested = requestedValue(input.change);

  const cycleId = input.cycleId ?? null;
  const fingerprint = canonicalJson({
    entityLevel: entity.level,
    entityId: entity.id,
    kind: input.change.kind,
    requested,
    origin: input.origin,
  });
  const key = proposalKey({ ...input, accountId: account.id }, now);
  const existing = ctx.byKey.get(key);
  if (existing) {
    const same =
      canonicalJson({
        entityLevel: existing.entityLevel,
        entityId: existing.entityId,
        kind: existing.kind,
        requested: existing.requested,
        origin: existing.origin,
      }) === fingerprint;
    if (same && existing.accountId === account.id) return { existing };
    throw conflict(
      `idempotency key ${key} is already used by proposal ${existing.id} for a different change`,
    );
  }
  const planned = plannedKeys.get(key);
  if (planned !== undefined) {
    if (planned.fingerprint === fingerprint) return { sameAs: planned.index };
    throw conflict(`idempotency key ${key} is used twice in this batch, for different changes`);
  }

  const open = input.origin === "optimizer" ? ctx.openFor(entity.level, entity.id, input.change.kind) : [];
  if (input.deadbandMinor !== undefined && input.change.kind === "daily_budget" && open.length > 0) {
    const latest = open[open.length - 1]!;
    const asked = (latest.requested as { dailyBudgetMinor?: number }).dailyBudgetMinor;
    if (asked !== undefined && Math.abs(asked - input.change.dailyBudgetMinor) <= input.deadbandMinor)
      return { keptId: latest.id };
  }

  let after: ProposalValue = requested;
  let guardrailReasons: GuardrailReason[] = [];
  let rejectedBy: string | null = null;
  let rejection: string | null = null;
  let overrideId = input.overrideId ?? null;
  let resolvedSignals: GuardrailSignals = input.signals ?? {};

  if (input.origin === "optimizer") {
    const blocking = ctx
      .overridesFor(entity.id, entity.channel)
      .filter((o) => o.kind !== "pin_share" || input.change.kind === "daily_budget");
    if (blocking.length > 0) {
      const o = blocking[0]!;
      rejectedBy = `override:${o.id}`;
      overrideId = o.id;
      rejection = `analyst override ${o.id} (${o.kind}) by ${o.createdBy} holds this entity until ${o.expiresAt.toISOString()}: ${o.justification}`;
    }
  }

  const change = input.change;
  if (!rejectedBy && (change.kind === "daily_budget" || change.kind === "bid" || change.kind === "status")) {
    const signals = { ...input.signals };
    if (signals.averageDailySpendMinor === undefined && change.kind === "daily_budget")
      signals.averageDailySpendMinor = ctx.averageDailySpend(entity.level, entity.id);
    if (signals.pacing === undefined && change.kind === "daily_budget")
      signals.pacing = ctx.pacing(entity.level, entity.id);
    resolvedSignals = signals;
    let decision: ReturnType<typeof checkChange>;
    try {
      decision = checkChange(
        change,
        {
          now,
          entityId: entity.id,
          campaignId: entity.campaignId,
          currentStatus: entity.status,
          currentBudgetMinor: entity.dailyBudgetMinor,
          currentBidMinor: input.currentBidMinor ?? null,
          history: ctx.history,
          averageDailySpendMinor: signals.averageDailySpendMinor ?? null,
          cacLowerBoundMinor: signals.cacLowerBoundMinor ?? null,
          otherActiveBudgetsMinor: ctx.otherActiveBudgets(entity.level, entity.id),
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
    const changed = ctx.canaryEntities(cycleId);
    const admission = admitCanary([{ entityId: entity.id }], mode, account.config, changed);
    if (admission.held.length > 0) {
      rejectedBy = "canary";
      rejection = admission.held[0]!.reason;
    } else changed.add(entity.id);
  }

  const requirement = approvalRequirement(
    { kind: change.kind, entityId: entity.id, before: scalar(before), after: scalar(after) },
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

  plannedKeys.set(key, { index, fingerprint });
  return {
    row: {
      workspaceId: account.workspaceId,
      accountId: account.id,
      entityLevel: entity.level,
      entityId: entity.id,
      campaignId: entity.campaignId,
      kind: change.kind,
      currency: account.currency,
      before,
      after,
      requested,
      guardrailReasons,
      guardrailInputs: resolvedSignals,
      reason: input.reason.trim(),
      factors: input.factors ?? [],
      modelVersions: input.modelVersions ?? {},
      mode,
      origin: input.origin,
      cycleId,
      overrideId,
      rollsBack: input.rollsBack ?? [],
      createdBy,
      createdAt: now,
      idempotencyKey: key,
      contentHash: proposalContentHash({
        accountId: account.id,
        entityLevel: entity.level,
        entityId: entity.id,
        kind: change.kind,
        before,
        after,
      }),
      requiresApproval,
      approvalReasons,
      status,
      statusChangedBy: statusBy,
      statusComment: rejection,
      expiresAt: new Date(now.getTime() + account.config.guardrails.approvalExpiryHours * 3_600_000),
    },
    audit: { statusBy, origin: input.origin, guardrailReasons: guardrailReasons.map((r) => r.rule) },
    supersedes: open,
  };
}

function scalar(v: ProposalValue): number | string | null {
  const value = Object.values(v)[0];
  return typeof value === "number" || typeof value === "string" ? value : null;
}
