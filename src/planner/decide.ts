/**
 * Per-arm decision each cycle: OBSERVE, KILL, SCALE or MAINTAIN, with a confidence (a posterior
 * probability), a short reason, a paragraph of explanation, the numbers behind it and the list of
 * factors that drove it.
 *
 * Rules (seed 003; defaults in decision-config.ts):
 * 1. Ignorance zone: younger than 2 days AND under 100 of spend → OBSERVE (the reference code's AND;
 *    its memo's OR would observe almost every new ad for two full days regardless of spend).
 * 2. ROAS (pipeline ROAS in pipeline mode, revenue ROAS in direct mode) below 0.5 with
 *    P(ROAS < 0.5) ≥ 70% → KILL — but never before 200 of spend (then OBSERVE).
 * 3. ROAS above 3.0 with P(ROAS > 3.0) ≥ 70% → SCALE, unless fatigue is high or critical
 *    (then MAINTAIN: do not pour money into a tired creative).
 * 4. Otherwise MAINTAIN.
 * When the caller passes `maturedSpendMinor` (lag-corrected exposure), ROAS is value / matured spend.
 * With no value signal at all (no events and no configured value per event) the arm is OBSERVEd
 * rather than judged on an invented revenue per conversion.
 */
import { blendedScore } from "../models/signals/blending.js";
import { assessFatigue, type FatigueAssessment } from "../models/signals/fatigue.js";
import { type ArmSnapshot, validateSnapshot } from "./arm-snapshot.js";
import { type DecisionConfig, decisionConfig } from "./decision-config.js";
import { explain } from "./explain.js";
import { probabilityRoasBelow, type RoasPosterior, roasMean, roasPosterior } from "./roas-posterior.js";

export type Action = "OBSERVE" | "KILL" | "SCALE" | "MAINTAIN";

export type FactorEffect =
  | "towards-observe"
  | "towards-kill"
  | "towards-scale"
  | "towards-maintain"
  | "context";

export interface Factor {
  readonly name:
    | "ignorance-zone"
    | "min-spend-before-kill"
    | "roas"
    | "probability-below-kill"
    | "probability-above-scale"
    | "fatigue"
    | "blended-score"
    | "no-value-signal";
  readonly value: number | boolean | string;
  readonly threshold?: number;
  readonly effect: FactorEffect;
  readonly detail: string;
}

export interface DecisionNumbers {
  readonly currency: string;
  readonly ageHours: number;
  readonly spendMinor: number;
  readonly valueMinor: number;
  readonly events: number;
  readonly roas: number;
  readonly roasPosteriorMean: number | null;
  readonly probabilityBelowKill: number | null;
  readonly probabilityAboveScale: number | null;
  readonly ctr: number;
  readonly ctrWeight: number;
  readonly blendedScore: number;
  readonly fatigueDecay: number;
}

export interface Decision {
  readonly armId: string;
  readonly action: Action;
  /** Posterior probability supporting the action (for OBSERVE/MAINTAIN: P(ROAS in the maintain band)). */
  readonly confidence: number;
  readonly reason: string;
  readonly explanation: string;
  readonly numbers: DecisionNumbers;
  readonly factors: readonly Factor[];
  readonly fatigue: FatigueAssessment;
  /** Posterior used, for the allocation step (null when there is no value signal). */
  readonly posterior: RoasPosterior | null;
}

export function decideArm(
  arm: ArmSnapshot,
  configIn: Partial<DecisionConfig> | DecisionConfig = {},
): Decision {
  const config = decisionConfig(configIn);
  validateSnapshot(arm);
  const major = config.minorPerMajor;
  const pipeline = config.mode === "pipeline";
  const valueMinor = pipeline ? (arm.pipelineValueMinor ?? 0) : arm.revenueMinor;
  const events = pipeline ? (arm.pipelineDeals ?? 0) : arm.conversions;
  const exposureMinor = arm.maturedSpendMinor ?? arm.spendMinor;
  const roas = exposureMinor > 0 ? valueMinor / exposureMinor : 0;
  const ctr = arm.impressions > 0 ? arm.clicks / arm.impressions : 0;
  const fatigue = assessFatigue(arm.fatigue ?? {});
  const blend = blendedScore(
    { ageHours: arm.ageHours, ctr, roas },
    { curve: config.blendCurve, roasTarget: config.scaleRoas },
  );
  const valuePerEvent =
    events > 0 && valueMinor > 0
      ? valueMinor / events
      : (arm.valuePerEventMinor ?? config.valuePerEventMinor);
  const posterior = valuePerEvent
    ? roasPosterior(events, arm.spendMinor, valuePerEvent, config.priorRoas)
    : null;
  const pBelowKill = posterior ? probabilityRoasBelow(posterior, config.killRoas) : null;
  const pAboveScale = posterior ? 1 - probabilityRoasBelow(posterior, config.scaleRoas) : null;
  const pMaintain =
    pBelowKill !== null && pAboveScale !== null ? Math.max(0, 1 - pBelowKill - pAboveScale) : null;

  const factors: Factor[] = [];
  const ageDays = arm.ageHours / 24;
  const spendMajor = arm.spendMinor / major;
  const inIgnorance = ageDays < config.ignoranceDays && spendMajor < config.ignoranceSpend;
  factors.push({
    name: "ignorance-zone",
    value: inIgnorance,
    effect: inIgnorance ? "towards-observe" : "context",
    detail: `${ageDays.toFixed(1)} days old and ${spendMajor.toFixed(2)} ${arm.currency} spent; the zone holds while younger than ${config.ignoranceDays} days and under ${config.ignoranceSpend} ${arm.currency}`,
  });
  factors.push({
    name: "roas",
    value: roas,
    threshold: roas < config.killRoas ? config.killRoas : config.scaleRoas,
    effect:
      roas < config.killRoas
        ? "towards-kill"
        : roas > config.scaleRoas
          ? "towards-scale"
          : "towards-maintain",
    detail: `${pipeline ? "pipeline" : "revenue"} ROAS ${roas.toFixed(2)} (kill below ${config.killRoas}, scale above ${config.scaleRoas})`,
  });
  if (pBelowKill !== null) {
    factors.push({
      name: "probability-below-kill",
      value: pBelowKill,
      threshold: config.confidenceThreshold,
      effect: pBelowKill >= config.confidenceThreshold ? "towards-kill" : "context",
      detail: `${pct(pBelowKill)} chance that the true ROAS is below ${config.killRoas}`,
    });
    factors.push({
      name: "probability-above-scale",
      value: pAboveScale!,
      threshold: config.confidenceThreshold,
      effect: pAboveScale! >= config.confidenceThreshold ? "towards-scale" : "context",
      detail: `${pct(pAboveScale!)} chance that the true ROAS is above ${config.scaleRoas}`,
    });
  } else {
    factors.push({
      name: "no-value-signal",
      value: true,
      effect: "towards-observe",
      detail: "no conversions or pipeline value yet, and no expected value per conversion is configured",
    });
  }
  if (fatigue.severity !== "none") {
    factors.push({
      name: "fatigue",
      value: fatigue.severity,
      effect: fatigue.severity === "high" || fatigue.severity === "critical" ? "towards-maintain" : "context",
      detail: `${fatigue.signals.map((s) => s.message).join("; ")} (score × ${fatigue.decayFactor})`,
    });
  }
  factors.push({
    name: "blended-score",
    value: blend.score,
    effect: "context",
    detail: `score ${blend.score.toFixed(2)} = ${pct(blend.ctrWeight)} click-through signal + ${pct(1 - blend.ctrWeight)} ROAS signal at ${arm.ageHours.toFixed(0)} h`,
  });

  let action: Action;
  let confidence: number;
  let reason: string;
  if (inIgnorance) {
    action = "OBSERVE";
    confidence = pMaintain ?? 0;
    reason = "Too early to judge: still in the learning period";
  } else if (posterior === null) {
    action = "OBSERVE";
    confidence = 0;
    reason = "No value signal yet";
  } else if (roas < config.killRoas && pBelowKill! >= config.confidenceThreshold) {
    if (spendMajor < config.minSpendToKill) {
      action = "OBSERVE";
      confidence = pBelowKill!;
      reason = `Weak ROAS, but under the ${config.minSpendToKill} ${arm.currency} minimum before a kill`;
      factors.push({
        name: "min-spend-before-kill",
        value: spendMajor,
        threshold: config.minSpendToKill,
        effect: "towards-observe",
        detail: `spent ${spendMajor.toFixed(2)} of the ${config.minSpendToKill} ${arm.currency} required before a kill`,
      });
    } else {
      action = "KILL";
      confidence = pBelowKill!;
      reason = `ROAS ${roas.toFixed(2)} is below ${config.killRoas} with ${pct(pBelowKill!)} confidence`;
    }
  } else if (roas > config.scaleRoas && pAboveScale! >= config.confidenceThreshold) {
    if (fatigue.severity === "high" || fatigue.severity === "critical") {
      action = "MAINTAIN";
      confidence = pAboveScale!;
      reason = `Strong ROAS, but ${fatigue.severity} creative fatigue: not scaling a tiring ad`;
    } else {
      action = "SCALE";
      confidence = pAboveScale!;
      reason = `ROAS ${roas.toFixed(2)} is above ${config.scaleRoas} with ${pct(pAboveScale!)} confidence`;
    }
  } else {
    action = "MAINTAIN";
    confidence = pMaintain!;
    reason =
      roas < config.killRoas || roas > config.scaleRoas
        ? `ROAS ${roas.toFixed(2)} is outside the band but not yet with ${pct(config.confidenceThreshold)} confidence`
        : `ROAS ${roas.toFixed(2)} is between ${config.killRoas} and ${config.scaleRoas}`;
  }

  const numbers: DecisionNumbers = {
    currency: arm.currency,
    ageHours: arm.ageHours,
    spendMinor: arm.spendMinor,
    valueMinor,
    events,
    roas,
    roasPosteriorMean: posterior ? roasMean(posterior) : null,
    probabilityBelowKill: pBelowKill,
    probabilityAboveScale: pAboveScale,
    ctr,
    ctrWeight: blend.ctrWeight,
    blendedScore: blend.score,
    fatigueDecay: fatigue.decayFactor,
  };
  return {
    armId: arm.id,
    action,
    confidence,
    reason,
    explanation: explain(arm, action, numbers, config, fatigue),
    numbers,
    factors,
    fatigue,
    posterior,
  };
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
