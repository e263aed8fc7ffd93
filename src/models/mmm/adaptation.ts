/** Warm-up adaptation as in Stan: dual averaging of the step size and the windowed metric schedule. */

/** Dual averaging of log step size (Hoffman & Gelman 2014, §3.2; Stan's constants). */
export class StepSizeAdaptation {
  private counter = 0;
  private sBar = 0;
  private xBar = 0;
  private mu = 0;
  constructor(
    private readonly delta: number,
    private readonly gamma = 0.05,
    private readonly kappa = 0.75,
    private readonly t0 = 10,
  ) {}
  restart(stepSize: number): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
    this.mu = Math.log(10 * stepSize);
  }
  learn(acceptStat: number): number {
    this.counter++;
    const a = acceptStat > 1 ? 1 : acceptStat;
    const eta = 1 / (this.counter + this.t0);
    this.sBar = (1 - eta) * this.sBar + eta * (this.delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / this.gamma;
    const xEta = this.counter ** -this.kappa;
    this.xBar = (1 - xEta) * this.xBar + xEta * x;
    return Math.exp(x);
  }
  final(): number {
    return Math.exp(this.xBar);
  }
}

/** Stan's windowed adaptation schedule: returns, for each warm-up iteration, whether it ends a slow window. */
export function adaptationWindows(numWarmup: number): {
  initBuffer: number;
  termBuffer: number;
  windowEnds: Set<number>;
} {
  let initBuffer = 75;
  let termBuffer = 50;
  let baseWindow = 25;
  if (numWarmup < 20) return { initBuffer: numWarmup, termBuffer: 0, windowEnds: new Set() };
  if (initBuffer + baseWindow + termBuffer > numWarmup) {
    initBuffer = Math.floor(0.15 * numWarmup);
    termBuffer = Math.floor(0.1 * numWarmup);
    baseWindow = numWarmup - (initBuffer + termBuffer);
  }
  const ends = new Set<number>();
  const lastEnd = numWarmup - termBuffer - 1;
  let size = baseWindow;
  let next = initBuffer + size - 1;
  for (;;) {
    ends.add(next);
    if (next >= lastEnd) break;
    size *= 2;
    let candidate = next + size;
    if (candidate + 2 * size > lastEnd) candidate = lastEnd;
    next = candidate;
  }
  return { initBuffer, termBuffer, windowEnds: ends };
}
