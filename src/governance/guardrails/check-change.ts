import type { Rng } from "../../models/random/index.js";
import { fuzzBudget } from "./fuzz.js";
import { evaluatePacing } from "./pacing.js";
import { checkRateLimits, checkUsageBackoff } from "./rate-limits.js";
import type {
  ChangeContext,
  GuardrailDecision,
  GuardrailLimits,
  GuardrailReason,
  RequestedChange,
} from "./types.js";
import { GuardrailInputError } from "./types.js";
import { type Bound, bidBounds, budgetBounds, relativeBounds } from "./value-rules.js";

export interface CheckOptions {
  /** false: skip rate limits and usage back-off (when a proposal is made; the executor checks them). */
  rateLimits?: boolean;
  /** false: skip per-change, daily and velocity caps (rollbacks restore a snapshot exactly). */
  relativeCaps?: boolean;
}

/**
 * Runs every guardrail on one requested change and returns the change that may be made (clipped, with
 * one reason per clip), a rejection, or a deferral until a rate limit frees up. Pure: all history and
 * state come in `ctx`; the optional fuzz draws from `rng`.
 *
 * Order: validate -> usage back-off and rate limits (defer) -> fuzz (opt-in) -> every cap as an interval;
 * the value is clamped into each interval in turn. Because the intervals are convex and checked for a
 * common point first, clamping in sequence ends inside all of them, so no clip can undo another.
 */
export function checkChange(
  requested: RequestedChange,
  ctx: ChangeContext,
  limits: GuardrailLimits,
  rng?: Rng,
  options: CheckOptions = {},
): GuardrailDecision {
  validate(requested, ctx);
  const warnings: string[] = [];
  const deferral =
    options.rateLimits === false
      ? null
      : (checkUsageBackoff(ctx.usagePressure, ctx.now) ??
        checkRateLimits(ctx.history, ctx.campaignId, ctx.now, limits));
  if (deferral) return { outcome: "defer", retryAt: deferral.retryAt, reasons: [deferral.reason], warnings };

  if (requested.kind === "status") return checkStatus(requested, ctx, limits, warnings);

  const isBudget = requested.kind === "daily_budget";
  const current = (isBudget ? ctx.currentBudgetMinor : ctx.currentBidMinor) as number;
  let value = isBudget ? requested.dailyBudgetMinor : requested.bidMinor;
  const reasons: GuardrailReason[] = [];

  if (isBudget && limits.fuzz.enabled) {
    if (!rng)
      throw new GuardrailInputError("guardrails.budgetFuzz is enabled but no random generator was given");
    const fuzzed = fuzzBudget(value, limits.fuzz.fraction, rng);
    reasons.push({
      rule: "budget_fuzz",
      message: `fuzzed by up to ±${limits.fuzz.fraction * 100}% before the caps (guardrails.budgetFuzz)`,
      from: value,
      to: fuzzed,
      limit: limits.fuzz.fraction,
    });
    value = fuzzed;
  }
  const asked = value;

  const bounds: Bound[] = [
    ...(options.relativeCaps === false ? [] : relativeBounds(requested.kind, current, ctx, limits)),
    ...(isBudget ? budgetBounds(current, ctx, limits) : bidBounds(current)),
  ];
  if (isBudget && ctx.pacing) {
    const ladder = evaluatePacing(ctx.pacing, current, limits).ladder;
    if (ladder.level === "warn")
      warnings.push(
        `spend today is ${Math.round(ladder.fraction * 100)}% of the daily budget (warning at ${(ladder.crossed ?? 0) * 100}%)`,
      );
  }

  const lo = bounds.reduce((a, b) => (b.lo > a.lo ? b : a));
  const hi = bounds.reduce((a, b) => (b.hi < a.hi ? b : a));
  if (lo.lo > hi.hi) {
    return {
      outcome: "reject",
      reasons: [
        ...reasons,
        {
          rule: lo.rule,
          message: `no value satisfies every guardrail: ${lo.describe} needs >= ${lo.lo}`,
          limit: lo.lo,
        },
        { rule: hi.rule, message: `...while ${hi.describe} needs <= ${hi.hi}`, limit: hi.hi },
      ],
      warnings,
    };
  }
  for (const bound of bounds) {
    const clamped = Math.min(bound.hi, Math.max(bound.lo, value));
    if (clamped !== value) {
      reasons.push({
        rule: bound.rule,
        message: `clipped by ${bound.describe}`,
        from: value,
        to: clamped,
        ...(bound.limit === undefined ? {} : { limit: bound.limit }),
      });
      value = clamped;
    }
  }
  if (value === current) {
    reasons.push({
      rule: "no_change",
      message: `after the guardrails the value stays at ${current}: nothing to apply`,
      from: asked,
      to: value,
    });
    return { outcome: "reject", reasons, warnings };
  }
  const change: RequestedChange = isBudget
    ? { kind: "daily_budget", dailyBudgetMinor: value }
    : { kind: "bid", bidMinor: value };
  const requestedAfterFuzz: RequestedChange = isBudget
    ? { kind: "daily_budget", dailyBudgetMinor: asked }
    : { kind: "bid", bidMinor: asked };
  return {
    outcome: "allow",
    change,
    requested: requestedAfterFuzz,
    clipped: value !== asked,
    reasons,
    warnings,
  };
}

/** Pausing is always allowed (it only lowers spend); enabling must fit the account's total budget. */
function checkStatus(
  requested: Extract<RequestedChange, { kind: "status" }>,
  ctx: ChangeContext,
  limits: GuardrailLimits,
  warnings: string[],
): GuardrailDecision {
  if (requested.status === ctx.currentStatus) {
    return {
      outcome: "reject",
      reasons: [{ rule: "no_change", message: `the entity is already ${ctx.currentStatus}` }],
      warnings,
    };
  }
  if (
    requested.status === "active" &&
    limits.accountDailyBudgetMinor !== null &&
    ctx.currentBudgetMinor !== null
  ) {
    const total = ctx.otherActiveBudgetsMinor + ctx.currentBudgetMinor;
    if (total > limits.accountDailyBudgetMinor) {
      return {
        outcome: "reject",
        reasons: [
          {
            rule: "account_total_budget",
            message: `enabling would bring the account's active budgets to ${total}, over ${limits.accountDailyBudgetMinor} (guardrails.accountDailyBudget)`,
            limit: limits.accountDailyBudgetMinor,
          },
        ],
        warnings,
      };
    }
  }
  return { outcome: "allow", change: requested, requested, clipped: false, reasons: [], warnings };
}

function validate(requested: RequestedChange, ctx: ChangeContext): void {
  const where = `entity ${ctx.entityId}`;
  const checkAmount = (name: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new GuardrailInputError(
        `${name} for ${where} must be a non-negative integer number of minor units, got ${v}`,
      );
    }
  };
  if (requested.kind === "daily_budget") {
    checkAmount("the requested daily budget", requested.dailyBudgetMinor);
    if (ctx.currentBudgetMinor === null)
      throw new GuardrailInputError(
        `${where} carries no daily budget; budget changes go to the entity that holds it`,
      );
    checkAmount("the current daily budget", ctx.currentBudgetMinor);
  } else if (requested.kind === "bid") {
    checkAmount("the requested bid", requested.bidMinor);
    if (ctx.currentBidMinor === null) throw new GuardrailInputError(`${where} has no bid to change`);
    checkAmount("the current bid", ctx.currentBidMinor);
  } else if (requested.status !== "active" && requested.status !== "paused") {
    throw new GuardrailInputError(
      `status for ${where} must be "active" or "paused", got "${String(requested.status)}"`,
    );
  }
  if (ctx.currentStatus === "removed")
    throw new GuardrailInputError(`${where} is removed and cannot be changed`);
}
