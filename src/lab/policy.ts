import type { CompiledWorld } from "./world/compile.js";
import { platformTotals } from "./world/summary.js";
import type { World } from "./world/world.js";

/**
 * A budget policy for lab runs: once a day, before the day starts, it may set each ad group's daily
 * budget (milli-minor units). It sees the world only as a platform would (reports), except the
 * oracle, whose allocation was computed from ground truth beforehand.
 */
export interface LabPolicy {
  readonly name: string;
  /** Budgets for the coming day, or null to keep the current ones. */
  decide(world: World, day: number): Float64Array | null;
}

export const BUILTIN_POLICIES = ["scenario", "uniform", "greedy", "thompson", "oracle"] as const;
export type BuiltinPolicyName = (typeof BUILTIN_POLICIES)[number];

export function totalBudgetMilli(cw: CompiledWorld): number {
  let t = 0;
  for (const b of cw.groupBudgetMilli) t += b;
  return t;
}

/** The scenario's own budgets, unchanged. */
export const scenarioPolicy: LabPolicy = { name: "scenario", decide: () => null };

/** The same total budget split equally across ad groups. */
export function uniformPolicy(cw: CompiledWorld): LabPolicy {
  const each = totalBudgetMilli(cw) / cw.G;
  return fixedPolicy("uniform", new Float64Array(cw.G).fill(each));
}

export function fixedPolicy(name: string, budgets: Float64Array): LabPolicy {
  return { name, decide: (_w, day) => (day === 0 ? budgets : null) };
}

/**
 * A simple reporting-driven autopilot: every day, move 15% of the total budget from the ad group
 * with the worst platform-reported cost per conversion (last 7 days) to the best one. It is what a
 * naive rules engine does, and it is fooled by over-reporting — which is the point of comparing it
 * with the ground truth.
 */
export function greedyPolicy(cw: CompiledWorld): LabPolicy {
  const budgets = new Float64Array(cw.G).fill(totalBudgetMilli(cw) / cw.G);
  return {
    name: "greedy",
    decide(world, day) {
      if (day < 3) return day === 0 ? budgets : null;
      let best = -1;
      let worst = -1;
      let bestScore = -Infinity;
      let worstScore = Infinity;
      for (let g = 0; g < cw.G; g++) {
        const t = platformTotals(world, Math.max(0, day - 7), day, { group: g });
        const score = (t.conversions + 0.5) / (t.costMinor + 100);
        if (score > bestScore) {
          bestScore = score;
          best = g;
        }
        if (score < worstScore && budgets[g]! > 0) {
          worstScore = score;
          worst = g;
        }
      }
      if (best < 0 || worst < 0 || best === worst) return null;
      const move = Math.min(budgets[worst]!, 0.15 * totalBudgetMilli(cw));
      budgets[worst] = budgets[worst]! - move;
      budgets[best] = budgets[best]! + move;
      return budgets;
    },
  };
}

export function applyBudgets(world: World, budgets: Float64Array): void {
  for (let g = 0; g < budgets.length; g++) world.setGroupBudget(g, Math.round(budgets[g]!));
}
