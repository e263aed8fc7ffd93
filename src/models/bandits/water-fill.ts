/**
 * Budget split with per-arm bounds that still sums exactly to the budget.
 *
 * The reference implementations applied caps after normalising, so shares stopped summing to the
 * budget (seeds-and-products §1.6). Here the bounded split is the water-filling solution
 *   x_i = clamp(λ·w_i, lo_i, hi_i),  Σ x_i = B,
 * with λ found by bisection (f(λ) = Σ x_i is continuous and non-decreasing), followed by
 * largest-remainder rounding to integer minor units that respects the bounds.
 */

export interface BoundedSplit {
  /** Integer amounts in minor units, same order as the weights. */
  readonly amounts: number[];
  /** Budget that could not be placed because every arm is at its maximum. */
  readonly unallocated: number;
  /** Which bound is binding for each arm, if any. */
  readonly binding: ("min" | "max" | null)[];
}

export function waterFill(
  budget: number,
  weights: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
): BoundedSplit {
  const n = weights.length;
  if (!Number.isSafeInteger(budget) || budget < 0)
    throw new Error(`budget must be a non-negative integer of minor units, got ${budget}`);
  if (lo.length !== n || hi.length !== n) throw new Error("weights, lo and hi must have the same length");
  let sumLo = 0;
  let sumHi = 0;
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    if (!Number.isSafeInteger(l) || l < 0)
      throw new Error(`minimum of arm ${i} must be a non-negative integer, got ${l}`);
    if (!(Number.isSafeInteger(h) || h === Number.POSITIVE_INFINITY) || h < l) {
      throw new Error(`maximum of arm ${i} must be an integer >= its minimum ${l}, got ${h}`);
    }
    if (!(weights[i]! >= 0) || !Number.isFinite(weights[i]!))
      throw new Error(`weight of arm ${i} must be finite and >= 0`);
    sumLo += l;
    sumHi += h;
  }
  if (sumLo > budget) {
    throw new Error(
      `per-arm minimums add up to ${sumLo} minor units, more than the budget ${budget}; lower the minimums or raise the budget`,
    );
  }
  if (sumHi <= budget) {
    return {
      amounts: hi.map((h) => h),
      unallocated: budget - sumHi,
      binding: hi.map(() => "max" as const),
    };
  }
  const total = (lambda: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.min(hi[i]!, Math.max(lo[i]!, lambda * weights[i]!));
    return s;
  };
  // If no positive weight can absorb the remainder, spread it uniformly over the arms with room.
  let w = weights;
  let positiveRoom = false;
  for (let i = 0; i < n; i++) if (weights[i]! > 0 && hi[i]! > lo[i]!) positiveRoom = true;
  if (!positiveRoom || total(Number.MAX_VALUE / 4) < budget) {
    w = weights.map((x, i) => (hi[i]! > lo[i]! ? x + 1e-12 : x));
  }
  let low = 0;
  let high = 1;
  const totalW = (lambda: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.min(hi[i]!, Math.max(lo[i]!, lambda * w[i]!));
    return s;
  };
  while (totalW(high) < budget) high *= 2;
  for (let it = 0; it < 200 && high - low > high * 1e-15; it++) {
    const mid = 0.5 * (low + high);
    if (totalW(mid) < budget) low = mid;
    else high = mid;
  }
  const real = new Float64Array(n);
  for (let i = 0; i < n; i++) real[i] = Math.min(hi[i]!, Math.max(lo[i]!, high * w[i]!));
  const amounts = largestRemainder(budget, real, lo, hi);
  const binding = amounts.map((x, i) => (x === lo[i] && lo[i]! > 0 ? "min" : x === hi[i] ? "max" : null));
  return { amounts, unallocated: 0, binding };
}

/**
 * Round real amounts to integers summing exactly to `budget` (Hamilton's largest-remainder method),
 * never leaving [lo_i, hi_i]. Ties go to the lower index, so the result is deterministic.
 */
export function largestRemainder(
  budget: number,
  real: ArrayLike<number>,
  lo: readonly number[],
  hi: readonly number[],
): number[] {
  const n = real.length;
  const out = new Array<number>(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.max(lo[i]!, Math.min(hi[i]!, Math.floor(real[i]! + 1e-9)));
    assigned += out[i]!;
  }
  let remaining = budget - assigned;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => {
    const fx = real[x]! - Math.floor(real[x]! + 1e-9);
    const fy = real[y]! - Math.floor(real[y]! + 1e-9);
    return fy - fx || x - y;
  });
  while (remaining > 0) {
    let progressed = false;
    for (const i of order) {
      if (remaining === 0) break;
      if (out[i]! < hi[i]!) {
        out[i]!++;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  while (remaining < 0) {
    let progressed = false;
    for (let k = order.length - 1; k >= 0 && remaining < 0; k--) {
      const i = order[k]!;
      if (out[i]! > lo[i]!) {
        out[i]!--;
        remaining++;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return out;
}
