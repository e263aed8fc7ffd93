/** Guardrails: pure functions that clip, reject or defer a proposed change. See ../SAFETY.md. */
export { type CheckOptions, checkChange } from "./check-change.js";
export { fuzzBudget } from "./fuzz.js";
export { resolveGuardrailLimits } from "./limits.js";
export {
  evaluatePacing,
  hourlySpendCapMinor,
  type PacingVerdict,
  type SpendLadder,
  type SpendLevel,
  spendLadder,
} from "./pacing.js";
export {
  checkRateLimits,
  checkUsageBackoff,
  type Deferral,
  mutationWaitMs,
  USAGE_BACKOFF_STEPS,
} from "./rate-limits.js";
export * from "./types.js";
export { HOUR_MS, inWindow, windowBase } from "./windows.js";
