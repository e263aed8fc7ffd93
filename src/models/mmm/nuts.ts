/**
 * The No-U-Turn Sampler as in Stan (Hoffman & Gelman 2014; Betancourt 2017, "A conceptual
 * introduction to Hamiltonian Monte Carlo"): multinomial sampling over the trajectory with biased
 * progressive sampling between subtrees, the generalised U-turn criterion on p# = M^-1 p (including the
 * extra checks across merged subtrees), a diagonal Euclidean metric, dual-averaging step size
 * adaptation (Nesterov 2009) and Stan's windowed variance adaptation (75 / 25·2^k / 50 iterations).
 *
 * All buffers are allocated when the sampler is built; the leapfrog loop and the tree recursion
 * allocate nothing.
 */
import type { LogDensity } from "./model.js";
import type { MmmRng } from "./rng.js";

class Point {
  q: Float64Array;
  p: Float64Array;
  g: Float64Array;
  lp = 0;
  constructor(dim: number) {
    this.q = new Float64Array(dim);
    this.p = new Float64Array(dim);
    this.g = new Float64Array(dim);
  }
  copyFrom(o: Point): void {
    this.q.set(o.q);
    this.p.set(o.p);
    this.g.set(o.g);
    this.lp = o.lp;
  }
}

function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export class NutsSampler {
  readonly dim: number;
  /** Diagonal inverse metric (used when `dense` is null). */
  readonly invMetric: Float64Array;
  /** Dense inverse metric (row-major d x d) and its lower Cholesky factor, when adapted densely. */
  dense: Float64Array | null = null;
  private denseChol: Float64Array | null = null;
  private readonly tmp: Float64Array;
  stepSize = 1;
  private readonly maxDepth: number;
  private readonly maxDeltaH: number;
  private readonly z: Point; // integrator state
  private readonly cur: Point; // current sample
  private readonly fwd: Point;
  private readonly bck: Point;
  private readonly sample: Point;
  private readonly prop: Point[]; // prop[0]: top-level proposal; prop[d]: right proposal at depth d
  private readonly psL: Float64Array[];
  private readonly psR: Float64Array[];
  private readonly pL: Float64Array[];
  private readonly pR: Float64Array[];
  private readonly rhoL: Float64Array[];
  private readonly rhoR: Float64Array[];
  // top-level vectors
  private readonly psFwdBck: Float64Array;
  private readonly psFwdFwd: Float64Array;
  private readonly pFwdBck: Float64Array;
  private readonly pFwdFwd: Float64Array;
  private readonly psBckFwd: Float64Array;
  private readonly psBckBck: Float64Array;
  private readonly pBckFwd: Float64Array;
  private readonly pBckBck: Float64Array;
  private readonly rho: Float64Array;
  private readonly rhoFwd: Float64Array;
  private readonly rhoBck: Float64Array;
  private readonly rhoExt: Float64Array;
  // per-transition accumulators
  private nLeapfrog = 0;
  private sumMetroProb = 0;
  private divergent = false;
  private lastLsw = Number.NEGATIVE_INFINITY;
  gradientEvals = 0;
  // outputs of the last transition
  lastDepth = 0;
  lastAccept = 0;
  lastLeapfrog = 0;
  lastDivergent = false;
  lastEnergy = 0;

  constructor(
    private readonly target: LogDensity,
    private readonly rng: MmmRng,
    maxTreeDepth = 10,
    maxDeltaH = 1000,
  ) {
    const d = target.dim;
    this.dim = d;
    this.maxDepth = maxTreeDepth;
    this.maxDeltaH = maxDeltaH;
    this.invMetric = new Float64Array(d).fill(1);
    this.tmp = new Float64Array(d);
    this.z = new Point(d);
    this.cur = new Point(d);
    this.fwd = new Point(d);
    this.bck = new Point(d);
    this.sample = new Point(d);
    const levels = maxTreeDepth + 1;
    this.prop = Array.from({ length: levels }, () => new Point(d));
    const vecs = () => Array.from({ length: levels }, () => new Float64Array(d));
    this.psL = vecs();
    this.psR = vecs();
    this.pL = vecs();
    this.pR = vecs();
    this.rhoL = vecs();
    this.rhoR = vecs();
    this.psFwdBck = new Float64Array(d);
    this.psFwdFwd = new Float64Array(d);
    this.pFwdBck = new Float64Array(d);
    this.pFwdFwd = new Float64Array(d);
    this.psBckFwd = new Float64Array(d);
    this.psBckBck = new Float64Array(d);
    this.pBckFwd = new Float64Array(d);
    this.pBckBck = new Float64Array(d);
    this.rho = new Float64Array(d);
    this.rhoFwd = new Float64Array(d);
    this.rhoBck = new Float64Array(d);
    this.rhoExt = new Float64Array(d);
  }

  /** Sets the current position; returns its log density. */
  setPosition(q: ArrayLike<number>): number {
    this.cur.q.set(q);
    this.cur.lp = this.evalGrad(this.cur.q, this.cur.g);
    return this.cur.lp;
  }

  get position(): Float64Array {
    return this.cur.q;
  }

  get logDensity(): number {
    return this.cur.lp;
  }

  private evalGrad(q: Float64Array, g: Float64Array): number {
    this.gradientEvals++;
    const lp = this.target.logDensity(q, g);
    return Number.isNaN(lp) ? Number.NEGATIVE_INFINITY : lp;
  }

  /** Sets a dense inverse metric (covariance); returns false (and keeps the old one) if it is not positive definite. */
  setDenseMetric(cov: Float64Array): boolean {
    const d = this.dim;
    const L = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) {
        let s = cov[i * d + j];
        for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
        if (i === j) {
          if (!(s > 0)) return false;
          L[i * d + i] = Math.sqrt(s);
        } else L[i * d + j] = s / L[j * d + j];
      }
    this.dense = Float64Array.from(cov);
    this.denseChol = L;
    for (let i = 0; i < d; i++) this.invMetric[i] = cov[i * d + i];
    return true;
  }

  private sampleMomentum(p: Float64Array): void {
    const d = this.dim;
    const L = this.denseChol;
    if (L) {
      // p = L^-T z  has covariance (L L^T)^-1 = M
      const z = this.tmp;
      for (let i = 0; i < d; i++) z[i] = this.rng.normal();
      for (let i = d - 1; i >= 0; i--) {
        let s = z[i];
        for (let j = i + 1; j < d; j++) s -= L[j * d + i] * p[j];
        p[i] = s / L[i * d + i];
      }
      return;
    }
    const m = this.invMetric;
    for (let i = 0; i < d; i++) p[i] = this.rng.normal() / Math.sqrt(m[i]);
  }

  private kinetic(p: Float64Array): number {
    const d = this.dim;
    if (this.dense) {
      this.sharp(p, this.tmp);
      let k = 0;
      for (let i = 0; i < d; i++) k += p[i] * this.tmp[i];
      return 0.5 * k;
    }
    const m = this.invMetric;
    let k = 0;
    for (let i = 0; i < d; i++) k += p[i] * p[i] * m[i];
    return 0.5 * k;
  }

  private hamiltonian(z: Point): number {
    const h = -z.lp + this.kinetic(z.p);
    return Number.isNaN(h) ? Number.POSITIVE_INFINITY : h;
  }

  private leapfrog(z: Point, eps: number): void {
    const d = this.dim;
    const half = 0.5 * eps;
    for (let i = 0; i < d; i++) z.p[i] += half * z.g[i];
    if (this.dense) {
      this.sharp(z.p, this.tmp);
      for (let i = 0; i < d; i++) z.q[i] += eps * this.tmp[i];
    } else {
      const m = this.invMetric;
      for (let i = 0; i < d; i++) z.q[i] += eps * m[i] * z.p[i];
    }
    z.lp = this.evalGrad(z.q, z.g);
    for (let i = 0; i < d; i++) z.p[i] += half * z.g[i];
  }

  private sharp(p: Float64Array, out: Float64Array): void {
    const d = this.dim;
    const M = this.dense;
    if (M) {
      for (let i = 0; i < d; i++) {
        let s = 0;
        const row = i * d;
        for (let j = 0; j < d; j++) s += M[row + j] * p[j];
        out[i] = s;
      }
      return;
    }
    const m = this.invMetric;
    for (let i = 0; i < d; i++) out[i] = m[i] * p[i];
  }

  private static criterion(psMinus: Float64Array, psPlus: Float64Array, rho: Float64Array): boolean {
    let a = 0;
    let b = 0;
    for (let i = 0; i < rho.length; i++) {
      a += psPlus[i] * rho[i];
      b += psMinus[i] * rho[i];
    }
    return a > 0 && b > 0;
  }

  /**
   * Builds a subtree of 2^depth leapfrog steps from the integrator state `z`. Writes the proposal into
   * prop[propIdx], the momenta and sharp momenta at both ends, and the summed momentum into rho.
   * Its log sum of weights is left in this.lastLsw.
   */
  private buildTree(
    depth: number,
    propIdx: number,
    psBeg: Float64Array,
    psEnd: Float64Array,
    rho: Float64Array,
    pBeg: Float64Array,
    pEnd: Float64Array,
    H0: number,
    sign: number,
  ): boolean {
    const z = this.z;
    if (depth === 0) {
      this.leapfrog(z, sign * this.stepSize);
      this.nLeapfrog++;
      const h = this.hamiltonian(z);
      if (h - H0 > this.maxDeltaH) this.divergent = true;
      this.lastLsw = H0 - h;
      this.sumMetroProb += H0 - h > 0 ? 1 : Math.exp(H0 - h);
      this.prop[propIdx].copyFrom(z);
      this.sharp(z.p, psBeg);
      psEnd.set(psBeg);
      rho.set(z.p);
      pBeg.set(z.p);
      pEnd.set(z.p);
      return !this.divergent;
    }
    const psLeft = this.psL[depth];
    const psRight = this.psR[depth];
    const pLeft = this.pL[depth];
    const pRight = this.pR[depth];
    const rhoLeft = this.rhoL[depth];
    const rhoRight = this.rhoR[depth];
    if (!this.buildTree(depth - 1, propIdx, psBeg, psLeft, rhoLeft, pBeg, pLeft, H0, sign)) return false;
    const lswLeft = this.lastLsw;
    if (!this.buildTree(depth - 1, depth, psRight, psEnd, rhoRight, pRight, pEnd, H0, sign)) return false;
    const lswRight = this.lastLsw;
    const lswSubtree = logSumExp(lswLeft, lswRight);
    this.lastLsw = lswSubtree;
    if (lswRight > lswSubtree || this.rng.uniform() < Math.exp(lswRight - lswSubtree))
      this.prop[propIdx].copyFrom(this.prop[depth]);
    const d = this.dim;
    for (let i = 0; i < d; i++) rho[i] = rhoLeft[i] + rhoRight[i];
    let persist = NutsSampler.criterion(psBeg, psEnd, rho);
    const ext = this.rhoExt;
    for (let i = 0; i < d; i++) ext[i] = rhoLeft[i] + pRight[i];
    persist = persist && NutsSampler.criterion(psBeg, psRight, ext);
    for (let i = 0; i < d; i++) ext[i] = rhoRight[i] + pLeft[i];
    persist = persist && NutsSampler.criterion(psLeft, psEnd, ext);
    return persist;
  }

  /** One NUTS transition from the current position. */
  transition(): void {
    const d = this.dim;
    const cur = this.cur;
    this.sampleMomentum(cur.p);
    this.fwd.copyFrom(cur);
    this.bck.copyFrom(cur);
    this.sample.copyFrom(cur);
    this.sharp(cur.p, this.psFwdBck);
    this.psFwdFwd.set(this.psFwdBck);
    this.psBckFwd.set(this.psFwdBck);
    this.psBckBck.set(this.psFwdBck);
    this.pFwdBck.set(cur.p);
    this.pFwdFwd.set(cur.p);
    this.pBckFwd.set(cur.p);
    this.pBckBck.set(cur.p);
    this.rho.set(cur.p);
    const H0 = this.hamiltonian(cur);
    let logSumWeight = 0;
    let depth = 0;
    this.nLeapfrog = 0;
    this.sumMetroProb = 0;
    this.divergent = false;
    while (depth < this.maxDepth) {
      let valid: boolean;
      if (this.rng.uniform() > 0.5) {
        this.z.copyFrom(this.fwd);
        this.rhoBck.set(this.rho);
        this.pBckFwd.set(this.pFwdFwd);
        this.psBckFwd.set(this.psFwdFwd);
        valid = this.buildTree(
          depth,
          0,
          this.psFwdBck,
          this.psFwdFwd,
          this.rhoFwd,
          this.pFwdBck,
          this.pFwdFwd,
          H0,
          1,
        );
        this.fwd.copyFrom(this.z);
      } else {
        this.z.copyFrom(this.bck);
        this.rhoFwd.set(this.rho);
        this.pFwdBck.set(this.pBckBck);
        this.psFwdBck.set(this.psBckBck);
        valid = this.buildTree(
          depth,
          0,
          this.psBckFwd,
          this.psBckBck,
          this.rhoBck,
          this.pBckFwd,
          this.pBckBck,
          H0,
          -1,
        );
        this.bck.copyFrom(this.z);
      }
      if (!valid) break;
      depth++;
      const lswSubtree = this.lastLsw;
      if (lswSubtree > logSumWeight || this.rng.uniform() < Math.exp(lswSubtree - logSumWeight))
        this.sample.copyFrom(this.prop[0]);
      logSumWeight = logSumExp(logSumWeight, lswSubtree);
      for (let i = 0; i < d; i++) this.rho[i] = this.rhoBck[i] + this.rhoFwd[i];
      let persist = NutsSampler.criterion(this.psBckBck, this.psFwdFwd, this.rho);
      const ext = this.rhoExt;
      for (let i = 0; i < d; i++) ext[i] = this.rhoBck[i] + this.pFwdBck[i];
      persist = persist && NutsSampler.criterion(this.psBckBck, this.psFwdBck, ext);
      for (let i = 0; i < d; i++) ext[i] = this.rhoFwd[i] + this.pBckFwd[i];
      persist = persist && NutsSampler.criterion(this.psBckFwd, this.psFwdFwd, ext);
      if (!persist) break;
    }
    this.lastDepth = depth;
    this.lastLeapfrog = this.nLeapfrog;
    this.lastAccept = this.nLeapfrog > 0 ? this.sumMetroProb / this.nLeapfrog : 0;
    this.lastDivergent = this.divergent;
    cur.copyFrom(this.sample);
    this.lastEnergy = this.hamiltonian(cur);
  }

  /** Stan's heuristic: double or halve the step until one leapfrog's acceptance crosses 0.8. */
  initStepSize(): void {
    if (!(this.stepSize > 0) || this.stepSize > 1e7) this.stepSize = 1;
    const z = this.z;
    const evalAt = () => {
      z.copyFrom(this.cur);
      this.sampleMomentum(z.p);
      const H0 = this.hamiltonian(z);
      this.leapfrog(z, this.stepSize);
      return H0 - this.hamiltonian(z);
    };
    const logTarget = Math.log(0.8);
    const direction = evalAt() > logTarget ? 1 : -1;
    for (let iter = 0; iter < 100; iter++) {
      const dH = evalAt();
      if (direction === 1 && !(dH > logTarget)) break;
      if (direction === -1 && !(dH < logTarget)) break;
      this.stepSize = direction === 1 ? 2 * this.stepSize : 0.5 * this.stepSize;
      if (this.stepSize > 1e7 || this.stepSize < 1e-12) break;
    }
    if (this.stepSize < 1e-12) this.stepSize = 1e-12;
    if (this.stepSize > 1e7) this.stepSize = 1e7;
  }
}
