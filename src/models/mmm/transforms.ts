/**
 * Media transforms: adstock (carry-over) kernels and saturation (diminishing returns) curves,
 * with derivatives with respect to their constrained parameters.
 *
 * Adstock: a_t = sum_{l=0}^{L-1} w_l x_{t-l} with weights normalised to sum to 1 (PyMC-Marketing's
 * `normalize=True`), spend before the first period taken as zero.
 *   geometric:   w_l ∝ alpha^l                                  (alpha in (0,1))
 *   weibullCdf:  w_l ∝ prod_{j=1..l} (1 - F(j)) = exp(-sum_{j=1..l} (j/lambda)^k)   (decay, PyMC's CDF form)
 *   weibullPdf:  w_l ∝ f(l+1) ∝ ((l+1)/lambda)^(k-1) exp(-((l+1)/lambda)^k)          (delayed peak)
 * Saturation of the adstocked, max-scaled spend a >= 0:
 *   logistic:    s = (1 - e^{-lambda a}) / (1 + e^{-lambda a}) = tanh(lambda a / 2)
 *   hill:        s = a^n / (a^n + kappa^n)
 * A channel's contribution is beta * s.
 */

export type AdstockKind = "geometric" | "weibullCdf" | "weibullPdf";
export type SaturationKind = "logistic" | "hill";

export const ADSTOCK_PARAMS: Record<AdstockKind, readonly string[]> = {
  geometric: ["alpha"],
  weibullCdf: ["lambda", "k"],
  weibullPdf: ["lambda", "k"],
};

export const SATURATION_PARAMS: Record<SaturationKind, readonly string[]> = {
  logistic: ["lambda"],
  hill: ["kappa", "slope"],
};

/**
 * Normalised adstock weights into w[0..L-1]. If dw is given, writes dw_l/dp_j at dw[j*L + l]
 * for each kernel parameter p_j (constrained scale). `scratch` needs 3*L entries.
 */
export function adstockWeights(
  kind: AdstockKind,
  p0: number,
  p1: number,
  L: number,
  w: Float64Array,
  dw: Float64Array | null,
  scratch: Float64Array,
): void {
  if (kind === "geometric") {
    const alpha = p0;
    let S = 0;
    let q = 0; // dS/dalpha
    let pw = 1;
    for (let l = 0; l < L; l++) {
      w[l] = pw;
      S += pw;
      if (l + 1 < L) q += (l + 1) * pw;
      pw *= alpha;
    }
    const invS = 1 / S;
    for (let l = 0; l < L; l++) w[l] *= invS;
    if (dw) {
      // dw_l/dalpha = (l alpha^{l-1} - w_l q) / S, written without dividing by alpha.
      let pm1 = 1; // alpha^{l-1}
      dw[0] = -w[0] * q * invS;
      for (let l = 1; l < L; l++) {
        dw[l] = (l * pm1 - w[l] * q) * invS;
        pm1 *= alpha;
      }
    }
    return;
  }
  const lambda = p0;
  const k = p1;
  const lw = scratch; // log weights, [0, L)
  const dl = scratch; // d lw / d lambda at [L, 2L), d lw / d k at [2L, 3L)
  if (kind === "weibullCdf") {
    let acc = 0;
    let accL = 0;
    let accK = 0;
    lw[0] = 0;
    dl[L] = 0;
    dl[2 * L] = 0;
    for (let l = 1; l < L; l++) {
      const logr = Math.log(l / lambda);
      const r = Math.exp(k * logr);
      acc -= r;
      accL += (k / lambda) * r;
      accK -= r * logr;
      lw[l] = acc;
      dl[L + l] = accL;
      dl[2 * L + l] = accK;
    }
  } else {
    for (let l = 0; l < L; l++) {
      const logr = Math.log((l + 1) / lambda);
      const r = Math.exp(k * logr);
      lw[l] = (k - 1) * logr - r;
      dl[L + l] = -(k - 1) / lambda + (k / lambda) * r;
      dl[2 * L + l] = logr - r * logr;
    }
  }
  let m = Number.NEGATIVE_INFINITY;
  for (let l = 0; l < L; l++) if (lw[l] > m) m = lw[l];
  let S = 0;
  for (let l = 0; l < L; l++) {
    const e = Math.exp(lw[l] - m);
    w[l] = e;
    S += e;
  }
  const invS = 1 / S;
  for (let l = 0; l < L; l++) w[l] *= invS;
  if (dw) {
    for (let j = 0; j < 2; j++) {
      const base = (j + 1) * L;
      let mean = 0;
      for (let l = 0; l < L; l++) mean += w[l] * dl[base + l];
      for (let l = 0; l < L; l++) dw[j * L + l] = w[l] * (dl[base + l] - mean);
    }
  }
}

/** a = w * x (causal convolution over the first n periods). */
export function convolveAdstock(
  x: Float64Array,
  w: Float64Array,
  L: number,
  n: number,
  out: Float64Array,
): void {
  for (let t = 0; t < n; t++) {
    const lmax = t + 1 < L ? t + 1 : L;
    let s = 0;
    for (let l = 0; l < lmax; l++) s += w[l] * x[t - l];
    out[t] = s;
  }
}

/** Saturation value s(a). */
export function saturate(kind: SaturationKind, a: number, p0: number, p1: number): number {
  if (kind === "logistic") return Math.tanh(0.5 * p0 * a);
  if (a <= 0) return 0;
  const r = Math.exp(p1 * Math.log(a / p0));
  return r / (1 + r);
}

/** Derivative ds/da. */
export function saturateSlope(kind: SaturationKind, a: number, p0: number, p1: number): number {
  if (kind === "logistic") {
    const s = Math.tanh(0.5 * p0 * a);
    return 0.5 * p0 * (1 - s * s);
  }
  if (a <= 0) return p1 === 1 ? 1 / p0 : p1 > 1 ? 0 : Number.POSITIVE_INFINITY;
  const r = Math.exp(p1 * Math.log(a / p0));
  const s = r / (1 + r);
  return (p1 * s * (1 - s)) / a;
}
