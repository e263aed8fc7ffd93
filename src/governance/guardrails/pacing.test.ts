import { describe, expect, it } from "vitest";
import { evaluatePacing, hourlySpendCapMinor, spendLadder } from "./pacing.js";
import { limitsFor } from "./test-helpers.js";

describe("pacing (GAELP budget pacer and spend ladder)", () => {
  const limits = limitsFor();
  it("warns at 80% and 95% and stops at 100% of the daily budget", () => {
    expect(spendLadder(7_999, 10_000, limits)).toMatchObject({ level: "ok", crossed: null });
    expect(spendLadder(8_000, 10_000, limits)).toMatchObject({ level: "warn", crossed: 0.8 });
    expect(spendLadder(9_500, 10_000, limits)).toMatchObject({ level: "warn", crossed: 0.95 });
    expect(spendLadder(10_000, 10_000, limits)).toMatchObject({ level: "stop", crossed: 1 });
    expect(spendLadder(1, 0, limits).level).toBe("stop");
  });
  it("caps any hour at 15% of the daily budget", () => {
    expect(hourlySpendCapMinor(10_000, limits)).toBe(1_500);
    expect(
      evaluatePacing({ spendTodayMinor: 3_000, spendThisHourMinor: 1_500 }, 10_000, limits).blockIncrease,
    ).toBe(false);
    expect(
      evaluatePacing({ spendTodayMinor: 3_000, spendThisHourMinor: 1_501 }, 10_000, limits),
    ).toMatchObject({ hourlyCapExceeded: true, blockIncrease: true });
  });
});
