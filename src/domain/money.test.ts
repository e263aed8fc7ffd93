import { describe, expect, it } from "vitest";
import { parseCurrency } from "./currency.js";
import { decimalToMinor, decimalToScaledInteger, microsToMinor, minorToDecimal, money } from "./money.js";

describe("money", () => {
  it("parses decimal text exactly into minor units per currency exponent", () => {
    expect(decimalToMinor("1234.56", "USD")).toBe(123456);
    expect(decimalToMinor("0.1", "USD")).toBe(10);
    expect(decimalToMinor("-0.07", "EUR")).toBe(-7);
    expect(decimalToMinor("1500", "JPY")).toBe(1500);
    expect(decimalToMinor("1.2345", "KWD")).toBe(1235);
    expect(decimalToMinor("2.675", "USD")).toBe(268); // a float would give 2.67
    expect(decimalToMinor("abc", "USD")).toBeUndefined();
    expect(decimalToMinor(".", "USD")).toBeUndefined();
  });
  it("converts micros and cents to the same minor units", () => {
    expect(microsToMinor(12_340_000, "USD")).toBe(1234);
    expect(microsToMinor(12_345_000, "USD")).toBe(1235);
    expect(microsToMinor(1_000_000, "JPY")).toBe(1);
    expect(decimalToScaledInteger("12.34", 6)).toBe(12_340_000);
  });
  it("prints minor units back as exact decimals", () => {
    expect(minorToDecimal(123456, "USD")).toBe("1234.56");
    expect(minorToDecimal(-5, "USD")).toBe("-0.05");
    expect(minorToDecimal(1500, "JPY")).toBe("1500");
  });
  it("rejects non-integer amounts and unknown currencies with a clear message", () => {
    expect(() => money(1.5, "USD")).toThrow(/integer number of minor units/);
    expect(() => parseCurrency("XYZ")).toThrow(/unknown currency "XYZ".*ISO 4217/);
    expect(parseCurrency("usd")).toBe("USD");
  });
});
