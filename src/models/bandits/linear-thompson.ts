/**
 * Contextual Thompson sampling with a linear-Gaussian model per arm (Agrawal & Goyal, ICML 2013):
 *   r = θ_kᵀ x + noise,  θ_k ~ N(μ_k, v² B_k⁻¹),  B_k = λI + Σ x xᵀ,  μ_k = B_k⁻¹ Σ r x.
 * Draw θ̃_k per arm, choose argmax θ̃_kᵀ x. Features are things like hour-of-day and weekday
 * one-hots, segment, creative attributes. Sampling uses a Cholesky factor of B_k⁻¹ so results are
 * identical on every platform (the BLAS nondeterminism MABWiser hit, Kilitcioglu & Kadioglu 2022).
 * Plain data state: JSON-safe arrays.
 */
import { standardNormal } from "../random/normal.js";
import type { Rng } from "../random/rng.js";

export interface LinearArmState {
  /** B⁻¹ (d×d, row-major). */
  readonly covInv: number[];
  /** Σ r x. */
  readonly f: number[];
}

export interface LinearThompsonState {
  readonly dimension: number;
  readonly v: number;
  readonly lambda: number;
  readonly arms: LinearArmState[];
}

export function linearThompson(arms: number, dimension: number, v = 0.25, lambda = 1): LinearThompsonState {
  if (!Number.isInteger(dimension) || dimension < 1)
    throw new Error(`dimension must be an integer >= 1, got ${dimension}`);
  if (!(lambda > 0)) throw new Error(`lambda must be > 0, got ${lambda}`);
  const eye = Array.from({ length: dimension * dimension }, (_, i) =>
    i % (dimension + 1) === 0 ? 1 / lambda : 0,
  );
  return {
    dimension,
    v,
    lambda,
    arms: Array.from({ length: arms }, () => ({ covInv: [...eye], f: new Array(dimension).fill(0) })),
  };
}

function checkContext(s: LinearThompsonState, x: readonly number[]): void {
  if (x.length !== s.dimension) throw new Error(`context must have ${s.dimension} features, got ${x.length}`);
}

/** Posterior mean μ = B⁻¹ f. */
export function linearMean(arm: LinearArmState, d: number): number[] {
  const mu = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) mu[i]! += arm.covInv[i * d + j]! * arm.f[j]!;
  return mu;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (row-major). */
export function cholesky(a: readonly number[], d: number): number[] {
  const l = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) l[i * d + i] = Math.sqrt(Math.max(s, 1e-300));
      else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  return l;
}

export function selectLinear(s: LinearThompsonState, x: readonly number[], rng: Rng): number {
  checkContext(s, x);
  const d = s.dimension;
  let best = Number.NEGATIVE_INFINITY;
  let bestK = 0;
  const z = new Array<number>(d);
  for (let k = 0; k < s.arms.length; k++) {
    const arm = s.arms[k]!;
    const mu = linearMean(arm, d);
    const l = cholesky(arm.covInv, d);
    for (let i = 0; i < d; i++) z[i] = standardNormal(rng);
    let score = 0;
    for (let i = 0; i < d; i++) {
      let theta = mu[i]!;
      for (let j = 0; j <= i; j++) theta += s.v * l[i * d + j]! * z[j]!;
      score += theta * x[i]!;
    }
    if (score > best) {
      best = score;
      bestK = k;
    }
  }
  return bestK;
}

/** Sherman–Morrison rank-one update of B⁻¹ and f with (x, r). Returns a new state. */
export function updateLinear(
  s: LinearThompsonState,
  arm: number,
  x: readonly number[],
  reward: number,
): LinearThompsonState {
  checkContext(s, x);
  if (!Number.isFinite(reward)) throw new Error(`reward must be finite, got ${reward}`);
  const d = s.dimension;
  const a = s.arms[arm];
  if (!a) throw new Error(`arm ${arm} does not exist (have ${s.arms.length})`);
  const bx = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) bx[i]! += a.covInv[i * d + j]! * x[j]!;
  let denom = 1;
  for (let i = 0; i < d; i++) denom += x[i]! * bx[i]!;
  const covInv = a.covInv.map((c, idx) => c - (bx[Math.floor(idx / d)]! * bx[idx % d]!) / denom);
  const f = a.f.map((fi, i) => fi + reward * x[i]!);
  const arms = s.arms.slice();
  arms[arm] = { covInv, f };
  return { ...s, arms };
}
