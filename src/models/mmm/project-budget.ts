/**
 * The optimizer's feasible set: budgets between per-channel bounds that add up to a total. Projected
 * gradient ascent steps off it and comes back through this projection (bisection on the shift tau of
 * x = clamp(v - tau, lo, hi), then the bisection's residual put on coordinates with room, so the total
 * holds exactly up to round-off).
 */
/** Euclidean projection of v onto {lo <= x <= hi, sum x = S} (assumes sum lo <= S <= sum hi). */
export function projectToBudget(
  v: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  S: number,
  out: Float64Array,
): void {
  const C = v.length;
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < C; c++) {
    tLo = Math.min(tLo, v[c] - hi[c]);
    tHi = Math.max(tHi, v[c] - lo[c]);
  }
  const total = (tau: number) => {
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.min(hi[c], Math.max(lo[c], v[c] - tau));
    return s;
  };
  for (let it = 0; it < 200 && tHi - tLo > 1e-15 * Math.max(1, Math.abs(tHi)); it++) {
    const mid = 0.5 * (tLo + tHi);
    if (total(mid) > S) tLo = mid;
    else tHi = mid;
  }
  const tau = 0.5 * (tLo + tHi);
  let s = 0;
  for (let c = 0; c < C; c++) {
    out[c] = Math.min(hi[c], Math.max(lo[c], v[c] - tau));
    s += out[c];
  }
  // remove the bisection residual on coordinates with room
  let resid = S - s;
  for (let c = 0; c < C && Math.abs(resid) > 0; c++) {
    const room = resid > 0 ? hi[c] - out[c] : lo[c] - out[c];
    const step = resid > 0 ? Math.min(resid, room) : Math.max(resid, room);
    out[c] += step;
    resid -= step;
  }
}
