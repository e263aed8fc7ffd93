/**
 * Creative fatigue (seed 003 `FatigueDetector`, thresholds from the reference memo):
 *   1. frequency (impressions per reached person): 3 low, 5 medium, 8 high, 12 critical;
 *   2. CTR decline versus the ad's baseline: ≥ 20% warning (medium), ≥ 40% critical;
 *   3. CPM increase versus baseline: ≥ 30% warning (medium), ≥ 50% critical;
 *   4. impression decay: week-over-week impression growth under +10% at unchanged budget is
 *      low (the reference's "fatiguing"), a fall of 30% or more is high.
 * The worst rule sets the severity, the recommendation and the decay factor that multiplies the
 * arm's score (critical → pause or refresh, as the reference's remediation does; medium → the
 * reference's budget × 0.8).
 */

export type FatigueSeverity = "none" | "low" | "medium" | "high" | "critical";
const ORDER: readonly FatigueSeverity[] = ["none", "low", "medium", "high", "critical"];

export const FREQUENCY_THRESHOLDS = { low: 3, medium: 5, high: 8, critical: 12 } as const;
export const CTR_DECLINE = { warning: 0.2, critical: 0.4 } as const;
export const CPM_INCREASE = { warning: 0.3, critical: 0.5 } as const;
export const IMPRESSION_GROWTH = { low: 0.1, highDecline: -0.3 } as const;
export const DECAY_FACTOR: Readonly<Record<FatigueSeverity, number>> = {
  none: 1,
  low: 0.95,
  medium: 0.8,
  high: 0.6,
  critical: 0.3,
};

export interface FatigueInput {
  readonly frequency?: number;
  readonly ctr?: number;
  readonly baselineCtr?: number;
  readonly cpm?: number;
  readonly baselineCpm?: number;
  readonly impressionsThisWeek?: number;
  readonly impressionsLastWeek?: number;
}

export interface FatigueSignal {
  readonly rule: "frequency" | "ctr-decline" | "cpm-increase" | "impression-decay";
  readonly severity: FatigueSeverity;
  readonly value: number;
  readonly message: string;
}

export interface FatigueAssessment {
  readonly severity: FatigueSeverity;
  readonly decayFactor: number;
  readonly recommendation: string;
  readonly signals: readonly FatigueSignal[];
}

/** Thresholds are inclusive; the tolerance absorbs rounding in ratios like 1 − 0.008/0.01. */
const EPS = 1e-9;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function assessFatigue(input: FatigueInput): FatigueAssessment {
  const signals: FatigueSignal[] = [];
  const f = input.frequency;
  if (f !== undefined && f + EPS >= FREQUENCY_THRESHOLDS.low) {
    const severity: FatigueSeverity =
      f >= FREQUENCY_THRESHOLDS.critical
        ? "critical"
        : f >= FREQUENCY_THRESHOLDS.high
          ? "high"
          : f >= FREQUENCY_THRESHOLDS.medium
            ? "medium"
            : "low";
    signals.push({
      rule: "frequency",
      severity,
      value: f,
      message: `people have seen this ad ${f.toFixed(1)} times on average`,
    });
  }
  if (input.ctr !== undefined && input.baselineCtr !== undefined && input.baselineCtr > 0) {
    const decline = 1 - input.ctr / input.baselineCtr + EPS;
    if (decline >= CTR_DECLINE.warning) {
      const severity: FatigueSeverity = decline >= CTR_DECLINE.critical ? "critical" : "medium";
      signals.push({
        rule: "ctr-decline",
        severity,
        value: decline,
        message: `click-through rate is down ${pct(decline)} from its baseline`,
      });
    }
  }
  if (input.cpm !== undefined && input.baselineCpm !== undefined && input.baselineCpm > 0) {
    const rise = input.cpm / input.baselineCpm - 1 + EPS;
    if (rise >= CPM_INCREASE.warning) {
      const severity: FatigueSeverity = rise >= CPM_INCREASE.critical ? "critical" : "medium";
      signals.push({
        rule: "cpm-increase",
        severity,
        value: rise,
        message: `cost per thousand impressions is up ${pct(rise)}`,
      });
    }
  }
  if (
    input.impressionsThisWeek !== undefined &&
    input.impressionsLastWeek !== undefined &&
    input.impressionsLastWeek > 0
  ) {
    const growth = input.impressionsThisWeek / input.impressionsLastWeek - 1 - EPS;
    if (growth < IMPRESSION_GROWTH.low) {
      const severity: FatigueSeverity = growth <= IMPRESSION_GROWTH.highDecline ? "high" : "low";
      signals.push({
        rule: "impression-decay",
        severity,
        value: growth,
        message: `impressions changed ${pct(growth)} week over week`,
      });
    }
  }
  const severity = signals.reduce<FatigueSeverity>(
    (worst, s) => (ORDER.indexOf(s.severity) > ORDER.indexOf(worst) ? s.severity : worst),
    "none",
  );
  return { severity, decayFactor: DECAY_FACTOR[severity], recommendation: recommend(severity), signals };
}

function recommend(severity: FatigueSeverity): string {
  switch (severity) {
    case "none":
      return "Healthy: no action needed.";
    case "low":
      return "Early signs of fatigue: monitor closely and prepare a fresh creative.";
    case "medium":
      return "Fatigue warning: reduce budget by about 20% and rotate in a fresh creative.";
    case "high":
      return "Strong fatigue: shift budget away and replace the creative soon.";
    case "critical":
      return "Critical fatigue: pause or refresh the creative immediately.";
  }
}
