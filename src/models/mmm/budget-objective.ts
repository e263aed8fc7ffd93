/**
 * The budget optimizer's objective over the posterior draws: each channel's steady-state response per
 * period at a spend, the horizon's outcome and value per draw, the risk measure over draws (the mean,
 * or a lower quantile for a risk-averse plan) and its gradient in each channel's spend. Scratch arrays
 * live in the `BudgetProblem`, so the solver's many evaluations allocate nothing.
 */
import { channelResponseSlope, type MmmResponseModel } from "./response.js";

/** One optimization: the model, the objective, and scratch space for evaluating it. */
export interface BudgetProblem {
  m: MmmResponseModel;
  C: number;
  D: number;
  periods: number;
  value: number;
  profit: boolean;
  quantile: number | null;
  // scratch
  obj: Float64Array;
  out: Float64Array;
  order: Uint32Array;
  tmp: Float64Array;
  slope: Float64Array;
}

/** Response per period (target units) of channel c at per-period spend b, for every draw, into out. */
function responsesAt(
  m: MmmResponseModel,
  c: number,
  b: number,
  out: Float64Array,
  slope: Float64Array | null,
): void {
  const ch = m.channels[c];
  const x = b / ch.scale;
  const D = out.length;
  const k = m.yScale;
  if (m.saturation === "logistic") {
    for (let d = 0; d < D; d++) {
      const lam = ch.p0[d];
      const e = Math.exp(-lam * x);
      const inv = 1 / (1 + e);
      out[d] = k * ch.beta[d] * (1 - e) * inv;
      if (slope) slope[d] = (k * ch.beta[d] * 2 * lam * e * inv * inv) / ch.scale;
    }
    return;
  }
  for (let d = 0; d < D; d++) {
    if (x <= 0) {
      out[d] = 0;
      if (slope) slope[d] = channelResponseSlope(m, c, d, 0);
      continue;
    }
    const r = Math.exp(ch.p1[d] * Math.log(x / ch.p0[d]));
    const s = r / (1 + r);
    out[d] = k * ch.beta[d] * s;
    if (slope) slope[d] = (k * ch.beta[d] * ch.p1[d] * s * (1 - s)) / x / ch.scale;
  }
}

/** Per-draw outcome (horizon, target units) into p.out and objective into p.obj; returns the risk measure. */
export function evaluate(p: BudgetProblem, B: Float64Array): number {
  const { m, C, D, periods } = p;
  let spend = 0;
  for (let c = 0; c < C; c++) spend += B[c];
  p.out.fill(0);
  for (let c = 0; c < C; c++) {
    responsesAt(m, c, B[c] / periods, p.tmp, null);
    for (let d = 0; d < D; d++) p.out[d] += p.tmp[d];
  }
  for (let d = 0; d < D; d++) {
    const o = p.out[d] * periods;
    p.out[d] = o;
    p.obj[d] = p.profit ? p.value * o - spend : p.value * o;
  }
  return riskOf(p, p.obj);
}

/** The risk measure over draws: their mean, or the `quantile` (interpolated between draws). */
export function riskOf(p: BudgetProblem, values: Float64Array): number {
  if (p.quantile === null) {
    let s = 0;
    for (let d = 0; d < p.D; d++) s += values[d];
    return s / p.D;
  }
  const sorted = Float64Array.from(values).sort();
  const h = (p.D - 1) * p.quantile;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, p.D - 1)] - sorted[lo]);
}

/** Gradient of the risk measure of the objective (after `evaluate` at B). */
export function gradient(p: BudgetProblem, B: Float64Array, g: Float64Array): void {
  const { m, C, D, periods } = p;
  g.fill(0);
  let from = 0;
  let to = D;
  const order = p.order;
  if (p.quantile !== null) {
    for (let d = 0; d < D; d++) order[d] = d;
    order.sort((a, b) => p.obj[a] - p.obj[b]);
    const h = Math.max(2, Math.round(0.02 * D));
    const center = Math.round((D - 1) * p.quantile);
    from = Math.max(0, center - h);
    to = Math.min(D, center + h + 1);
  }
  for (let c = 0; c < C; c++) {
    responsesAt(m, c, B[c] / periods, p.tmp, p.slope);
    let s = 0;
    for (let k = from; k < to; k++) s += p.slope[p.quantile !== null ? order[k] : k];
    g[c] = s;
  }
  for (let c = 0; c < C; c++) g[c] = (p.value * g[c]) / (to - from) - (p.profit ? 1 : 0);
}
