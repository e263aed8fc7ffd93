import { z } from "zod";

export const DECISION_ACTIONS = ["OBSERVE", "KILL", "SCALE", "MAINTAIN"] as const;

const intervalSchema = z
  .object({ mean: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() })
  .meta({ id: "PosteriorInterval" });

export const decisionSchema = z
  .object({
    cycleNo: z.number().int(),
    armId: z.string(),
    channel: z.string(),
    action: z.enum(DECISION_ACTIONS),
    confidence: z.number().describe("posterior probability supporting the action"),
    reason: z.string().describe("one line"),
    explanation: z.string().describe("a paragraph in plain words"),
    factors: z.array(z.record(z.string(), z.unknown())).describe("name, value, threshold, effect, detail"),
    numbers: z
      .record(z.string(), z.unknown())
      .describe("the numbers behind the decision, as the planner gave them"),
    posterior: z
      .object({
        ctr: intervalSchema.nullable(),
        cvr: intervalSchema.nullable(),
        roas: intervalSchema.nullable(),
      })
      .describe("posterior mean and interval of CTR, CVR and ROAS where the planner recorded them"),
    fatigue: z.string().nullable().describe("fatigue severity: none, low, medium, high, critical"),
    propensity: z.number(),
    currentBudgetMinor: z.number().int().nullable(),
    targetBudgetMinor: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "Decision" });
export type DecisionOut = z.infer<typeof decisionSchema>;

export const DECISION_COLUMNS = `cycle_no AS "cycleNo", arm_id AS "armId", channel, action, confidence, reason, explanation,
  factors, numbers, propensity, current_budget_minor AS "currentBudgetMinor", target_budget_minor AS "targetBudgetMinor",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

export type DecisionRow = Omit<DecisionOut, "posterior" | "fatigue">;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * Posterior summaries from the decision's numbers: `<m>PosteriorMean`, `<m>PosteriorLow`,
 * `<m>PosteriorHigh` (or a nested `posterior.<m>` with mean/low/high). Observed ratios are not
 * posteriors and are not reported here (they stay in `numbers`).
 */
function posteriorOf(numbers: Record<string, unknown>, metric: "ctr" | "cvr" | "roas") {
  const nested = (numbers.posterior as Record<string, Record<string, unknown>> | undefined)?.[metric];
  const mean = num(numbers[`${metric}PosteriorMean`]) ?? num(nested?.mean);
  const low = num(numbers[`${metric}PosteriorLow`]) ?? num(nested?.low);
  const high = num(numbers[`${metric}PosteriorHigh`]) ?? num(nested?.high);
  return mean === null && low === null && high === null ? null : { mean, low, high };
}

export function decisionOut(row: DecisionRow): DecisionOut {
  const numbers = row.numbers ?? {};
  const fatigue = numbers.fatigue;
  return {
    ...row,
    posterior: {
      ctr: posteriorOf(numbers, "ctr"),
      cvr: posteriorOf(numbers, "cvr"),
      roas: posteriorOf(numbers, "roas"),
    },
    fatigue:
      typeof fatigue === "string"
        ? fatigue
        : typeof (fatigue as { severity?: unknown })?.severity === "string"
          ? (fatigue as { severity: string }).severity
          : null,
  };
}
