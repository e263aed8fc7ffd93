/** Governance: proposals, guardrails, approvals, execution, rollback, overrides and audit. See README.md. */
export { POLICY_ACTOR, SYSTEM_USER, systemActor } from "./actors.js";
export { createGovernance, type Governance } from "./api.js";
export {
  type AuditInput,
  type AuditQuery,
  appendAudit,
  listAudit,
  verifyAuditLog,
} from "./audit/audit-log.js";
export { canonicalJson } from "./audit/canonical-json.js";
export {
  type ChainedAuditRecord,
  type ChainVerification,
  GENESIS_HASH,
  verifyChain,
} from "./audit/hash-chain.js";
export { ACTIONS, type Action, type Actor, authorize, ROLES, type Role } from "./auth/authorize.js";
export type { ExecutorDeps, GovernanceDeps } from "./deps.js";
export { GovernanceError, type GovernanceErrorCode } from "./errors.js";
export type {
  ExecutionOutcome,
  ExecutionResult,
  Executor,
  ExecutorHooks,
  ExecutorOptions,
} from "./executor/executor.js";
export { createExecutor } from "./executor/executor.js";
export * from "./guardrails/index.js";
export type { AddDomainHintInput, DomainHint } from "./overrides/domain-hints.js";
export type { AnalystImpactRow, OverrideImpactInput, OverrideImpactRow } from "./overrides/impact.js";
export type { Override, OverrideKind } from "./overrides/lookup.js";
export type { AddOverrideInput, AddOverrideResult, OverrideFilter } from "./overrides/overrides.js";
export {
  admitCanary,
  approvalRequirement,
  modeAllowsApply,
  type ProposalKind,
} from "./policy/approval-policy.js";
export type { BatchEntry, ProposalChange, ProposeInput } from "./proposals/create.js";
export type { ProposalFilter } from "./proposals/repository.js";
export { PROPOSAL_STATUSES, type ProposalStatus } from "./proposals/status.js";
export type {
  ExplanationFactor,
  GuardrailSignals,
  Proposal,
  ProposalOrigin,
  ProposalValue,
} from "./proposals/types.js";
export type { RollbackResult } from "./rollback/rollback.js";
