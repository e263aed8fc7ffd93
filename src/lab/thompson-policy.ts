import { createRng } from "../models/random/index.js";
import { type PlanArm, planBudget } from "../planner/index.js";
import { type LabPolicy, totalBudgetMilli } from "./policy.js";
import type { CompiledWorld } from "./world/compile.js";
import { platformTotals } from "./world/summary.js";
import type { World } from "./world/world.js";

/**
 * AdPilot's own policy in the lab: once a day it reads what the platform reported for each ad group
 * (the last `windowDays` days), decides every arm and splits the scenario's total budget by the
 * planner's Thompson-sampling allocation (probability of being best, 10% exploration floor). It sees
 * only reports, never the ground truth, exactly like the service. Guardrails are not applied here: the
 * lab measures what the policy would do if it were free to act.
 */
export function thompsonPolicy(cw: CompiledWorld, seed: number, windowDays = 14): LabPolicy {
  const total = totalBudgetMilli(cw);
  const currency = cw.scenario.currency;
  const budgets = new Float64Array(cw.G).fill(total / cw.G);
  return {
    name: "thompson",
    decide(world: World, day: number) {
      if (day === 0) return budgets;
      const arms: PlanArm[] = [];
      for (let g = 0; g < cw.G; g++) {
        const t = platformTotals(world, Math.max(0, day - windowDays), day, { group: g });
        arms.push({
          id: String(g),
          currency,
          ageHours: day * 24,
          spendMinor: t.costMinor,
          impressions: t.impressions,
          clicks: Math.min(t.clicks, t.impressions),
          conversions: t.conversions,
          revenueMinor: Math.round(t.revenueMinor),
          currentBudgetMinor: Math.round(budgets[g]! / 1000),
        });
      }
      const plan = planBudget(
        arms,
        { budgetMinor: Math.round(total / 1000), currency, decision: { mode: "direct" }, draws: 1000 },
        createRng((seed * 7919 + day) >>> 0),
      );
      for (const a of plan.allocation.arms) budgets[Number(a.id)] = a.amountMinor * 1000;
      return budgets;
    },
  };
}
