import type { EntityLevel } from "../../domain/entities.js";
import { combineWithin, insertStatements, type SqlSession, type Statement } from "../../store/index.js";
import { SYSTEM_USER } from "../actors.js";
import { type AuditInput, auditInsertStatements, chainAudit, lockAuditChains } from "../audit/audit-log.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import { type AccountContext, loadAccount } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { GovernanceError, invalidInput } from "../errors.js";
import { loadBatchContext } from "./batch-context.js";
import { decide, type Outcome } from "./decide-proposal.js";
import type { ProposalChange } from "./proposal-key.js";
import {
  auditView,
  expireStatement,
  findProposals,
  type NewProposalRow,
  newProposal,
  type OpenProposal,
  proposalInsertStatements,
} from "./repository.js";

import type { ExplanationFactor, GuardrailSignals, Proposal, ProposalOrigin } from "./types.js";

export type { ProposalChange } from "./proposal-key.js";

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
    const entries = await submitInSession(session, deps, actor, accountId, inputs);
    return loadStanding(session, entries);
  });
}

/**
 * `createProposals` for a caller that only needs what this batch made: an unreviewed proposal that
 * stands (within its deadband) comes back as its id, not read whole (the optimizer's cycle, where on
 * an open approval queue most of an account's changes stand every cycle).
 */
export async function submitProposals(
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  inputs: readonly ProposeInput[],
): Promise<BatchEntry[]> {
  return deps.store.transaction((session) => submitInSession(session, deps, actor, accountId, inputs));
}

async function submitInSession(
  session: SqlSession,
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  inputs: readonly ProposeInput[],
): Promise<BatchEntry[]> {
  const account = await loadAccount(session, accountId, { lock: true });
  ensureAllowed(actor, "proposals.create", account.workspaceId);
  inputs.forEach((input, i) => {
    if (input.accountId !== accountId)
      throw invalidInput(
        `change ${i + 1} is for account ${input.accountId}, but the batch is for account ${accountId}`,
      );
  });
  const origin: ProposalOrigin = actor.userId === SYSTEM_USER ? "optimizer" : "analyst";
  return insertProposalBatch(
    session,
    deps,
    account,
    actor.userId,
    inputs.map((input) => ({ ...input, origin })),
  );
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

/** What a batch answers for one input: the proposal made (or found by its key), or one that stands. */
export type BatchEntry = { proposal: Proposal } | { standingId: number };

/** `insertProposal` for several inputs of one account, in order; see `createProposals`. */
export async function insertProposals(
  session: SqlSession,
  deps: GovernanceDeps,
  account: AccountContext,
  createdBy: string,
  inputs: readonly InternalProposeInput[],
): Promise<Proposal[]> {
  return loadStanding(session, await insertProposalBatch(session, deps, account, createdBy, inputs));
}

/** The standing proposals of a batch's answer read whole (the batch's read took a few columns). */
async function loadStanding(session: SqlSession, entries: readonly BatchEntry[]): Promise<Proposal[]> {
  const ids = entries.flatMap((e) => ("standingId" in e ? [e.standingId] : []));
  const standing = new Map((await findProposals(session, ids)).map((p) => [p.id, p]));
  return entries.map((e) => ("proposal" in e ? e.proposal : standing.get(e.standingId)!));
}

async function insertProposalBatch(
  session: SqlSession,
  deps: GovernanceDeps,
  account: AccountContext,
  createdBy: string,
  inputs: readonly InternalProposeInput[],
): Promise<BatchEntry[]> {
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

  const byKey = await writeNewProposals(session, account, createdBy, outcomes, ctx.ids, now);
  const answer = (o: Outcome): BatchEntry => {
    if ("existing" in o) return { proposal: o.existing };
    if ("keptId" in o) return { standingId: o.keptId };
    if ("row" in o) return { proposal: byKey.get(o.row.idempotencyKey)! };
    return answer(outcomes[o.sameAs]!);
  };
  return outcomes.map(answer);
}

/**
 * Writes a batch's new proposals under the ids drawn with its reads: every write is known beforehand,
 * so the proposals, their approvals, the proposals they supersede and the audit entries go out as one
 * statement after the audit chain's lock (one round trip). Returns the new proposals by idempotency key.
 */
async function writeNewProposals(
  session: SqlSession,
  account: AccountContext,
  createdBy: string,
  outcomes: readonly Outcome[],
  ids: readonly number[],
  now: Date,
): Promise<Map<string, Proposal>> {
  const byKey = new Map<string, Proposal>();
  const rows: (NewProposalRow & { id: number })[] = [];
  const audits: AuditInput[] = [];
  const superseding: { id: number; comment: string }[] = [];
  const supersededIds = new Set<number>();
  const expiredAudits: AuditInput[] = [];
  for (const o of outcomes) {
    if (!("row" in o)) continue;
    const id = ids[rows.length]!;
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
      if (supersededIds.has(old.id)) continue;
      supersededIds.add(old.id);
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
  if (rows.length === 0) return byKey;
  const approved = rows.filter((r) => r.status === "approved");
  const entries = [...audits, ...expiredAudits];
  const records = chainAudit(await lockAuditChains(session, entries), entries, now);
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
  return byKey;
}

/** The same error with its message reworded (a batch names the change at fault). */
function relabel(error: unknown, reword: (message: string) => string): unknown {
  if (error instanceof GovernanceError) error.message = reword(error.message);
  return error;
}
