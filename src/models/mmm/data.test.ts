import { describe, expect, it } from "vitest";
import { mmmInputFromRows, prepareModel } from "./data.js";

describe("mmmInputFromRows", () => {
  const rows = [
    { week: "2024-01-15", sales: "120", tv: "10", search: "", price: "1.5" },
    { week: "2024-01-01", sales: "100", tv: "0", search: "5", price: "1.4" },
    { week: "2024-01-08", sales: 110, tv: 4, search: 6, price: 1.6 },
  ];

  it("sorts by date, treats empty spend as zero and keeps names", () => {
    const input = mmmInputFromRows(rows, {
      date: "week",
      target: "sales",
      channels: ["tv", "search"],
      controls: ["price"],
    });
    expect(input.dates).toEqual(["2024-01-01", "2024-01-08", "2024-01-15"]);
    expect(Array.from(input.target)).toEqual([100, 110, 120]);
    expect(Array.from(input.channels[1].spend)).toEqual([5, 6, 0]);
    expect(input.controls?.[0].name).toBe("price");
    expect(input.targetName).toBe("sales");
  });

  it("names the row and column of a bad value, and missing columns", () => {
    const bad = [...rows, { week: "2024-01-22", sales: "n/a", tv: "1", search: "1", price: "1" }];
    expect(() => mmmInputFromRows(bad, { date: "week", target: "sales", channels: ["tv"] })).toThrow(
      /row 5, column "sales": "n\/a" is not a number/,
    );
    expect(() => mmmInputFromRows(rows, { target: "revenue", channels: ["tv"] })).toThrow(
      /column "revenue" is not in the data; columns are: week, sales, tv, search, price/,
    );
    expect(() =>
      mmmInputFromRows([{ week: "soon", sales: "1", tv: "1" }], {
        date: "week",
        target: "sales",
        channels: ["tv"],
      }),
    ).toThrow(/not an ISO date/);
  });
});

describe("prepareModel", () => {
  const n = 30;
  const base = {
    dates: Array.from({ length: n }, (_, t) => new Date(Date.UTC(2023, 0, 2 + t)).toISOString().slice(0, 10)),
    target: Array.from({ length: n }, (_, t) => 50 + t),
    channels: [{ name: "tv", spend: Array.from({ length: n }, (_, t) => (t % 3) * 10) }],
  };

  it("scales the target and channels by their maximum and detects daily data", () => {
    const spec = prepareModel(base);
    expect(spec.yScale).toBe(79);
    expect(spec.channels[0].scale).toBe(20);
    expect(Math.max(...spec.channels[0].x)).toBe(1);
    expect(spec.lMax).toBe(28);
    expect(spec.linNames).toContain("weekday.sin1");
    expect(spec.linNames).toContain("fourier.cos2");
  });

  it("rejects bad options with a useful message", () => {
    expect(() => prepareModel(base, { holdout: 25 })).toThrow(/holdout must be an integer between 0 and 22/);
    expect(() => prepareModel(base, { adstock: "carryover" as never })).toThrow(
      /adstock "carryover" is not known/,
    );
    expect(() =>
      prepareModel(base, { liftTests: [{ channel: "radio", spend: 1, deltaSpend: 1, lift: 1, sigma: 1 }] }),
    ).toThrow(/liftTests\[0\]: channel "radio" is not one of tv/);
    expect(() => prepareModel({ ...base, channels: [{ name: "tv", spend: Array(n).fill(0) }] })).toThrow(
      /no spend in any period/,
    );
    expect(() => prepareModel({ ...base, dates: [...base.dates].reverse() })).toThrow(/strictly increasing/);
  });
});
