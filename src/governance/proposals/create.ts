import type { EntityLevel } from "../../domain/entities.js";
import { combineWithin, insertStatements, type SqlSession, type Statement } from "../../store/index.js";
import { GUARDRAILS_ACTOR, POLICY_ACTOR, SYSTEM_USER } from "../actors.js";
import { type AuditInput, auditInsertStatements, chainAudit, lockAuditHead } from "../audit/audit-log.js";
import { canonicalJson } from "../audit/canonical-json.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import { type AccountContext, type EntityState, loadAccount } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { conflict, GovernanceError, invalidInput } from "../errors.js";
import { checkChange } from "../guardrails/check-change.js";
import { GuardrailInputError, type GuardrailReason } from "../guardrails/types.js";
import { admitCanary, approvalRequirement, modeAllowsApply } from "../policy/approval-policy.js";
import { type BatchContext, loadBatchContext } from "./batch-context.js";
import { type ProposalChange, proposalKey, requestedValue } from "./proposal-key.js";
import {
  auditView,
  expireStatement,
  findProposals,
  type NewProposalRow,
  newProposal,
  type OpenProposal,
  proposalContentHash,
  proposalInsertStatements,
} from "./repository.js";
import type { ProposalStatus } from "./status.js";

export type { ProposalChange } from "./proposal-key.js";

import type {
  ExplanationFactor,
  GuardrailSignals,
  Proposal,
  ProposalOrigin,
  ProposalValue,
} from "./types.js";

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
  /**
   * Optimizer budget proposals only: when an unreviewed optimizer proposal for the same entity already
   * asks for a budget within this many minor units of this one, it stands and no new proposal is made
   * (the difference is noise to the planner). A new optimizer proposal always supersedes older
   * unreviewed optimizer proposals for the same entity and kind.
   */
  deadbandMinor?: number;
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
  const [proposal] = await createProposals(deps, actor, input.accountId, [input]);
  return proposal!;
}

/**
 * Records several proposals of one account in one transaction, as if made one after the other in the
 * order given: the context the guardrails read is loaded once for all of them, the rows are written
 * together and the audit chain is appended once. All or nothing: one bad input rolls back the batch.
 */
export async function createProposals(
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  inputs: readonly ProposeInput[],
): Promise<Proposal[]> {
  return deps.store.transaction(async (session) => {
    const account = await loadAccount(session, accountId, { lock: true });
    ensureAllowed(actor, "proposals.create", account.workspaceId);
    inputs.forEach((input, i) => {
      if (input.accountId !== accountId)
        throw invalidInput(
          `change ${i + 1} is for account ${input.accountId}, but the batch is for account ${accountId}`,
        );
    });
    const origin: ProposalOrigin = actor.userId === SYSTEM_USER ? "optimizer" : "analyst";
    return insertProposals(
      session,
      deps,
      account,
      actor.userId,
      inputs.map((input) => ({ ...input, origin })),
    );
  });
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

/** The body shared by analyst, optimizer, override and rollback proposals; runs inside the caller's transaction. */
export async function insertProposal(
  session: SqlSession,
  deps: GovernanceDeps,
  account: AccountContext,
  createdBy: string,
  input: InternalProposeInput,
): Promise<Proposal> {
  const [proposal] = await insertProposals(session, deps, account, createdBy, [input]);
  return proposal!;
}

/** One proposal to be written, or the existing one that answers the input. */
type Outcome =
  | { existing: Proposal }
  | { keptId: number }
  | { row: NewProposalRow; audit: Record<string, unknown>; supersedes: OpenProposal[] }
  | { sameAs: number };

/** `insertProposal` for several inputs of one account, in order; see `createProposals`. */
export async function insertProposals(
  session: SqlSession,
  deps: GovernanceDeps,
  account: AccountContext,
  createdBy: string,
  inputs: readonly InternalProposeInput[],
): Promise<Proposal[]> {
  if (inputs.length === 0) return [];
  const now = deps.clock();
  const label = (i: number, message: string) =>
    inputs.length > 1
      ? `change ${i + 1} (${inputs[i]!.entity.level} ${inputs[i]!.entity.id}): ${message}`
      : message;
  const ctx = await loadBatchContext(session, account, inputs, now, (i, error) =>
    relabel(error, (m) => label(i, m)),
  );
  const outcomes: Outcome[] = [];
  const plannedKeys = new Map<string, { index: number; fingerprint: string }>();
  for (let i = 0; i < inputs.length; i++) {
    try {
      outcomes.push(decide(deps, account, createdBy, inputs[i]!, ctx, i, plannedKeys, now));
    } catch (error) {
      throw relabel(error, (m) => label(i, m));
    }
  }

  // New proposals take the ids drawn with the reads, so every write below is known before it is made
  // and goes out as one statement with the audit entries (after the chain's lock, one round trip).
  const byKey = new Map<string, Proposal>();
  const rows: (NewProposalRow & { id: number })[] = [];
  const audits: AuditInput[] = [];
  const superseding: { id: number; comment: string }[] = [];
  const expiredAudits: AuditInput[] = [];
  for (const o of outcomes) {
    if (!("row" in o)) continue;
    const id = ctx.ids[rows.length]!;
    const proposal = newProposal(o.row, id);
    rows.push({ ...o.row, id });
    byKey.set(o.row.idempotencyKey, proposal);
    audits.push({
      workspaceId: account.workspaceId,
      accountId: account.id,
      actor: createdBy,
      action: "proposal.created",
      subjectType: "proposal",
      subjectId: id,
      before: null,
      after: { ...auditView(proposal), ...o.audit },
    });
    for (const old of o.supersedes) {
      if (superseding.some((x) => x.id === old.id)) continue;
      const comment = `superseded by proposal ${id}`;
      superseding.push({ id: old.id, comment });
      const expired: OpenProposal = { ...old, status: "expired" };
      expiredAudits.push({
        workspaceId: account.workspaceId,
        accountId: account.id,
        actor: createdBy,
        action: "proposal.expired",
        subjectType: "proposal",
        subjectId: old.id,
        before: auditView(old),
        after: { ...auditView(expired), why: comment },
      });
    }
  }
  if (rows.length > 0) {
    const approved = rows.filter((r) => r.status === "approved");
    const records = chainAudit(await lockAuditHead(session), [...audits, ...expiredAudits], now);
    const statements: Statement[] = [
      ...proposalInsertStatements(rows),
      ...insertStatements(
        "INSERT INTO approvals (proposal_id, revision, content_hash, decision, actor, comment, decided_at)",
        approved,
        1_000,
        (r) => [
          r.id,
          1,
          r.contentHash,
          "approved",
          r.statusChangedBy,
          r.origin === "rollback" ? "rollback requested" : "within the account's auto-approve policy",
          now,
        ],
      ),
      ...(superseding.length > 0 ? [expireStatement(superseding, createdBy, now)] : []),
      ...auditInsertStatements(records),
    ];
    for (const statement of combineWithin(statements)) await session.query(statement.text, statement.values);
  }

  // unreviewed proposals that stand are read whole only now (the batch's read took a few columns)
  const keptIds = outcomes.flatMap((o) => ("keptId" in o ? [o.keptId] : []));
  const kept = new Map((await findProposals(session, keptIds)).map((p) => [p.id, p]));
  const answer = (o: Outcome): Proposal => {
    if ("existing" in o) return o.existing;
    if ("keptId" in o) return kept.get(o.keptId)!;
    if ("row" in o) return byKey.get(o.row.idempotencyKey)!;
    return answer(outcomes[o.sameAs]!);
  };
  return outcomes.map(answer);
}

/** Decides one input against the batch's context: an existing proposal, or a new row. */
function decide(
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

/** The same error with its message reworded (a batch names the change at fault). */
function relabel(error: unknown, reword: (message: string) => string): unknown {
  if (error instanceof GovernanceError) error.message = reword(error.message);
  return error;
}

function scalar(v: ProposalValue): number | string | null {
  const value = Object.values(v)[0];
  return typeof value === "number" || typeof value === "string" ? value : null;
}
