import { applyBudgets, type LabPolicy } from "./policy.js";
import type { CompiledWorld } from "./world/compile.js";
import { platformTotals, truthTotals } from "./world/summary.js";
import { World } from "./world/world.js";

/** The outcome of one world under one policy: what the platform reported and what was true. */
export interface WorldResult {
  seed: number;
  days: number;
  users: number;
  spendMinor: number;
  impressions: number;
  clicks: number;
  /** Platform-reported (last click in window per channel). */
  conversions: number;
  revenueMinor: number;
  /** Ground truth, importance-weighted. */
  trueConversions: number;
  trueRevenueMinor: number;
  incrementalConversions: number;
  incrementalRevenueMinor: number;
  /** Mean |spend - budget| / budget over ad-group days with a budget. */
  pacingError: number;
}

export function runWorld(cw: CompiledWorld, seed: number, days: number, policy: LabPolicy): WorldResult {
  const world = new World(cw, seed);
  for (let d = 0; d < days; d++) {
    const budgets = policy.decide(world, d);
    if (budgets) applyBudgets(world, budgets);
    world.stepDay();
  }
  return resultOf(world, seed);
}

export function resultOf(world: World, seed: number): WorldResult {
  const p = platformTotals(world);
  const t = truthTotals(world);
  let err = 0;
  let n = 0;
  for (let d = 0; d < world.day; d++) {
    const g = world.stats.group[d]!;
    for (let i = 0; i < world.cw.G; i++) {
      const budget = g[i * 2 + 1]!;
      if (budget <= 0) continue;
      err += Math.abs(g[i * 2]! - budget) / budget;
      n++;
    }
  }
  return {
    seed,
    days: world.day,
    users: world.cw.users,
    spendMinor: p.costMinor,
    impressions: p.impressions,
    clicks: p.clicks,
    conversions: p.conversions,
    revenueMinor: p.revenueMinor,
    trueConversions: t.conversions,
    trueRevenueMinor: t.revenueMinor,
    incrementalConversions: t.incrementalConversions,
    incrementalRevenueMinor: t.incrementalRevenueMinor,
    pacingError: n > 0 ? err / n : 0,
  };
}
