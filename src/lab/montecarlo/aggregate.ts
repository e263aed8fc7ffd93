import type { WorldJobResult } from "./job.js";

/** A metric across worlds: mean, 95% confidence interval of the mean, and the 2.5-97.5% spread of worlds. */
export interface Estimate {
  mean: number;
  ciLow: number;
  ciHigh: number;
  p025: number;
  p975: number;
}

export interface LabSummary {
  scenario: string;
  policy: string;
  worlds: number;
  users: number;
  days: number;
  seed: number;
  currency: string;
  /** Money in major units of `currency`. */
  spend: Estimate;
  conversions: Estimate;
  cac: Estimate;
  roas: Estimate;
  trueConversions: Estimate;
  incrementalConversions: Estimate;
  incrementalRevenue: Estimate;
  /** Incremental conversions as a % of the oracle's on the same worlds; null without an oracle. */
  pctOfOracle: Estimate | null;
  pacingError: Estimate;
  /** Per world, in index order (for CSV/JSONL output). */
  perWorld: {
    index: number;
    seed: number;
    spend: number;
    conversions: number;
    cac: number;
    roas: number;
    incrementalConversions: number;
    oracleIncrementalConversions: number | null;
  }[];
}

export function estimate(values: number[]): Estimate {
  const n = values.length;
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length);
  const variance =
    finite.length > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1) : 0;
  const half = 1.96 * Math.sqrt(variance / Math.max(1, finite.length));
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    mean,
    ciLow: mean - half,
    ciHigh: mean + half,
    p025: quantile(sorted, 0.025),
    p975: quantile(sorted, 0.975),
    ...(n === 0 ? { mean: Number.NaN } : {}),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(
  results: WorldJobResult[],
  meta: Omit<LabSummary, keyof ReturnType<typeof metrics> | "perWorld" | "worlds">,
  minorPerMajor: number,
): LabSummary {
  const perWorld = results.map((r) => {
    const spend = r.result.spendMinor / minorPerMajor;
    return {
      index: r.index,
      seed: r.result.seed,
      spend,
      conversions: r.result.conversions,
      cac: r.result.conversions > 0 ? spend / r.result.conversions : Number.NaN,
      roas: r.result.spendMinor > 0 ? r.result.revenueMinor / r.result.spendMinor : Number.NaN,
      incrementalConversions: r.result.incrementalConversions,
      oracleIncrementalConversions: r.oracle ? r.oracle.incrementalConversions : null,
    };
  });
  return { ...meta, worlds: results.length, ...metrics(results, perWorld, minorPerMajor), perWorld };
}

function metrics(results: WorldJobResult[], perWorld: LabSummary["perWorld"], minorPerMajor: number) {
  const withOracle = results.filter((r) => r.oracle && r.oracle.incrementalConversions > 0);
  return {
    spend: estimate(perWorld.map((w) => w.spend)),
    conversions: estimate(perWorld.map((w) => w.conversions)),
    cac: estimate(perWorld.map((w) => w.cac)),
    roas: estimate(perWorld.map((w) => w.roas)),
    trueConversions: estimate(results.map((r) => r.result.trueConversions)),
    incrementalConversions: estimate(results.map((r) => r.result.incrementalConversions)),
    incrementalRevenue: estimate(results.map((r) => r.result.incrementalRevenueMinor / minorPerMajor)),
    pctOfOracle:
      withOracle.length > 0
        ? estimate(
            withOracle.map((r) => (100 * r.result.incrementalConversions) / r.oracle!.incrementalConversions),
          )
        : null,
    pacingError: estimate(results.map((r) => r.result.pacingError)),
  };
}
