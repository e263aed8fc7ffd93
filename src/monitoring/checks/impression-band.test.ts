import { describe, expect, it } from "vitest";
import { checkDataQuality, type DataQualityInput } from "./data-quality.js";
import {
  impressionBands,
  impressionsByDate,
  impressionsFreshness,
  unchangedSince,
} from "./impression-band.js";
import { checkPacing, type PacingInput } from "./pacing.js";
import type { SpendSample } from "./pacing-profile.js";
import { PACING_WINDOWS, samplesByDate, spendBand, spendBands } from "./spend-band.js";

const NOW = new Date("2025-08-20T14:00:00Z");
const TODAY = "2025-08-20";
const causes = (o: { findings: { cause: string }[] }) => o.findings.map((f) => f.cause).sort();

/** A seeded generator (mulberry32), so the synthetic history is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Today {
  /** Reporting freezes (a data gap) from this hour: nothing new arrives. */
  frozenFrom?: number;
  /** Delivery falls to 2% (a stuck pacing) from this hour. */
  stuckFrom?: number;
  /** No clicks over these hours, delivery otherwise normal (a quiet stretch of a small account). */
  noClicks?: [number, number];
}

/**
 * A small account like the lab's: about 150 impressions an hour by day (30 at night, none reported
 * before 3 o'clock: the platform reports late), the day's rate swinging ±30% from day to day, and
 * about one click (5.00) every two hours. 21 earlier days and today up to `hours`, sampled each hour as
 * cumulative reported spend and impressions.
 */
function history(today: Today = {}, hours = 14, seed = 7) {
  const r = rng(seed);
  const poisson = (lambda: number) => {
    if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss()));
    let k = 0;
    for (let p = Math.exp(-lambda), s = p, u = r(); u > s; k++) {
      p *= lambda / (k + 1);
      s += p;
    }
    return k;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const profile = (h: number) => (h < 3 ? 0 : h < 7 ? 0.2 : 1);
  const day = (date: string, until: number, t: Today): SpendSample[] => {
    const rate = 0.7 + 0.6 * r();
    const out: SpendSample[] = [];
    let spend = 0;
    let impressions = 0;
    for (let h = 0; h <= until; h++) {
      out.push({ date, hour: h, spendMinor: spend, impressions });
      if (t.frozenFrom !== undefined && h >= t.frozenFrom) continue;
      const delivery = t.stuckFrom !== undefined && h >= t.stuckFrom ? 0.02 : 1;
      impressions += poisson(150 * rate * profile(h) * delivery);
      const quiet = t.noClicks && h >= t.noClicks[0] && h < t.noClicks[1];
      spend += quiet ? 0 : poisson(0.5 * rate * profile(h) * delivery) * 500;
    }
    return out;
  };
  const past: SpendSample[] = [];
  for (let d = 0; d < 21; d++) past.push(...day(`2025-07-${String(d + 10).padStart(2, "0")}`, 23, {}));
  const samples = day(TODAY, hours, today);
  return {
    past,
    samples,
    spendPast: samplesByDate(past),
    spendToday: samplesByDate(samples).get(TODAY)!,
    impressionsPast: impressionsByDate(past),
    impressionsToday: impressionsByDate(samples).get(TODAY) ?? new Map<number, number>(),
  };
}

const dataQuality = (over: Partial<DataQualityInput>): DataQualityInput => ({
  accountId: "acc",
  accountName: "Shop",
  now: NOW,
  today: TODAY,
  expectedDates: [],
  presentDates: [],
  todayRows: 4,
  todayExpectedShare: 0.5,
  unchangedHours: 0,
  expectedShareMeanwhile: 0,
  unchangedBand: null,
  entities: [],
  arms: [],
  ...over,
});

/** The data-quality input as both collectors build it, with or without impressions in the samples. */
function freshness(h: ReturnType<typeof history>, hour: number, withImpressions: boolean) {
  const since = unchangedSince(h.spendToday, hour);
  return dataQuality({
    unchangedHours: hour - since,
    expectedShareMeanwhile: 0.15,
    unchangedBand: since < hour ? spendBand(h.spendToday, h.spendPast, hour, hour - since) : null,
    impressions: withImpressions ? impressionsFreshness(h.impressionsToday, h.impressionsPast, hour) : null,
  });
}

describe("stale data by impressions", () => {
  it("fires one poll after the feed froze, where spend alone cannot tell yet", () => {
    const h = history({ frozenFrom: 13 });
    const f = impressionsFreshness(h.impressionsToday, h.impressionsPast, 14)!;
    expect(f.unchangedHours).toBe(1);
    expect(f.band!.observedMinor).toBe(0);
    expect(f.band!.pLow).toBeLessThan(1e-6);
    const o = checkDataQuality(freshness(h, 14, true));
    expect(causes(o)).toEqual(["data_quality:stale"]);
    expect(o.findings[0]!.evidence.measure).toBe("impressions");
    // The same hour judged by spend alone (samples from before impressions were recorded): silent.
    expect(checkDataQuality(freshness(h, 14, false)).findings).toEqual([]);
  });

  it("does not fire on a quiet stretch without clicks while impressions keep arriving", () => {
    const h = history({ noClicks: [10, 14] });
    const input = freshness(h, 14, true);
    expect(input.unchangedHours).toBeGreaterThanOrEqual(4);
    expect(input.impressions!.unchangedHours).toBe(0);
    expect(checkDataQuality(input).findings).toEqual([]);
    // Without impressions the fixed-ratio fallback (3 h unchanged, 15% of a day meanwhile) would page.
    expect(causes(checkDataQuality(freshness(h, 14, false)))).toEqual(["data_quality:stale"]);
  });

  it("does not fire before the platform reports the day's first hours (unchanged impressions are usual then)", () => {
    const h = history({}, 2);
    const f = impressionsFreshness(h.impressionsToday, h.impressionsPast, 2)!;
    expect(f.unchangedHours).toBe(2);
    expect(f.band!.pLow).toBe(1);
    expect(checkDataQuality(freshness(h, 2, true)).findings).toEqual([]);
  });

  it("is unknown (null: the spend rules decide) for samples without impressions", () => {
    const h = history();
    const old = (s: SpendSample) => ({ ...s, impressions: null });
    expect(impressionsByDate(h.past.map(old)).size).toBe(0);
    expect(impressionsFreshness(h.impressionsToday, impressionsByDate(h.past.map(old)), 14)).toBeNull();
    expect(impressionsFreshness(new Map(), h.impressionsPast, 14)).toBeNull();
  });

  it("never pages on an unchanged count some earlier healthy day also had", () => {
    const past = new Map(
      Array.from({ length: 14 }, (_, d) => [
        `2025-07-${10 + d}`,
        new Map([
          [9, 500],
          [10, d === 3 ? 500 : 700],
        ]),
      ]),
    );
    const band = spendBand(
      new Map([
        [9, 400],
        [10, 400],
      ]),
      past,
      10,
      1,
      undefined,
      "gamma-poisson",
    )!;
    expect(band.pLow).toBeCloseTo(1 / 14, 10);
  });
});

describe("stuck pacing by impressions", () => {
  const pacing = (h: ReturnType<typeof history>, hour: number, withImpressions: boolean): PacingInput => ({
    accountId: "acc",
    accountName: "Shop",
    currency: "USD",
    now: NOW,
    dailyBudgetMinor: 6_000,
    spendTodayMinor: h.spendToday.get(hour)!,
    expectedShareNow: 0.5,
    window: null,
    recentDays: [],
    bands: spendBands(h.spendToday, h.spendPast, hour, PACING_WINDOWS),
    impressionBands: withImpressions
      ? impressionBands(h.impressionsToday, h.impressionsPast, hour, PACING_WINDOWS)
      : [],
    month: null,
  });

  it("fires three hours into a stall, naming impressions, where the spend bands stay silent", () => {
    const h = history({ stuckFrom: 11 });
    const o = checkPacing(pacing(h, 14, true));
    expect(causes(o)).toEqual(["pacing:day_under"]);
    const band = o.findings[0]!.evidence.band as { measure: string; hours: number; pValue: number };
    expect(band.measure).toBe("impressions");
    expect(band.hours).toBeGreaterThanOrEqual(2);
    expect(band.pValue).toBeLessThan(1e-6);
    expect(checkPacing(pacing(h, 14, false)).status).toBe("ok");
  });

  it("does not judge impressions over a single hour (a healthy pacer may throttle hard for one)", () => {
    const h = history({ stuckFrom: 13 });
    expect(checkPacing(pacing(h, 14, true)).findings.map((f) => f.cause)).not.toContain("pacing:day_under");
  });

  it("stays silent at every hour of ordinary days", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const h = history({}, 23, seed);
      for (let hour = 1; hour <= 23; hour++) {
        const input = pacing(h, hour, true);
        expect(
          checkPacing(input).findings.map((f) => f.cause),
          `seed ${seed} hour ${hour}`,
        ).not.toContain("pacing:day_under");
        const f = impressionsFreshness(h.impressionsToday, h.impressionsPast, hour)!;
        expect(f.unchangedHours === 0 || f.band!.pLow >= 1e-6, `seed ${seed} hour ${hour}`).toBe(true);
      }
    }
  });
});
