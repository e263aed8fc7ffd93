/**
 * Minimum exploration share.
 *
 * "Exploration" is the part of the budget that does not go where the current best guess (the
 * posterior means) would put it: e(w) = Σ_i max(0, w_i − g_i), where g is the greedy fill by
 * posterior mean (each arm up to its capacity). Thompson sampling already explores through its
 * randomness; only when its own exploration e(s) is below the floor ε (10% by default, seed 002:
 * "reserve 10% exploration") is it mixed with a uniform split,
 *   w(β) = (1 − β)·s + β·u,
 * with the smallest β that lifts e(w) to ε. So the floor is a minimum, not a flat tax on top of
 * the exploration TS already does — the reference bandit_ads gave every arm a flat minimum instead,
 * which keeps paying for arms that are clearly worse long after they are known to be.
 */

/** Greedy fill by score: each arm up to its capacity (share of budget), highest score first. */
export function greedyFill(scores: readonly number[], capacities: readonly number[]): Float64Array {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const out = new Float64Array(scores.length);
  let left = 1;
  for (const i of order) {
    if (left <= 0) break;
    const take = Math.min(capacities[i]!, left);
    out[i] = take;
    left -= take;
  }
  return out;
}

export function explorationMass(w: ArrayLike<number>, greedy: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < w.length; i++) e += Math.max(0, w[i]! - greedy[i]!);
  return e;
}

/** Mix `shares` with `uniform` just enough that the exploration mass reaches `floor`. Returns β and w. */
export function enforceExplorationFloor(
  shares: ArrayLike<number>,
  uniform: ArrayLike<number>,
  greedy: ArrayLike<number>,
  floor: number,
): { beta: number; weights: Float64Array } {
  const n = shares.length;
  const mix = (beta: number) => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = (1 - beta) * shares[i]! + beta * uniform[i]!;
    return w;
  };
  if (floor <= 0 || explorationMass(shares, greedy) >= floor) return { beta: 0, weights: mix(0) };
  if (explorationMass(uniform, greedy) <= floor) return { beta: 1, weights: mix(1) };
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (explorationMass(mix(mid), greedy) < floor) lo = mid;
    else hi = mid;
  }
  return { beta: hi, weights: mix(hi) };
}
