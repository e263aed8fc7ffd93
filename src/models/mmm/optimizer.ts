/**
 * Budget optimizer over the posterior response curves. Chooses spend per channel for a horizon of
 * `periods` periods (spread evenly, so each period sees a constant spend b_c = B_c / periods and the
 * steady-state response R_c(b_c), carry-over included) to maximise the expected value, or a lower
 * quantile (risk-averse), of conversions, revenue or profit, subject to a total budget, per-channel
 * bounds and an optional CAC target (spend / outcome <= target, judged on the same risk measure).
 *
 * Solver: projected gradient ascent with backtracking on {lo <= B <= hi, sum B = S} from several starts
 * (current, equal split, greedy marginal allocation, which copes with S-shaped Hill curves); when the
 * total may be below the budget (profit objective or CAC target) the total S is chosen by a scan and
 * refinement. Constraints hold exactly up to floating-point round-off.
 */

import { type BudgetProblem, evaluate, gradient, riskOf } from "./budget-objective.js";
import { MmmInputError } from "./data.js";
import { projectToBudget } from "./project-budget.js";
import { channelResponse, channelResponseSlope, type MmmResponseModel, responseDraws } from "./response.js";
import { intervalOf } from "./summary.js";
import type { Interval } from "./types.js";

export interface OptimizeBudgetOptions {
  /** Total spend over the horizon. */
  budget: number;
  /** Horizon in periods (weeks for weekly data). Default 1. */
  periods?: number;
  /** Default "conversions" (the model's target, whatever its unit). */
  objective?: "conversions" | "revenue" | "profit";
  /** Money per target unit, for revenue and profit. Default 1 (the target already is revenue). */
  valuePerUnit?: number;
  /** "expected" (default) or "lowerQuantile": maximise the `quantile` (default 0.1) of the objective. */
  risk?: "expected" | "lowerQuantile";
  quantile?: number;
  /** Per-channel bounds on spend over the horizon. Default [0, budget]. */
  bounds?: Record<string, { min?: number; max?: number }>;
  /** Current spend over the horizon per channel. Default: mean historical spend per period x periods. */
  current?: Record<string, number>;
  /** Maximum spend per target unit (cost per acquisition when the target is conversions). */
  cacTarget?: number;
}

export interface ChannelAllocation {
  channel: string;
  spend: number;
  current: number;
  change: number;
  /** Relative change (NaN when current is 0). */
  changePct: number;
  min: number;
  max: number;
  /** Outcome from this channel over the horizon (target units). */
  outcome: Interval;
  /** Extra outcome per extra unit of spend at the optimum. */
  marginalRoas: Interval;
}

export interface BudgetOptimizationResult {
  objective: "conversions" | "revenue" | "profit";
  risk: "expected" | "lowerQuantile";
  quantile: number | null;
  periods: number;
  budget: number;
  /** False when the CAC target cannot be met at any allowed spend; the allocation is then the minimum spend. */
  feasible: boolean;
  allocation: ChannelAllocation[];
  totalSpend: number;
  currentSpend: number;
  /** Media-driven outcome (target units over the horizon) at the optimum and at the current allocation. */
  outcome: Interval;
  currentOutcome: Interval;
  /** Per-draw difference optimum - current. */
  outcomeChange: Interval;
  /** Spend per target unit at the optimum. */
  cac: Interval;
  /** The outcome the CAC target is judged on: its mean (risk "expected") or its lower quantile. */
  judgedOutcome: number;
  /** The optimised quantity (risk measure of the objective) at the optimum and at the current allocation. */
  objectiveValue: number;
  currentObjectiveValue: number;
  messages: string[];
}

function solveForTotal(
  p: BudgetProblem,
  lo: Float64Array,
  hi: Float64Array,
  S: number,
  starts: Float64Array[],
): { B: Float64Array; f: number } {
  const C = p.C;
  let best: { B: Float64Array; f: number } | null = null;
  const g = new Float64Array(C);
  const trial = new Float64Array(C);
  const stepped = new Float64Array(C);
  for (const s0 of starts) {
    const x = new Float64Array(C);
    projectToBudget(s0, lo, hi, S, x);
    let fx = evaluate(p, x);
    let step = 0;
    for (let it = 0; it < 400; it++) {
      gradient(p, x, g);
      let gmax = 0;
      for (let c = 0; c < C; c++) gmax = Math.max(gmax, Math.abs(g[c]));
      if (!(gmax > 0)) break;
      if (step === 0) step = (0.25 * Math.max(S, 1e-12)) / gmax;
      let improved = false;
      for (let ls = 0; ls < 40; ls++) {
        for (let c = 0; c < C; c++) stepped[c] = x[c] + step * g[c];
        projectToBudget(stepped, lo, hi, S, trial);
        const ft = evaluate(p, trial);
        if (ft > fx + 1e-13 * Math.abs(fx)) {
          let moved = 0;
          for (let c = 0; c < C; c++) moved = Math.max(moved, Math.abs(trial[c] - x[c]));
          x.set(trial);
          fx = ft;
          improved = moved > 1e-12 * Math.max(S, 1);
          step *= 1.5;
          break;
        }
        step *= 0.5;
      }
      if (!improved) break;
    }
    if (!best || fx > best.f) best = { B: Float64Array.from(x), f: fx };
  }
  return best!;
}

/** Greedy start: hand out the budget above the lower bounds in small increments by expected marginal gain. */
function greedyStart(p: BudgetProblem, lo: Float64Array, hi: Float64Array, S: number): Float64Array {
  const C = p.C;
  const x = Float64Array.from(lo);
  let rest = S;
  for (let c = 0; c < C; c++) rest -= lo[c];
  const K = 200;
  const delta = rest / K;
  if (!(delta > 0)) return x;
  const meanResp = (c: number, B: number) => {
    let s = 0;
    for (let d = 0; d < p.D; d++) s += channelResponse(p.m, c, d, B / p.periods);
    return s / p.D;
  };
  const cur = Array.from({ length: C }, (_, c) => meanResp(c, x[c]));
  for (let k = 0; k < K; k++) {
    let bestC = -1;
    let bestGain = Number.NEGATIVE_INFINITY;
    let bestVal = 0;
    for (let c = 0; c < C; c++) {
      if (x[c] + delta > hi[c] + 1e-12) continue;
      const v = meanResp(c, x[c] + delta);
      if (v - cur[c] > bestGain) {
        bestGain = v - cur[c];
        bestC = c;
        bestVal = v;
      }
    }
    if (bestC < 0) break;
    x[bestC] += delta;
    cur[bestC] = bestVal;
  }
  return x;
}

export function optimizeBudget(
  model: MmmResponseModel,
  options: OptimizeBudgetOptions,
): BudgetOptimizationResult {
  const C = model.channels.length;
  const D = responseDraws(model);
  if (C === 0 || D === 0) throw new MmmInputError("the response model has no channels or no posterior draws");
  const budget = options.budget;
  if (!(Number.isFinite(budget) && budget >= 0))
    throw new MmmInputError(`budget must be a finite number >= 0, got ${budget}`);
  const periods = options.periods ?? 1;
  if (!(periods > 0 && Number.isFinite(periods)))
    throw new MmmInputError(`periods must be > 0, got ${periods}`);
  const objective = options.objective ?? "conversions";
  if (!["conversions", "revenue", "profit"].includes(objective))
    throw new MmmInputError(`objective must be conversions, revenue or profit, got "${objective}"`);
  const value = objective === "conversions" ? 1 : (options.valuePerUnit ?? 1);
  if (!(value > 0)) throw new MmmInputError(`valuePerUnit must be > 0, got ${options.valuePerUnit}`);
  const risk = options.risk ?? "expected";
  if (risk !== "expected" && risk !== "lowerQuantile")
    throw new MmmInputError(`risk must be expected or lowerQuantile, got "${risk}"`);
  const quantile = risk === "lowerQuantile" ? (options.quantile ?? 0.1) : null;
  if (quantile !== null && !(quantile > 0 && quantile < 1))
    throw new MmmInputError(`quantile must be in (0, 1), got ${quantile}`);
  const cac = options.cacTarget;
  if (cac !== undefined && !(cac > 0)) throw new MmmInputError(`cacTarget must be > 0, got ${cac}`);
  const names = model.channels.map((ch) => ch.name);
  for (const key of [...Object.keys(options.bounds ?? {}), ...Object.keys(options.current ?? {})])
    if (!names.includes(key))
      throw new MmmInputError(`channel "${key}" is not in the model; channels are: ${names.join(", ")}`);
  const lo = new Float64Array(C);
  const hi = new Float64Array(C);
  const current = new Float64Array(C);
  model.channels.forEach((ch, c) => {
    const b = options.bounds?.[ch.name] ?? {};
    lo[c] = b.min ?? 0;
    hi[c] = b.max ?? budget;
    if (!(lo[c] >= 0 && Number.isFinite(lo[c])))
      throw new MmmInputError(`bounds.${ch.name}.min must be a finite number >= 0`);
    if (!(hi[c] >= lo[c]))
      throw new MmmInputError(`bounds.${ch.name}: max (${hi[c]}) is below min (${lo[c]})`);
    current[c] = options.current?.[ch.name] ?? ch.meanSpend * periods;
    if (!(current[c] >= 0)) throw new MmmInputError(`current.${ch.name} must be >= 0`);
  });
  const sumLo = lo.reduce((a, b) => a + b, 0);
  const sumHi = hi.reduce((a, b) => a + b, 0);
  const mayUnderspend = objective === "profit" || cac !== undefined;
  if (sumLo > budget * (1 + 1e-12))
    throw new MmmInputError(
      `the channel minimums add up to ${sumLo}, more than the budget ${budget}; lower them or raise the budget`,
    );
  if (!mayUnderspend && sumHi < budget * (1 - 1e-12))
    throw new MmmInputError(
      `the channel maximums add up to ${sumHi}, less than the budget ${budget}; raise them, lower the budget, or set a CAC target or the profit objective to allow spending less`,
    );

  const p: BudgetProblem = {
    m: model,
    C,
    D,
    periods,
    value,
    profit: objective === "profit",
    quantile,
    obj: new Float64Array(D),
    out: new Float64Array(D),
    order: new Uint32Array(D),
    tmp: new Float64Array(D),
    slope: new Float64Array(D),
  };
  const messages: string[] = [];
  const startsFor = (S: number) => {
    const eq = new Float64Array(C).fill(S / C);
    return [Float64Array.from(current), eq, greedyStart(p, lo, hi, S)];
  };
  const cacOk = (B: Float64Array) => {
    if (cac === undefined) return true;
    evaluate(p, B);
    let spend = 0;
    for (let c = 0; c < C; c++) spend += B[c];
    const o = riskOf(p, p.out);
    return spend <= cac * o * (1 + 1e-9) || spend === 0;
  };
  let feasible = true;
  let B: Float64Array;
  const maxTotal = Math.min(budget, sumHi);
  if (!mayUnderspend) {
    B = solveForTotal(p, lo, hi, budget, startsFor(budget)).B;
  } else {
    const K = 16;
    const grid: { S: number; B: Float64Array; f: number; ok: boolean }[] = [];
    for (let k = 0; k <= K; k++) {
      const S = sumLo + ((maxTotal - sumLo) * k) / K;
      const r = solveForTotal(p, lo, hi, S, startsFor(S));
      grid.push({ S, B: r.B, f: r.f, ok: cacOk(r.B) });
    }
    const ok = grid.filter((g) => g.ok);
    if (ok.length === 0) {
      feasible = false;
      B = grid[0].B;
      messages.push(
        `No allowed spend meets the CAC target of ${cac}: even the minimum spend (${sumLo}) costs more per unit of outcome. The allocation shown is the minimum spend; raise the target or lower the channel minimums.`,
      );
    } else {
      const bestIdx = grid.indexOf(ok.reduce((a, b) => (b.f > a.f ? b : a)));
      // refine around the best grid point: bisection towards the next (infeasible or worse) point
      let left = bestIdx > 0 ? grid[bestIdx - 1].S : grid[bestIdx].S;
      let right = bestIdx < K ? grid[bestIdx + 1].S : grid[bestIdx].S;
      let best = grid[bestIdx];
      for (let it = 0; it < 24 && right - left > 1e-9 * Math.max(1, maxTotal); it++) {
        const m1 = left + (right - left) / 3;
        const m2 = right - (right - left) / 3;
        const r1 = solveForTotal(p, lo, hi, m1, [best.B]);
        const r2 = solveForTotal(p, lo, hi, m2, [best.B]);
        const c1 = { S: m1, B: r1.B, f: r1.f, ok: cacOk(r1.B) };
        const c2 = { S: m2, B: r2.B, f: r2.f, ok: cacOk(r2.B) };
        const score = (c: typeof c1) => (c.ok ? c.f : Number.NEGATIVE_INFINITY);
        if (score(c1) > best.f) best = c1;
        if (score(c2) > best.f) best = c2;
        if (score(c2) >= score(c1)) left = m1;
        else right = m2;
      }
      B = best.B;
    }
    if (cac !== undefined && feasible) {
      const spend = B.reduce((a, b) => a + b, 0);
      if (spend < maxTotal * (1 - 1e-6))
        messages.push(
          objective === "profit"
            ? `Spending ${round(spend)} of the ${budget} budget maximises profit within the CAC target.`
            : `Only ${round(spend)} of the ${budget} budget can be spent within the CAC target of ${cac}.`,
        );
    } else if (objective === "profit") {
      const spend = B.reduce((a, b) => a + b, 0);
      if (spend < budget * (1 - 1e-6))
        messages.push(
          `Spending ${round(spend)} of the ${budget} budget maximises profit; more spend would lose money.`,
        );
    }
  }
  // report
  const objectiveValue = evaluate(p, B);
  const outOpt = Float64Array.from(p.out);
  const judgedOutcome = riskOf(p, outOpt);
  const currentObjectiveValue = evaluate(p, current);
  const outCur = Float64Array.from(p.out);
  const totalSpend = B.reduce((a, b) => a + b, 0);
  const currentSpend = current.reduce((a, b) => a + b, 0);
  const allocation: ChannelAllocation[] = model.channels.map((ch, c) => {
    const outC = new Float64Array(D);
    const mroas = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      outC[d] = periods * channelResponse(model, c, d, B[c] / periods);
      mroas[d] = channelResponseSlope(model, c, d, B[c] / periods);
    }
    return {
      channel: ch.name,
      spend: B[c],
      current: current[c],
      change: B[c] - current[c],
      changePct: current[c] > 0 ? (B[c] - current[c]) / current[c] : Number.NaN,
      min: lo[c],
      max: hi[c],
      outcome: intervalOf(outC),
      marginalRoas: intervalOf(mroas),
    };
  });
  for (const a of allocation) {
    const ch = model.channels.find((x) => x.name === a.channel)!;
    if (a.spend / periods > 1.5 * ch.maxSpend)
      messages.push(
        `${a.channel}: ${round(a.spend / periods)} per period is well above the most ever spent (${round(ch.maxSpend)}); the curve there is extrapolated, so treat it with caution.`,
      );
  }
  return {
    objective,
    risk,
    quantile,
    periods,
    budget,
    feasible,
    allocation,
    totalSpend,
    currentSpend,
    outcome: intervalOf(outOpt),
    currentOutcome: intervalOf(outCur),
    outcomeChange: intervalOf(outOpt.map((v, d) => v - outCur[d])),
    cac: intervalOf(outOpt.map((v) => (v > 0 ? totalSpend / v : Number.POSITIVE_INFINITY))),
    judgedOutcome,
    objectiveValue,
    currentObjectiveValue,
    messages,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
