import type { AccountConfig } from "../../domain/account-config.js";
import { currencyExponent } from "../../domain/currency.js";
import type { Rng } from "../../models/random/rng.js";
import { type Decision, type DecisionConfig, planBudget } from "../../planner/index.js";
import type { ServiceArm } from "./arm-snapshots.js";

export interface ArmTarget {
  armId: string;
  channel: string;
  currentBudgetMinor: number;
  targetBudgetMinor: number;
  share: number;
  /** Probability the allocation gives this arm its share; the propensity logged for off-policy evaluation. */
  propensity: number;
  probabilityBest: number;
  /**
   * Standard error of the target from the Monte Carlo estimate of the probability of being best
   * (budget x sqrt(p(1 - p) / draws)): targets of two cycles on the same data differ by about this much,
   * so a move of that size is noise, not news.
   */
  noiseMinor: number;
}

export interface AccountPlan {
  decisions: Decision[];
  targets: ArmTarget[];
  /** Budget per channel and where the split came from. */
  channels: { channel: string; budgetMinor: number; source: "mmm" | "bandit" }[];
}

export interface AccountPlanInput {
  arms: readonly ServiceArm[];
  budgetMinor: number;
  currency: string;
  config: AccountConfig;
  /** The MMM's recommended budget per channel, when a converged fit exists; otherwise one pool. */
  channelBudgets?: Record<string, number> | null;
  draws?: number;
}

export function decisionConfigFor(config: AccountConfig, currency: string): Partial<DecisionConfig> {
  const minorPerMajor = 10 ** currencyExponent(currency);
  return {
    mode: config.businessModel,
    ignoranceDays: config.ignoranceZoneDays,
    ignoranceSpend: config.ignoranceZoneSpend,
    minSpendToKill: config.minSpendBeforeKill,
    killRoas: config.killRoas,
    scaleRoas: config.scaleRoas,
    confidenceThreshold: config.confidenceThreshold,
    minorPerMajor,
    valuePerEventMinor: Math.round(config.averageOrderValue * minorPerMajor),
    blendCurve: config.blendingCurve,
  };
}

/**
 * The target allocation of one account: the MMM sets each channel's total (the causal split), the
 * bandit splits each channel's total across its arms by probability of being best, keeping the
 * exploration floor. Without an MMM fit the bandit splits the whole budget across all arms at once.
 */
export function planAccount(input: AccountPlanInput, rng: Rng): AccountPlan {
  const live = input.arms.filter((a) => a.status === "active");
  const pools = new Map<string, ServiceArm[]>();
  const useMmm = input.channelBudgets && Object.keys(input.channelBudgets).length > 0;
  for (const arm of live) {
    const key = useMmm ? arm.channel : "*";
    pools.set(key, [...(pools.get(key) ?? []), arm]);
  }
  const decisions: Decision[] = [];
  const targets: ArmTarget[] = [];
  const channels: AccountPlan["channels"] = [];
  const decision = decisionConfigFor(input.config, input.currency);
  for (const [pool, arms] of [...pools.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const budgetMinor = useMmm ? Math.round(input.channelBudgets?.[pool] ?? 0) : input.budgetMinor;
    const plan = planBudget(
      arms,
      {
        budgetMinor,
        currency: input.currency,
        decision,
        explorationShare: input.config.explorationShare,
        draws: input.draws ?? 1000,
        ...(input.config.targetCac ? { cacCap: input.config.targetCac } : {}),
      },
      rng,
    );
    decisions.push(...plan.decisions);
    const byId = new Map(arms.map((a) => [a.id, a]));
    const draws = plan.allocation.draws;
    for (const a of plan.allocation.arms) {
      const arm = byId.get(a.id)!;
      targets.push({
        armId: a.id,
        channel: arm.channel,
        currentBudgetMinor: arm.currentBudgetMinor,
        targetBudgetMinor: a.amountMinor,
        share: budgetMinor > 0 ? a.amountMinor / input.budgetMinor : 0,
        propensity: a.share,
        probabilityBest: a.probabilityBest,
        noiseMinor: budgetMinor * Math.sqrt((a.probabilityBest * (1 - a.probabilityBest)) / draws),
      });
    }
    if (useMmm) channels.push({ channel: pool, budgetMinor, source: "mmm" });
  }
  if (!useMmm) {
    const sums = new Map<string, number>();
    for (const t of targets) sums.set(t.channel, (sums.get(t.channel) ?? 0) + t.targetBudgetMinor);
    for (const [channel, budgetMinor] of [...sums.entries()].sort())
      channels.push({ channel, budgetMinor, source: "bandit" });
  }
  return { decisions, targets, channels };
}
