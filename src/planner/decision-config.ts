/**
 * Decision constants. Defaults are the reference values (seed 003, GEMINIVIDEO
 * `BattleHardenedSampler`), expressed in major units of the account currency.
 */
import type { BlendCurve } from "../models/signals/blending.js";

export interface DecisionConfig {
  /** "pipeline" judges synthetic pipeline ROAS (service businesses); "direct" judges revenue ROAS. */
  readonly mode: "pipeline" | "direct";
  /** Inside the ignorance zone only while BOTH hold: younger than this and spent less than below. */
  readonly ignoranceDays: number;
  readonly ignoranceSpend: number;
  /** Never kill before this much spend. */
  readonly minSpendToKill: number;
  readonly killRoas: number;
  readonly scaleRoas: number;
  /** Posterior probability needed to act (kill or scale). */
  readonly confidenceThreshold: number;
  /** Minor units per major unit (100 for EUR/USD, 1 for JPY, 1000 for KWD). */
  readonly minorPerMajor: number;
  /** Expected value of one conversion/deal in minor units, used before an arm has its own. */
  readonly valuePerEventMinor?: number;
  /** Prior ROAS for a new arm (e.g. the MMM's channel ROAS); weight of one pseudo-conversion. */
  readonly priorRoas: number;
  readonly blendCurve: BlendCurve;
}

export const DEFAULT_DECISION_CONFIG: DecisionConfig = {
  mode: "pipeline",
  ignoranceDays: 2,
  ignoranceSpend: 100,
  minSpendToKill: 200,
  killRoas: 0.5,
  scaleRoas: 3.0,
  confidenceThreshold: 0.7,
  minorPerMajor: 100,
  priorRoas: 1,
  blendCurve: "sigmoid",
};

export function decisionConfig(overrides: Partial<DecisionConfig> = {}): DecisionConfig {
  const c = { ...DEFAULT_DECISION_CONFIG, ...overrides };
  const positive: (keyof DecisionConfig)[] = [
    "ignoranceDays",
    "ignoranceSpend",
    "minSpendToKill",
    "scaleRoas",
    "minorPerMajor",
    "priorRoas",
  ];
  for (const k of positive) {
    const v = c[k] as number;
    if (!(v > 0) || !Number.isFinite(v))
      throw new Error(`decision config "${k}" must be a finite number > 0, got ${v}`);
  }
  if (!(c.killRoas >= 0 && c.killRoas < c.scaleRoas)) {
    throw new Error(`killRoas must be >= 0 and below scaleRoas (${c.scaleRoas}), got ${c.killRoas}`);
  }
  if (!(c.confidenceThreshold > 0 && c.confidenceThreshold < 1)) {
    throw new Error(`confidenceThreshold must be in (0, 1), got ${c.confidenceThreshold}`);
  }
  if (c.valuePerEventMinor !== undefined && !(c.valuePerEventMinor > 0)) {
    throw new Error(`valuePerEventMinor must be > 0 when given, got ${c.valuePerEventMinor}`);
  }
  return c;
}
