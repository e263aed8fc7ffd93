import { describe, expect, it } from "vitest";
import { type ApiHealthInput, checkApiHealth } from "./api-health.js";
import { checkDataQuality, type DataQualityInput, type DayTotals } from "./data-quality.js";
import { checkLoop, type LoopInput } from "./loop.js";
import { checkMapping, type MappingInput } from "./mapping.js";
import { checkPacing, type PacingInput } from "./pacing.js";
import { expectedShareBy } from "./pacing-profile.js";
import { mad, median, robustZ } from "./robust.js";

const NOW = new Date("2025-08-20T14:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const causes = (o: { findings: { cause: string }[] }) => o.findings.map((f) => f.cause).sort();

describe("robust statistics", () => {
  it("median, MAD scaled to the normal sd, and robust z", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 4);
    expect(robustZ(10, [1, 2, 3, 4, 5])).toBeCloseTo((10 - 3) / 1.4826, 4);
  });
});

describe("api health", () => {
  const healthy = (): ApiHealthInput => ({
    accountId: "acc",
    accountName: "Shop",
    platform: "google",
    now: NOW,
    calls: Array.from({ length: 15 }, (_, i) => ({
      at: minutesAgo(15 - i),
      ok: i !== 4,
      latencyMs: 300,
      rateLimited: false,
      error: i === 4 ? "transient" : null,
    })),
    rateLimitPressure: 0.3,
    tokenExpiresAt: new Date(NOW.getTime() + 30 * 86_400_000),
    spendVsPlan: 0,
  });

  it("passes with an occasional transient error", () => {
    const o = checkApiHealth(healthy());
    expect(o.status).toBe("ok");
  });

  it("fires critical when the last calls fail, stating the underspend it causes", () => {
    const input = healthy();
    input.calls.push(
      { at: minutesAgo(1), ok: false, latencyMs: 100, rateLimited: false, error: "500" },
      { at: NOW, ok: false, latencyMs: 100, rateLimited: false, error: "500" },
    );
    input.spendVsPlan = -0.48;
    const o = checkApiHealth(input);
    expect(causes(o)).toEqual(["api_health:errors"]);
    expect(o.findings[0]!.severity).toBe("critical");
    expect(o.findings[0]!.headline).toBe("Google Ads API failing for account Shop");
    expect(o.findings[0]!.impact).toBe("spend is 48% under plan");
  });

  it("fires on latency, rate-limit pressure and a token about to expire", () => {
    const input = healthy();
    for (const c of input.calls) c.latencyMs = 20_000;
    input.rateLimitPressure = 0.95;
    input.tokenExpiresAt = new Date(NOW.getTime() + 5 * 3_600_000);
    expect(causes(checkApiHealth(input))).toEqual([
      "api_health:latency",
      "api_health:rate_limit",
      "api_health:token",
    ]);
  });
});

describe("pacing", () => {
  const healthy = (): PacingInput => ({
    accountId: "acc",
    accountName: "Shop",
    currency: "USD",
    now: NOW,
    dailyBudgetMinor: 100_000,
    spendTodayMinor: 46_000,
    expectedShareNow: 0.5,
    window: { hours: 3, spendMinor: 14_000, expectedShare: 0.15 },
    recentDays: Array.from({ length: 14 }, (_, i) => ({
      date: `2025-08-${String(i + 5).padStart(2, "0")}`,
      spendMinor: 95_000 + ((i * 7919) % 6000) - 3000,
      budgetMinor: 100_000,
    })),
    month: { spendToDateMinor: 18 * 95_000, budgetMinor: 31 * 100_000, daysElapsed: 19, daysInMonth: 31 },
  });

  it("passes within the normal noise", () => {
    expect(checkPacing(healthy()).status).toBe("ok");
  });

  it("fires when delivery stalls (stuck pacing)", () => {
    const input = healthy();
    input.window = { hours: 3, spendMinor: 800, expectedShare: 0.15 };
    const o = checkPacing(input);
    expect(causes(o)).toEqual(["pacing:day_under"]);
    expect(o.findings[0]!.impact).toMatch(/under plan/);
  });

  it("fires on overspend against the daily budget and on month underspend", () => {
    const input = healthy();
    input.spendTodayMinor = 140_000;
    input.month = {
      spendToDateMinor: 9 * 95_000,
      budgetMinor: 31 * 100_000,
      daysElapsed: 19,
      daysInMonth: 31,
    };
    expect(causes(checkPacing(input))).toEqual(["pacing:day_over", "pacing:month_under"]);
  });

  it("learns the share of the day reported by an hour from earlier days", () => {
    const finals = new Map([
      ["a", 100],
      ["b", 200],
      ["c", 100],
    ]);
    const samples = [
      { date: "a", hour: 10, spendMinor: 30 },
      { date: "b", hour: 10, spendMinor: 80 },
      { date: "c", hour: 10, spendMinor: 35 },
    ];
    expect(expectedShareBy(samples, finals, 10)).toBeCloseTo(0.35);
    expect(expectedShareBy([], finals, 15, 3)).toBeCloseTo(0.5);
  });
});

describe("mapping", () => {
  const healthy = (): MappingInput => ({
    accountId: "acc",
    accountName: "Shop",
    now: NOW,
    unknownEntityRows: 0,
    unknownEntityConversions: 0,
    totalConversions: 120,
    unknownEntityIds: [],
    unmappedDeals: 12,
    totalDeals: 60,
    baselineUnmappedShare: 0.2,
    conversionTypes: [
      { type: "lead", recentCount: 30, recentClicks: 900, baselinePerClick: 0.03, hours: 24 },
      { type: "won", recentCount: 0, recentClicks: 900, baselinePerClick: 0.002, hours: 24 },
    ],
  });

  it("passes with the usual share of organic (unmapped) deals and a rare type at zero", () => {
    expect(checkMapping(healthy()).status).toBe("ok");
  });

  it("fires on conversions for unknown ids (wrong-id mapping)", () => {
    const input = healthy();
    Object.assign(input, {
      unknownEntityRows: 9,
      unknownEntityConversions: 30,
      unknownEntityIds: ["cmp-x12"],
    });
    expect(causes(checkMapping(input))).toEqual(["mapping:unknown_entities"]);
  });

  it("fires on a jump in unmapped deals and on a conversion type dropping to zero", () => {
    const input = healthy();
    input.unmappedDeals = 40;
    input.conversionTypes[0]!.recentCount = 0;
    expect(causes(checkMapping(input))).toEqual(["mapping:conversion_drop:lead", "mapping:unmapped_deals"]);
  });
});

describe("loop", () => {
  const healthy = (): LoopInput => ({
    accountId: "acc",
    accountName: "Shop",
    now: NOW,
    active: true,
    intervalSeconds: 900,
    consecutiveFailures: 1,
    lastError: "timeout",
    lastCycleAt: minutesAgo(10),
    since: minutesAgo(600),
    latestMmmFit: { fittedAt: minutesAgo(60), converged: true },
  });

  it("passes after a single failure, on time", () => {
    expect(checkLoop(healthy()).status).toBe("ok");
  });

  it("fires on three failures in a row", () => {
    const o = checkLoop({ ...healthy(), consecutiveFailures: 3 });
    expect(causes(o)).toEqual(["loop:failures"]);
    expect(o.findings[0]!.headline).toBe("Optimization loop for account Shop failed 3 times in a row");
  });

  it("fires when no cycle ran for two intervals and when the MMM did not converge", () => {
    const o = checkLoop({
      ...healthy(),
      lastCycleAt: minutesAgo(31),
      latestMmmFit: { fittedAt: NOW, converged: false },
    });
    expect(causes(o)).toEqual(["loop:mmm_not_converged", "loop:stalled"]);
  });

  it("is skipped for a paused account", () => {
    expect(checkLoop({ ...healthy(), active: false, lastCycleAt: null }).status).toBe("skipped");
  });
});

describe("data quality", () => {
  const day = (i: number, scale = 1): DayTotals => ({
    date: `2025-08-${String(i + 1).padStart(2, "0")}`,
    impressions: 20_000 + ((i * 3571) % 2000),
    clicks: 600 + ((i * 131) % 60),
    costMinor: 50_000 + ((i * 977) % 4000),
    conversions: 30 + (i % 5),
    revenueMinor: Math.round((150_000 + ((i * 4409) % 20_000)) * scale),
  });
  const scaled = (d: DayTotals, f: number): DayTotals => ({
    date: d.date,
    impressions: Math.round(d.impressions * f),
    clicks: Math.round(d.clicks * f),
    costMinor: Math.round(d.costMinor * f),
    conversions: d.conversions * f,
    revenueMinor: Math.round(d.revenueMinor * f),
  });
  const healthy = (): DataQualityInput => ({
    accountId: "acc",
    accountName: "Shop",
    now: NOW,
    today: "2025-08-20",
    expectedDates: Array.from({ length: 19 }, (_, i) => day(i).date),
    presentDates: Array.from({ length: 19 }, (_, i) => day(i).date),
    todayRows: 4,
    todayExpectedShare: 0.4,
    unchangedHours: 1,
    expectedShareMeanwhile: 0.04,
    entities: [
      { entityId: "cmp-1", impressions: 1000, clicks: 50, costMinor: 100, conversions: 2, revenueMinor: 300 },
    ],
    arms: [{ armId: "cmp-1", days: Array.from({ length: 19 }, (_, i) => day(i)) }],
  });

  it("passes on complete, timely, consistent, ordinary data", () => {
    const o = checkDataQuality(healthy());
    expect(o.status).toBe("ok");
    expect(o.metrics.anomalyTests).toBe(4);
  });

  it("fires on a missing day and on no data for today", () => {
    const input = healthy();
    input.presentDates = input.presentDates.filter((d) => d !== "2025-08-18");
    input.todayRows = 0;
    expect(causes(checkDataQuality(input))).toEqual(["data_quality:missing_days", "data_quality:stale"]);
  });

  it("fires when today's data stopped changing for hours a normal day would fill", () => {
    const o = checkDataQuality({ ...healthy(), unchangedHours: 4, expectedShareMeanwhile: 0.2 });
    expect(causes(o)).toEqual(["data_quality:stale"]);
    expect(o.findings[0]!.headline).toBe("No new data for 4 h in account Shop");
  });

  it("fires on clicks > impressions, conversions > clicks and negative values", () => {
    const input = healthy();
    input.entities = [
      { entityId: "a", impressions: 10, clicks: 50, costMinor: 1, conversions: 0, revenueMinor: 0 },
      { entityId: "b", impressions: 100, clicks: 5, costMinor: 1, conversions: 9, revenueMinor: 0 },
      { entityId: "c", impressions: 100, clicks: 5, costMinor: -1, conversions: 0, revenueMinor: 0 },
    ];
    const o = checkDataQuality(input);
    expect(causes(o)).toEqual(["data_quality:inconsistent"]);
    expect(o.findings[0]!.evidence.entities).toHaveLength(3);
  });

  it("compares an arm's spend only with days under its current budget: a cut we applied is no anomaly", () => {
    const halved = () => {
      const input = healthy();
      // a budget cut to 40 %: 40 % of the delivery, the same CTR, CPA and ROAS
      for (const i of [17, 18]) input.arms[0]!.days[i] = scaled(day(i), 0.4);
      return input;
    };
    expect(causes(checkDataQuality(halved()))).toEqual(["data_quality:anomaly:spend:cmp-1"]);
    const cut = halved();
    cut.arms[0]!.lastChangeDate = "2025-08-17"; // applied the evening before the halved days
    expect(checkDataQuality(cut).status).toBe("ok");
    // a week after the change the new level is the baseline, and a drop from it fires again
    const later = healthy();
    later.arms[0]!.lastChangeDate = "2025-08-05";
    later.arms[0]!.days[18] = scaled(day(18), 1 / 3);
    expect(causes(checkDataQuality(later))).toEqual(["data_quality:anomaly:spend:cmp-1"]);
  });

  it("fires on anomalous ROAS for one arm (median/MAD)", () => {
    const input = healthy();
    input.arms[0]!.days[18] = day(18, 0.2);
    const o = checkDataQuality(input);
    expect(causes(o)).toEqual(["data_quality:anomaly:ROAS:cmp-1"]);
    expect(o.findings[0]!.headline).toMatch(/^Anomalous ROAS for arm cmp-1 in account Shop/);
  });
});
