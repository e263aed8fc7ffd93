/**
 * Robust location and scale: median and MAD (median absolute deviation), scaled by 1.4826 so that
 * MAD estimates the standard deviation of normal data (Rousseeuw & Croux 1993; Iglewicz & Hoaglin's
 * modified z-score uses 0.6745 = 1/1.4826).
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mad(values: readonly number[], center = median(values)): number {
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}

/** Robust z-score of `x` against `baseline`; the scale never drops below `minScale`. */
export function robustZ(x: number, baseline: readonly number[], minScale = 1e-9): number {
  const m = median(baseline);
  return (x - m) / Math.max(mad(baseline, m), minScale);
}
