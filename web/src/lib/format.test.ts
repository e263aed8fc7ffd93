import { describe, expect, it } from "vitest";
import {
  currencyDigits,
  formatChange,
  formatDay,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRatio,
  relativeChange,
} from "./format.js";

describe("format", () => {
  it("formats money from minor units with thousands separators", () => {
    expect(formatMoney(1234567, "USD")).toBe("$12,346");
    expect(formatMoney(1234567, "USD", { cents: true })).toBe("$12,345.67");
    expect(formatMoney(1234567, "JPY")).toBe("¥1,234,567");
    expect(formatMoney(-500, "EUR", { cents: true })).toBe("-€5.00");
    expect(formatMoney(null, "USD")).toBe("–");
    expect(formatMoney(250_000_000, "USD", { compact: true })).toBe("$2.5M");
  });

  it("knows the currency's minor digits", () => {
    expect(currencyDigits("USD")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
  });

  it("formats numbers, percentages and ratios", () => {
    expect(formatNumber(1234567.891)).toBe("1,234,568");
    expect(formatNumber(1234.5, 1)).toBe("1,234.5");
    expect(formatNumber(Number.NaN)).toBe("–");
    expect(formatPercent(0.12345)).toBe("12.3%");
    expect(formatRatio(1.23456)).toBe("1.23×");
    expect(formatDay("2025-03-04")).toBe("Mar 4");
  });

  it("computes and formats relative changes", () => {
    expect(relativeChange(120, 100)).toBeCloseTo(0.2);
    expect(relativeChange(80, 100)).toBeCloseTo(-0.2);
    expect(relativeChange(5, 0)).toBeNull();
    expect(relativeChange(null, 100)).toBeNull();
    expect(formatChange(0.2)).toBe("+20.0%");
    expect(formatChange(-0.04)).toBe("−4.0%");
    expect(formatChange(0)).toBe("±0.0%");
    expect(formatChange(null)).toBe("no earlier data");
  });
});
