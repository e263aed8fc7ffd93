/** What the planner knows about one arm at decision time. Money in integer minor units. */
import type { FatigueInput } from "../models/signals/fatigue.js";

export interface ArmSnapshot {
  readonly id: string;
  readonly name?: string;
  readonly currency: string;
  readonly ageHours: number;
  readonly spendMinor: number;
  readonly impressions: number;
  readonly clicks: number;
  /** Conversions (direct mode) — lag-corrected if the caller corrected them. */
  readonly conversions: number;
  /** Revenue attributed to the arm (direct mode). */
  readonly revenueMinor: number;
  /** Synthetic pipeline value and the number of deals behind it (pipeline mode). */
  readonly pipelineValueMinor?: number;
  readonly pipelineDeals?: number;
  /** Current daily budget, for the allocation's CAC rule and change reporting. */
  readonly currentBudgetMinor?: number;
  readonly fatigue?: FatigueInput;
  /**
   * Spend weighted by the share of its conversions that has had time to arrive
   * (models/bandits/delayed-feedback.ts `maturedExposure`); when given, ROAS and its posterior use it
   * instead of the raw spend, so a young arm is not under-rated for conversions still to come.
   */
  readonly maturedSpendMinor?: number;
  /** Arm-specific expected value per conversion, overriding the account's. */
  readonly valuePerEventMinor?: number;
}

export function validateSnapshot(a: ArmSnapshot): ArmSnapshot {
  const where = `arm "${a.id}"`;
  for (const k of [
    "ageHours",
    "spendMinor",
    "impressions",
    "clicks",
    "conversions",
    "revenueMinor",
  ] as const) {
    const v = a[k];
    if (!(v >= 0) || !Number.isFinite(v))
      throw new Error(`${where}: ${k} must be a finite number >= 0, got ${v}`);
  }
  if (!Number.isSafeInteger(a.spendMinor))
    throw new Error(`${where}: spendMinor must be an integer of minor units, got ${a.spendMinor}`);
  if (
    a.maturedSpendMinor !== undefined &&
    !(a.maturedSpendMinor >= 0 && a.maturedSpendMinor <= a.spendMinor)
  ) {
    throw new Error(
      `${where}: maturedSpendMinor must be between 0 and spendMinor (${a.spendMinor}), got ${a.maturedSpendMinor}`,
    );
  }
  if (a.clicks > a.impressions)
    throw new Error(`${where}: clicks (${a.clicks}) cannot exceed impressions (${a.impressions})`);
  return a;
}
