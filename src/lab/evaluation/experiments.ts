import { LabRng } from "../rng.js";
import { MAX_ARMS } from "../world/reports.js";
import type { World } from "../world/world.js";
import { type DifferenceTest, meanDifferenceTest, twoProportionTest } from "./stats.js";

export interface ArmSpec {
  name: string;
  /** Share of users (or geos) in this arm; shares are normalised. */
  share: number;
  /** Multiplier on our bids for this arm's users; 0 = holdout (never shown our ads). */
  bidMultiplier: number;
}

export interface SplitOptions {
  arms: ArmSpec[];
  /** "users": each user drawn independently; "geos": users belong to `geos` regions, regions are split. */
  unit: "users" | "geos";
  geos?: number;
  seed: number;
}

/** Assigns every user of the world to an arm (before or during a run). Returns users per arm. */
export function assignArms(world: World, options: SplitOptions): number[] {
  const { arms } = options;
  if (arms.length < 1 || arms.length > MAX_ARMS)
    throw new Error(`between 1 and ${MAX_ARMS} arms, got ${arms.length}`);
  const total = arms.reduce((t, a) => t + a.share, 0);
  const cdf = arms.map((_, i) => arms.slice(0, i + 1).reduce((t, a) => t + a.share, 0) / total);
  const rng = new LabRng(options.seed);
  const pick = () => {
    const r = rng.next();
    let i = 0;
    while (i < cdf.length - 1 && r >= cdf[i]!) i++;
    return i;
  };
  const geos = options.geos ?? 20;
  const geoArm = Array.from({ length: geos }, pick);
  const counts = new Array(arms.length).fill(0);
  const U = world.users;
  for (let u = 0; u < U.n; u++) {
    // A user's geo is a fixed hash of their index, so it is stable across runs and snapshots.
    const arm = options.unit === "users" ? pick() : geoArm[(Math.imul(u + 1, 0x9e3779b1) >>> 0) % geos]!;
    U.arm[u] = arm;
    counts[arm]++;
  }
  arms.forEach((a, i) => {
    world.armBidMult[i] = a.bidMultiplier;
  });
  return counts;
}

export interface ArmOutcome {
  name: string;
  users: number;
  converters: number;
  revenueMinor: number;
}

export interface ExperimentResult {
  arms: ArmOutcome[];
  /** Each arm against the first (control): conversion rate per user and revenue per user. */
  conversionRate: (DifferenceTest & { arm: string })[];
  revenuePerUser: (DifferenceTest & { arm: string })[];
}

/**
 * Outcomes per arm from the world's conversion log since `fromHour`: share of users who converted
 * and revenue per user, each arm compared with arm 0 (difference, 95% CI, two-sided test).
 */
export function analyseExperiment(world: World, arms: ArmSpec[], fromHour = 0): ExperimentResult {
  const U = world.users;
  const n = arms.map(() => 0);
  for (let u = 0; u < U.n; u++) n[U.arm[u]!]!++;
  const revenueByUser = new Map<number, number>();
  const log = world.conversions;
  for (let i = 0; i < log.length; i++) {
    if (log.get(0, i) < fromHour) continue;
    const u = log.get(1, i);
    revenueByUser.set(u, (revenueByUser.get(u) ?? 0) + log.get(3, i));
  }
  const stats = arms.map(() => ({ converters: 0, sum: 0, sumSq: 0 }));
  for (const [u, revenue] of revenueByUser) {
    const s = stats[U.arm[u]!]!;
    s.converters++;
    s.sum += revenue;
    s.sumSq += revenue * revenue;
  }
  const outcomes = arms.map((a, i) => ({
    name: a.name,
    users: n[i]!,
    converters: stats[i]!.converters,
    revenueMinor: stats[i]!.sum,
  }));
  const conversionRate = arms.slice(1).map((a, j) => ({
    arm: a.name,
    ...twoProportionTest(stats[j + 1]!.converters, n[j + 1]!, stats[0]!.converters, n[0]!),
  }));
  const revenuePerUser = arms.slice(1).map((a, j) => ({
    arm: a.name,
    ...meanDifferenceTest({ n: n[j + 1]!, ...stats[j + 1]! }, { n: n[0]!, ...stats[0]! }),
  }));
  return { arms: outcomes, conversionRate, revenuePerUser };
}
