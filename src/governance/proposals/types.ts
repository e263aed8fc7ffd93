import type { Mode } from "../../domain/account-config.js";
import type { EntityLevel } from "../../domain/entities.js";
import type { GuardrailReason } from "../guardrails/types.js";
import type { ProposalKind } from "../policy/approval-policy.js";
import type { ProposalStatus } from "./status.js";

/** The value a proposal sets: one of these shapes, matching `kind`. */
export type ProposalValue =
  | { dailyBudgetMinor: number }
  | { bidMinor: number }
  | { status: "active" | "paused" }
  | Record<string, unknown>;

export type ProposalOrigin = "optimizer" | "analyst" | "override" | "rollback";

/** One explanation factor from the planner ("posterior mean ROAS 3.1", "MMM marginal CAC 42"). */
export type ExplanationFactor = Record<string, unknown>;

/** Signals the guardrails need that only the models know, given when a proposal is made. */
export interface GuardrailSignals {
  cacLowerBoundMinor?: number | null;
  averageDailySpendMinor?: number | null;
  pacing?: { spendTodayMinor: number; spendThisHourMinor: number } | null;
}

export interface Proposal {
  id: number;
  workspaceId: string;
  accountId: string;
  entityLevel: EntityLevel;
  entityId: string;
  campaignId: string;
  kind: ProposalKind;
  currency: string;
  before: ProposalValue;
  after: ProposalValue;
  requested: ProposalValue;
  guardrailReasons: GuardrailReason[];
  guardrailInputs: GuardrailSignals;
  reason: string;
  factors: ExplanationFactor[];
  modelVersions: Record<string, string>;
  mode: Mode;
  origin: ProposalOrigin;
  cycleId: string | null;
  overrideId: number | null;
  rollsBack: number[];
  createdBy: string;
  createdAt: Date;
  idempotencyKey: string;
  revision: number;
  contentHash: string;
  requiresApproval: boolean;
  approvalReasons: string[];
  status: ProposalStatus;
  statusChangedAt: Date;
  statusChangedBy: string;
  statusComment: string | null;
  expiresAt: Date;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  appliedAt: Date | null;
}
