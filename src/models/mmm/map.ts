/**
 * Fast previews: the posterior mode on the unconstrained scale by L-BFGS (Nocedal & Wright 2006,
 * Alg. 7.4/7.5, backtracking Armijo line search), and a Laplace approximation around it (Hessian from
 * central differences of the analytic gradient), from which approximate draws are taken.
 */
import type { LogDensity } from "./model.js";
import type { MmmRng } from "./rng.js";

export interface MapResult {
  mode: Float64Array;
  logDensity: number;
  iterations: number;
  converged: boolean;
  gradientEvals: number;
}

export function lbfgsMaximize(
  target: LogDensity,
  start: ArrayLike<number>,
  maxIter = 2000,
  history = 10,
): MapResult {
  const d = target.dim;
  const x = Float64Array.from(start);
  const g = new Float64Array(d); // gradient of f = -lp
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  const dir = new Float64Array(d);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rhoH: number[] = [];
  const alpha = new Float64Array(history);
  let evals = 0;
  const f = (q: Float64Array, grad: Float64Array) => {
    evals++;
    const lp = target.logDensity(q, grad);
    for (let i = 0; i < d; i++) grad[i] = -grad[i];
    return Number.isFinite(lp) ? -lp : Number.POSITIVE_INFINITY;
  };
  let fx = f(x, g);
  if (!Number.isFinite(fx)) throw new Error("MAP: the starting point has zero posterior density");
  let converged = false;
  let iter = 0;
  let smallSteps = 0;
  for (; iter < maxIter; iter++) {
    let gmax = 0;
    for (let i = 0; i < d; i++) gmax = Math.max(gmax, Math.abs(g[i]));
    if (gmax < 1e-7) {
      converged = true;
      break;
    }
    // two-loop recursion
    for (let i = 0; i < d; i++) dir[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < d; i++) a += S[j][i] * dir[i];
      a *= rhoH[j];
      alpha[j] = a;
      for (let i = 0; i < d; i++) dir[i] -= a * Y[j][i];
    }
    if (k > 0) {
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < d; i++) {
        sy += S[k - 1][i] * Y[k - 1][i];
        yy += Y[k - 1][i] * Y[k - 1][i];
      }
      const gamma = sy / yy;
      for (let i = 0; i < d; i++) dir[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < d; i++) b += Y[j][i] * dir[i];
      b *= rhoH[j];
      for (let i = 0; i < d; i++) dir[i] += S[j][i] * (alpha[j] - b);
    }
    let slope = 0;
    for (let i = 0; i < d; i++) slope += g[i] * dir[i];
    if (!(slope < 0)) {
      for (let i = 0; i < d; i++) dir[i] = -g[i];
      slope = -gmax * gmax;
      S.length = 0;
      Y.length = 0;
      rhoH.length = 0;
    }
    let t = k === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < d; i++) xNew[i] = x[i] + t * dir[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fNew <= fx)) break; // line search failed
    const s = new Float64Array(d);
    const yv = new Float64Array(d);
    let sy = 0;
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
      sy += s[i] * yv[i];
    }
    if (sy > 1e-12) {
      if (S.length === history) {
        S.shift();
        Y.shift();
        rhoH.shift();
      }
      S.push(s);
      Y.push(yv);
      rhoH.push(1 / sy);
    }
    const rel = Math.abs(fx - fNew) / Math.max(1, Math.abs(fx));
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    smallSteps = rel < 1e-13 ? smallSteps + 1 : 0;
    if (smallSteps >= 5) {
      converged = true;
      break;
    }
  }
  return { mode: x, logDensity: -fx, iterations: iter, converged, gradientEvals: evals };
}

/** Multi-start MAP: the best of `starts` L-BFGS runs. */
export function findMap(target: LogDensity, starts: Float64Array[]): MapResult {
  let best: MapResult | null = null;
  let lastErr: unknown = null;
  for (const s of starts) {
    try {
      const r = lbfgsMaximize(target, s);
      if (!best || r.logDensity > best.logDensity) best = r;
    } catch (e) {
      lastErr = e;
    }
  }
  if (!best) throw lastErr instanceof Error ? lastErr : new Error("MAP failed from every start");
  return best;
}

/** Negative Hessian of log p at x by central differences of the gradient, symmetrised. */
export function negativeHessian(target: LogDensity, x: Float64Array): Float64Array {
  const d = target.dim;
  const H = new Float64Array(d * d);
  const gp = new Float64Array(d);
  const gm = new Float64Array(d);
  const xp = Float64Array.from(x);
  for (let j = 0; j < d; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + h;
    target.logDensity(xp, gp);
    xp[j] = x[j] - h;
    target.logDensity(xp, gm);
    xp[j] = x[j];
    for (let i = 0; i < d; i++) H[i * d + j] = -(gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (H[i * d + j] + H[j * d + i]);
      H[i * d + j] = v;
      H[j * d + i] = v;
    }
  return H;
}

/** Lower Cholesky factor of a symmetric matrix; null if it is not positive definite. */
export function cholesky(A: Float64Array, d: number): Float64Array | null {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  return L;
}

export interface LaplaceResult {
  map: MapResult;
  /** Unconstrained draws, row-major. */
  draws: Float64Array;
  /** Ridge added to the precision to make it positive definite (0 when none was needed). */
  jitter: number;
  /** Posterior standard deviations on the unconstrained scale. */
  sd: Float64Array;
}

export function laplaceApproximation(
  target: LogDensity,
  map: MapResult,
  nDraws: number,
  rng: MmmRng,
): LaplaceResult {
  const d = target.dim;
  const P = negativeHessian(target, map.mode);
  let jitter = 0;
  let L = cholesky(P, d);
  while (!L) {
    jitter = jitter === 0 ? 1e-8 : jitter * 10;
    if (jitter > 1e6) throw new Error("Laplace: the Hessian at the mode is not negative definite");
    const Pj = Float64Array.from(P);
    for (let i = 0; i < d; i++) Pj[i * d + i] += jitter * Math.max(1, Math.abs(P[i * d + i]));
    L = cholesky(Pj, d);
  }
  const draws = new Float64Array(nDraws * d);
  const z = new Float64Array(d);
  const x = new Float64Array(d);
  for (let k = 0; k < nDraws; k++) {
    for (let i = 0; i < d; i++) z[i] = rng.normal();
    // solve L^T x = z (back substitution): x ~ N(0, P^-1)
    for (let i = d - 1; i >= 0; i--) {
      let s = z[i];
      for (let j = i + 1; j < d; j++) s -= L[j * d + i] * x[j];
      x[i] = s / L[i * d + i];
    }
    for (let i = 0; i < d; i++) draws[k * d + i] = map.mode[i] + x[i];
  }
  // marginal sd: diag(P^-1) = diag(L^-T L^-1), i.e. squared norms of the columns of L^-1
  const sd = new Float64Array(d);
  const u = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    u.fill(0);
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let j = c; j < i; j++) s -= L[i * d + j] * u[j];
      u[i] = s / L[i * d + i];
    }
    let ss = 0;
    for (let i = c; i < d; i++) ss += u[i] * u[i];
    sd[c] = Math.sqrt(ss);
  }
  return { map, draws, jitter, sd };
}
