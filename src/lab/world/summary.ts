import { dateOfDay } from "./calendar.js";
import {
  CLK,
  COMP_METRICS,
  COST,
  IMP,
  K_AUCTIONS,
  K_COST,
  K_MULT,
  K_WINS,
  PCONV,
  PLATFORM_METRICS,
  PREV,
  T_CONV,
  T_ICONV,
  T_IREV,
  T_REV,
  TRUTH_METRICS,
} from "./reports.js";
import type { World } from "./world.js";

export interface PlatformTotals {
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export interface TruthTotals {
  conversions: number;
  revenueMinor: number;
  incrementalConversions: number;
  incrementalRevenueMinor: number;
}

/** What the platform reports for days [from, to) summed over ads, optionally one ad group or channel. */
export function platformTotals(
  world: World,
  from = 0,
  to = world.stats.days,
  filter?: { group?: number; channel?: number },
): PlatformTotals {
  const cw = world.cw;
  const t = { impressions: 0, clicks: 0, costMilli: 0, conversions: 0, revenueMinor: 0 };
  for (let d = from; d < Math.min(to, world.stats.days); d++) {
    const block = world.stats.platform[d]!;
    for (let h = 0; h < 24; h++) {
      for (let a = 0; a < cw.A; a++) {
        const g = cw.adGroup[a]!;
        if (filter?.group !== undefined && g !== filter.group) continue;
        if (filter?.channel !== undefined && cw.groupChannel[g] !== filter.channel) continue;
        const o = (h * cw.A + a) * PLATFORM_METRICS;
        t.impressions += block[o + IMP]!;
        t.clicks += block[o + CLK]!;
        t.costMilli += block[o + COST]!;
        t.conversions += block[o + PCONV]!;
        t.revenueMinor += block[o + PREV]!;
      }
    }
  }
  return {
    impressions: t.impressions,
    clicks: t.clicks,
    costMinor: Math.round(t.costMilli / 1000),
    conversions: t.conversions,
    revenueMinor: t.revenueMinor,
  };
}

/**
 * Ground truth over days [from, to): conversions and revenue that happened, and the incremental
 * part (caused by ads). `weighted` applies importance weights per segment (Σ_s w_s x metric_s), which
 * equals the plain sums when no segment is over-sampled.
 */
export function truthTotals(world: World, from = 0, to = world.stats.days, weighted = true): TruthTotals {
  const cw = world.cw;
  const t = { conversions: 0, revenueMinor: 0, incrementalConversions: 0, incrementalRevenueMinor: 0 };
  for (let d = from; d < Math.min(to, world.stats.days); d++) {
    const block = world.stats.truthSegment[d]!;
    for (let s = 0; s < cw.S; s++) {
      const w = weighted ? cw.segWeight[s]! : 1;
      const o = s * TRUTH_METRICS;
      t.conversions += w * block[o + T_CONV]!;
      t.revenueMinor += w * block[o + T_REV]!;
      t.incrementalConversions += w * block[o + T_ICONV]!;
      t.incrementalRevenueMinor += w * block[o + T_IREV]!;
    }
  }
  return t;
}

/** Ground truth per ad (index A = conversions no ad touched), summed over days. */
export function truthByAd(world: World, from = 0, to = world.stats.days): TruthTotals[] {
  const cw = world.cw;
  const out: TruthTotals[] = [];
  for (let a = 0; a <= cw.A; a++)
    out.push({ conversions: 0, revenueMinor: 0, incrementalConversions: 0, incrementalRevenueMinor: 0 });
  for (let d = from; d < Math.min(to, world.stats.days); d++) {
    const block = world.stats.truthAd[d]!;
    for (let a = 0; a <= cw.A; a++) {
      const o = a * TRUTH_METRICS;
      const t = out[a]!;
      t.conversions += block[o + T_CONV]!;
      t.revenueMinor += block[o + T_REV]!;
      t.incrementalConversions += block[o + T_ICONV]!;
      t.incrementalRevenueMinor += block[o + T_IREV]!;
    }
  }
  return out;
}

/** Ground truth per channel name (plus "organic" for conversions no ad touched). */
export function truthByChannel(world: World, from = 0, to = world.stats.days): Record<string, TruthTotals> {
  const cw = world.cw;
  const byAd = truthByAd(world, from, to);
  const out: Record<string, TruthTotals> = {};
  for (const name of [...cw.chanNames, "organic"])
    out[name] = { conversions: 0, revenueMinor: 0, incrementalConversions: 0, incrementalRevenueMinor: 0 };
  byAd.forEach((t, a) => {
    const name = a === cw.A ? "organic" : cw.chanNames[cw.groupChannel[cw.adGroup[a]!]!]!;
    const o = out[name]!;
    o.conversions += t.conversions;
    o.revenueMinor += t.revenueMinor;
    o.incrementalConversions += t.incrementalConversions;
    o.incrementalRevenueMinor += t.incrementalRevenueMinor;
  });
  return out;
}

/** Daily spend and budget per ad group (minor units). */
export function groupDays(world: World, g: number): { spendMinor: number; budgetMinor: number }[] {
  return world.stats.group
    .slice(0, world.day)
    .map((b) => ({ spendMinor: b[g * 2]! / 1000, budgetMinor: b[g * 2 + 1]! / 1000 }));
}

/** Daily competitor figures: auctions entered, wins, win rate, cost (minor), mean bid multiplier. */
export function competitorDays(world: World, k: number) {
  return world.stats.competitor.slice(0, world.day).map((b) => {
    const o = k * COMP_METRICS;
    const auctions = b[o + K_AUCTIONS]!;
    return {
      auctions,
      wins: b[o + K_WINS]!,
      winRate: auctions > 0 ? b[o + K_WINS]! / auctions : 0,
      costMinor: b[o + K_COST]! / 1000,
      multiplier: b[o + K_MULT]!,
    };
  });
}

/** The sandbox's daily report (all ads), for fidelity checks against an imported history. */
export function dailyRows(world: World): {
  date: string;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}[] {
  const rows = [];
  for (let d = 0; d < world.day; d++)
    rows.push({ date: dateOfDay(world.cw.scenario.startDate, d), ...platformTotals(world, d, d + 1) });
  return rows;
}
