import type { CompiledWorld } from "./compile.js";

/** Platform metrics per (hour of day, ad) in a day block. */
export const IMP = 0;
export const CLK = 1;
/** Cost in milli-minor units. */
export const COST = 2;
/** Platform-attributed (last click in window) conversions, booked on the click's hour. */
export const PCONV = 3;
export const PREV = 4;
export const PLATFORM_METRICS = 5;
/** Ground truth per ad (index A = no ad: organic) and per segment. */
export const T_CONV = 0;
export const T_REV = 1;
export const T_ICONV = 2;
export const T_IREV = 3;
export const TRUTH_METRICS = 4;
/** Competitor daily metrics. */
export const K_AUCTIONS = 0;
export const K_WINS = 1;
export const K_COST = 2;
export const K_VALUE = 3;
export const K_MULT = 4;
export const COMP_METRICS = 5;
export const MAX_ARMS = 8;

/** Day-by-day statistics: what the platform reports and what is true. One block per simulated day. */
export class DayStats {
  platform: Float64Array[] = [];
  truthAd: Float64Array[] = [];
  truthSegment: Float64Array[] = [];
  /** Per arm: conversions, revenue, revenue squared, incremental conversions. */
  arm: Float64Array[] = [];
  /** Per ad group: spend (milli), budget (milli) of the day. */
  group: Float64Array[] = [];
  competitor: Float64Array[] = [];

  constructor(private readonly cw: CompiledWorld) {}

  ensureDay(day: number): void {
    const { A, S, G, K } = this.cw;
    while (this.platform.length <= day) {
      this.platform.push(new Float64Array(24 * A * PLATFORM_METRICS));
      this.truthAd.push(new Float64Array((A + 1) * TRUTH_METRICS));
      this.truthSegment.push(new Float64Array(S * TRUTH_METRICS));
      this.arm.push(new Float64Array(MAX_ARMS * 4));
      this.group.push(new Float64Array(G * 2));
      this.competitor.push(new Float64Array(Math.max(K, 1) * COMP_METRICS));
    }
  }

  get days(): number {
    return this.platform.length;
  }
}
