/**
 * Convergence diagnostics after Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-normalization,
 * folding, and localization: an improved R-hat", computed as ArviZ does: rank-normalised split R-hat
 * (max of bulk and folded), bulk ESS (split chains, rank-normalised), tail ESS (min over the 5 % and
 * 95 % quantile indicators), Geyer's initial monotone sequence on FFT autocovariances; E-BFMI per chain.
 * Each function takes one parameter's draws as an array of chains (equal lengths).
 */
import { normalQuantile } from "./special.js";

type Chains = readonly ArrayLike<number>[];

function splitChains(chains: Chains): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of chains) {
    const half = Math.floor(c.length / 2);
    const off = c.length - 2 * half; // with an odd length the first draw is dropped
    out.push(Float64Array.from({ length: half }, (_, i) => c[off + i]));
    out.push(Float64Array.from({ length: half }, (_, i) => c[off + half + i]));
  }
  return out;
}

/** Pooled ranks (average for ties) mapped to normal scores: Φ^-1((r - 3/8) / (S + 1/4)). */
function zScale(chains: Float64Array[]): Float64Array[] {
  const m = chains.length;
  const n = chains[0].length;
  const S = m * n;
  const sorted = new Float64Array(S);
  for (let j = 0; j < m; j++) sorted.set(chains[j], j * n);
  sorted.sort();
  const out: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const c = chains[j];
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = c[i];
      // first index >= v and first index > v: average rank of the tie group (1-based)
      let lo = 0;
      let hi = S;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      let lo2 = lo;
      let hi2 = S;
      while (lo2 < hi2) {
        const mid = (lo2 + hi2) >>> 1;
        if (sorted[mid] <= v) lo2 = mid + 1;
        else hi2 = mid;
      }
      const rank = (lo + lo2 - 1) / 2 + 1;
      z[i] = normalQuantile((rank - 0.375) / (S + 0.25));
    }
    out.push(z);
  }
  return out;
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function variance(a: ArrayLike<number>, ddof = 1): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return s / (a.length - ddof);
}

function basicRhat(chains: Float64Array[]): number {
  const n = chains[0].length;
  const means = chains.map(mean);
  const between = n * variance(means);
  const within = mean(chains.map((c) => variance(c)));
  if (!(within > 0)) return between > 0 ? Number.POSITIVE_INFINITY : 1;
  return Math.sqrt((between / within + n - 1) / n);
}

/** Rank-normalised split R-hat (max of bulk and tail/folded). */
export function rhat(chains: Chains): number {
  if (chains.length === 0 || chains[0].length < 4) return Number.NaN;
  const split = splitChains(chains);
  if (isConstant(split)) return 1;
  const bulk = basicRhat(zScale(split));
  const all = new Float64Array(split.length * split[0].length);
  split.forEach((c, j) => {
    all.set(c, j * c.length);
  });
  const med = quantileSorted(Float64Array.from(all).sort(), 0.5);
  const folded = splitChains(chains.map((c) => Float64Array.from(c, (v) => Math.abs(v - med))));
  const tail = isConstant(folded) ? 1 : basicRhat(zScale(folded));
  return Math.max(bulk, tail);
}

function isConstant(chains: Float64Array[]): boolean {
  const first = chains[0][0];
  for (const c of chains) for (let i = 0; i < c.length; i++) if (c[i] !== first) return false;
  return true;
}

/** In-place iterative radix-2 complex FFT. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const ar = re[i + k + len / 2] * cr - im[i + k + len / 2] * ci;
        const ai = re[i + k + len / 2] * ci + im[i + k + len / 2] * cr;
        re[i + k + len / 2] = re[i + k] - ar;
        im[i + k + len / 2] = im[i + k] - ai;
        re[i + k] += ar;
        im[i + k] += ai;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** Biased autocovariance (divided by n) at all lags. */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const m = mean(x);
  for (let i = 0; i < n; i++) re[i] = x[i] - m;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = re[i] / size / n;
  return out;
}

/** Effective sample size of chains (no splitting or normalisation here). */
export function essRaw(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  if (n < 4) return Number.NaN;
  if (isConstant(chains)) return Number.NaN;
  const acov = chains.map(autocovariance);
  const chainMeans = chains.map(mean);
  let meanVar = 0;
  for (const a of acov) meanVar += a[0];
  meanVar = (meanVar / m) * (n / (n - 1));
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += variance(chainMeans);
  const meanAcov = (t: number) => {
    let s = 0;
    for (const a of acov) s += a[t];
    return s / m;
  };
  const rho = new Float64Array(n);
  rho[0] = 1;
  let rhoEven = 1;
  let rhoOdd = 1 - (meanVar - meanAcov(1)) / varPlus;
  rho[1] = rhoOdd;
  let t = 1;
  while (t < n - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - meanAcov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - meanAcov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  t = 1;
  while (t <= maxT - 2) {
    if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
      rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
      rho[t + 2] = rho[t + 1];
    }
    t += 2;
  }
  const total = m * n;
  let sum = 0;
  for (let i = 0; i <= maxT; i++) sum += rho[i];
  let tau = -1 + 2 * sum + (maxT + 1 < n ? rho[maxT + 1] : 0);
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

/** Bulk ESS: split chains, rank-normalised. */
export function essBulk(chains: Chains): number {
  if (chains.length === 0 || chains[0].length < 8) return Number.NaN;
  const split = splitChains(chains);
  if (isConstant(split)) return Number.NaN;
  return essRaw(zScale(split));
}

/** Tail ESS: the smaller of the ESS of the indicators I(x <= q05) and I(x <= q95). */
export function essTail(chains: Chains): number {
  if (chains.length === 0 || chains[0].length < 8) return Number.NaN;
  const all: number[] = [];
  for (const c of chains) for (let i = 0; i < c.length; i++) all.push(c[i]);
  const sorted = Float64Array.from(all).sort();
  let out = Number.POSITIVE_INFINITY;
  for (const p of [0.05, 0.95]) {
    const q = quantileSorted(sorted, p);
    const ind = splitChains(chains.map((c) => Float64Array.from(c, (v) => (v <= q ? 1 : 0))));
    const e = isConstant(ind) ? Number.NaN : essRaw(ind);
    if (Number.isNaN(e)) return Number.NaN;
    out = Math.min(out, e);
  }
  return out;
}

/** E-BFMI of one chain: mean squared energy change over the energy variance. */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 3) return Number.NaN;
  let d2 = 0;
  for (let i = 1; i < n; i++) d2 += (energy[i] - energy[i - 1]) ** 2;
  return d2 / (n - 1) / variance(energy, 0);
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** R-hat, bulk ESS and tail ESS of one parameter, sharing the split and rank-normalised chains. */
export function parameterDiagnostics(chains: Chains): { rhat: number; essBulk: number; essTail: number } {
  if (chains.length === 0 || chains[0].length < 8)
    return { rhat: Number.NaN, essBulk: Number.NaN, essTail: Number.NaN };
  const split = splitChains(chains);
  if (isConstant(split)) return { rhat: 1, essBulk: Number.NaN, essTail: Number.NaN };
  const z = zScale(split);
  const bulkRhat = basicRhat(z);
  const essB = essRaw(z);
  let total = 0;
  for (const c of split) total += c.length;
  const sorted = new Float64Array(total);
  let off = 0;
  for (const c of split) {
    sorted.set(c, off);
    off += c.length;
  }
  sorted.sort();
  const med = quantileSorted(sorted, 0.5);
  const folded = split.map((c) => Float64Array.from(c, (v) => Math.abs(v - med)));
  const tailRhat = isConstant(folded) ? 1 : basicRhat(zScale(folded));
  let essT = Number.POSITIVE_INFINITY;
  for (const p of [0.05, 0.95]) {
    const q = quantileSorted(sorted, p);
    const ind = split.map((c) => Float64Array.from(c, (v) => (v <= q ? 1 : 0)));
    const e = isConstant(ind) ? Number.NaN : essRaw(ind);
    essT = Number.isNaN(e) ? Number.NaN : Math.min(essT, e);
  }
  return { rhat: Math.max(bulkRhat, tailRhat), essBulk: essB, essTail: essT };
}
