import { z } from "zod";

/**
 * Per-account configuration, stored in the database and validated here. Every default is a seed
 * constant: 003 (GEMINIVIDEO sampler + SafeExecutor) for the sampler and execution limits, 002 (AELP2)
 * for the per-change / daily caps and HITL, GAELP's pacer for pacing. Money values are in the
 * account's major currency units (e.g. 100 = $100) because that is how people type them.
 */
export const BLENDING_CURVES = ["linear", "sigmoid", "exponential", "step", "logarithmic"] as const;
export const MODES = ["shadow", "canary", "live"] as const;
export type Mode = (typeof MODES)[number];

const fraction = z.number().min(0).max(1);
const positive = z.number().positive();
const nonNegative = z.number().min(0);

export const accountConfigSchema = z
  .object({
    /** Average order (deal) value in major units; seed 003: 7,000 AED for the service business. */
    averageOrderValue: positive.default(100),
    businessModel: z.enum(["direct", "pipeline"]).default("direct"),
    ignoranceZoneDays: nonNegative.default(2),
    ignoranceZoneSpend: nonNegative.default(100),
    minSpendBeforeKill: nonNegative.default(200),
    killRoas: nonNegative.default(0.5),
    scaleRoas: nonNegative.default(3.0),
    confidenceThreshold: fraction.default(0.7),
    blendingCurve: z.enum(BLENDING_CURVES).default("sigmoid"),
    explorationShare: fraction.default(0.1),
    /**
     * Standard errors of the planner's Monte Carlo target within which a budget move is noise and not
     * proposed (0: every move above 0.5 % of the budget is proposed).
     */
    proposalDeadband: nonNegative.default(1),
    targetCac: positive.nullable().default(null),
    /** Days behind today a cycle's sync re-reads, so late conversions correct the rows already stored. */
    syncLookbackDays: z.number().int().min(0).max(90).default(3),
    /**
     * Hours between re-reads of that whole window; the cycles in between read today only. The first
     * cycle of a new day always re-reads it, so yesterday is complete before the planner uses it.
     * 0: every cycle re-reads it.
     */
    syncLookbackRefreshHours: nonNegative.default(4),
    mode: z.enum(MODES).default("shadow"),
    guardrails: z
      .object({
        maxChangePerProposal: fraction.default(0.05),
        maxChangePerDay: fraction.default(0.1),
        velocity6h: fraction.default(0.2),
        velocity24h: fraction.default(0.5),
        historicalSpendCapMultiple: positive.default(1.25),
        historicalWindowDays: z.number().int().positive().default(14),
        minDailyBudget: nonNegative.default(1),
        maxDailyBudget: positive.nullable().default(null),
        accountDailyBudget: positive.nullable().default(null),
        autoApproveIncreaseLimit: fraction.default(0),
        changesPerCampaignPerHour: z.number().int().positive().default(15),
        changesPerAccountPerDay: z.number().int().positive().default(100),
        jitterSecondsMin: nonNegative.default(3),
        jitterSecondsMax: nonNegative.default(18),
        maxHourlyShareOfDailyBudget: fraction.default(0.15),
        spendWarnFractions: z.array(fraction).default([0.8, 0.95]),
        spendStopFraction: positive.default(1.0),
        budgetFuzz: z
          .object({ enabled: z.boolean().default(false), fraction: fraction.default(0.03) })
          .prefault({}),
        canaryMaxEntitiesPerCycle: z.number().int().positive().default(1),
        approvalExpiryHours: positive.default(24),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AccountConfig = z.infer<typeof accountConfigSchema>;

export function defaultAccountConfig(): AccountConfig {
  return accountConfigSchema.parse({});
}

/** Every settable dotted key, e.g. "guardrails.velocity6h". */
export function configKeys(config: AccountConfig = defaultAccountConfig()): string[] {
  const keys: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else {
      keys.push(prefix);
    }
  };
  walk(config, "");
  return keys;
}
