import { evaluatePacing } from "./pacing.js";
import type { ChangeContext, GuardrailLimits, GuardrailRule } from "./types.js";
import { HOUR_MS, windowBase } from "./windows.js";

/**
 * A rule's verdict on a numeric change: the new value must lie in [lo, hi] (integers, minor units).
 * Hard limits never force a move: a value already outside one may stay or move toward it.
 */
export interface Bound {
  rule: GuardrailRule;
  lo: number;
  hi: number;
  limit?: number;
  describe: string;
}

/** |new - base| <= fraction x base, rounded inward so the integer interval is never looser. */
function relative(rule: GuardrailRule, base: number, fraction: number, describe: string): Bound {
  return {
    rule,
    lo: Math.ceil(base * (1 - fraction)),
    hi: Math.floor(base * (1 + fraction)),
    limit: fraction,
    describe: `${describe}: at most ${fraction * 100}% from ${base}`,
  };
}

/** Relative caps shared by budgets and bids: per change, per day, and the two velocity windows. */
export function relativeBounds(
  kind: "daily_budget" | "bid",
  current: number,
  ctx: ChangeContext,
  limits: GuardrailLimits,
): Bound[] {
  const base = (hours: number) =>
    windowBase(ctx.history, ctx.entityId, kind, ctx.now, hours * HOUR_MS, current);
  return [
    relative(
      "per_change_cap",
      current,
      limits.maxChangePerProposal,
      "per-change cap (guardrails.maxChangePerProposal)",
    ),
    relative(
      "daily_cap",
      base(24),
      limits.maxChangePerDay,
      "daily cap over 24 h (guardrails.maxChangePerDay)",
    ),
    relative("velocity_6h", base(6), limits.velocity6h, "velocity over 6 h (guardrails.velocity6h)"),
    relative("velocity_24h", base(24), limits.velocity24h, "velocity over 24 h (guardrails.velocity24h)"),
  ];
}

const NO_UPPER = Number.MAX_SAFE_INTEGER;

function noIncrease(rule: GuardrailRule, current: number, describe: string, limit?: number): Bound {
  return { rule, lo: 0, hi: current, describe, ...(limit === undefined ? {} : { limit }) };
}

/** Rules that only concern daily budgets: CAC, history, min/max, account total, pacing. */
export function budgetBounds(current: number, ctx: ChangeContext, limits: GuardrailLimits): Bound[] {
  const bounds: Bound[] = [];
  if (
    limits.targetCacMinor !== null &&
    ctx.cacLowerBoundMinor !== null &&
    ctx.cacLowerBoundMinor > limits.targetCacMinor
  ) {
    bounds.push(
      noIncrease(
        "cac_guardrail",
        current,
        `no increase: the CAC lower bound ${ctx.cacLowerBoundMinor} is over the target ${limits.targetCacMinor} (targetCac)`,
        limits.targetCacMinor,
      ),
    );
  }
  if (ctx.averageDailySpendMinor !== null) {
    const cap = Math.floor(limits.historicalSpendCapMultiple * ctx.averageDailySpendMinor);
    bounds.push({
      rule: "historical_spend_cap",
      lo: 0,
      hi: Math.max(current, cap),
      limit: cap,
      describe: `at most ${limits.historicalSpendCapMultiple} x the average daily spend ${ctx.averageDailySpendMinor} (guardrails.historicalSpendCapMultiple, guardrails.historicalWindowDays)`,
    });
  }
  bounds.push({
    rule: "min_budget",
    lo: Math.min(current, limits.minDailyBudgetMinor),
    hi: NO_UPPER,
    limit: limits.minDailyBudgetMinor,
    describe: `at least ${limits.minDailyBudgetMinor} (guardrails.minDailyBudget)`,
  });
  if (limits.maxDailyBudgetMinor !== null) {
    bounds.push({
      rule: "max_budget",
      lo: 0,
      hi: Math.max(current, limits.maxDailyBudgetMinor),
      limit: limits.maxDailyBudgetMinor,
      describe: `at most ${limits.maxDailyBudgetMinor} (guardrails.maxDailyBudget)`,
    });
  }
  if (limits.accountDailyBudgetMinor !== null && ctx.currentStatus === "active") {
    const room = limits.accountDailyBudgetMinor - ctx.otherActiveBudgetsMinor;
    bounds.push({
      rule: "account_total_budget",
      lo: 0,
      hi: Math.max(current, room),
      limit: limits.accountDailyBudgetMinor,
      describe: `the account's active budgets may total at most ${limits.accountDailyBudgetMinor} (guardrails.accountDailyBudget); others use ${ctx.otherActiveBudgetsMinor}`,
    });
  }
  if (ctx.pacing !== null) {
    const verdict = evaluatePacing(ctx.pacing, current, limits);
    if (verdict.ladder.level === "stop") {
      bounds.push(
        noIncrease(
          "spend_stop",
          current,
          `no increase: spend today is ${Math.round(verdict.ladder.fraction * 100)}% of the budget (stop at ${limits.spendStopFraction * 100}%, guardrails.spendStopFraction)`,
          limits.spendStopFraction,
        ),
      );
    } else if (verdict.hourlyCapExceeded) {
      bounds.push(
        noIncrease(
          "hourly_pacing",
          current,
          `no increase: this hour spent ${ctx.pacing.spendThisHourMinor}, over ${limits.maxHourlyShareOfDailyBudget * 100}% of the daily budget (guardrails.maxHourlyShareOfDailyBudget)`,
          limits.maxHourlyShareOfDailyBudget,
        ),
      );
    }
  }
  return bounds;
}

/** Bids must stay positive. */
export function bidBounds(current: number): Bound[] {
  return [
    { rule: "min_bid", lo: Math.min(current, 1), hi: NO_UPPER, limit: 1, describe: "a bid must be positive" },
  ];
}
