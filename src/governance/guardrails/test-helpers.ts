import { type AccountConfig, accountConfigSchema } from "../../domain/account-config.js";
import { resolveGuardrailLimits } from "./limits.js";
import type { AppliedChange, ChangeContext, GuardrailLimits } from "./types.js";

/** Limits from the seed defaults (USD), with optional config overrides. Test helper. */
export function limitsFor(
  overrides: Partial<AccountConfig["guardrails"]> = {},
  top: Partial<AccountConfig> = {},
): GuardrailLimits {
  return resolveGuardrailLimits(accountConfigSchema.parse({ ...top, guardrails: overrides }), "USD");
}

export const T0 = new Date("2026-03-02T12:00:00Z");

export function ctxFor(partial: Partial<ChangeContext> = {}): ChangeContext {
  return {
    now: T0,
    entityId: "c1",
    campaignId: "c1",
    currentStatus: "active",
    currentBudgetMinor: 10_000,
    currentBidMinor: 200,
    history: [],
    averageDailySpendMinor: null,
    cacLowerBoundMinor: null,
    otherActiveBudgetsMinor: 0,
    pacing: null,
    usagePressure: null,
    ...partial,
  };
}

export function budgetChange(
  at: Date,
  before: number,
  after: number,
  entityId = "c1",
  campaignId = entityId,
): AppliedChange {
  return { entityId, campaignId, at, kind: "daily_budget", before, after };
}

export const hoursBefore = (h: number, from: Date = T0) => new Date(from.getTime() - h * 3_600_000);
