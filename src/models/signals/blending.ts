/**
 * CTR-to-ROAS blending (seed 003): a young ad has clicks but no revenue yet, a mature one has
 * revenue, so its score moves from CTR to ROAS with age.
 *
 *   w_ctr(age) = 1                              for age ≤ 6 h
 *              = 1 − 0.9 · f((age − 6) / 42)     for 6 h < age < 48 h
 *              = 0.1 · exp(−(age − 48) / 48)     for age ≥ 48 h   (so ≥ 90% ROAS from 48 h)
 *   score = w_ctr · min(CTR / ctrTarget, 1) + (1 − w_ctr) · min(ROAS / roasTarget, 1)
 *
 * f is the transition curve on [0, 1] → [0, 1]: linear, sigmoid (default, a logistic rescaled to
 * hit 0 and 1 at the ends), exponential (fast early), step (at the midpoint) or logarithmic.
 * Targets default to the reference's 5% CTR and ROAS 3.
 */

export type BlendCurve = "linear" | "sigmoid" | "exponential" | "step" | "logarithmic";
export const BLEND_CURVES: readonly BlendCurve[] = [
  "linear",
  "sigmoid",
  "exponential",
  "step",
  "logarithmic",
];

export const BLEND_START_HOURS = 6;
export const BLEND_END_HOURS = 48;
const FLOOR = 0.1;

function transition(curve: BlendCurve, u: number): number {
  switch (curve) {
    case "linear":
      return u;
    case "sigmoid": {
      const k = 10;
      const l = (x: number) => 1 / (1 + Math.exp(-k * (x - 0.5)));
      return (l(u) - l(0)) / (l(1) - l(0));
    }
    case "exponential":
      return (1 - Math.exp(-4 * u)) / (1 - Math.exp(-4));
    case "step":
      return u < 0.5 ? 0 : 1;
    case "logarithmic":
      return Math.log1p(9 * u) / Math.log(10);
  }
}

/** Weight on CTR for an ad of the given age in hours. */
export function ctrWeight(ageHours: number, curve: BlendCurve = "sigmoid"): number {
  if (!(ageHours >= 0) || !Number.isFinite(ageHours))
    throw new Error(`ageHours must be finite and >= 0, got ${ageHours}`);
  if (!BLEND_CURVES.includes(curve))
    throw new Error(`unknown blend curve "${curve}"; valid: ${BLEND_CURVES.join(", ")}`);
  if (ageHours <= BLEND_START_HOURS) return 1;
  if (ageHours >= BLEND_END_HOURS) return FLOOR * Math.exp(-(ageHours - BLEND_END_HOURS) / BLEND_END_HOURS);
  const u = (ageHours - BLEND_START_HOURS) / (BLEND_END_HOURS - BLEND_START_HOURS);
  return 1 - (1 - FLOOR) * transition(curve, u);
}

export interface BlendInput {
  readonly ageHours: number;
  readonly ctr: number;
  readonly roas: number;
}

export interface BlendOptions {
  readonly curve?: BlendCurve;
  readonly ctrTarget?: number;
  readonly roasTarget?: number;
}

export interface BlendedScore {
  readonly score: number;
  readonly ctrWeight: number;
  readonly ctrScore: number;
  readonly roasScore: number;
}

export function blendedScore(input: BlendInput, options: BlendOptions = {}): BlendedScore {
  const ctrTarget = options.ctrTarget ?? 0.05;
  const roasTarget = options.roasTarget ?? 3;
  const w = ctrWeight(input.ageHours, options.curve ?? "sigmoid");
  const ctrScore = Math.min(Math.max(input.ctr, 0) / ctrTarget, 1);
  const roasScore = Math.min(Math.max(input.roas, 0) / roasTarget, 1);
  return { score: w * ctrScore + (1 - w) * roasScore, ctrWeight: w, ctrScore, roasScore };
}
