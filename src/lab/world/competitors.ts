import type { LabRng } from "../rng.js";
import type { CompiledWorld } from "./compile.js";

/**
 * Learning competitors. Each decides once an hour a multiplier on its opening bid from what it saw
 * in the last hour: win rate, cost, value won and how far ahead of its daily budget it is.
 *  - rule: bid up 10% after 3 hours of low win rate, down 10% when ahead of its spend plan.
 *  - q_learning: tabular Q over 9 states (pace x bid-gap buckets) and 3 actions (x0.8, x1, x1.25),
 *    epsilon-greedy, reward = (value - cost) / budget with a penalty for running out early.
 *  - policy_gradient: Gaussian policy on the log-multiplier with a linear mean in
 *    (1, pace - 1, win rate), REINFORCE with a moving-average baseline (Williams 1992).
 */
export class CompetitorState {
  readonly mult: Float64Array;
  readonly spentToday: Float64Array;
  /** Last hour: auctions, wins, cost, value, sum of (winning rank / own rank) over losses, losses (K * 6). */
  readonly hourStats: Float64Array;
  readonly streak: Int32Array;
  readonly q: Float64Array;
  readonly prevState: Int32Array;
  readonly prevAction: Int32Array;
  readonly theta: Float64Array;
  readonly baseline: Float64Array;
  readonly lastNoise: Float64Array;
  readonly lastMean: Float64Array;
  readonly lastFeatures: Float64Array;

  constructor(K: number) {
    this.mult = new Float64Array(K).fill(1);
    this.spentToday = new Float64Array(K);
    this.hourStats = new Float64Array(K * 6);
    this.streak = new Int32Array(K);
    this.q = new Float64Array(K * 27);
    this.prevState = new Int32Array(K).fill(-1);
    this.prevAction = new Int32Array(K);
    this.theta = new Float64Array(K * 3);
    this.baseline = new Float64Array(K);
    this.lastNoise = new Float64Array(K);
    this.lastMean = new Float64Array(K);
    this.lastFeatures = new Float64Array(K * 3);
  }
}

const ACTIONS = [0.8, 1, 1.25];
const MIN_MULT = 0.2;
const MAX_MULT = 6;
const PG_SIGMA = 0.15;

export function updateCompetitors(
  cw: CompiledWorld,
  st: CompetitorState,
  rng: LabRng,
  hour: number,
  cumulativeShare: Float64Array,
): void {
  for (let k = 0; k < cw.K; k++) {
    const auctions = st.hourStats[k * 6]!;
    const wins = st.hourStats[k * 6 + 1]!;
    const cost = st.hourStats[k * 6 + 2]!;
    const value = st.hourStats[k * 6 + 3]!;
    const losses = st.hourStats[k * 6 + 5]!;
    // How much higher the bid had to be to win, on average over lost auctions (>= 1).
    const gap = losses > 0 ? Math.max(1, st.hourStats[k * 6 + 4]! / losses) : 1;
    const lossShare = auctions > 0 ? losses / auctions : 0;
    const budget = cw.compBudgetMilli[k]!;
    const winRate = auctions > 0 ? wins / auctions : 0;
    const plan = budget * cumulativeShare[hour]!;
    const pace = plan > 0 ? st.spentToday[k]! / plan : 1;
    const exhausted = st.spentToday[k]! >= budget * 0.999 && hour < 20;
    // Profit, minus penalties for running out early or running ahead of plan, minus the missed
    // market when losing (log of the bid gap to the winners, weighted by the share of losses).
    const reward =
      (value - cost) / Math.max(budget / 24, 1) -
      (exhausted ? 1 : 0) -
      (pace > 1.3 ? 0.5 : 0) -
      (pace < 1 ? lossShare * Math.log(gap) : 0);
    const lr = cw.compLearningRate[k]!;
    const kind = cw.compKind[k]!;
    let m = st.mult[k]!;
    if (kind === 0) {
      st.streak[k] = winRate < 0.3 && auctions > 0 ? st.streak[k]! + 1 : 0;
      if (pace > 1.15 || exhausted) m *= 0.9;
      else if (st.streak[k]! >= 3) {
        m *= 1.1;
        st.streak[k] = 0;
      }
    } else if (kind === 1) {
      const state = bucket(pace, 0.85, 1.15) * 3 + bucket(gap, 1.1, 1.6);
      const prev = st.prevState[k]!;
      const base = k * 27;
      if (prev >= 0) {
        const a = st.prevAction[k]!;
        let best = st.q[base + state * 3]!;
        for (let j = 1; j < 3; j++) best = Math.max(best, st.q[base + state * 3 + j]!);
        const i = base + prev * 3 + a;
        st.q[i] = st.q[i]! + lr * (reward + 0.9 * best - st.q[i]!);
      }
      // Ties (e.g. an untrained state) keep the current bid.
      let action = 1;
      if (rng.next() < 0.15) action = rng.int(3);
      else {
        for (let j = 0; j < 3; j += 2)
          if (st.q[base + state * 3 + j]! > st.q[base + state * 3 + action]!) action = j;
      }
      st.prevState[k] = state;
      st.prevAction[k] = action;
      m *= ACTIONS[action]!;
    } else {
      // The policy sets the log-multiplier itself: log m ~ N(theta . features, 0.15^2).
      const f = k * 3;
      if (st.prevState[k]! >= 0) {
        const advantage = reward - st.baseline[k]!;
        const grad = (advantage * st.lastNoise[k]!) / (PG_SIGMA * PG_SIGMA);
        for (let j = 0; j < 3; j++)
          st.theta[f + j] = clampTheta(st.theta[f + j]! + lr * 0.2 * grad * st.lastFeatures[f + j]!);
        st.baseline[k] = 0.9 * st.baseline[k]! + 0.1 * reward;
      }
      st.lastFeatures[f] = 1;
      st.lastFeatures[f + 1] = Math.max(-1, Math.min(1, pace - 1));
      st.lastFeatures[f + 2] = winRate;
      const mean = st.theta[f]! + st.theta[f + 1]! * st.lastFeatures[f + 1]! + st.theta[f + 2]! * winRate;
      const noise = PG_SIGMA * rng.normal();
      st.lastMean[k] = mean;
      st.lastNoise[k] = noise;
      st.prevState[k] = 1;
      m = Math.exp(mean + noise);
    }
    st.mult[k] = m < MIN_MULT ? MIN_MULT : Math.min(m, MAX_MULT);
    st.hourStats.fill(0, k * 6, k * 6 + 6);
  }
}

function bucket(x: number, lo: number, hi: number): number {
  return x < lo ? 0 : x > hi ? 2 : 1;
}

function clampTheta(x: number): number {
  return x < -1.5 ? -1.5 : Math.min(x, 1.7);
}
