/** Small, exact-enough statistics for lab experiments (normal approximations, two-sided tests). */

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export interface DifferenceTest {
  /** treatment - control */
  difference: number;
  ciLow: number;
  ciHigh: number;
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  significant: boolean;
}

/** Difference of two proportions (x1/n1 - x2/n2), Wald interval, pooled z-test. */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  alpha = 0.05,
): DifferenceTest {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pooled = (x1 + x2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = sePooled > 0 ? (p1 - p2) / sePooled : 0;
  return finish(p1 - p2, se, z, alpha);
}

/** Difference of two means from sufficient statistics (Welch, normal approximation for large n). */
export function meanDifferenceTest(
  a: { n: number; sum: number; sumSq: number },
  b: { n: number; sum: number; sumSq: number },
  alpha = 0.05,
): DifferenceTest {
  const m1 = a.sum / a.n;
  const m2 = b.sum / b.n;
  const v1 = (a.sumSq - a.n * m1 * m1) / Math.max(1, a.n - 1);
  const v2 = (b.sumSq - b.n * m2 * m2) / Math.max(1, b.n - 1);
  const se = Math.sqrt(v1 / a.n + v2 / b.n);
  return finish(m1 - m2, se, se > 0 ? (m1 - m2) / se : 0, alpha);
}

function finish(difference: number, se: number, z: number, alpha: number): DifferenceTest {
  const crit = alpha === 0.05 ? 1.959963984540054 : criticalZ(alpha);
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  return {
    difference,
    ciLow: difference - crit * se,
    ciHigh: difference + crit * se,
    z,
    pValue,
    significant: pValue < alpha,
  };
}

function criticalZ(alpha: number): number {
  // Bisection on the CDF: cold path only.
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (2 * (1 - normalCdf(mid)) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
