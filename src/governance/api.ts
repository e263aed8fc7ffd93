import type { Mode } from "../domain/account-config.js";
import {
  approveProposal,
  batchApprove,
  expireDue,
  rejectProposal,
  reviseProposal,
} from "./approvals/queue.js";
import { type AuditQuery, listAudit, verifyAuditLog } from "./audit/audit-log.js";
import type { ChainedAuditRecord, ChainVerification } from "./audit/hash-chain.js";
import type { Actor } from "./auth/authorize.js";
import { ensureAllowed } from "./auth/ensure.js";
import type { ExecutorDeps, GovernanceDeps } from "./deps.js";
import { notFound } from "./errors.js";
import { createExecutor, type Executor, type ExecutorOptions } from "./executor/executor.js";
import type { RequestedChange } from "./guardrails/types.js";
import {
  type AddDomainHintInput,
  addDomainHint,
  type DomainHint,
  endDomainHint,
  listDomainHints,
} from "./overrides/domain-hints.js";
import { type OverrideImpactInput, overrideImpactReport, recordOverrideImpact } from "./overrides/impact.js";
import type { Override } from "./overrides/lookup.js";
import {
  type AddOverrideInput,
  type AddOverrideResult,
  addOverride,
  endOverride,
  listOverrides,
  type OverrideFilter,
} from "./overrides/overrides.js";
import { setMode } from "./policy/set-mode.js";
import {
  type BatchEntry,
  createProposal,
  createProposals,
  type ProposeInput,
  submitProposals,
} from "./proposals/create.js";
import { findProposal, listProposals, type ProposalFilter } from "./proposals/repository.js";
import type { Proposal } from "./proposals/types.js";
import { type RollbackResult, rollbackCycle, rollbackProposal, rollbackSince } from "./rollback/rollback.js";

/**
 * The programmatic API the CLI, HTTP API and service use. Every method that changes state takes the
 * acting user (role and workspace are checked) and runs as one transaction with its audit entry.
 * Errors are GovernanceError (code: not_found | invalid_input | forbidden | conflict | expired).
 */
export interface Governance {
  proposals: {
    create(actor: Actor, input: ProposeInput): Promise<Proposal>;
    /** Several proposals of one account in one transaction, judged in the order given. */
    createMany(actor: Actor, accountId: string, inputs: readonly ProposeInput[]): Promise<Proposal[]>;
    /** `createMany` whose unreviewed proposals that stand come back as ids (not read whole). */
    submitMany(actor: Actor, accountId: string, inputs: readonly ProposeInput[]): Promise<BatchEntry[]>;
    list(actor: Actor, filter?: Omit<ProposalFilter, "workspaceId">): Promise<Proposal[]>;
    show(actor: Actor, id: number): Promise<{ proposal: Proposal; history: ChainedAuditRecord[] }>;
    approve(actor: Actor, id: number, comment?: string | null): Promise<Proposal>;
    approveMany(actor: Actor, ids: number[], comment?: string | null): Promise<Proposal[]>;
    reject(actor: Actor, id: number, comment: string): Promise<Proposal>;
    revise(actor: Actor, id: number, change: RequestedChange, reason: string): Promise<Proposal>;
    expireDue(): Promise<Proposal[]>;
  };
  overrides: {
    add(actor: Actor, input: AddOverrideInput): Promise<AddOverrideResult>;
    list(actor: Actor, filter?: Omit<OverrideFilter, "workspaceId">): Promise<Override[]>;
    end(actor: Actor, id: number, reason: string): Promise<Override>;
    recordImpact(input: OverrideImpactInput): Promise<void>;
    impactReport(actor: Actor, accountId?: string): ReturnType<typeof overrideImpactReport>;
  };
  hints: {
    add(actor: Actor, input: AddDomainHintInput): Promise<DomainHint>;
    end(actor: Actor, id: number): Promise<void>;
    list(filter: { accountId: string; channel?: string; from?: string; to?: string }): Promise<DomainHint[]>;
  };
  rollback: {
    proposal(actor: Actor, id: number): Promise<RollbackResult>;
    cycle(actor: Actor, accountId: string, cycleId: string): Promise<RollbackResult>;
    to(actor: Actor, accountId: string, since: Date): Promise<RollbackResult>;
  };
  audit: {
    verify(actor: Actor): Promise<ChainVerification>;
    list(actor: Actor, query?: AuditQuery): Promise<ChainedAuditRecord[]>;
  };
  setMode(
    actor: Actor,
    accountId: string,
    mode: Mode,
    justification: string,
  ): Promise<{ from: Mode; to: Mode }>;
  executor(
    deps: Pick<ExecutorDeps, "connectorFor" | "sleep" | "workerId">,
    options?: ExecutorOptions,
  ): Executor;
}

export function createGovernance(deps: GovernanceDeps): Governance {
  const db = deps.store;
  return {
    proposals: {
      create: (actor, input) => createProposal(deps, actor, input),
      createMany: (actor, accountId, inputs) => createProposals(deps, actor, accountId, inputs),
      submitMany: (actor, accountId, inputs) => submitProposals(deps, actor, accountId, inputs),
      async list(actor, filter = {}) {
        ensureAllowed(actor, "proposals.view", actor.workspaceId);
        // Cycles expire proposals, but between cycles the queue must not offer one that can no longer be
        // approved: expire what is due first, so the list and an approval judge by the same clock.
        await expireDue(deps, actor.workspaceId);
        return listProposals(db, { ...filter, workspaceId: actor.workspaceId });
      },
      async show(actor, id) {
        const proposal = await findProposal(db, id);
        if (!proposal) throw notFound(`proposal ${id} does not exist`);
        ensureAllowed(actor, "proposals.view", proposal.workspaceId);
        return { proposal, history: await listAudit(db, { subjectType: "proposal", subjectId: id }) };
      },
      approve: (actor, id, comment) => approveProposal(deps, actor, id, comment ?? null),
      approveMany: (actor, ids, comment) => batchApprove(deps, actor, ids, comment ?? null),
      reject: (actor, id, comment) => rejectProposal(deps, actor, id, comment),
      revise: (actor, id, change, reason) => reviseProposal(deps, actor, id, change, reason),
      expireDue: () => expireDue(deps),
    },
    overrides: {
      add: (actor, input) => addOverride(deps, actor, input),
      async list(actor, filter = {}) {
        ensureAllowed(actor, "overrides.view", actor.workspaceId);
        return listOverrides(db, { ...filter, workspaceId: actor.workspaceId });
      },
      end: (actor, id, reason) => endOverride(deps, actor, id, reason),
      recordImpact: (input) => recordOverrideImpact(db, input, deps.clock()),
      async impactReport(actor, accountId) {
        ensureAllowed(actor, "overrides.view", actor.workspaceId);
        return overrideImpactReport(db, { workspaceId: actor.workspaceId, accountId });
      },
    },
    hints: {
      add: (actor, input) => addDomainHint(deps, actor, input),
      end: (actor, id) => endDomainHint(deps, actor, id),
      list: (filter) => listDomainHints(db, filter),
    },
    rollback: {
      proposal: (actor, id) => rollbackProposal(deps, actor, id),
      cycle: (actor, accountId, cycleId) => rollbackCycle(deps, actor, accountId, cycleId),
      to: (actor, accountId, since) => rollbackSince(deps, actor, accountId, since),
    },
    audit: {
      async verify(actor) {
        ensureAllowed(actor, "audit.verify", actor.workspaceId);
        return verifyAuditLog(db);
      },
      async list(actor, query = {}) {
        ensureAllowed(actor, "audit.view", actor.workspaceId);
        return (await listAudit(db, query)).filter((e) => e.workspaceId === actor.workspaceId);
      },
    },
    setMode: (actor, accountId, mode, justification) => setMode(deps, actor, accountId, mode, justification),
    executor: (more, options) => createExecutor({ ...deps, ...more }, options),
  };
}
