import type { GuardrailLimits, PacingState } from "./types.js";

export type SpendLevel = "ok" | "warn" | "stop";

export interface SpendLadder {
  level: SpendLevel;
  /** Spend today as a fraction of the daily budget. */
  fraction: number;
  /** The highest threshold crossed (0.8, 0.95, 1.0 by default), null when none. */
  crossed: number | null;
}

/**
 * GAELP's spend-limit ladder: warnings at 80 % and 95 % of the daily budget, a stop at 100 %.
 * A zero budget with any spend is a stop.
 */
export function spendLadder(
  spendTodayMinor: number,
  dailyBudgetMinor: number,
  limits: Pick<GuardrailLimits, "spendWarnFractions" | "spendStopFraction">,
): SpendLadder {
  const fraction =
    dailyBudgetMinor > 0 ? spendTodayMinor / dailyBudgetMinor : spendTodayMinor > 0 ? Infinity : 0;
  if (fraction >= limits.spendStopFraction) {
    return { level: "stop", fraction, crossed: limits.spendStopFraction };
  }
  const warned = limits.spendWarnFractions.filter((w) => fraction >= w);
  return warned.length > 0
    ? { level: "warn", fraction, crossed: Math.max(...warned) }
    : { level: "ok", fraction, crossed: null };
}

/** GAELP pacer: no single hour may spend more than this share of the daily budget (default 15 %). */
export function hourlySpendCapMinor(
  dailyBudgetMinor: number,
  limits: Pick<GuardrailLimits, "maxHourlyShareOfDailyBudget">,
): number {
  return Math.floor(dailyBudgetMinor * limits.maxHourlyShareOfDailyBudget);
}

export interface PacingVerdict {
  ladder: SpendLadder;
  hourlyCapMinor: number;
  hourlyCapExceeded: boolean;
  /** True when the entity must not get more budget now (stop level or hour over its share). */
  blockIncrease: boolean;
}

export function evaluatePacing(
  state: PacingState,
  dailyBudgetMinor: number,
  limits: GuardrailLimits,
): PacingVerdict {
  const ladder = spendLadder(state.spendTodayMinor, dailyBudgetMinor, limits);
  const hourlyCapMinor = hourlySpendCapMinor(dailyBudgetMinor, limits);
  const hourlyCapExceeded = state.spendThisHourMinor > hourlyCapMinor;
  return {
    ladder,
    hourlyCapMinor,
    hourlyCapExceeded,
    blockIncrease: ladder.level === "stop" || hourlyCapExceeded,
  };
}
