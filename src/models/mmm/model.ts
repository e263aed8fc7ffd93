/**
 * Log-posterior density of the MMM on the unconstrained space, with its analytic gradient.
 *
 *   mu_t = X_t · b + sum_c beta_c s_c(a_ct),   a_ct = sum_l w_l(theta_c) x_c,t-l
 *   y_t ~ Normal(mu_t, sigma)  or  StudentT(nu, mu_t, sigma)            for t < nTrain
 *   lift_i ~ Normal(beta_c (s_c(x_i + dx_i) - s_c(x_i)), sigma_i)        (lift-test calibration)
 *
 * Every constrained parameter v = g(u) comes from an unconstrained u (identity, exp or logistic) and
 * the density includes log|dv/du|, so NUTS can move freely in R^d. All work arrays are allocated
 * once in the constructor: `logDensity` allocates nothing.
 */
import {
  type Prior,
  priorCenter,
  type Transform,
  toConstrained,
  toUnconstrained,
  transformOf,
} from "./priors.js";
import type { ModelSpec } from "./spec.js";
import { digamma, logGamma } from "./special.js";
import { ADSTOCK_PARAMS, adstockWeights, SATURATION_PARAMS } from "./transforms.js";

export interface ParamDef {
  name: string;
  prior: Prior;
  transform: Transform;
}

export interface ChannelLayout {
  adstock: number[];
  saturation: number[];
  beta: number;
}

/** A differentiable log-density over R^dim. */
export interface LogDensity {
  readonly dim: number;
  /** Returns log p(theta) and writes its gradient into grad. */
  logDensity(theta: Float64Array, grad: Float64Array): number;
}

export class MmmModel implements LogDensity {
  readonly dim: number;
  readonly params: ParamDef[];
  readonly channelLayout: ChannelLayout[];
  readonly sigmaIndex: number;
  readonly nuIndex: number;
  readonly nLin: number;
  private readonly transforms: Uint8Array; // 0 identity, 1 log, 2 logit
  private readonly priorKind: Uint8Array;
  private readonly priorA: Float64Array;
  private readonly priorB: Float64Array;
  /** Linear columns stored sparsely (indices and values of non-zeros), or null when dense. */
  private readonly sparseIdx: (Int32Array | null)[];
  private readonly sparseVal: (Float64Array | null)[];
  /** Linear columns equal to 1 in every training period (the intercept). */
  private readonly onesCol: Uint8Array;
  /**
   * When true, the first coordinate is sampled as the mean of mu over the training periods instead of
   * the intercept itself: intercept = m - mean_t(rest_t), with rest_t everything but the intercept. It is a
   * shear (Jacobian 1), so the posterior is the same, but the intercept no longer trades off against
   * every media coefficient and the trend, which would otherwise make NUTS take long trajectories.
   */
  readonly centered: boolean;
  // workspace
  private readonly v: Float64Array;
  private readonly dv: Float64Array;
  private readonly gv: Float64Array;
  private readonly d1 = new Float64Array(1);
  private readonly mu: Float64Array;
  private readonly gmu: Float64Array;
  private readonly w: Float64Array[];
  private readonly dw: Float64Array[];
  private readonly wScratch: Float64Array;
  private readonly a: Float64Array[];
  private readonly s: Float64Array[];
  private readonly dsda: Float64Array[];
  private readonly dsdp: Float64Array[]; // 2*n per channel
  private readonly gw: Float64Array;
  private readonly hillSlope: Float64Array; // d s / d slope for Hill, per channel

  constructor(readonly spec: ModelSpec) {
    const params: ParamDef[] = [];
    const add = (name: string, prior: Prior) => {
      params.push({ name, prior, transform: transformOf(prior) });
      return params.length - 1;
    };
    spec.linNames.forEach((name, j) => {
      add(name, spec.linPriors[j]);
    });
    this.nLin = spec.linNames.length;
    this.channelLayout = spec.channels.map((ch) => ({
      adstock: ADSTOCK_PARAMS[spec.adstock].map((p, j) =>
        add(`adstock.${p}[${ch.name}]`, ch.adstockPriors[j]),
      ),
      saturation: SATURATION_PARAMS[spec.saturation].map((p, j) =>
        add(`saturation.${p}[${ch.name}]`, ch.saturationPriors[j]),
      ),
      beta: add(`saturation.beta[${ch.name}]`, ch.betaPrior),
    }));
    this.sigmaIndex = add("sigma", spec.sigmaPrior);
    this.nuIndex = spec.likelihood === "studentT" ? add("nu", spec.nuPrior) : -1;
    this.params = params;
    this.dim = params.length;
    this.priorKind = new Uint8Array(this.dim);
    this.priorA = new Float64Array(this.dim);
    this.priorB = new Float64Array(this.dim);
    params.forEach((p, i) => {
      const [k, a, b] = encodePrior(p.prior);
      this.priorKind[i] = k;
      this.priorA[i] = a;
      this.priorB[i] = b;
    });
    this.sparseIdx = [];
    this.sparseVal = [];
    this.onesCol = new Uint8Array(this.nLin);
    for (let j = 0; j < this.nLin; j++) {
      const col = spec.linX.subarray(j * spec.n, j * spec.n + spec.nTrain);
      let nnz = 0;
      let ones = true;
      for (let t = 0; t < col.length; t++) {
        if (col[t] !== 0) nnz++;
        if (col[t] !== 1) ones = false;
      }
      this.onesCol[j] = ones ? 1 : 0;
      if (nnz <= col.length / 4) {
        const idx = new Int32Array(nnz);
        const val = new Float64Array(nnz);
        let k = 0;
        for (let t = 0; t < col.length; t++)
          if (col[t] !== 0) {
            idx[k] = t;
            val[k++] = col[t];
          }
        this.sparseIdx.push(idx);
        this.sparseVal.push(val);
      } else {
        this.sparseIdx.push(null);
        this.sparseVal.push(null);
      }
    }
    this.transforms = Uint8Array.from(
      params.map((p) => (p.transform === "identity" ? 0 : p.transform === "log" ? 1 : 2)),
    );
    this.centered = this.nLin > 0 && this.onesCol[0] === 1 && this.transforms[0] === 0;
    const n = spec.n;
    const L = spec.lMax;
    this.v = new Float64Array(this.dim);
    this.dv = new Float64Array(this.dim);
    this.gv = new Float64Array(this.dim);
    this.mu = new Float64Array(n);
    this.gmu = new Float64Array(n);
    const C = spec.channels.length;
    this.w = Array.from({ length: C }, () => new Float64Array(L));
    this.dw = Array.from({ length: C }, () => new Float64Array(2 * L));
    this.wScratch = new Float64Array(3 * L);
    this.a = Array.from({ length: C }, () => new Float64Array(n));
    this.s = Array.from({ length: C }, () => new Float64Array(n));
    this.dsda = Array.from({ length: C }, () => new Float64Array(n));
    this.dsdp = Array.from({ length: C }, () => new Float64Array(2 * n));
    this.gw = new Float64Array(L);
    this.hillSlope = new Float64Array(C * n);
  }

  /** Mean over the training periods of mu without the intercept, at constrained values `values`. */
  private restMean(values: ArrayLike<number>): number {
    for (let i = 0; i < this.dim; i++) this.v[i] = values[i];
    this.v[0] = 0;
    this.linearForward();
    for (let c = 0; c < this.spec.channels.length; c++) this.channelForward(c);
    let m = 0;
    for (let t = 0; t < this.spec.nTrain; t++) m += this.mu[t];
    return m / this.spec.nTrain;
  }

  get paramNames(): string[] {
    return this.params.map((p) => p.name);
  }

  /** Constrained values of an unconstrained vector. */
  constrain(theta: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = toConstrained(this.params[i].transform, theta[i]);
    if (this.centered) out[0] = theta[0] - this.restMean(out);
    return out;
  }

  unconstrain(values: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = toUnconstrained(this.params[i].transform, values[i]);
    if (this.centered) out[0] = values[0] + this.restMean(values);
    return out;
  }

  /** A central starting point (each prior's median or mean, on the unconstrained scale). */
  center(out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++)
      out[i] = toUnconstrained(this.params[i].transform, priorCenter(this.params[i].prior));
    return out;
  }

  logDensity(theta: Float64Array, grad: Float64Array): number {
    const spec = this.spec;
    const dim = this.dim;
    const v = this.v;
    const dv = this.dv;
    const gv = this.gv;
    const d1 = this.d1;
    let lp = 0;
    // 1. constrain, priors and log-Jacobians. grad collects d(log prior + log J)/du for now.
    for (let i = 0; i < dim; i++) {
      const u = theta[i];
      const tr = this.transforms[i];
      let val: number;
      let dvdu: number;
      let dlogJ: number;
      if (tr === 0) {
        val = u;
        dvdu = 1;
        dlogJ = 0;
      } else if (tr === 1) {
        val = Math.exp(u);
        dvdu = val;
        lp += u;
        dlogJ = 1;
      } else {
        // logistic; log J = log v + log(1 - v) = -softplus(-u) - softplus(u)
        val = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
        const au = Math.abs(u);
        lp += -au - 2 * Math.log1p(Math.exp(-au));
        dvdu = val * (1 - val);
        dlogJ = 1 - 2 * val;
      }
      v[i] = val;
      dv[i] = dvdu;
      grad[i] = dlogJ;
      if (i === 0 && this.centered) {
        gv[0] = 0; // the intercept's prior is added once the intercept is known (below)
        continue;
      }
      lp += fastPrior(this.priorKind[i], this.priorA[i], this.priorB[i], val, d1);
      gv[i] = d1[0];
    }
    if (!Number.isFinite(lp)) return Number.NEGATIVE_INFINITY;
    // gv now holds d log prior / dv; the likelihood adds to it below.

    const C = spec.channels.length;
    const nT = spec.nTrain;
    const mu = this.mu;
    const gmu = this.gmu;
    let priorB0 = 0;
    if (this.centered) {
      const m = v[0];
      v[0] = 0;
      this.linearForward();
      for (let c = 0; c < C; c++) this.channelForward(c);
      let rest = 0;
      for (let t = 0; t < nT; t++) rest += mu[t];
      const b0 = m - rest / nT;
      for (let t = 0; t < nT; t++) mu[t] += b0;
      v[0] = b0;
      lp += fastPrior(this.priorKind[0], this.priorA[0], this.priorB[0], b0, d1);
      priorB0 = d1[0];
    } else {
      this.linearForward();
      for (let c = 0; c < C; c++) this.channelForward(c);
    }
    lp += spec.likelihood === "normal" ? this.normalLikelihood() : this.studentLikelihood();
    let gB0 = 0;
    if (this.centered) {
      // d lp / d m = g_b0; every other coordinate sees mu_t shifted by -mean(rest): use gmu - g_b0 / nT.
      gB0 = priorB0;
      for (let t = 0; t < nT; t++) gB0 += gmu[t];
      const shift = gB0 / nT;
      for (let t = 0; t < nT; t++) gmu[t] -= shift;
    }
    this.linearBackward();
    for (let c = 0; c < C; c++) this.channelBackward(c);
    if (this.centered) gv[0] = gB0;
    const logistic = spec.saturation === "logistic";
    // 7. lift tests
    const lift = spec.lift;
    for (let i = 0; i < lift.length; i++) {
      const lt = lift[i];
      const lay = this.channelLayout[lt.channel];
      const beta = v[lay.beta];
      const p0 = v[lay.saturation[0]];
      let d: number;
      let dP0: number;
      let dP1 = 0;
      if (logistic) {
        const s1 = Math.tanh(0.5 * p0 * lt.x);
        const s2 = Math.tanh(0.5 * p0 * (lt.x + lt.dx));
        d = s2 - s1;
        dP0 = 0.5 * (lt.x + lt.dx) * (1 - s2 * s2) - 0.5 * lt.x * (1 - s1 * s1);
      } else {
        const p1 = v[lay.saturation[1]];
        const xa = lt.x;
        const xb = lt.x + lt.dx;
        d = hillPart(xb, p0, p1, 0) - hillPart(xa, p0, p1, 0);
        dP0 = hillPart(xb, p0, p1, 1) - hillPart(xa, p0, p1, 1);
        dP1 = hillPart(xb, p0, p1, 2) - hillPart(xa, p0, p1, 2);
      }
      const r = (lt.dy - beta * d) / lt.sigma;
      lp += -0.5 * r * r;
      const g = r / lt.sigma; // d/d(pred)
      gv[lay.beta] += g * d;
      gv[lay.saturation[0]] += g * beta * dP0;
      if (!logistic) gv[lay.saturation[1]] += g * beta * dP1;
    }
    // 8. chain rule to the unconstrained space
    for (let i = 0; i < dim; i++) grad[i] += gv[i] * dv[i];
    return Number.isFinite(lp) ? lp : Number.NEGATIVE_INFINITY;
  }

  private linearForward(): void {
    const n = this.spec.n;
    const nT = this.spec.nTrain;
    const mu = this.mu;
    const linX = this.spec.linX;
    const v = this.v;
    let constant = 0;
    for (let j = 0; j < this.nLin; j++) if (this.onesCol[j]) constant += v[j];
    for (let t = 0; t < nT; t++) mu[t] = constant;
    for (let j = 0; j < this.nLin; j++) {
      if (this.onesCol[j]) continue;
      const b = v[j];
      const idx = this.sparseIdx[j];
      if (idx) {
        const val = this.sparseVal[j]!;
        for (let k = 0; k < idx.length; k++) mu[idx[k]] += b * val[k];
        continue;
      }
      const off = j * n;
      for (let t = 0; t < nT; t++) mu[t] += b * linX[off + t];
    }
  }

  private linearBackward(): void {
    const n = this.spec.n;
    const nT = this.spec.nTrain;
    const gmu = this.gmu;
    const linX = this.spec.linX;
    const gv = this.gv;
    let sumG = 0;
    for (let t = 0; t < nT; t++) sumG += gmu[t];
    for (let j = 0; j < this.nLin; j++) {
      if (this.onesCol[j]) {
        gv[j] += sumG;
        continue;
      }
      let g = 0;
      const idx = this.sparseIdx[j];
      if (idx) {
        const val = this.sparseVal[j]!;
        for (let k = 0; k < idx.length; k++) g += gmu[idx[k]] * val[k];
      } else {
        const off = j * n;
        for (let t = 0; t < nT; t++) g += gmu[t] * linX[off + t];
      }
      gv[j] += g;
    }
  }

  /** Adstock, saturation and contribution of channel c; adds beta * s to mu. */
  private channelForward(c: number): void {
    const spec = this.spec;
    const nT = spec.nTrain;
    const n = spec.n;
    const L = spec.lMax;
    const lay = this.channelLayout[c];
    const x = spec.channels[c].x;
    const a = this.a[c];
    const v = this.v;
    const p0 = v[lay.adstock[0]];
    if (spec.adstock === "geometric") {
      // Recursive truncated geometric adstock, O(1) per period, with forward-mode d a / d alpha:
      // u_t = alpha u_{t-1} + x_t - alpha^L x_{t-L};  a_t = u_t / S,  S = sum_{l<L} alpha^l.
      const alpha = p0;
      const dadp = this.dsdp[c]; // reuse: d a_t / d alpha stored at [n, 2n)
      let S = 0;
      let dS = 0;
      let pw = 1;
      let pwPrev = 0;
      for (let l = 0; l < L; l++) {
        S += pw;
        if (l + 1 < L) dS += (l + 1) * pw;
        pwPrev = pw;
        pw *= alpha;
      }
      const aL = pw; // alpha^L
      const dAL = L * pwPrev; // d alpha^L / d alpha
      const invS = 1 / S;
      let u = 0;
      let du = 0;
      let live = 0; // non-zero spends inside the window: when none, a_t is exactly 0 (no round-off residue)
      for (let t = 0; t < nT; t++) {
        const old = t >= L ? x[t - L] : 0;
        if (x[t] !== 0) live++;
        if (old !== 0) live--;
        du = u + alpha * du - dAL * old;
        u = alpha * u + x[t] - aL * old;
        if (live === 0 || u < 0) {
          u = 0;
          du = 0;
        }
        const at = u * invS;
        a[t] = at;
        dadp[n + t] = (du - at * dS) * invS;
      }
    } else {
      const w = this.w[c];
      const p1 = v[lay.adstock[1]];
      adstockWeights(spec.adstock, p0, p1, L, w, this.dw[c], this.wScratch);
      for (let t = 0; t < nT; t++) {
        const lmax = t + 1 < L ? t + 1 : L;
        let acc = 0;
        for (let l = 0; l < lmax; l++) acc += w[l] * x[t - l];
        a[t] = acc;
      }
    }
    const s = this.s[c];
    const dsda = this.dsda[c];
    const dsdp = this.dsdp[c];
    const mu = this.mu;
    const beta = v[lay.beta];
    if (spec.saturation === "logistic") {
      // s = tanh(lambda a / 2) = (1 - e) / (1 + e), e = exp(-lambda a); 1 - s^2 = 4 e / (1 + e)^2
      const lam = v[lay.saturation[0]];
      for (let t = 0; t < nT; t++) {
        const at = a[t];
        const e = Math.exp(-lam * at);
        const inv = 1 / (1 + e);
        const st = (1 - e) * inv;
        const q = 2 * e * inv * inv; // (1 - s^2) / 2
        s[t] = st;
        dsda[t] = lam * q;
        dsdp[t] = at * q;
        mu[t] += beta * st;
      }
    } else {
      const kappa = v[lay.saturation[0]];
      const slope = v[lay.saturation[1]];
      const logk = Math.log(kappa);
      for (let t = 0; t < nT; t++) {
        const at = a[t];
        if (at <= 0) {
          s[t] = 0;
          dsda[t] = 0;
          dsdp[t] = 0;
          this.hillSlope[c * n + t] = 0;
          continue;
        }
        const lr = Math.log(at) - logk;
        const r = Math.exp(slope * lr);
        const st = r / (1 + r);
        const q = st * (1 - st);
        s[t] = st;
        dsda[t] = (slope * q) / at;
        dsdp[t] = (-slope * q) / kappa;
        this.hillSlope[c * n + t] = q * lr;
        mu[t] += beta * st;
      }
    }
  }

  private channelBackward(c: number): void {
    const spec = this.spec;
    const nT = spec.nTrain;
    const n = spec.n;
    const L = spec.lMax;
    const lay = this.channelLayout[c];
    const gmu = this.gmu;
    const gv = this.gv;
    const s = this.s[c];
    const dsda = this.dsda[c];
    const dsdp = this.dsdp[c];
    const beta = this.v[lay.beta];
    const hill = spec.saturation === "hill";
    let gBeta = 0;
    let gP0 = 0;
    let gP1 = 0;
    if (spec.adstock === "geometric") {
      let gAlpha = 0;
      for (let t = 0; t < nT; t++) {
        const g = gmu[t];
        gBeta += g * s[t];
        gP0 += g * dsdp[t];
        gAlpha += g * dsda[t] * dsdp[n + t];
      }
      if (hill) {
        const hs = this.hillSlope;
        const off = c * n;
        for (let t = 0; t < nT; t++) gP1 += gmu[t] * hs[off + t];
      }
      gv[lay.adstock[0]] += beta * gAlpha;
    } else {
      const x = spec.channels[c].x;
      const gw = this.gw;
      gw.fill(0);
      for (let t = 0; t < nT; t++) {
        const g = gmu[t];
        gBeta += g * s[t];
        gP0 += g * dsdp[t];
        const ga = g * dsda[t];
        if (ga !== 0) {
          const lmax = t + 1 < L ? t + 1 : L;
          for (let l = 0; l < lmax; l++) gw[l] += ga * x[t - l];
        }
      }
      if (hill) {
        const hs = this.hillSlope;
        const off = c * n;
        for (let t = 0; t < nT; t++) gP1 += gmu[t] * hs[off + t];
      }
      const dw = this.dw[c];
      for (let j = 0; j < lay.adstock.length; j++) {
        let g = 0;
        for (let l = 0; l < L; l++) g += gw[l] * dw[j * L + l];
        gv[lay.adstock[j]] += beta * g;
      }
    }
    gv[lay.beta] += gBeta;
    gv[lay.saturation[0]] += beta * gP0;
    if (hill) gv[lay.saturation[1]] += beta * gP1;
  }

  private normalLikelihood(): number {
    const nT = this.spec.nTrain;
    const y = this.spec.y;
    const mu = this.mu;
    const gmu = this.gmu;
    const sigma = this.v[this.sigmaIndex];
    const inv2 = 1 / (sigma * sigma);
    let ss = 0;
    for (let t = 0; t < nT; t++) {
      const r = y[t] - mu[t];
      ss += r * r;
      gmu[t] = r * inv2;
    }
    this.gv[this.sigmaIndex] += -nT / sigma + (ss * inv2) / sigma;
    return -nT * Math.log(sigma) - 0.5 * ss * inv2;
  }

  private studentLikelihood(): number {
    const nT = this.spec.nTrain;
    const y = this.spec.y;
    const mu = this.mu;
    const gmu = this.gmu;
    const sigma = this.v[this.sigmaIndex];
    const nu = this.v[this.nuIndex];
    const nus2 = nu * sigma * sigma;
    let sumLog = 0;
    let gSigma = 0;
    let gNu = 0;
    for (let t = 0; t < nT; t++) {
      const r = y[t] - mu[t];
      const r2 = r * r;
      const den = nus2 + r2;
      sumLog += Math.log1p(r2 / nus2);
      gmu[t] = ((nu + 1) * r) / den;
      gSigma += r2 / den;
      gNu += r2 / (nu * den);
    }
    this.gv[this.sigmaIndex] += -nT / sigma + ((nu + 1) * gSigma) / sigma;
    this.gv[this.nuIndex] +=
      nT * (0.5 * digamma(0.5 * (nu + 1)) - 0.5 * digamma(0.5 * nu) - 0.5 / nu) -
      0.5 * sumLog +
      0.5 * (nu + 1) * gNu;
    return (
      nT * (logGamma(0.5 * (nu + 1)) - logGamma(0.5 * nu) - 0.5 * Math.log(nu) - Math.log(sigma)) -
      0.5 * (nu + 1) * sumLog
    );
  }
}

/** Hill value (which = 0), d/dkappa (1) or d/dslope (2) at x. */
function hillPart(x: number, kappa: number, slope: number, which: number): number {
  if (x <= 0) return 0;
  const lr = Math.log(x / kappa);
  const r = Math.exp(slope * lr);
  const st = r / (1 + r);
  if (which === 0) return st;
  const q = st * (1 - st);
  return which === 1 ? (-slope * q) / kappa : q * lr;
}

/** Numeric code and two parameters of a prior, for the allocation-free hot path. */
function encodePrior(p: Prior): [number, number, number] {
  switch (p.dist) {
    case "normal":
      return [0, p.mu, p.sigma];
    case "halfNormal":
      return [1, 0, p.sigma];
    case "laplace":
      return [2, p.mu, p.b];
    case "beta":
      return [3, p.alpha, p.beta];
    case "gamma":
      return [4, p.alpha, p.beta];
    case "logNormal":
      return [5, p.mu, p.sigma];
  }
}

/** Same as priorLogDensity, on the encoded prior. */
function fastPrior(kind: number, a: number, b: number, v: number, out: Float64Array): number {
  if (kind === 0 || kind === 1) {
    if (kind === 1 && !(v >= 0)) return Number.NEGATIVE_INFINITY;
    const z = (v - a) / b;
    out[0] = -z / b;
    return -0.5 * z * z;
  }
  if (kind === 2) {
    const d = v - a;
    out[0] = d > 0 ? -1 / b : d < 0 ? 1 / b : 0;
    return -Math.abs(d) / b;
  }
  if (kind === 3) {
    if (!(v > 0 && v < 1)) return Number.NEGATIVE_INFINITY;
    out[0] = (a - 1) / v - (b - 1) / (1 - v);
    return (a - 1) * Math.log(v) + (b - 1) * Math.log1p(-v);
  }
  if (kind === 4) {
    if (!(v > 0)) return Number.NEGATIVE_INFINITY;
    out[0] = (a - 1) / v - b;
    return (a - 1) * Math.log(v) - b * v;
  }
  if (!(v > 0)) return Number.NEGATIVE_INFINITY;
  const lv = Math.log(v);
  const z = (lv - a) / b;
  out[0] = (-1 - z / b) / v;
  return -lv - 0.5 * z * z;
}
