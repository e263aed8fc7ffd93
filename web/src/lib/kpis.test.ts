import { describe, expect, it } from "vitest";
import type { PerformanceRow } from "../api/types.js";
import { latestDay, pacing, periodKpis, totalsIn } from "./kpis.js";
import { seriesByChannel, shareOverTime } from "./series.js";

function row(
  period: string,
  key: string,
  costMinor: number,
  conversions: number,
  revenueMinor: number,
): PerformanceRow {
  return {
    period,
    key,
    label: key,
    currency: "USD",
    impressions: 0,
    clicks: 0,
    costMinor,
    conversions,
    revenueMinor,
    ctr: null,
    cvr: null,
    cpcMinor: null,
    cacMinor: null,
    roas: null,
  };
}

// 20 days of data: search spends $100/day with 2 conversions, social $50/day with 1 (more from day 11).
const rows: PerformanceRow[] = [];
for (let d = 1; d <= 20; d++) {
  const date = `2025-03-${String(d).padStart(2, "0")}`;
  rows.push(row(date, "search", 10_000, 2, 40_000));
  rows.push(row(date, "social", 5_000, d > 10 ? 2 : 1, 10_000));
}

describe("kpis", () => {
  it("sums a range and derives CAC and ROAS from the sums", () => {
    const t = totalsIn(rows, { from: "2025-03-01", to: "2025-03-02" });
    expect(t).toEqual({
      costMinor: 30_000,
      conversions: 6,
      revenueMinor: 100_000,
      cacMinor: 5_000,
      roas: 100_000 / 30_000,
    });
    expect(totalsIn(rows, { from: "2024-01-01", to: "2024-01-02" })).toMatchObject({
      cacMinor: null,
      roas: null,
    });
  });

  it("compares today / 7 / 30 days with the previous period and the plan", () => {
    const [today, week, month] = periodKpis(rows, "2025-03-20", {
      dailyBudgetMinor: 16_000,
      targetCacMinor: 4_000,
    });
    expect(today.range).toEqual({ from: "2025-03-20", to: "2025-03-20" });
    expect(today.current.conversions).toBe(4);
    expect(today.change.conversions).toBe(0);
    expect(today.planCostMinor).toBe(16_000);
    expect(week.range).toEqual({ from: "2025-03-14", to: "2025-03-20" });
    expect(week.current.costMinor).toBe(105_000);
    // previous week 03-07..03-13: days 7-10 social had 1 conversion, 11-13 had 2
    expect(week.previous.conversions).toBe(7 * 2 + 4 * 1 + 3 * 2);
    expect(week.change.conversions).toBeCloseTo(28 / 24 - 1);
    expect(week.planCacMinor).toBe(4_000);
    // 30 days reach before the data: no comparison rather than a misleading one
    expect(month.change.costMinor).toBeNull();
    expect(month.current.costMinor).toBe(20 * 15_000);
  });

  it("paces the day and the month", () => {
    const p = pacing(rows, "2025-03-20", 12, 20_000);
    expect(p.daySpentMinor).toBe(15_000);
    expect(p.dayFraction).toBeCloseTo(0.75);
    expect(p.monthSpentMinor).toBe(300_000);
    expect(p.monthBudgetMinor).toBe(20_000 * 31);
    expect(p.monthPace).toBeCloseTo(300_000 / (20_000 * 19.5));
    expect(pacing(rows, "2025-03-20", 12, null).dayFraction).toBeNull();
  });

  it("finds the latest day with data", () => {
    expect(latestDay(rows)).toBe("2025-03-20");
    expect(latestDay([row("2025-04-01", "x", 0, 0, 0), ...rows])).toBe("2025-03-20");
    expect(latestDay([])).toBeNull();
  });
});

describe("series", () => {
  it("builds one series per channel over sorted days, largest first, zero-filled", () => {
    const s = seriesByChannel(
      [
        row("2025-03-02", "social", 5, 1, 0),
        row("2025-03-01", "search", 10, 2, 0),
        row("2025-03-02", "search", 20, 1, 0),
      ],
      "costMinor",
    );
    expect(s.x).toEqual(["2025-03-01", "2025-03-02"]);
    expect(s.series).toEqual([
      { name: "search", values: [10, 20] },
      { name: "social", values: [0, 5] },
    ]);
  });

  it("turns allocation history into shares that sum to one", () => {
    const s = shareOverTime({
      accountId: "a",
      currency: "USD",
      channels: ["social", "search"],
      cycles: [
        {
          cycleNo: 1,
          at: "t1",
          totalBudgetMinor: 100,
          channels: [
            { channel: "search", budgetMinor: 75, share: 0.75 },
            { channel: "social", budgetMinor: 25, share: 0.25 },
          ],
        },
        {
          cycleNo: 2,
          at: "t2",
          totalBudgetMinor: 100,
          channels: [{ channel: "search", budgetMinor: 50, share: 0.5 }],
        },
      ],
    });
    expect(s.x).toEqual(["t1", "t2"]);
    expect(s.series).toEqual([
      { name: "search", values: [0.75, 1] },
      { name: "social", values: [0.25, 0] },
    ]);
  });
});
