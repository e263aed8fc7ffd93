/**
 * Budget allocation across arms by probability of being best.
 *
 *   share_i = P(arm i is best)   (Thompson's rule for budgets; expected capacity-respecting fill
 *                                 when per-arm maximums bind)
 *
 * topped up with a uniform split until at least ε (default 10%) of the budget is exploration —
 * budget not placed where the posterior means would put it (exploration.ts) — then per-arm minimum
 * and maximum by water-filling (sums exactly to the budget) and largest-remainder rounding to
 * integer minor units.
 *
 * Risk constraint (Ferreira, Simchi-Levi & Wang 2018 style): when an account CAC cap is given, an arm
 * whose posterior probability P(CAC > cap) exceeds `cacRiskThreshold` gets no more spend than it has
 * now (its maximum becomes its current amount) and no exploitation or exploration weight.
 * CAC = 1 / (conversions per unit of spend), so with a Gamma(shape, rate) posterior on the rate,
 * P(CAC > cap) = P(rate < 1/cap) = P(shape, rate/cap) — exact, from the regularised incomplete gamma.
 *
 * When per-arm maximums bind, the exploitation weight is the expected share of the budget in the
 * capacity-respecting optimal fill of each posterior draw (see `expectedFillShares`), so the overflow
 * of a capped winner goes to the next-best arms rather than evenly to all.
 *
 * Conservative objective: `objective: "lower-quantile"` gives the exploitation share to the arm with
 * the highest posterior q-quantile (default q = 0.1) instead of splitting it by P(best).
 */
import type { Rng } from "../random/rng.js";
import { regularizedGammaP } from "../random/special.js";
import { enforceExplorationFloor, explorationMass, greedyFill } from "./exploration.js";
import type { GammaPosterior, Posterior } from "./posteriors.js";
import { posteriorMean, samplePosterior } from "./posteriors.js";
import { expectedFillShares, probabilityBest } from "./probability-best.js";
import { waterFill } from "./water-fill.js";

export interface AllocationArm {
  readonly id: string;
  /** Posterior of the value the budget buys per unit of spend (ROAS, or conversions per unit spend). */
  readonly value: Posterior;
  /** Bounds in minor units (integers). */
  readonly minMinor?: number;
  readonly maxMinor?: number;
  /** Current budget in minor units, used by the CAC risk rule. */
  readonly currentMinor?: number;
  /** Conversions per major unit of spend, for the CAC rule; defaults to `value` when it is a Gamma. */
  readonly conversionRate?: GammaPosterior;
  /** False removes the arm from exploration and exploitation (paused, policy-blocked). */
  readonly eligible?: boolean;
  /** True keeps the arm in the exploration share only (e.g. no value signal yet). */
  readonly exploreOnly?: boolean;
}

export interface AllocationOptions {
  /** Budget in integer minor units (e.g. cents). */
  readonly budgetMinor: number;
  readonly currency: string;
  readonly draws?: number;
  readonly explorationShare?: number;
  readonly objective?: "probability-best" | "lower-quantile";
  readonly quantile?: number;
  /** Account CAC cap in major units of currency. */
  readonly cacCap?: number;
  readonly cacRiskThreshold?: number;
  /** Screening width for probability-of-best (see probability-best.ts). */
  readonly screenZ?: number;
}

export interface ArmAllocation {
  readonly id: string;
  readonly amountMinor: number;
  readonly share: number;
  readonly probabilityBest: number;
  /** Posterior probability that this arm's CAC is above the cap (undefined without a cap). */
  readonly cacRisk?: number;
  readonly binding: "min" | "max" | null;
  readonly flags: readonly ("cac-risk" | "ineligible" | "exploration-only")[];
}

export interface Allocation {
  readonly currency: string;
  readonly budgetMinor: number;
  readonly allocatedMinor: number;
  readonly unallocatedMinor: number;
  readonly arms: readonly ArmAllocation[];
  readonly explorationShare: number;
  /** Share of the budget not placed where the posterior means would put it (≥ explorationShare). */
  readonly explorationMass: number;
  /** Weight β of the uniform split mixed in to reach the floor (0 when TS explored enough). */
  readonly explorationMix: number;
  readonly objective: "probability-best" | "lower-quantile";
  readonly draws: number;
  readonly contenders: number;
}

export const DEFAULT_EXPLORATION_SHARE = 0.1;
export const DEFAULT_CAC_RISK_THRESHOLD = 0.2;

export function allocateBudget(
  arms: readonly AllocationArm[],
  options: AllocationOptions,
  rng: Rng,
): Allocation {
  const eps = options.explorationShare ?? DEFAULT_EXPLORATION_SHARE;
  const objective = options.objective ?? "probability-best";
  const draws = options.draws ?? 1000;
  const threshold = options.cacRiskThreshold ?? DEFAULT_CAC_RISK_THRESHOLD;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`explorationShare must be in [0, 1], got ${eps}`);
  if (!/^[A-Z]{3}$/.test(options.currency))
    throw new Error(`currency must be an ISO 4217 code like "EUR", got "${options.currency}"`);
  if (arms.length === 0) throw new Error("allocateBudget needs at least one arm");
  const ids = new Set<string>();
  for (const a of arms) {
    if (ids.has(a.id)) throw new Error(`arm ids must be unique, "${a.id}" appears twice`);
    ids.add(a.id);
  }
  if (options.cacCap !== undefined && !(options.cacCap > 0))
    throw new Error(`cacCap must be > 0, got ${options.cacCap}`);

  const n = arms.length;
  const lo = arms.map((a) => a.minMinor ?? 0);
  const hi = arms.map((a) => a.maxMinor ?? Number.POSITIVE_INFINITY);
  const flags: ArmAllocation["flags"][number][][] = arms.map(() => []);
  const cacRisk: (number | undefined)[] = arms.map(() => undefined);
  const active = arms.map((a) => a.eligible !== false);
  arms.forEach((a, i) => {
    if (!active[i]) flags[i]!.push("ineligible");
    if (options.cacCap === undefined) return;
    const rate = a.conversionRate ?? (a.value.kind === "gamma" ? a.value : undefined);
    if (!rate) return;
    const risk = regularizedGammaP(rate.shape, rate.rate / options.cacCap);
    cacRisk[i] = risk;
    if (risk > threshold) {
      flags[i]!.push("cac-risk");
      active[i] = false;
      const current = a.currentMinor ?? lo[i]!;
      hi[i] = Math.max(lo[i]!, Math.min(hi[i]!, current));
    }
  });

  const activeIdx = arms.map((_, i) => i).filter((i) => active[i]);
  const exploitIdx = activeIdx.filter((i) => arms[i]!.exploreOnly !== true);
  const pBest = new Float64Array(n);
  const exploit = new Float64Array(n);
  let contenders = 0;
  const budget = options.budgetMinor;
  const capsBind = exploitIdx.some((i) => hi[i]! < budget);
  if (exploitIdx.length > 0) {
    if (objective === "probability-best" && capsBind) {
      const res = expectedFillShares(
        exploitIdx.map((i) => arms[i]!.value),
        exploitIdx.map((i) => (budget > 0 ? hi[i]! / budget : 1)),
        rng,
        draws,
      );
      contenders = exploitIdx.length;
      exploitIdx.forEach((i, j) => {
        pBest[i] = res.probabilities[j]!;
        exploit[i] = res.shares[j]!;
      });
    } else if (objective === "probability-best") {
      const res = probabilityBest(
        exploitIdx.map((i) => arms[i]!.value),
        rng,
        { draws, ...(options.screenZ !== undefined ? { screenZ: options.screenZ } : {}) },
      );
      contenders = res.contenders;
      exploitIdx.forEach((i, j) => {
        pBest[i] = res.probabilities[j]!;
        exploit[i] = res.probabilities[j]!;
      });
    } else {
      const q = options.quantile ?? 0.1;
      if (!(q > 0 && q < 1)) throw new Error(`quantile must be in (0, 1), got ${q}`);
      const buf = new Float64Array(draws);
      let bestQ = Number.NEGATIVE_INFINITY;
      let bestI = exploitIdx[0]!;
      for (const i of exploitIdx) {
        for (let d = 0; d < draws; d++) buf[d] = samplePosterior(arms[i]!.value, rng);
        buf.sort();
        const qv = buf[Math.min(draws - 1, Math.floor(q * draws))]!;
        if (qv > bestQ) {
          bestQ = qv;
          bestI = i;
        }
      }
      pBest[bestI] = 1;
      exploit[bestI] = 1;
      contenders = exploitIdx.length;
    }
  }

  // Minimum exploration share (exploration.ts): top TS's own exploration up to ε with a uniform split.
  const k = activeIdx.length;
  const capacity = (i: number) => (budget > 0 ? Math.min(1, hi[i]! / budget) : 1);
  const greedy = new Float64Array(n);
  if (objective === "lower-quantile") {
    // The conservative objective's own pick is the reference point for exploration.
    greedy.set(exploit);
  } else if (exploitIdx.length > 0) {
    const g = greedyFill(
      exploitIdx.map((i) => posteriorMean(arms[i]!.value)),
      exploitIdx.map(capacity),
    );
    exploitIdx.forEach((i, j) => {
      greedy[i] = g[j]!;
    });
  }
  const uniformShare = Float64Array.from(arms, (_, i) => (active[i] ? 1 / k : 0));
  const noExploit = exploitIdx.length === 0;
  const { weights: mixed, beta: explorationMix } = noExploit
    ? { weights: uniformShare, beta: 1 }
    : enforceExplorationFloor(exploit, uniformShare, greedy, eps);
  const weights = Array.from(mixed);
  activeIdx.forEach((i) => {
    if (exploit[i] === 0) flags[i]!.push("exploration-only");
  });
  const split = waterFill(options.budgetMinor, weights, lo, hi);
  const allocated = split.amounts.reduce((s, x) => s + x, 0);
  return {
    currency: options.currency,
    budgetMinor: options.budgetMinor,
    allocatedMinor: allocated,
    unallocatedMinor: split.unallocated,
    explorationShare: eps,
    explorationMass: explorationMass(
      split.amounts.map((x) => (options.budgetMinor > 0 ? x / options.budgetMinor : 0)),
      greedy,
    ),
    explorationMix,
    objective,
    draws,
    contenders,
    arms: arms.map((a, i) => ({
      id: a.id,
      amountMinor: split.amounts[i]!,
      share: options.budgetMinor > 0 ? split.amounts[i]! / options.budgetMinor : 0,
      probabilityBest: pBest[i]!,
      ...(cacRisk[i] !== undefined ? { cacRisk: cacRisk[i] } : {}),
      binding: split.binding[i]!,
      flags: flags[i]!,
    })),
  };
}
