import { describe, expect, it } from "vitest";
import { monthDaysSince } from "../collect/local-clock.js";
import { checkDataQuality, type DataQualityInput } from "./data-quality.js";
import { checkMapping, type MappingInput } from "./mapping.js";
import { checkPacing, type PacingInput } from "./pacing.js";
import type { SpendSample } from "./pacing-profile.js";
import { PACING_WINDOWS, poissonCdf, samplesByDate, spendBand, spendBands } from "./spend-band.js";

const NOW = new Date("2025-08-20T14:00:00Z");
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

/**
 * 21 earlier days of an account billed per click (about 12 clicks an hour at 5.00 each, by day of the
 * hour profile), sampled each hour as cumulative reported spend; today stops after `stallFrom` if set.
 */
function history(stallFrom: number | null = null, hours = 14) {
  const r = rng(42);
  const poisson = (lambda: number) => {
    let k = 0;
    for (let p = Math.exp(-lambda), s = p, u = r(); u > s; k++) {
      p *= lambda / (k + 1);
      s += p;
    }
    return k;
  };
  const profile = (h: number) => (h < 6 ? 0.3 : 1);
  const day = (date: string, until: number, stall: number | null): SpendSample[] => {
    const out: SpendSample[] = [];
    let total = 0;
    for (let h = 0; h <= until; h++) {
      out.push({ date, hour: h, spendMinor: total });
      const stalled = stall !== null && h >= stall;
      total += stalled ? 0 : poisson(12 * profile(h)) * 500;
    }
    return out;
  };
  const past: SpendSample[] = [];
  for (let d = 0; d < 21; d++) past.push(...day(`2025-07-${String(d + 10).padStart(2, "0")}`, 23, null));
  const today = day("2025-08-20", hours, stallFrom);
  return {
    past: samplesByDate(past),
    today: samplesByDate(today).get("2025-08-20")!,
    spendToday: today.at(-1)!.spendMinor,
  };
}

describe("spend band", () => {
  it("computes the Poisson lower tail", () => {
    expect(poissonCdf(0, 2)).toBeCloseTo(Math.exp(-2), 10);
    expect(poissonCdf(2, 3)).toBeCloseTo(0.42319, 5);
    expect(poissonCdf(-1, 3)).toBe(0);
    expect(poissonCdf(0, 40)).toBeCloseTo(Math.exp(-40), 25);
  });

  it("finds an ordinary day ordinary in every window", () => {
    const h = history();
    const bands = spendBands(h.today, h.past, 14, PACING_WINDOWS);
    expect(bands.map((b) => b.hours)).toEqual([1, 2, 3, 4, 6, 9, 12, 14]);
    expect(bands.every((b) => b.days === 21)).toBe(true);
    expect(bands.find((b) => b.sinceMidnight)!.hours).toBe(14);
    expect(Math.min(...bands.map((b) => b.pLow))).toBeGreaterThan(1e-3);
  });

  it("finds hours without spend on a busy account very unlikely", () => {
    const h = history(10);
    const band = spendBand(h.today, h.past, 14, 4)!;
    expect(band.observedMinor).toBe(0);
    expect(band.expectedMinor).toBeGreaterThan(20_000);
    expect(band.pLow).toBeLessThan(1e-10);
  });

  it("needs a week of earlier days sampled at both ends", () => {
    const h = history();
    const few = new Map([...h.past].slice(0, 6));
    expect(spendBand(h.today, few, 14, 3)).toBeNull();
  });
});

describe("pacing by spend band", () => {
  const input = (stallFrom: number | null): PacingInput => {
    const h = history(stallFrom);
    return {
      accountId: "acc",
      accountName: "Shop",
      currency: "USD",
      now: NOW,
      dailyBudgetMinor: 200_000,
      spendTodayMinor: h.spendToday,
      // The old fixed-ratio inputs say "far under plan"; with bands they are not used for the verdict.
      expectedShareNow: 0.9,
      window: { hours: 3, spendMinor: 100, expectedShare: 0.3 },
      recentDays: [],
      bands: spendBands(h.today, h.past, 14, PACING_WINDOWS),
      month: null,
    };
  };

  it("passes an ordinary day whatever the fixed tolerances would say", () => {
    expect(checkPacing(input(null)).status).toBe("ok");
  });

  it("fires when delivery stopped four hours ago, naming the window and its p-value", () => {
    const o = checkPacing(input(10));
    expect(causes(o)).toEqual(["pacing:day_under"]);
    const band = o.findings[0]!.evidence.band as { hours: number; pValue: number };
    expect(band.hours).toBeLessThanOrEqual(4);
    expect(band.pValue).toBeLessThan(1e-6);
    expect(o.findings[0]!.severity).toBe("critical");
  });

  it("does not fire on a single quiet hour", () => {
    expect(checkPacing(input(13)).status).toBe("ok");
  });
});

describe("stale data by spend band", () => {
  const base = (): DataQualityInput => ({
    accountId: "acc",
    accountName: "Shop",
    now: NOW,
    today: "2025-08-20",
    expectedDates: [],
    presentDates: [],
    todayRows: 4,
    todayExpectedShare: 0.5,
    unchangedHours: 0,
    expectedShareMeanwhile: 0,
    unchangedBand: null,
    entities: [],
    arms: [],
  });

  it("fires after two unchanged hours on a busy account", () => {
    const h = history(12);
    const o = checkDataQuality({
      ...base(),
      unchangedHours: 2,
      expectedShareMeanwhile: 0.08,
      unchangedBand: spendBand(h.today, h.past, 14, 2),
    });
    expect(causes(o)).toEqual(["data_quality:stale"]);
    expect(o.findings[0]!.headline).toBe("No new data for 2 h in account Shop");
  });

  it("does not fire on an unchanged night hour where nothing is usual either", () => {
    const past = new Map(
      Array.from({ length: 14 }, (_, d) => [
        `2025-07-${10 + d}`,
        new Map([
          [3, 1000],
          [4, d % 2 === 0 ? 1000 : 1500],
        ]),
      ]),
    );
    const today = new Map([
      [3, 800],
      [4, 800],
    ]);
    const o = checkDataQuality({
      ...base(),
      unchangedHours: 1,
      expectedShareMeanwhile: 0.01,
      unchangedBand: spendBand(today, past, 4, 1),
    });
    expect(o.status).not.toBe("fail");
  });
});

describe("wrong ids by volume", () => {
  const healthy = (): MappingInput => ({
    accountId: "acc",
    accountName: "Shop",
    now: NOW,
    unknownEntityRows: 0,
    unknownEntityConversions: 0,
    totalConversions: 40,
    unknownEntityIds: [],
    unknownEntityCostMinor: 0,
    totalCostMinor: 90_000,
    unmappedDeals: 0,
    totalDeals: 0,
    baselineUnmappedShare: null,
    conversionTypes: [],
  });

  it("fires on one unknown row carrying a real share of spend", () => {
    const o = checkMapping({
      ...healthy(),
      unknownEntityRows: 1,
      unknownEntityCostMinor: 20_000,
      unknownEntityIds: ["cmp-x7"],
    });
    expect(causes(o)).toEqual(["mapping:unknown_entities"]);
    expect(o.findings[0]!.severity).toBe("critical");
  });

  it("does not fire on one unknown row with almost nothing on it (a campaign created mid-sync)", () => {
    const o = checkMapping({ ...healthy(), unknownEntityRows: 1, unknownEntityCostMinor: 300 });
    expect(o.status).toBe("ok");
  });
});

describe("month to date", () => {
  it("counts only the month's days since the account's first data", () => {
    expect(monthDaysSince("2025-08-27", "2025-08-11")).toBe(16);
    expect(monthDaysSince("2025-08-27", "2025-06-01")).toBe(26);
    expect(monthDaysSince("2025-08-01", "2025-06-01")).toBe(0);
  });
});

describe("CTR anomaly with the day's own sampling error", () => {
  const day = (i: number, impressions: number, clicks: number) => ({
    date: `2025-08-${String(i + 1).padStart(2, "0")}`,
    impressions,
    clicks,
    costMinor: 50_000,
    conversions: 5,
    revenueMinor: 100_000,
  });
  const input = (impressions: number): DataQualityInput => ({
    accountId: "acc",
    accountName: "Shop",
    now: NOW,
    today: "2025-08-20",
    expectedDates: [],
    presentDates: [],
    todayRows: 4,
    todayExpectedShare: 0,
    unchangedHours: 0,
    expectedShareMeanwhile: 0,
    entities: [],
    arms: [
      {
        armId: "cmp-1",
        days: [
          ...Array.from({ length: 14 }, (_, i) => day(i, 20_000, 200 + (i % 3))),
          day(14, impressions, impressions * 0.02),
        ],
      },
    ],
  });

  it("fires on a doubled CTR over 20,000 impressions", () => {
    expect(causes(checkDataQuality(input(20_000)))).toEqual(["data_quality:anomaly:CTR:cmp-1"]);
  });

  it("does not fire on the same CTR over 2,000 impressions, where 40 clicks against 20 is within sampling noise at z 6", () => {
    expect(checkDataQuality(input(2_000)).status).toBe("ok");
  });
});
