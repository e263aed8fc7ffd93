/**
 * Planner entry point: decide every arm, then split the budget.
 *
 * - KILL arms get no budget (maximum 0).
 * - Every other arm's value posterior is its ROAS posterior (roas-posterior.ts) with the fatigue
 *   decay factor applied, and the split is by probability of being best with the exploration floor,
 *   per-arm bounds and CAC rule of `allocateBudget`.
 * - Arms without any value signal get only the exploration share (a flat prior posterior).
 * Each arm's planned share is also its propensity for off-policy evaluation.
 */
import { type Allocation, type AllocationArm, allocateBudget } from "../models/bandits/allocate.js";
import { gammaPosterior } from "../models/bandits/posteriors.js";
import type { Rng } from "../models/random/rng.js";
import type { ArmSnapshot } from "./arm-snapshot.js";
import { type Decision, decideArm } from "./decide.js";
import { type DecisionConfig, decisionConfig } from "./decision-config.js";
import { roasAsGamma } from "./roas-posterior.js";

export interface PlanArm extends ArmSnapshot {
  readonly minMinor?: number;
  readonly maxMinor?: number;
}

export interface PlanOptions {
  readonly budgetMinor: number;
  readonly currency: string;
  readonly decision?: Partial<DecisionConfig>;
  readonly explorationShare?: number;
  readonly draws?: number;
  readonly cacCap?: number;
  readonly objective?: "probability-best" | "lower-quantile";
}

export interface Plan {
  readonly decisions: readonly Decision[];
  readonly allocation: Allocation;
}

export function planBudget(arms: readonly PlanArm[], options: PlanOptions, rng: Rng): Plan {
  const config: DecisionConfig = decisionConfig(options.decision);
  for (const a of arms) {
    if (a.currency !== options.currency) {
      throw new Error(
        `arm "${a.id}" is in ${a.currency} but the budget is in ${options.currency}; convert first`,
      );
    }
  }
  const decisions = arms.map((a) => decideArm(a, config));
  const allocationArms: AllocationArm[] = arms.map((a, i) => {
    const d = decisions[i]!;
    const killed = d.action === "KILL";
    const value = d.posterior ? roasAsGamma(d.posterior, d.fatigue.decayFactor) : gammaPosterior(1, 1);
    const events = d.numbers.events;
    return {
      id: a.id,
      value,
      ...(a.minMinor !== undefined && !killed ? { minMinor: a.minMinor } : {}),
      ...(killed ? { maxMinor: 0 } : a.maxMinor !== undefined ? { maxMinor: a.maxMinor } : {}),
      ...(a.currentBudgetMinor !== undefined ? { currentMinor: a.currentBudgetMinor } : {}),
      // conversions per major unit of spend, for the CAC rule
      conversionRate: gammaPosterior(1 + events, 1 + a.spendMinor / config.minorPerMajor),
      eligible: !killed,
      exploreOnly: d.posterior === null,
    };
  });
  const allocation = allocateBudget(
    allocationArms,
    {
      budgetMinor: options.budgetMinor,
      currency: options.currency,
      ...(options.explorationShare !== undefined ? { explorationShare: options.explorationShare } : {}),
      ...(options.draws !== undefined ? { draws: options.draws } : {}),
      ...(options.cacCap !== undefined ? { cacCap: options.cacCap } : {}),
      ...(options.objective !== undefined ? { objective: options.objective } : {}),
    },
    rng,
  );
  return { decisions, allocation };
}
