import type { EntityStatus } from "../../domain/entities.js";

/** Which rule clipped, rejected or deferred a change. Stable strings: they are stored with proposals. */
export type GuardrailRule =
  | "invalid_input"
  | "budget_fuzz"
  | "per_change_cap"
  | "daily_cap"
  | "velocity_6h"
  | "velocity_24h"
  | "cac_guardrail"
  | "historical_spend_cap"
  | "min_budget"
  | "min_bid"
  | "max_budget"
  | "account_total_budget"
  | "hourly_pacing"
  | "spend_stop"
  | "campaign_rate_limit"
  | "account_rate_limit"
  | "usage_backoff"
  | "no_change";

/** One clip (from -> to, bounded by `limit`) or one reason for a rejection or deferral. */
export interface GuardrailReason {
  rule: GuardrailRule;
  message: string;
  from?: number;
  to?: number;
  limit?: number;
}

/** A change that already happened to one entity (from the applied-changes log). */
export interface AppliedChange {
  entityId: string;
  campaignId: string;
  at: Date;
  kind: "daily_budget" | "status" | "bid";
  /** Numeric value before/after for budget and bid changes (minor units); null for status changes. */
  before: number | null;
  after: number | null;
}

/** Guardrail limits resolved into minor units of the account currency. */
export interface GuardrailLimits {
  maxChangePerProposal: number;
  maxChangePerDay: number;
  velocity6h: number;
  velocity24h: number;
  historicalSpendCapMultiple: number;
  minDailyBudgetMinor: number;
  maxDailyBudgetMinor: number | null;
  accountDailyBudgetMinor: number | null;
  changesPerCampaignPerHour: number;
  changesPerAccountPerDay: number;
  jitterSecondsMin: number;
  jitterSecondsMax: number;
  maxHourlyShareOfDailyBudget: number;
  spendWarnFractions: number[];
  spendStopFraction: number;
  fuzz: { enabled: boolean; fraction: number };
  /** Target CAC in minor units, null when the account has none. */
  targetCacMinor: number | null;
}

/** Today's spend of the entity, for the pacing rules. */
export interface PacingState {
  spendTodayMinor: number;
  spendThisHourMinor: number;
}

/** Everything the rules need about one proposed change, all read by the caller beforehand. */
export interface ChangeContext {
  now: Date;
  entityId: string;
  campaignId: string;
  /** The entity's current state. */
  currentStatus: EntityStatus;
  currentBudgetMinor: number | null;
  currentBidMinor: number | null;
  /** Applied changes of the whole account (the rules filter what they need), any order. */
  history: readonly AppliedChange[];
  /** Average daily spend over the configured window; null when unknown (no history yet). */
  averageDailySpendMinor: number | null;
  /** Lower bound of the arm's CAC (minor units), null when unknown. */
  cacLowerBoundMinor: number | null;
  /** Sum of the daily budgets of the account's other active entities (minor units). */
  otherActiveBudgetsMinor: number;
  pacing: PacingState | null;
  /** The platform's own usage signal, 0-1 (ConnectorHealth.rateLimitPressure), null if unknown. */
  usagePressure: number | null;
}

export type RequestedChange =
  | { kind: "daily_budget"; dailyBudgetMinor: number }
  | { kind: "bid"; bidMinor: number }
  | { kind: "status"; status: "active" | "paused" };

export type GuardrailDecision =
  | {
      outcome: "allow";
      change: RequestedChange;
      /** The value asked for (after fuzz, before caps) — for the explanation. */
      requested: RequestedChange;
      clipped: boolean;
      reasons: GuardrailReason[];
      warnings: string[];
    }
  | { outcome: "reject"; reasons: GuardrailReason[]; warnings: string[] }
  | { outcome: "defer"; retryAt: Date; reasons: GuardrailReason[]; warnings: string[] };

export class GuardrailInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuardrailInputError";
  }
}
