/**
 * Lower tail of an overdispersed count: a Poisson count whose rate varies from day to day as a gamma
 * distribution (the negative binomial, NB2), with the rate's mean and variance matched to the earlier
 * days (method of moments: size r = m^2 / (v - m)). This is the model for counts of unit events such as
 * impressions: given the day's rate each impression is a Poisson event, so the variance above the mean
 * can only come from the rate itself. (Spend is different: its variance also carries the money per
 * click, which the quasi-Poisson test in spend-band.ts scales out.)
 *
 * P(N <= k) = sum_{i<=k} C(i+r-1, i) p^r (1-p)^i with p = r / (r + m); Poisson(m) when v <= m.
 * Summed in log space: P(0) = exp(r log p) reaches 1e-60 and below for a frozen busy counter.
 */
export function gammaPoissonCdf(k: number, mean: number, variance: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  if (variance <= mean) return poissonLowerTail(k, mean);
  const r = (mean * mean) / (variance - mean);
  const logQ = Math.log(mean / (r + mean));
  let logTerm = r * Math.log(r / (r + mean));
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(i - 1 + r) - Math.log(i) + logQ;
    total += Math.exp(logTerm);
  }
  return Math.min(1, total);
}

function poissonLowerTail(k: number, lambda: number): number {
  let logTerm = -lambda;
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(lambda) - Math.log(i);
    total += Math.exp(logTerm);
  }
  return Math.min(1, total);
}
