import { fixedPolicy, totalBudgetMilli } from "./policy.js";
import { runWorld } from "./run-world.js";
import type { CompiledWorld } from "./world/compile.js";

export interface OracleOptions {
  seed: number;
  days: number;
  /** Budget levels probed per ad group, as multiples of an equal share of the total. */
  levels?: number[];
  objective?: "conversions" | "revenue";
}

export interface OracleResult {
  /** Daily budget per ad group (milli-minor), summing to the scenario's total. */
  budgets: Float64Array;
  /** Response curve per ad group: [budget milli, true incremental outcome] points, concave hull. */
  curves: [number, number][][];
}

/**
 * The oracle: the best allocation of the scenario's total daily budget using ground truth. For each
 * ad group alone, it measures true incremental conversions (or revenue) at several budget levels
 * with common random numbers, takes the concave envelope of each curve and allocates the budget
 * greedily by marginal return (optimal for concave separable responses). Cross-channel synergies
 * are ignored, so it is an upper reference, not a proof of optimality.
 */
export function computeOracle(cw: CompiledWorld, options: OracleOptions): OracleResult {
  const total = totalBudgetMilli(cw);
  const share = total / cw.G;
  const levels = options.levels ?? [0.25, 0.5, 1, 2, 3.5];
  const metric = options.objective === "revenue" ? "incrementalRevenueMinor" : "incrementalConversions";
  const base = runWorld(cw, options.seed, options.days, fixedPolicy("none", new Float64Array(cw.G)))[metric];
  const curves: [number, number][][] = [];
  for (let g = 0; g < cw.G; g++) {
    const points: [number, number][] = [[0, 0]];
    for (const level of levels) {
      const budgets = new Float64Array(cw.G);
      budgets[g] = Math.min(total, level * share);
      const value = runWorld(cw, options.seed, options.days, fixedPolicy("probe", budgets))[metric] - base;
      points.push([budgets[g]!, Math.max(0, value)]);
    }
    curves.push(concaveHull(points));
  }
  const budgets = new Float64Array(cw.G);
  const steps = 40;
  const step = total / steps;
  for (let i = 0; i < steps; i++) {
    let best = 0;
    let bestGain = -Infinity;
    for (let g = 0; g < cw.G; g++) {
      const gain = interpolate(curves[g]!, budgets[g]! + step) - interpolate(curves[g]!, budgets[g]!);
      if (gain > bestGain) {
        bestGain = gain;
        best = g;
      }
    }
    budgets[best] = budgets[best]! + step;
  }
  return { budgets, curves };
}

/** Upper concave envelope of points sorted by x (monotone chain). */
export function concaveHull(points: [number, number][]): [number, number][] {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const hull: [number, number][] = [];
  for (const p of sorted) {
    while (hull.length >= 2) {
      const [a, b] = [hull[hull.length - 2]!, hull[hull.length - 1]!];
      const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  // Beyond the best point the response is flat (more budget never hurts in expectation).
  let peak = 0;
  for (let i = 1; i < hull.length; i++) if (hull[i]![1] > hull[peak]![1]) peak = i;
  return hull.slice(0, peak + 1);
}

export function interpolate(curve: [number, number][], x: number): number {
  if (x <= curve[0]![0]) return curve[0]![1];
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i]!;
    if (x <= x1) {
      const [x0, y0] = curve[i - 1]!;
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return curve[curve.length - 1]![1];
}
